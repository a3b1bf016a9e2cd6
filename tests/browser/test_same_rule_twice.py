"""Rules the page works out itself give the server's answers, in a real browser.

Three rules must run in the browser as well as on the server: the pitch's word count (it moves
as you type), the mail program link (rebuilt as you type) and the live chat's phase with what
the live page does offline (it keeps time with no network). Each lives in core and again in
one script. These tests import each script's function into Chromium and run it over a fixed
table of inputs, the awkward ones included (digits and spaces of other scripts, combining
marks, characters a URL reserves, the very edges of each phase), and compare every answer
with the Python function's.

A module script runs its functions as a page script too, so importing one on a page without
its elements does nothing else. No database, no sign-in and no clock are involved: every input
is in the table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.core import live
from coffeechat.core.compose import mailto_query
from coffeechat.core.pitch import count_words

pytestmark = pytest.mark.browser

# The module's server runs on a clock of its own; nothing here reads it.
CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

PITCH_TEXTS = [
    "",
    "   \n\t ",
    "I help museums reach new visitors.",
    "career-change and/or a mid—career move – 2 ways",
    "In 2024 I grew sign-ups by 40% and cut costs by 1,500,000 euros.",
    # Digits of other scripts are digits: four of them are two spoken words, as "2024" is.
    "٢٠٢٤",  # Arabic-Indic
    "۱۴۰۳",  # extended Arabic-Indic (Persian)
    "२०२४",  # Devanagari
    "১২৩ জন",  # Bengali digits, then a word
    "𝟐𝟎𝟐𝟒",  # mathematical bold digits, outside the Basic Multilingual Plane
    "٥٠٪ و 50%",  # an Arabic percent sign is not "%"
    "3٠",  # two scripts in one number
    # Letters with combining marks, written decomposed: still one word each.
    "cafe\u0301 re\u0301sume\u0301",
    "\u0301 \u0301\u0301",  # combining marks alone say nothing
    "नमस्ते दुनिया",  # Devanagari with vowel signs (marks)
    "مرحبا بالعالم",
    "你好世界 こんにちは",
    # Numbers written as signs are said as words.
    "½ x² ² Ⅻ ⅷ",
    # Spaces of every kind split; a zero-width space and a byte-order mark do not.
    "a\u00a0b\u2003c\u3000d\u202fe\u205ff\u1680g",
    "a\x1cb\x1dc\x1ed\x1fe\x85f\u2028g\u2029h\x0bi\x0cj",
    "a\u200bb\ufeffc",
    "— & ... • 😀 🎉",
    "__init__ _ 1_000",
    "I have 15 years’ experience in K-12 education.",
]

MAIL_CASES = [
    ("Thank you", "It was good to meet you.\n\nBest,\nSam"),
    ("", ""),
    ("a&b=c?d#e", "100% + more; a/b:c@d$e,f"),
    ("!'()*~-._", '[brackets]{braces}|pipe\\backslash^caret`tick"quote<lt>gt'),
    ("Café ☕ 😀", "Ünïcödé, e\u0301, 日本語, مرحبا, नमस्ते"),
    ("Lines", "one\r\ntwo\rthree\nfour\n\r\nfive\r"),
    ("Tabs\tand  spaces", "\ttabbed\u00a0no-break\u2028line separator"),
    ("Control", "nul\x00bell\x07"),
]

START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
MS = timedelta(milliseconds=1)
MINUTE = timedelta(minutes=1)


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


# (now, wrap-up cue, end): before, at and just around each edge; a cue at the start; no wrap-up.
PHASE_CASES = [
    (now, wrap, end)
    for wrap, end in [
        (START + 15 * MINUTE, START + 20 * MINUTE),
        (START, START + 3 * MINUTE),
        (START + 20 * MINUTE, START + 20 * MINUTE),
    ]
    for now in [
        START - MINUTE,
        START,
        wrap - MS,
        wrap,
        wrap + MS,
        end - MS,
        end,
        end + MS,
        end + 90 * MINUTE,
    ]
]

# (start, end, wrap-up minutes): usual; a chat shorter than the cue; a chat capped to nothing.
WRAP_CASES = [
    (START, START + 20 * MINUTE, 5),
    (START, START + 3 * MINUTE, 5),
    (START, START, 5),
    (START + 123 * MS, START + 30 * MINUTE + 456 * MS, 60),
    (START, START + 5 * MINUTE, 5),
    (START, START + 45 * MINUTE, 1),
]

# (start, agreed minutes, latest end or None): nothing after; room; the exact agreed end; a
# part of a minute; a next commitment already too close; one that left no room at all.
CONFIRM_CASES = [
    (START, 20, None),
    (START, 20, START + 60 * MINUTE),
    (START, 20, START + 20 * MINUTE),
    (START, 20, START + 20 * MINUTE - MS),
    (START, 20, START + 12 * MINUTE + 59_999 * MS),
    (START, 30, START + 59_999 * MS),
    (START, 30, START),
    (START, 30, START - 10 * MINUTE),
    (START + 500 * MS, 240, START + 61 * MINUTE),
]

# (end, latest end or None, extension minutes): nothing after; exactly enough; a millisecond
# short; plenty; already past the latest end.
ROOM_CASES = [
    (START + 20 * MINUTE, None, 5),
    (START + 20 * MINUTE, START + 25 * MINUTE, 5),
    (START + 20 * MINUTE, START + 25 * MINUTE - MS, 5),
    (START + 20 * MINUTE, START + 90 * MINUTE, 60),
    (START + 20 * MINUTE, START + 15 * MINUTE, 1),
    (START + 20 * MINUTE + 1 * MS, START + 21 * MINUTE, 1),
]


@pytest.fixture(scope="module")
def page(browser, clocked_server):
    """A page of the server's origin, from which its scripts can be imported."""
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(clocked_server.base_url + "/static/coffeechat/app.css")
    yield opened
    context.close()


def run_in_browser(page, script: str, function: str, cases: list[list]) -> list:
    """``function`` exported by ``script``, called in Chromium with each case's arguments."""
    return page.evaluate(
        """async ([address, name, cases]) => {
            const script = await import(address);
            return cases.map((args) => script[name](...args));
        }""",
        [f"/static/coffeechat/{script}", function, cases],
    )


def test_the_pitch_word_count_as_you_type_is_the_servers(page):
    in_browser = run_in_browser(page, "pitch.js", "countWords", [[text] for text in PITCH_TEXTS])
    on_server = [count_words(text) for text in PITCH_TEXTS]
    differences = [
        (text, server, browser)
        for text, server, browser in zip(PITCH_TEXTS, on_server, in_browser, strict=True)
        if server != browser
    ]
    assert not differences, "(text, server's count, page's count): " + repr(differences)


def test_the_mail_link_rebuilt_as_you_type_is_the_servers(page):
    in_browser = run_in_browser(page, "compose.js", "mailtoQuery", [list(c) for c in MAIL_CASES])
    on_server = [mailto_query(subject, body) for subject, body in MAIL_CASES]
    assert in_browser == on_server


def test_the_live_phase_the_page_shows_is_the_servers(page):
    cases = [[ms(now), ms(wrap), ms(end)] for now, wrap, end in PHASE_CASES]
    in_browser = run_in_browser(page, "live.js", "phaseAt", cases)
    on_server = [live.phase_at(now, wrap, end) for now, wrap, end in PHASE_CASES]
    assert in_browser == on_server
    assert set(on_server) == {live.RUNNING, live.WRAPPING_UP, live.CHECKING_IN}


def test_the_wrap_up_cue_the_page_moves_offline_is_where_the_server_puts_it(page):
    cases = [[ms(start), ms(end), minutes] for start, end, minutes in WRAP_CASES]
    in_browser = run_in_browser(page, "live.js", "wrapUpAt", cases)
    on_server = [ms(live.wrap_up_at(start, end, minutes)) for start, end, minutes in WRAP_CASES]
    assert in_browser == on_server


def test_the_end_the_page_confirms_offline_is_the_one_the_server_confirms(page):
    cases = [
        [ms(start), agreed, None if latest is None else ms(latest)]
        for start, agreed, latest in CONFIRM_CASES
    ]
    in_browser = run_in_browser(page, "live.js", "confirmedMinutes", cases)
    # With no buffer, the next commitment's start is the latest end.
    on_server = [
        live.confirm_end(start, agreed, latest, 0).minutes
        for start, agreed, latest in CONFIRM_CASES
    ]
    assert in_browser == on_server


def test_the_check_in_the_page_picks_offline_is_the_servers(page):
    cases = [
        [ms(end), None if latest is None else ms(latest), extend]
        for end, latest, extend in ROOM_CASES
    ]
    in_browser = run_in_browser(page, "live.js", "hasRoom", cases)
    on_server = [
        live.has_room(live.flexibility_minutes(end, latest), extend)
        for end, latest, extend in ROOM_CASES
    ]
    assert in_browser == on_server
    assert set(on_server) == {True, False}
