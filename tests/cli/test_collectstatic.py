"""``coffeechat collectstatic``: a server's static files under hashed names, compressed."""

from __future__ import annotations

import json
import re

from tests.cli.conftest import coffeechat

# Server mode reads these; collecting static files never opens the database.
SERVER = {
    "COFFEECHAT_MODE": "server",
    "DATABASE_URL": "postgres://coffeechat@db.invalid:5432/coffeechat",
    "COFFEECHAT_SECRET_KEY": "a-test-key-that-is-long-enough-to-be-accepted",
    "COFFEECHAT_ALLOWED_HOSTS": "cc.example.edu",
}


def test_collectstatic_writes_hashed_compressed_files_and_their_manifest(tmp_path):
    root = tmp_path / "static"
    result = coffeechat("collectstatic", COFFEECHAT_STATIC_ROOT=str(root), **SERVER)
    assert result.returncode == 0, result.stderr
    found = re.fullmatch(
        r"Collected (\d+) static files into (\S+), with hashed names\. "
        r"Start \(or restart\) the app servers to serve them\.\n",
        result.stdout,
    )
    assert found, result.stdout
    assert found[2] == str(root)
    paths = json.loads((root / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    assert int(found[1]) == len(paths)
    hashed = paths["coffeechat/app.css"]
    assert re.fullmatch(r"coffeechat/app\.[0-9a-f]{12}\.css", hashed)
    assert (root / hashed).is_file()
    assert (root / f"{hashed}.gz").is_file()
    assert "coffeechat/icons/maskable-512.png" in paths


def test_collecting_again_keeps_the_files_of_earlier_versions(tmp_path):
    root = tmp_path / "static"
    earlier = root / "coffeechat" / "app.0123456789ab.css"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("/* an earlier version */", encoding="utf-8")
    result = coffeechat("collectstatic", COFFEECHAT_STATIC_ROOT=str(root), **SERVER)
    assert result.returncode == 0, result.stderr
    assert earlier.is_file()


def test_without_a_static_root_there_is_nothing_to_collect(tmp_path):
    result = coffeechat("--home", str(tmp_path), "collectstatic")
    assert result.returncode == 1
    assert "There is nothing to collect" in result.stderr
    assert "COFFEECHAT_STATIC_ROOT" in result.stderr


def test_a_static_root_that_cannot_be_written_is_a_plain_error(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    result = coffeechat("collectstatic", COFFEECHAT_STATIC_ROOT=str(blocked / "static"), **SERVER)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: Cannot write the static files to {blocked / 'static'}")
    assert "Traceback" not in result.stderr
