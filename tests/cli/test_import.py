"""``coffeechat import``: counts, skips, changes, dry run, undo, and errors without tracebacks."""

from __future__ import annotations

import re

from coffeechat.cli import imports as cli_imports
from coffeechat.store.models import Contact, ImportBatch

CSV = (
    "Notes:\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ada,Lovelace,linkedin.com/in/ada,,Analytical,Engineer,15 Mar 2024\r\n"
    ",,,,Nameless,,\r\n"
    "Grace,Hopper,,g@navy.mil,Navy,Admiral,1 Jan 2020\r\n"
)


def test_it_imports_and_prints_counts_skips_and_how_to_undo(run, owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(CSV, encoding="utf-8")
    result = run("import", "linkedin", str(path))
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 0 unchanged, 1 skipped (= 3)" in result.output
    assert "line 5: no first or last name in this row" in result.output
    code = ImportBatch.objects.get().code
    assert f"coffeechat import undo {code}" in result.output
    assert "/import/" in result.output
    assert Contact.objects.filter(owner=owner).count() == 2


def test_a_dry_run_shows_changes_and_writes_nothing(run, owner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CSV, encoding="utf-8")
    assert run("import", "linkedin", str(path)).exit_code == 0
    path.write_text(CSV.replace("Analytical,Engineer", "Babbage,CTO"), encoding="utf-8")
    result = run("import", "linkedin", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated, 1 unchanged, 1 skipped (= 3)" in result.output
    assert "Ada Lovelace: Analytical -> Babbage; Engineer -> CTO" in result.output
    assert "Dry run: nothing was written." in result.output
    assert Contact.objects.get(name="Ada Lovelace").role == "Engineer"


def test_long_skip_lists_end_with_a_count(run, owner, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_imports, "SHOWN", 2)
    path = tmp_path / "c.csv"
    path.write_text(CSV + ",,,,x,,\r\n" * 3, encoding="utf-8")
    result = run("import", "linkedin", str(path))
    assert "and 2 more" in result.output


def test_undo_takes_the_import_back(run, owner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CSV, encoding="utf-8")
    output = run("import", "linkedin", str(path)).output
    code = re.search(r"import undo (\S+),", output)[1]
    result = run("import", "undo", code)
    assert result.exit_code == 0, result.output
    assert "2 contacts removed" in result.output
    assert not Contact.objects.exists()
    again = run("import", "undo", code)
    assert again.exit_code == 1
    assert "undone already" in again.output
    assert "no import" in run("import", "undo", "0" * 32).output
    assert "not an import code" in run("import", "undo", "nonsense").output


def test_undoing_an_import_of_one_contact_says_so_in_the_singular(run, owner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CSV.split("Ada,")[0] + "Ada,Lovelace,,,,,\r\n", encoding="utf-8")
    code = re.search(r"import undo (\S+),", run("import", "linkedin", str(path)).output)[1]
    result = run("import", "undo", code)
    assert "Undone: 1 contact removed, 0 contacts put back as they were." in result.output


def test_a_wrong_file_is_a_message_not_a_traceback(run, owner, tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    result = run("import", "vcard", str(path))
    assert result.exit_code == 1
    assert "PNG image" in result.output
    assert "Traceback" not in result.output
    assert not ImportBatch.objects.exists()


def test_values_left_out_are_listed_by_line(run, owner, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        CSV.replace("linkedin.com/in/ada", "javascript:alert(1)").replace(
            "1 Jan 2020", "9999-12-31"
        ),
        encoding="utf-8",
    )
    result = run("import", "linkedin", str(path))
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 0 unchanged, 1 skipped (= 3)" in result.output
    assert "Imported, with a note (each record came in, as its line says):" in result.output
    assert 'line 4: The LinkedIn address "javascript:alert(1)" was left out' in result.output
    assert 'line 6: The "Connected On" day 9999-12-31 was left out' in result.output
