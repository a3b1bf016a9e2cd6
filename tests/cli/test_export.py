from __future__ import annotations

import json
import stat

import pytest
from django.db import OperationalError

from coffeechat.services import exports
from tests.services.export_checks import problems


@pytest.fixture
def filled(owner, run):
    assert run("demo").exit_code == 0
    return owner


def test_export_json_writes_the_whole_document_to_stdout(filled, run):
    result = run("export", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["format"], document["version"]) == ("coffeechat", 1)
    assert len(document["contacts"]) >= 40
    assert len(document["chats"]) >= 25
    assert problems(document) == []


def test_two_exports_differ_only_in_when_they_were_made(filled, run):
    first = run("export", "json").stdout.splitlines()
    second = run("export", "json").stdout.splitlines()
    differing = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert len(differing) <= 1
    assert all('"exported_at"' in a for a, _ in differing)


def test_output_file_is_written_whole_and_private(filled, run, tmp_path):
    target = tmp_path / "export.json"
    result = run("export", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"to {target}." in result.stderr
    assert problems(json.loads(target.read_text(encoding="utf-8"))) == []
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_a_failed_export_leaves_the_old_file_untouched(filled, run, tmp_path, monkeypatch):
    target = tmp_path / "export.json"
    target.write_text("the previous export\n", encoding="utf-8")

    def fails_half_way(owner, out, **kwargs):
        out.write('{\n  "format": "coffeechat",')
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(exports, "write_json", fails_half_way)
    result = run("export", "json", "-o", str(target))
    assert result.exit_code == 1
    assert "disk I/O error" in result.output
    assert "Nothing was changed" in result.output
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_an_output_directory_is_refused(owner, run, tmp_path):
    result = run("export", "json", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_an_output_in_a_missing_folder_is_refused(owner, run, tmp_path):
    result = run("export", "json", "-o", str(tmp_path / "nowhere" / "export.json"))
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("format_name", ["xml", "vcf", "JSONL"])
def test_an_unknown_format_is_refused_with_the_known_ones(run, format_name):
    result = run("export", format_name)
    assert result.exit_code == 2
    assert "'json'" in result.output and "'vcard'" in result.output


def test_an_empty_home_exports_empty_lists(owner, run):
    document = json.loads(run("export", "json").stdout)
    assert document["contacts"] == [] and document["chats"] == []
    assert document["preferences"]["time_zone"] == "Europe/Berlin"
