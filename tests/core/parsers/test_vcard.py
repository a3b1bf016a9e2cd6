"""vCard 2.1, 3.0 and 4.0: the real-world corpus, the tricky rules, and a round-trip property."""

from __future__ import annotations

import codecs
import quopri

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.parsers import ParseError, parse_vcard
from tests.shared_corpus import shared, shared_files

CORPUS_FILES = shared_files("vcards", pattern="*.vcf")


def corpus(name: str) -> bytes:
    return (shared("vcards") / name).read_bytes()


def the_only(name: str):
    result = parse_vcard(corpus(name))
    assert result.skipped == ()
    (record,) = result.records
    return record


def test_the_corpus_is_present_or_its_absence_is_shown():
    shared("vcards")
    assert len(CORPUS_FILES) >= 18


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name)
def test_every_corpus_file_parses_with_no_card_refused(path):
    data = path.read_bytes()
    result = parse_vcard(data)
    assert result.skipped == ()
    assert len(result.records) == data.upper().count(b"BEGIN:VCARD")
    assert all(record.name for record in result.records)


def test_rfc6350_example():
    simon = the_only("rfc6350-example.vcf")
    assert (simon.name, simon.first_name, simon.last_name) == (
        "Simon Perreault",
        "Simon",
        "Perreault",
    )
    assert simon.organisation == "Viagenie"
    assert simon.emails == ("simon.perreault@viagenie.ca",)
    assert simon.phones == ("+1-418-656-9254;ext=102", "+1-418-262-6501")
    assert simon.websites == ("http://nomis80.org",)


def test_rfc2426_example_has_two_cards():
    frank, tim = parse_vcard(corpus("rfc2426-example.vcf")).records
    assert frank.name == "Frank Dawson"
    assert frank.emails == ("Frank_Dawson@lotus.com", "fdawson@earthlink.net")
    assert tim.organisation == "Netscape Communications Corp."
    assert tim.phones == ("+1-415-937-3419", "+1-415-528-4164")
    assert tim.line == 13


def test_evolution_folded_and_escaped_values_are_whole():
    john = the_only("John_Doe_EVOLUTION.vcf")
    assert john.name == "Mr. John Richter, James Doe Sr."
    assert (john.organisation, john.role) == ("IBM", "Money Counter")
    assert john.emails == ("john.doe@ibm.com",)
    assert john.phones == ("905-666-1234", "905-555-1234")
    assert john.notes.startswith("THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIB")
    assert "WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED" in john.notes
    assert "SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS" in john.notes
    assert john.notes.endswith("ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.")


def test_gmail_note_keeps_its_new_lines_and_escaped_quotes():
    john = the_only("John_Doe_GMAIL.vcf")
    assert john.notes.startswith(
        'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"'
    )
    assert john.notes.endswith("SUCH DAMAGE.\nFavotire Color: Blue")
    assert john.websites == ("http://www.ibm.com",)  # "http\://" unescaped


def test_iphone_grouped_email_and_odd_line_ends():
    john = the_only("John_Doe_IPHONE.vcf")
    assert john.emails == ("john.doe@ibm.com",)  # item1.EMAIL
    assert "905-222-1234" in john.phones  # item2.TEL
    assert len(john.phones) == 7
    assert (john.organisation, john.role) == ("IBM", "Money Counter")


def test_mac_address_book():
    john = the_only("John_Doe_MAC_ADDRESS_BOOK.vcf")
    assert john.name == "Mr. John Richter,James Doe Sr."
    assert john.emails == ("john.doe@ibm.com",)
    assert len(john.phones) == 7


def test_outlook_2003_quoted_printable_note_with_a_soft_break_inside_an_escape():
    john = the_only("outlook-2003.vcf")
    assert john.notes == "This is the note field!!\nSecond line\n\nThird line is empty"
    assert (john.organisation, john.role) == ("Company, The", "The Job Title")
    assert john.emails == ("jdoe@hotmail.com",)


def test_outlook_2007_quoted_printable_note_over_several_lines():
    mike = the_only("outlook-2007.vcf")
    assert mike.notes.startswith("This is the NOTE field\t\nI assume it encodes this text")
    assert mike.notes.endswith("It does not preserve the formatting")
    assert mike.phones == ("(111) 555-1111", "(111) 555-2222", "(111) 555-4444", "(111) 555-3333")


def test_ms_outlook_long_unfolded_note_keeps_its_commas():
    john = the_only("John_Doe_MS_OUTLOOK.vcf")
    assert "''AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT" in john.notes
    assert john.role == "Money Counter"


def test_android_quoted_printable_utf8_names_and_soft_breaks():
    cards = parse_vcard(corpus("John_Doe_ANDROID.vcf")).records
    assert len(cards) == 6
    assert cards[0].emails == ("john.doe@company.com",)
    assert cards[2].name == "Ñ Ñ Ñ Ñ Ñ"
    assert cards[3].name == " ".join(["Ñ"] * 11)
    assert cards[3].phones == ("123456", "234567", "3456789", "45678901")
    assert cards[4].organisation == "Ñ" * 12
    # The card's second "email" is no address: it is left out, with a warning (core.fields).
    assert cards[4].emails == ("bob@company.com",)
    assert cards[4].warnings == (
        f'The email "{"Ñ" * 14}" was left out: An email address has '
        "exactly one @, such as sam@example.com.",
    )
    assert cards[5].organisation == "Ñ" * 44


def test_blackberry_and_fullcontact_and_thunderbird():
    assert the_only("John_Doe_BLACK_BERRY.vcf").organisation == "Acme Solutions"
    full = the_only("fullcontact.vcf")
    assert (full.organisation, full.role) == ("Organization1", "Title1")
    assert full.notes == "Notes line 1\nNotes line 2"
    assert len(full.emails) == 5
    assert len(full.phones) == 9
    bird = the_only("thunderbird-MoreFunctionsForAddressBook-extension.vcf")
    assert bird.notes.endswith('in the "note" field; even curse words.')
    assert bird.role == "TheTitle"


def test_issue114_escaped_comma_in_the_formatted_name():
    dummy = the_only("issue114.vcf")
    assert dummy.name == "Dummy, Dummy"
    assert dummy.organisation == "Dummy GmbH"


# Rules written by us -------------------------------------------------------------------------


def test_values_with_commas_are_kept_whole():
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\n"
        b"NOTE:one, two, three\r\n"
        b"URL:https://example.com/a,b,c?x=1,2\r\n"
        b"END:VCARD\r\n"
    )
    ada = parse_vcard(data).records[0]
    assert ada.notes == "one, two, three"
    assert ada.websites == ("https://example.com/a,b,c?x=1,2",)


def test_linkedin_addresses_from_url_and_social_profile():
    by_url = b"BEGIN:VCARD\nVERSION:4.0\nFN:Ada\nURL:https://www.linkedin.com/in/ada\nEND:VCARD\n"
    social = (
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\n"
        b"X-SOCIALPROFILE;type=linkedin:http://www.linkedin.com/in/ada2\nEND:VCARD\n"
    )
    assert parse_vcard(by_url).records[0].linkedin_url == "https://www.linkedin.com/in/ada"
    assert parse_vcard(by_url).records[0].websites == ()
    assert parse_vcard(social).records[0].linkedin_url == "http://www.linkedin.com/in/ada2"


def test_a_charset_parameter_decodes_a_latin1_value():
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1:N\xfa\xf1ez;Jos\xe9\r\n"
        b"FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Jos=E9 N=FA=F1ez\r\nEND:VCARD\r\n"
    )
    jose = parse_vcard(data).records[0]
    assert (jose.name, jose.first_name, jose.last_name) == ("José Núñez", "José", "Núñez")


def test_utf16_with_a_byte_order_mark():
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n".encode("utf-16")
    assert parse_vcard(data).records[0].name == "Zoë"


def test_unknown_properties_and_stray_lines_are_tolerated():
    data = (
        b'garbage before\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nX-WHATEVER;FOO="a:b":c\r\n'
        b"no colon here\r\nFN:Ada\r\nBDAY:1815-12-10\r\nEND:VCARD\r\n"
    )
    result = parse_vcard(data)
    assert [record.name for record in result.records] == ["Ada"]
    assert result.records[0].line == 2


def test_a_truncated_card_is_skipped_with_its_line():
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Gra"
    result = parse_vcard(data)
    assert [record.name for record in result.records] == ["Ada"]
    assert [(skip.line, "END:VCARD" in skip.reason) for skip in result.skipped] == [(5, True)]


def test_a_card_with_nothing_to_name_it_by_is_skipped():
    result = parse_vcard(b"BEGIN:VCARD\nVERSION:3.0\nBDAY:2000-01-01\nEND:VCARD\n")
    assert result.records == ()
    assert result.skipped[0].line == 1


def test_system_categories_are_dropped():
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nCATEGORIES:My Contacts,Mentors\nEND:VCARD\n"
    assert parse_vcard(data).records[0].tags == ("Mentors",)


@pytest.mark.parametrize(
    "data", [b"First Name,Last Name\nAda,Lovelace\n", b"Notes:\nnothing here\n"]
)
def test_a_file_of_another_kind_is_refused_with_a_clear_message(data):
    with pytest.raises(ParseError, match="not a vCard file"):
        parse_vcard(data)


def test_an_empty_file_is_refused():
    with pytest.raises(ParseError, match="empty"):
        parse_vcard(codecs.BOM_UTF8)


# A written-then-parsed card gives the same values --------------------------------------------

text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r")
    | st.sampled_from([",", ";", "\\", ":", "\n", "é", "Ñ", "😀"]),
    max_size=40,
).filter(lambda value: value.strip() != "")
names = text_values.map(lambda value: " ".join(value.split())).filter(bool)


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """Fold at 75 octets, possibly inside a multi-byte character, as the RFC allows writers to."""
    data = line.encode("utf-8")
    chunks = [data[:75]] + [b" " + data[i : i + 74] for i in range(75, len(data), 74)]
    return b"\r\n".join(chunks) + b"\r\n"


def write_card(version: str, fn: str, given: str, family: str, org: str, note: str) -> bytes:
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"FN:{escape(fn)}",
        f"N:{escape(family)};{escape(given)};;;",
        f"ORG:{escape(org)};Department",
        f"TITLE:{escape(org)}",
        f"NOTE:{escape(note)}",
        "END:VCARD",
    ]
    return b"".join(fold(line) for line in lines)


@given(
    st.sampled_from(["3.0", "4.0"]),
    names,
    names,
    names,
    text_values.map(str.strip),
    text_values.map(str.strip),
)
def test_a_written_card_parses_back_to_the_same_values(version, fn, given_name, family, org, note):
    record = parse_vcard(write_card(version, fn, given_name, family, org, note)).records[0]
    assert record.name == fn
    assert (record.first_name, record.last_name) == (given_name, family)
    assert record.organisation == org
    assert record.role == org
    assert record.notes == note


@given(st.lists(st.tuples(names, st.booleans()), max_size=12))
def test_every_card_is_a_record_or_a_skip(cards):
    data = b"".join(
        write_card("3.0", fn, "", "", "", "")
        if named
        else b"BEGIN:VCARD\r\nVERSION:3.0\r\nBDAY:2000-01-01\r\nEND:VCARD\r\n"
        for fn, named in cards
    )
    if not cards:
        return
    result = parse_vcard(data)
    assert result.total == len(cards)
    assert len(result.skipped) == sum(1 for _fn, named in cards if not named)


def test_quoted_printable_soft_breaks_round_trip():
    note = "Zoë, the note; with \\ and\nnew lines " * 5
    encoded = quopri.encodestring(note.encode("utf-8")).replace(b"\n", b"=0A=\r\n")
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Zoe\r\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + encoded + b"\r\nEND:VCARD\r\n"
    )
    assert parse_vcard(data).records[0].notes == note.strip()
