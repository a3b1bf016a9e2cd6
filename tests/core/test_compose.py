from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.compose import (
    DEFAULT_TEMPLATES,
    GAP,
    PLACEHOLDERS,
    MessageError,
    MessageTemplate,
    Name,
    Step,
    TemplateError,
    agreed_sentences,
    build_message,
    check_template,
    draft,
    fill,
    mailto_url,
    recap,
    stuck_from_note,
    stuck_sentence,
)
from coffeechat.core.text import first_name

WHEN = datetime(2030, 5, 6, 12, 30, tzinfo=UTC)
NOTE = "She left teaching for data science after a summer bootcamp"


def thank_you(**values):
    values.setdefault("first_name", "Maya")
    return draft(DEFAULT_TEMPLATES["thank_you"], **values)


def test_the_draft_writes_what_stuck_and_each_step_as_a_sentence_to_them():
    drafted = thank_you(
        memorable="Hearing how you moved into UX through the clinic app stayed with me",
        steps=[
            Step("them", "Introduce me to Sam"),
            Step("me", "Send her my case study on the booking flow", "by Friday"),
        ],
        names=[Name("Tom Lee", "Acme")],
        signature="Lee Chen",
    )
    assert drafted.subject == "Thank you for your time, Maya"
    assert drafted.body == (
        "Hi Maya,\n"
        "\n"
        "Thank you for taking the time to talk with me. Hearing how you moved into UX through "
        "the clinic app stayed with me.\n"
        "\n"
        "I’ll send you my case study on the booking flow by Friday. Thank you for offering to "
        "introduce me to Sam.\n"
        "\n"
        "Thank you too for suggesting I talk to Tom Lee at Acme.\n"
        "\n"
        "I really enjoyed our conversation, and I am grateful for it.\n"
        "\n"
        "All the best,\n"
        "Lee Chen"
    )


def test_with_nothing_captured_the_draft_thanks_them_and_marks_the_gap():
    assert thank_you().body == (
        "Hi Maya,\n"
        "\n"
        f"Thank you for taking the time to talk with me. {GAP}\n"
        "\n"
        "I really enjoyed our conversation, and I am grateful for it."
    )


def test_a_fragment_of_what_stuck_is_framed_without_changing_its_person():
    drafted = thank_you(memorable="your story about the clinic app")
    assert "Your story about the clinic app stayed with me." in drafted.body


def test_a_debrief_note_about_them_is_turned_to_them():
    assert stuck_sentence(stuck_from_note(NOTE)) == (
        "I keep thinking about how you left teaching for data science after a summer bootcamp."
    )


def test_a_step_for_both_of_us_stands_as_its_own_sentence():
    steps = [Step("me", "We'll meet again in March"), Step("me", "send her my notes", "by Friday")]
    assert agreed_sentences(steps) == (
        "I’ll send you my notes by Friday. We’ll meet again in March."
    )


def test_the_recap_for_a_nudge_has_no_labels():
    steps = [Step("them", "Introduce me to Sam"), Step("me", "Send the article", "by 12 May")]
    assert recap(steps) == (
        "- I’ll send the article by 12 May.\n- You offered to introduce me to Sam."
    )


# --- A letter a person would send ------------------------------------------------------------

STUCK = {
    "nothing": "",
    "sentence": "Hearing how you moved into UX through the clinic app stayed with me",
    "fragment": "your story about the clinic app",
}
MINE = {
    "none": [],
    "one": [Step("me", "Send her my case study on the booking flow")],
    "one dated": [Step("me", "I'll send Maya my notes", "by Friday")],
    "several": [
        Step("me", "Send her my case study on the booking flow", "by Thu 10 Dec"),
        Step("me", "email them the reading list"),
        Step("me", "Read the book she recommended", "next week"),
    ],
}
THEIRS = {
    "none": [],
    "one": [Step("them", "She'll introduce me to Tom")],
    "one dated": [Step("them", "Send me her slides", "by 10 Dec")],
    "several": [
        Step("them", "introduce me to Tom", "Friday"),
        Step("them", "Maya will send me her slides"),
        Step("them", "reviewing my portfolio"),
    ],
}
NAMES = {
    "none": [],
    "one": [Name("Tom Lee")],
    "one with organisation": [Name("Tom Lee", "Acme")],
    "several": [Name("Tom Lee", "Acme"), Name("Sara Kim"), Name("Jo Park", "Initech")],
}
THIRD_PERSON = re.compile(r"\b(?:she|he|her|him|his|hers|herself|himself|they|them|their)\b", re.I)
STRAY = ("  ", " ,", " .", "..", ",.", ".,", " ;", "\n\n\n", "()", " :")


def assert_reads_as_a_letter(body: str, signature: str) -> None:
    """A draft a person would send unchanged: greeting, sentences, close, signature."""
    lines = body.split("\n")
    assert lines[0] == "Hi Maya,"
    assert "Thank you for taking the time to talk with me." in body
    for stray in STRAY:
        assert stray not in body, stray
    assert not re.search(
        r"^\s*-?\s*(?:from me|from you|me|them|mine|theirs)\s*:", body, re.I | re.M
    )
    # No empty heading: every line ending in a colon has text right below it.
    for number, line in enumerate(lines):
        if line.endswith(":"):
            assert number + 1 < len(lines) and lines[number + 1].strip(), line
    ours = body.replace(GAP, "")
    assert not THIRD_PERSON.search(ours), THIRD_PERSON.search(ours)
    # Their name greets them; in our sentences they are "you".
    assert "Maya" not in "\n".join(lines[1:])
    paragraphs = [paragraph for paragraph in body.split("\n\n")[1:] if paragraph]
    for paragraph in paragraphs[:-1] if signature else paragraphs:
        assert paragraph[-1] in ".!?]", paragraph
        assert paragraph[0].isupper() or paragraph[0] == "[", paragraph
    if signature:
        assert body.endswith(f"All the best,\n{signature}")
    else:
        assert body.endswith("I really enjoyed our conversation, and I am grateful for it.")


@pytest.mark.parametrize("signature", ["", "Lee Chen"])
@pytest.mark.parametrize("names", NAMES)
@pytest.mark.parametrize("theirs", THEIRS)
@pytest.mark.parametrize("mine", MINE)
@pytest.mark.parametrize("stuck", STUCK)
def test_every_combination_reads_as_a_letter(stuck, mine, theirs, names, signature):
    drafted = thank_you(
        memorable=STUCK[stuck],
        steps=[*THEIRS[theirs], *MINE[mine]],
        names=NAMES[names],
        signature=signature,
    )
    body = drafted.body
    assert_reads_as_a_letter(body, signature)
    assert (GAP in body) == (stuck == "nothing")
    for step in [*MINE[mine], *THEIRS[theirs]]:
        assert step.due in body
    for name in NAMES[names]:
        assert name.name in body and name.organisation in body
    if names != "none":
        assert "Thank you too for suggesting I talk to Tom Lee" in body


def test_the_several_steps_and_names_join_naturally():
    body = thank_you(
        memorable=STUCK["sentence"],
        steps=[*MINE["several"], *THEIRS["several"]],
        names=NAMES["several"],
    ).body
    assert (
        "I’ll send you my case study on the booking flow by Thu 10 Dec, email you the reading "
        "list and read the book you recommended next week. Thank you for offering to introduce "
        "me to Tom Friday and to send me your slides. Thank you also for reviewing my portfolio."
    ) in body
    assert (
        "Thank you too for suggesting I talk to Tom Lee at Acme, Sara Kim and Jo Park at Initech."
    ) in body


def test_lines_with_nothing_to_fill_drop_out_without_leaving_gaps():
    drafted = thank_you(memorable=NOTE)
    assert "recap" not in drafted.body
    assert "In case it is useful" not in drafted.body
    assert "\n\n\n" not in drafted.body
    assert "{" not in drafted.body


def test_something_of_value_is_shared_when_given():
    drafted = thank_you(memorable=NOTE, value="https://example.com/guide")
    assert "In case it is useful to you: https://example.com/guide\n" in drafted.body


def test_a_missing_first_name_still_greets():
    assert thank_you(first_name=" ").body.startswith("Hi there,")


@pytest.mark.parametrize(
    ("name", "first"), [("Maya Okafor", "Maya"), ("  Cher ", "Cher"), ("", "")]
)
def test_the_first_name_is_the_first_word(name, first):
    assert first_name(name) == first


def test_every_default_template_uses_only_known_placeholders():
    for template in DEFAULT_TEMPLATES.values():
        check_template(template.subject)
        check_template(template.body)


@pytest.mark.parametrize(
    "text",
    [
        "Hi {name}",
        "Hi {first_name.upper}",
        "Hi {first_name[0]}",
        "Hi {first_name!r}",
        "Hi {first_name:>20}",
        "Hi {0}",
        "Hi {",
        "Hi }",
    ],
)
def test_the_formatter_refuses_what_it_cannot_fill_safely(text):
    with pytest.raises(TemplateError):
        fill(text, {"first_name": "Maya"})


def test_an_unknown_placeholder_is_named_with_the_ones_we_know():
    with pytest.raises(TemplateError, match=r"\{nickname\} is not something.*\{first_name\}"):
        check_template("Hi {nickname}")


def test_double_braces_stay_literal():
    assert fill("{{first_name}} is {first_name}", {"first_name": "Maya"}) == "{first_name} is Maya"


@given(st.dictionaries(st.sampled_from(sorted(PLACEHOLDERS)), st.text(max_size=40)))
def test_filling_never_leaves_a_placeholder_behind(values):
    template = DEFAULT_TEMPLATES["thank_you"]
    body = fill(template.body, values)
    for name in PLACEHOLDERS:
        if "{" + name + "}" not in "".join(values.values()):
            assert "{" + name + "}" not in body


def test_recap_is_empty_without_steps():
    assert recap([]) == ""


# --- .eml ------------------------------------------------------------------------------------


def parsed(payload: bytes):
    return message_from_bytes(payload, policy=default)


def test_the_eml_parses_back_into_the_same_message():
    body = "Hi José,\n\nThank you — the café tip was perfect.\n\nLee"
    payload = build_message(
        "Lee Chen <lee@example.com>",
        "José Núñez <jose@example.org>",
        "Thank you, José",
        body,
        WHEN,
        "example.com",
    )
    message = parsed(payload)
    assert message["Subject"] == "Thank you, José"
    assert message["From"].addresses[0].addr_spec == "lee@example.com"
    assert message["To"].addresses[0].display_name == "José Núñez"
    assert message["To"].addresses[0].addr_spec == "jose@example.org"
    assert message["Date"].datetime == WHEN
    assert message["Message-ID"].endswith("@example.com>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    # On the wire lines end in CRLF; the text is the same.
    assert message.get_content().replace("\r\n", "\n") == body + "\n"


def test_the_eml_is_plain_ascii_with_crlf_line_ends():
    payload = build_message("a@example.com", "b@example.com", "Ünïcode", "Grüße", WHEN, "x.test")
    payload.decode("ascii")
    assert b"\r\n" in payload
    assert b"\n" not in payload.replace(b"\r\n", b"")
    assert b"MIME-Version: 1.0" in payload


def test_an_unsent_eml_opens_as_a_draft_in_mail_programs():
    payload = build_message(
        "a@example.com", "b@example.com", "Hi", "Hi", WHEN, "x.test", unsent=True
    )
    assert parsed(payload)["X-Unsent"] == "1"


def test_an_empty_sender_leaves_the_from_line_for_the_mail_program():
    message = parsed(build_message("", "b@example.com", "Hi", "Hi", WHEN, "x.test", unsent=True))
    assert message["From"] is None
    assert message["To"] == "b@example.com"
    assert message["Reply-To"] is None


def test_replies_can_go_to_another_address_than_the_sender():
    payload = build_message(
        "Sam <relay@example.com>",
        "b@example.com",
        "Hi",
        "Hi",
        WHEN,
        "example.com",
        reply_to="Sam <sam@example.org>",
    )
    assert parsed(payload)["Reply-To"].addresses[0].addr_spec == "sam@example.org"


def test_a_header_with_a_line_break_is_refused():
    with pytest.raises(MessageError):
        build_message("a@example.com", "b@example.com", "Hi\nBcc: x@y.z", "Hi", WHEN, "x.test")


def test_a_message_needs_a_dated_time():
    with pytest.raises(MessageError, match="time zone"):
        build_message("a@example.com", "b@example.com", "Hi", "Hi", datetime(2030, 1, 1), "x.test")


@given(
    subject=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60),
    body=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=300
    ),
)
def test_any_subject_and_body_survive_the_round_trip(subject, body):
    payload = build_message("a@example.com", "b@example.com", subject, body, WHEN, "x.test")
    message = parsed(payload)
    assert " ".join(str(message["Subject"]).split()) == " ".join(subject.split())
    content = body if body.endswith("\n") else body + "\n"
    assert message.get_content().replace("\r\n", "\n") == content


# --- mailto: ---------------------------------------------------------------------------------


def test_mailto_percent_encodes_everything_reserved():
    url = mailto_url("maya@example.com", "Thanks & more?", "Line one\nLine two: 100% sure")
    assert url == (
        "mailto:maya@example.com?subject=Thanks%20%26%20more%3F"
        "&body=Line%20one%0D%0ALine%20two%3A%20100%25%20sure"
    )


@given(subject=st.text(max_size=60), body=st.text(max_size=200))
def test_mailto_decodes_back_to_the_same_text(subject, body):
    url = mailto_url("maya@example.com", subject, body)
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and unquote(parts.path) == "maya@example.com"
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["subject"] == [subject]
    crlf = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert query["body"] == [crlf]


def test_a_template_is_a_plain_pair():
    assert MessageTemplate("a", "b") == MessageTemplate(subject="a", body="b")


@given(
    st.text(max_size=80),
    st.lists(
        st.tuples(st.sampled_from(["me", "them"]), st.text(max_size=60), st.text(max_size=20))
    ),
    st.lists(st.tuples(st.text(max_size=30), st.text(max_size=30))),
    st.text(max_size=40),
)
def test_any_capture_drafts_without_raising(memorable, steps, names, signature):
    drafted = thank_you(
        memorable=memorable,
        steps=[Step(side, text, due) for side, text, due in steps],
        names=[Name(name, organisation) for name, organisation in names],
        signature=signature,
    )
    assert drafted.body.startswith("Hi Maya,")


def test_a_step_someone_else_will_take_stands_as_its_own_sentence():
    steps = [
        Step("me", "Tom will introduce me to Sara"),
        Step("me", "I'll send her my case study", "by Friday"),
    ]
    assert agreed_sentences(steps, keep=("Priya",)) == (
        "I’ll send you my case study by Friday. Tom will introduce me to Sara."
    )
