from __future__ import annotations

import csv
import io
import stat

from vobject.base import getLogicalLines, parseLine

from coffeechat.core.csvsafe import BOM
from coffeechat.services.contacts import ContactDetails, add_contact


def test_export_csv_writes_one_row_per_contact_to_stdout(owner, run):
    add_contact(owner, ContactDetails(name="Ada Lovelace", emails=("ada@example.org",)))
    add_contact(owner, ContactDetails(name="=1+1"))
    result = run("export", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix(BOM), newline="")))
    assert rows[0][:3] == ["name", "role", "organisation"]
    assert sorted(row[0] for row in rows[1:]) == ["'=1+1", "Ada Lovelace"]


def test_export_vcard_writes_a_whole_private_file(owner, run, tmp_path):
    add_contact(owner, ContactDetails(name="Zoë Ng", organisation="Ng, Ltd"))
    add_contact(owner, ContactDetails(name="Ada Lovelace"))
    target = tmp_path / "contacts.vcf"
    result = run("export", "vcard", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "Exported 2 contacts to" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.vcf"]
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    lines = [parseLine(line, n) for line, n in getLogicalLines(io.StringIO(raw.decode("utf-8")))]
    assert [value for name, _, value, _ in lines if name in ("FN", "ORG")] == [
        "Ada Lovelace",
        "Zoë Ng",
        "Ng\\, Ltd",
    ]


def test_export_help_names_every_format(run):
    result = run("export", "--help")
    words = " ".join(result.output.split())
    assert "FORMAT: json (everything), csv or vcard (contacts), ics (chats)" in words
