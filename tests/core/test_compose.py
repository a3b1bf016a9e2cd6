from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.compose import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    MessageError,
    MessageTemplate,
    Step,
    TemplateError,
    build_message,
    check_template,
    draft,
    fill,
    mailto_url,
    recap,
)
from coffeechat.core.text import first_name

WHEN = datetime(2030, 5, 6, 12, 30, tzinfo=UTC)
NOTE = "She left teaching for data science after a summer bootcamp"


def thank_you(**values):
    values.setdefault("first_name", "Maya")
    return draft(DEFAULT_TEMPLATES["thank_you"], **values)


def test_the_draft_cites_the_memorable_note_and_recaps_the_steps():
    drafted = thank_you(
        memorable=NOTE,
        steps=[Step("them", "Introduce me to Sam"), Step("me", "Send the article", "12 May")],
        my_name="Lee Chen",
    )
    assert drafted.subject == "Thank you for your time, Maya"
    assert drafted.body.startswith("Hi Maya,")
    assert NOTE + "." in drafted.body
    # Mine come first, each with its date when it has one.
    assert (
        "- From me: Send the article (by 12 May)\n- From you: Introduce me to Sam" in drafted.body
    )
    assert drafted.body.endswith("Lee Chen")


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
