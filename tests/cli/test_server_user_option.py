"""The data commands on a server: --user EMAIL says whose data; backup dumps the whole database."""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pytest

from coffeechat.services import reminders
from coffeechat.services.accounts import create_user
from coffeechat.store.models import Contact, ImportBatch
from tests.web.conftest import make_contact

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kat Imported\r\nEND:VCARD\r\n"


@pytest.fixture
def server(settings, db):
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG, mode="server", allowed_hosts=["coffee.example.edu"]
    )
    settings.COFFEECHAT_MODE = "server"
    return settings


@pytest.fixture
def sam(db):
    user = create_user("sam@example.edu", email="sam@example.edu")
    make_contact(user, "Ada Lovelace")
    return user


@pytest.fixture
def kim(db):
    user = create_user("kim@example.edu", email="kim@example.edu")
    make_contact(user, "Grace Hopper")
    return user


def test_export_exports_the_named_users_data_only(server, run, sam, kim):
    result = run("export", "json", "--user", "SAM@example.edu")
    assert result.exit_code == 0, result.output
    names = [contact["name"] for contact in json.loads(result.stdout)["contacts"]]
    assert names == ["Ada Lovelace"]


def test_a_server_needs_user_and_says_so(server, run, sam):
    for command in (
        ["export", "json"],
        ["import", "vcard", __file__],
        ["import", "undo", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"],
    ):
        result = run(*command)
        assert result.exit_code == 1, command
        assert "--user EMAIL" in result.output, command


def test_an_unknown_user_is_refused_plainly(server, run, sam):
    result = run("export", "json", "--user", "nobody@example.edu")
    assert result.exit_code == 1
    assert "There is no account for nobody@example.edu on this server" in result.output


def test_import_and_undo_work_on_the_named_user(server, run, sam, kim, tmp_path):
    card = tmp_path / "kat.vcf"
    card.write_text(CARD, encoding="utf-8")
    result = run("import", "vcard", str(card), "--user", "kim@example.edu")
    assert result.exit_code == 0, result.output
    assert Contact.objects.filter(owner=kim, name="Kat Imported").exists()
    assert not Contact.objects.filter(owner=sam, name="Kat Imported").exists()
    batch = ImportBatch.objects.get(owner=kim)
    refused = run("import", "undo", str(batch.code), "--user", "sam@example.edu")
    assert refused.exit_code == 1  # not sam's import
    undone = run("import", "undo", str(batch.code), "--user", "kim@example.edu")
    assert undone.exit_code == 0, undone.output
    assert not Contact.objects.filter(name="Kat Imported").exists()


def test_remind_with_user_serves_that_user_only(server, run, sam, kim, monkeypatch):
    asked = []

    def remind(**kwargs):
        asked.append(kwargs["owner"])
        return reminders.Report()

    monkeypatch.setattr(reminders, "remind", remind)
    assert run("remind", "--dry-run", "--user", "kim@example.edu").exit_code == 0
    assert run("remind", "--dry-run").exit_code == 0
    assert asked == [kim, None]  # without --user, a server's run serves everyone


def test_a_local_home_refuses_user_kindly(owner, run):
    for command in (["export", "json"], ["remind", "--dry-run"], ["backup"]):
        result = run(*command, "--user", "sam@example.edu")
        assert result.exit_code == 1, command
        assert "leave --user out" in result.output, command


def test_a_server_backup_is_the_whole_database_and_takes_no_user(server, run, sam):
    result = run("backup", "--user", "sam@example.edu")
    assert result.exit_code == 1
    assert "every account" in result.output
    assert "coffeechat export json --user EMAIL" in result.output


@pytest.mark.postgres_only
def test_a_server_backup_runs_pg_dump_for_every_account(server, run, sam, tmp_path):
    result = run("backup", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "the whole database, every account" in result.output
    (dump,) = tmp_path.glob("coffeechat-backup-*.dump")
    assert dump.stat().st_mode & 0o077 == 0
    listing = subprocess.run(
        ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    assert "coffeechat_contact" in listing
    assert "auth_user" in listing
