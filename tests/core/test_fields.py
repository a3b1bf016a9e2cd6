"""The rules every way in shares: days in range, web addresses, one email address."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.fields import (
    EARLIEST_DAY,
    LATEST_DAY,
    FieldError,
    check_day,
    check_email,
    check_web_address,
    day_in_range,
    feed_address,
    is_email,
    linkable,
    moment_in_range,
    split_emails,
    web_address,
)

EAST = timezone(timedelta(hours=14))
WEST = timezone(timedelta(hours=-12))


def test_the_accepted_days_run_from_1900_to_2200():
    assert [EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()] == ["1900-01-01", "2200-12-31"]
    assert check_day(date(2026, 3, 2)) == date(2026, 3, 2)
    assert day_in_range(EARLIEST_DAY) and day_in_range(LATEST_DAY)


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(1899, 12, 31)])
def test_a_day_outside_the_range_is_refused_with_the_range_named(day):
    assert not day_in_range(day)
    with pytest.raises(FieldError, match="between 1 January 1900 and 31 December 2200"):
        check_day(day)


def test_a_moment_east_of_utc_on_year_one_is_refused_without_overflowing():
    moment = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    assert not moment_in_range(moment)


def test_the_last_moment_before_the_end_of_time_is_refused():
    assert not moment_in_range(datetime.max.replace(tzinfo=UTC))
    assert not moment_in_range(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))))


@given(
    st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY),
    st.times(),
    st.sampled_from(["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "UTC"]),
)
def test_any_day_in_range_at_any_time_anywhere_is_a_moment_in_range(day, at, zone):
    moment = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    assert moment_in_range(moment)
    # ...and so it can be turned into UTC and back without overflowing.
    assert moment.astimezone(UTC).astimezone(EAST).astimezone(WEST)


def test_a_naive_moment_is_judged_by_its_day():
    assert moment_in_range(datetime.combine(LATEST_DAY, time.max))
    assert not moment_in_range(datetime(2201, 1, 1))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/ada-lovelace",
        "http://example.com",
        "HTTPS://Example.COM/path?q=1#top",
        "https://meet.example.com:8443/abc",
        "https://user@example.com/",
        "http://localhost:8000/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "https://münchen.de/",
        "https://example.com./",
    ],
)
def test_http_and_https_addresses_with_a_host_are_web_addresses(url):
    assert check_web_address(url) == url
    assert linkable(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "start with http:// or https://"),
        ("JavaScript://example.com/%0aalert(1)", "start with http:// or https://"),
        ("data:text/html,<script>alert(1)</script>", "start with http:// or https://"),
        ("vbscript:msgbox", "start with http:// or https://"),
        ("ftp://example.com/file", "start with http:// or https://"),
        ("mailto:ada@example.com", "start with http:// or https://"),
        ("https://", "needs a host"),
        ("https:///path", "needs a host"),
        ("https://exa mple.com", "no spaces"),
        ("https://example.com/\njavascript:alert(1)", "no spaces"),
        ("https://example.com/\x00", "no spaces"),
        ("https://-bad-.com/", "not a host name"),
        ("https://example/", "not a host name"),
        ("https://example.com:99999/", "port"),
        ("https://[::zz]/", "not a web address"),
        ("", "empty"),
    ],
)
def test_anything_else_is_refused_with_the_reason(url, reason):
    assert linkable(url) == ""
    with pytest.raises(FieldError, match=reason):
        check_web_address(url)


def test_a_bare_host_and_path_gets_https_in_front_as_the_forms_do():
    assert web_address(" linkedin.com/in/ada ") == "https://linkedin.com/in/ada"
    assert web_address("http://example.com") == "http://example.com"
    with pytest.raises(FieldError):
        web_address("javascript:alert(1)")


def test_a_link_opens_only_a_web_address_with_https_assumed_when_bare():
    assert linkable("linkedin.com/in/ada") == "https://linkedin.com/in/ada"
    assert linkable("http://example.com/x") == "http://example.com/x"
    assert linkable("javascript:alert(1)") == ""
    assert linkable(None) == "" and linkable(7) == ""


@pytest.mark.parametrize(
    "address",
    ["ada@example.com", "Ada.Lovelace+chats@example.co.uk", "o'brien@example.ie", "x@localhost"],
)
def test_one_plain_address_is_an_email_address(address):
    assert check_email(f" {address} ") == address
    assert is_email(address)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Omega.Smith@Example.COM", "Omega.Smith@example.com"),
        ("ADA@EXAMPLE.ORG", "ADA@example.org"),
        ("x@LOCALHOST", "x@localhost"),
    ],
)
def test_an_address_keeps_its_local_part_as_written_and_lowers_its_domain(written, stored):
    assert check_email(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        '"omega" <omega@example.com>',
        '"omega"  <omega@example.com>',  # a phone folded the line between name and address
        "Omega <omega@example.com>",
        "Omega Smith<omega@example.com>",
        "<omega@example.com>",
        "  Omega < omega@example.com >  ",
    ],
)
def test_a_display_name_form_in_a_list_counts_as_its_address(written):
    assert split_emails(written) == (["omega@example.com"], [])


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("x@example.com, evil@example.com", "one address"),
        ("x@example.com; evil@example.com", "one address"),
        ("x@example.com evil@example.com", "one address"),
        ("Ada <ada@example.com>", "without a name or angle brackets"),
        ("<ada@example.com>", "without a name or angle brackets"),
        ("ada@example.com\r\nBcc: evil@example.com", "line break"),
        ("ada@\nexample.com", "line break"),
        ("ada.example.com", "one @"),
        ("ada@@example.com", "one @"),
        ('"ab"@example.com', "not an email address"),
        ("ada@example", "not an email address"),
        ("ada@-example.com", "not an email address"),
        (".ada@example.com", "not an email address"),
        ("adá@example.com", "not an email address"),
        ("a" * 65 + "@example.com", "not an email address"),
        ("", "empty"),
    ],
)
def test_anything_but_one_plain_address_is_refused_with_the_reason(address, reason):
    assert not is_email(address)
    with pytest.raises(FieldError, match=reason):
        check_email(address)


def test_a_list_of_addresses_splits_into_good_ones_and_the_rest():
    assert split_emails("x@example.com, evil@example.com") == (
        ["x@example.com", "evil@example.com"],
        [],
    )
    assert split_emails("x@example.com;  not-one ; Y <y@Example.com>, <z@>") == (
        ["x@example.com", "y@example.com"],
        ["not-one", "<z@>"],
    )
    assert split_emails("   ") == ([], [])


@given(st.text())
def test_what_check_email_accepts_has_nothing_that_makes_a_second_recipient(text):
    try:
        address = check_email(text)
    except FieldError:
        return
    assert address.count("@") == 1
    assert not set(address) & set(',;<>"\r\n\t ()[]\\')


@pytest.mark.parametrize(
    ("given", "fetched"),
    [
        ("https://calendar.example.com/private/basic.ics", None),
        ("webcal://calendar.example.com/a.ics", "https://calendar.example.com/a.ics"),
        (" http://nas/family.ics ", "http://nas/family.ics"),
    ],
)
def test_a_feed_address_may_be_on_your_own_network_and_webcal_means_https(given, fetched):
    assert feed_address(given) == (fetched or given)


@pytest.mark.parametrize(
    "given", ["javascript:alert(1)", "file:///etc/passwd", "https://", "ftp://x.org/a.ics", ""]
)
def test_a_feed_address_that_is_not_a_web_page_is_refused(given):
    with pytest.raises(FieldError, match="starting with https://"):
        feed_address(given)
