from __future__ import annotations

import copy
import io
import json

import pytest

from coffeechat.services.calendars import import_file
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.demo import fill_demo
from coffeechat.services.errors import InvalidInput, NotEmpty
from coffeechat.services.exports import SECTIONS, document
from coffeechat.services.library import save_pitch
from coffeechat.services.live import start_chat
from coffeechat.services.messages import save_template
from coffeechat.services.prep import add_question
from coffeechat.services.restore import restore_json
from coffeechat.services.scripts import save_script
from coffeechat.store.models import (
    CalendarSource,
    Chat,
    Contact,
    ContactKey,
    Note,
    Organisation,
    Preferences,
)
from tests.services.prefs import set_preferences
from tests.services.test_exports import NOW, build


def as_file(value) -> io.BytesIO:
    return io.BytesIO(json.dumps(value).encode())


def without_time(exported: dict) -> dict:
    return {key: value for key, value in exported.items() if key != "exported_at"}


def owned_rows(owner) -> int:
    return sum(section.model.objects.for_owner(owner).count() for section in SECTIONS)


@pytest.fixture
def exported(alice):
    """Alice's demo network as an export, with Alice gone so her codes are free again."""
    set_preferences(alice, time_zone="Europe/Berlin", words_per_minute=170, vibrate=True)
    fill_demo(alice)
    result = document(alice)
    # Codes are unique in the whole database; deleting Alice frees them for the restore.
    alice.delete()
    return result


def test_an_export_restored_into_an_empty_home_exports_the_same_again(exported, bob):
    restore_json(bob, as_file(exported))
    assert without_time(document(bob)) == without_time(exported)


def test_the_round_trip_covers_every_kind_of_link(exported, bob):
    assert exported["contacts"] and exported["chats"] and exported["referrals"]
    assert any(chat["stories"] for chat in exported["chats"])
    assert exported["preferences"]["words_per_minute"] == 170
    restore_json(bob, as_file(exported))
    assert Preferences.objects.get(owner=bob).vibrate is True


def test_restore_reports_how_many_items_of_each_list_it_made(exported, bob):
    counts = restore_json(bob, as_file(exported))
    assert counts["contacts"] == len(exported["contacts"])
    assert counts["chats"] == Chat.objects.for_owner(bob).count()


def test_restore_renders_the_markdown_that_exports_leave_out(bob):
    doc = empty_document()
    doc["contacts"] = [contact("00000000-0000-4000-8000-000000000001", research_notes="**Bold**")]
    doc["notes"] = [
        {
            **stamps("00000000-0000-4000-8000-000000000002"),
            "kind": "insight",
            "text": "*quiet* word",
            "taken_at": "2030-01-09T12:00:00Z",
            "contact": "00000000-0000-4000-8000-000000000001",
            "chat": None,
        }
    ]
    restore_json(bob, as_file(doc))
    assert "<strong>Bold</strong>" in Contact.objects.get().research_notes_html
    assert "<em>quiet</em>" in Note.objects.get().text_html


def test_restore_keeps_a_contact_merged_into_a_later_one(bob):
    doc = empty_document()
    doc["contacts"] = [
        contact("00000000-0000-4000-8000-000000000001", merged_into=CODE_B),
        contact(CODE_B),
    ]
    restore_json(bob, as_file(doc))
    merged = Contact.objects.get(code="00000000-0000-4000-8000-000000000001")
    assert str(merged.merged_into.code) == CODE_B


def test_restore_refuses_a_home_that_already_has_contacts(exported, bob):
    restore_json(bob, as_file(exported))
    with pytest.raises(NotEmpty, match="already has .* contacts"):
        restore_json(bob, as_file(exported))


def test_restore_refuses_codes_another_account_already_has(alice, bob):
    fill_demo(alice)
    before = owned_rows(bob)
    with pytest.raises(NotEmpty, match="already in this database"):
        restore_json(bob, as_file(document(alice)))
    assert owned_rows(bob) == before


CODE_B = "00000000-0000-4000-8000-00000000000b"


def stamps(code: str) -> dict:
    return {"code": code, "created_at": "2030-01-01T08:00:00Z", "updated_at": "2030-01-02T08:00Z"}


def contact(code: str, **fields) -> dict:
    return {**stamps(code), "name": "Ada Lovelace", "organisation": None, **fields}


def empty_document() -> dict:
    doc: dict = {"format": "coffeechat", "version": 1, "exported_at": "2030-01-09T12:00:00Z"}
    doc["preferences"] = {}
    for section in SECTIONS:
        doc[section.key] = []
    return doc


def broken(change) -> dict:
    doc = empty_document()
    doc["contacts"] = [contact("00000000-0000-4000-8000-000000000001")]
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "not valid JSON .line 1, column 2"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"SQLite format 3\x00rest", "is a backup"),
        (json.dumps([1, 2]).encode(), "not an object"),
        (json.dumps({"format": "vcard", "version": 1}).encode(), '"format" is "vcard"'),
        (json.dumps({"format": "coffeechat", "version": 2}).encode(), "version 2"),
        (
            json.dumps(broken(lambda d: d["contacts"][0].update(organisation=CODE_B))).encode(),
            '"contacts" item 1 .* refers to organisation ' + CODE_B,
        ),
        (
            json.dumps(
                broken(lambda d: d["chats"].append({**stamps(CODE_B), "contact": None}))
            ).encode(),
            '"chats" item 1 .* needs a contact',
        ),
        (
            json.dumps(broken(lambda d: d["contacts"][0].update(code="nope"))).encode(),
            '"contacts" item 1 code is "nope", not a code',
        ),
        (
            json.dumps(broken(lambda d: d["contacts"][0].update(created_at="yesterday"))).encode(),
            'created_at is "yesterday", not a moment',
        ),
        (
            json.dumps(
                broken(lambda d: d["contacts"].append(copy.deepcopy(d["contacts"][0])))
            ).encode(),
            '"contacts" item 2 repeats the code',
        ),
        (
            json.dumps(broken(lambda d: d["contacts"][0].update(name=7))).encode(),
            "field name has the wrong type",
        ),
        (
            json.dumps(broken(lambda d: d.update(stories={}))).encode(),
            '"stories" must be a list',
        ),
    ],
)
def test_a_bad_document_is_refused_clearly_and_nothing_is_written(bob, payload, message):
    before = owned_rows(bob)
    with pytest.raises(InvalidInput, match=message):
        restore_json(bob, io.BytesIO(payload))
    assert owned_rows(bob) == before


def test_a_dangling_story_reference_names_the_chat(bob):
    doc = broken(
        lambda d: d["chats"].append(
            {
                **stamps(CODE_B),
                "contact": "00000000-0000-4000-8000-000000000001",
                "starts_at": "2030-01-09T12:00:00Z",
                "stories": ["00000000-0000-4000-8000-0000000000ff"],
            }
        )
    )
    with pytest.raises(InvalidInput, match=f'"chats" item 1 .{CODE_B}. refers to story'):
        restore_json(bob, as_file(doc))
    assert Contact.objects.for_owner(bob).count() == 0


def test_the_hand_built_network_round_trips_too(alice, bob, time_machine):
    time_machine.move_to(NOW, tick=False)
    build(alice, 3)
    add_question(alice, "What surprised you?", "insights")
    save_pitch(alice, "elevator", "I help people learn.")
    save_script(alice, "wrap_up", "Let me respect your time.")
    save_template(alice, "thank_you", "Thanks", "Thank you for the chat.")
    import_file(alice, "busy.ics", ICS)
    person = Contact.objects.for_owner(alice).first()
    start_chat(alice, plan_chat(alice, ChatPlan(person, NOW, agreed_minutes=20)))
    exported = document(alice)
    assert [section.key for section in SECTIONS if not exported[section.key]] == []
    alice.delete()
    restore_json(bob, as_file(exported))
    assert without_time(document(bob)) == without_time(exported)


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:busy-1\r
DTSTAMP:20300101T000000Z\r
DTSTART:20300110T090000Z\r
DTEND:20300110T100000Z\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_restore_gives_every_contact_its_matching_keys(exported, bob):
    restore_json(bob, as_file(exported))
    keyed = set(ContactKey.objects.for_owner(bob).values_list("contact", flat=True))
    assert keyed == set(Contact.objects.for_owner(bob).values_list("pk", flat=True))


# Every field is checked as the forms check it (core.fields): a file that plants a script, a
# date at the end of time or a second recipient is refused, naming the section, item and field.


def chat(code: str, **fields) -> dict:
    return {
        **stamps(code),
        "contact": "00000000-0000-4000-8000-000000000001",
        "starts_at": "2030-01-09T12:00:00Z",
        **fields,
    }


def feed(code: str, **fields) -> dict:
    return {**stamps(code), "name": "Work", "kind": "feed", **fields}


def organisation(code: str, **fields) -> dict:
    return {**stamps(code), "name": "Analytical Engines", **fields}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["contacts"][0].update(linkedin_url="javascript:alert(1)"),
            '"contacts" item 1 .* field linkedin_url is "javascript:alert.1.", which is not a '
            "web address a link may open: .*http:// or https://",
        ),
        (
            lambda d: d["organisations"].append(
                organisation(CODE_B, website="javascript:alert(1)")
            ),
            '"organisations" item 1 .* field website is "javascript:alert.1.", which is not a web',
        ),
        (
            lambda d: d["chats"].append(chat(CODE_B, link="data:text/html,<script>x</script>")),
            '"chats" item 1 .* field link is "data:text/html',
        ),
        (
            lambda d: d["chats"].append(chat(CODE_B, starts_at="9999-12-31T23:00:00Z")),
            '"chats" item 1 .* field starts_at is "9999-12-31T23:00:00Z", outside the days '
            "coffeechat keeps .between 1 January 1900 and 31 December 2200.",
        ),
        (
            lambda d: d["chats"].append(chat(CODE_B, starts_at="0001-01-01T00:00:00+05:00")),
            '"chats" item 1 .* field starts_at is "0001-01-01T00:00:00.05:00", outside the days',
        ),
        (
            lambda d: d["contacts"][0].update(created_at="0001-01-01T00:00:00+05:00"),
            '"contacts" item 1 .* field created_at is "0001-01-01T00:00:00.05:00", outside',
        ),
        (
            lambda d: d["opportunities"].append(
                {
                    **stamps(CODE_B),
                    "contact": "00000000-0000-4000-8000-000000000001",
                    "kind": "lead",
                    "title": "A lead",
                    "arose_on": "9999-12-31",
                }
            ),
            '"opportunities" item 1 .* field arose_on is "9999-12-31", outside the days',
        ),
        (
            lambda d: d["contacts"][0].update(emails=["ada@example.org, evil@example.com"]),
            '"contacts" item 1 .* field emails holds "ada@example.org, evil@example.com", which '
            "is not one email address: Give one address only",
        ),
        (
            lambda d: d["contacts"][0].update(emails=["ada@example.org\r\nBcc: evil@example.com"]),
            '"contacts" item 1 .* field emails holds .*, which is not one email address: .*line',
        ),
        (
            lambda d: d["contacts"][0].update(emails="ada@example.org"),
            '"contacts" item 1 .* field emails must be a list of email addresses',
        ),
        (
            lambda d: d["contacts"][0].update(emails=[7]),
            '"contacts" item 1 .* field emails must be a list of email addresses',
        ),
        (
            lambda d: d["contacts"][0].update(websites=["https://ada.example", "javascript:x"]),
            '"contacts" item 1 .* field websites holds an address a link may not open',
        ),
        (
            lambda d: d["contacts"][0].update(websites="https://ada.example"),
            '"contacts" item 1 .* field websites must be a list of web addresses',
        ),
        (
            lambda d: d["calendar_sources"].append(feed(CODE_B, url="javascript:alert(1)")),
            '"calendar_sources" item 1 .* field url is "javascript:alert.1.", which is not a web',
        ),
        (
            lambda d: d["contacts"][0].update(name="x" * 201),
            '"contacts" item 1 .* field name is longer than 200 characters',
        ),
    ],
)
def test_a_field_the_forms_would_refuse_is_refused_by_name(bob, change, message):
    with pytest.raises(InvalidInput, match=message):
        restore_json(bob, as_file(broken(change)))
    assert owned_rows(bob) == 0


def test_a_bare_web_address_gets_https_in_front_as_the_forms_give_it(bob):
    doc = broken(lambda d: d["contacts"][0].update(linkedin_url="linkedin.com/in/ada"))
    restore_json(bob, as_file(doc))
    assert Contact.objects.get().linkedin_url == "https://linkedin.com/in/ada"


def test_websites_and_the_all_day_choice_are_restored(bob):
    doc = broken(
        lambda d: (
            d["contacts"][0].update(websites=["ada.example/about", "https://ada.example/talks"]),
            d["calendar_sources"].append(
                feed(CODE_B, url="https://cal.example/f.ics", all_day_busy=True)
            ),
        )
    )
    restore_json(bob, as_file(doc))
    assert Contact.objects.get().websites == [
        "https://ada.example/about",
        "https://ada.example/talks",
    ]
    assert CalendarSource.objects.get().all_day_busy is True


def test_the_first_and_last_accepted_days_are_restored(bob):
    doc = broken(
        lambda d: d["chats"].extend(
            [
                chat(CODE_B, starts_at="1900-01-01T00:00:00+14:00"),
                chat("00000000-0000-4000-8000-00000000000c", starts_at="2200-12-31T23:59:00-12:00"),
            ]
        )
    )
    restore_json(bob, as_file(doc))
    assert Chat.objects.for_owner(bob).count() == 2


def test_a_feed_on_your_own_network_is_restored_as_the_feed_form_takes_it(bob):
    # The feed form accepts a calendar on the user's network (one rule, core.fields.feed_address),
    # so restore must not refuse what the form saved.
    doc = broken(
        lambda d: d["calendar_sources"].append(feed(CODE_B, url="webcal://nas/family.ics"))
    )
    restore_json(bob, as_file(doc))
    assert CalendarSource.objects.for_owner(bob).get().url == "https://nas/family.ics"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("Sam <sam@rivera.example>", "without a name or angle brackets"),
        ("sam@rivera.example\r\nBcc: evil@example.com", "line break"),
        ("sam@rivera.example, evil@example.com", "Give one address only"),
    ],
)
def test_your_email_address_in_preferences_must_be_one_address(bob, email, message):
    doc = broken(lambda d: d.update(preferences={"your_email": email}))
    with pytest.raises(
        InvalidInput, match=f'"preferences" field "your_email" .*not one email address: .*{message}'
    ):
        restore_json(bob, as_file(doc))
    assert owned_rows(bob) == 0
    assert Preferences.objects.get(owner=bob).your_email == ""


def test_who_you_are_is_restored(bob):
    you = {"your_name": "Sam Rivera", "your_email": " sam@rivera.example ", "signature": "Sam"}
    restore_json(bob, as_file(broken(lambda d: d.update(preferences=you))))
    saved = Preferences.objects.get(owner=bob)
    assert (saved.your_name, saved.your_email, saved.signature) == (
        "Sam Rivera",
        "sam@rivera.example",
        "Sam",
    )


def test_a_contacts_email_is_restored_by_the_forms_rule_local_part_as_written(bob):
    # One rule (core.fields.check_email) for the form, imports and restore.
    doc = broken(lambda d: d["contacts"][0].update(emails=["Omega.Smith@Example.COM"]))
    restore_json(bob, as_file(doc))
    assert Contact.objects.for_owner(bob).get().emails == ["Omega.Smith@example.com"]


def top(number: int, **fields) -> dict:
    code = f"00000000-0000-4000-8000-0000000001{number:02}"
    return organisation(
        code, **{"name": f"Org {number}", "is_target": True, "motivation": 2, **fields}
    )


@pytest.mark.parametrize(
    ("organisations", "message"),
    [
        ([top(1, top_slot=6)], "field top_slot is 6, not a place in the top five"),
        ([top(1, top_slot=1, is_target=False)], "is in the top five but is not a target"),
        ([top(1, top_slot=2), top(2, top_slot=2)], "both hold place 2 of the top five"),
        (
            [top(n, top_slot=n) for n in range(1, 6)] + [top(6, top_five=True)],
            "is a sixth top target: at most five",
        ),
    ],
)
def test_a_top_five_the_database_would_refuse_is_refused_by_name(bob, organisations, message):
    doc = empty_document()
    doc["organisations"] = organisations
    with pytest.raises(InvalidInput, match=message):
        restore_json(bob, as_file(doc))
    assert owned_rows(bob) == 0


def test_an_older_exports_top_five_flags_take_free_places(bob):
    doc = empty_document()
    doc["organisations"] = [top(1, top_five=True), top(2, top_slot=1), top(3, top_five=False)]
    restore_json(bob, as_file(doc))
    places = dict(Organisation.objects.for_owner(bob).values_list("name", "top_slot"))
    assert places == {"Org 1": 2, "Org 2": 1, "Org 3": None}


def test_a_talk_share_over_100_is_refused_by_name(bob):
    doc = broken(lambda d: d["chats"].append(chat(CODE_B, talk_share=101)))
    with pytest.raises(InvalidInput, match='"chats" item 1 .* talk_share is 101, not a percent'):
        restore_json(bob, as_file(doc))
