from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest

from coffeechat.core.ics import MAX_BYTES
from coffeechat.services import outbound
from coffeechat.services.calendars import (
    add_feed,
    busy_collisions,
    delete_source,
    download,
    fetch_feed,
    free_day,
    import_file,
    owner_of_feed,
    renew_feed_token,
    revoke_feed_token,
    set_all_day_busy,
)
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput, NotFound, SlotTaken
from coffeechat.store.models import BusyBlock, CalendarSource
from tests.services.prefs import set_preferences
from tests.shared_corpus import shared

# For each corpus file, a "today" whose import window holds its events.
CORPUS_TODAY = {
    "Germany.ics": datetime(2020, 1, 10, tzinfo=UTC),
    "daylight_saving_time.ics": datetime(2019, 3, 1, tzinfo=UTC),
    "issue_151_macos_linux_difference.ics": datetime(2014, 7, 20, tzinfo=UTC),
    "issue_18_cancel_status.ics": datetime(2020, 1, 20, tzinfo=UTC),
    "issue_223_thunderbird.ics": datetime(2025, 4, 20, tzinfo=UTC),
    "issue_27_t1.ics": datetime(2020, 4, 20, tzinfo=UTC),
    "issue_44_double_event.ics": datetime(2020, 8, 1, tzinfo=UTC),
    "issue_48_dst.ics": datetime(2020, 10, 15, tzinfo=UTC),
}
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def corpus(name: str) -> bytes:
    return (shared("calendars") / name).read_bytes()


def small_calendar(title: str = "Team meeting", start: str = "20260302T100000Z") -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tests//coffeechat//EN",
        "BEGIN:VEVENT",
        "UID:meeting-1@tests",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART:{start}",
        "DURATION:PT1H",
        f"SUMMARY:{title}",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines).encode()


def with_a_broken_event(data: bytes) -> bytes:
    """``data`` with a second event whose start cannot be read."""
    broken = [
        "BEGIN:VEVENT",
        "UID:broken-1@tests",
        "DTSTART:2026XX02T100000Z",
        "DURATION:PT1H",
        "SUMMARY:Broken",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return data.replace(b"END:VCALENDAR\r\n", "\r\n".join(broken).encode())


def blocks_of(source: CalendarSource) -> list[BusyBlock]:
    return list(source.blocks.order_by("starts_at"))


@pytest.fixture
def berlin(alice):
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


# Importing files.


def test_every_calendar_in_the_corpus_imports(berlin):
    names = sorted(path.name for path in shared("calendars").glob("*.ics"))
    assert names, "the corpus holds no .ics files"
    for name in names:
        today = CORPUS_TODAY.get(name, datetime(2020, 6, 1, tzinfo=UTC))
        source = import_file(berlin, name, corpus(name), now=today)
        assert source.last_error == ""
        for block in source.blocks.all():
            assert block.ends_at > block.starts_at
    assert CalendarSource.objects.for_owner(berlin).count() == len(names)


def test_a_cancelled_occurrence_leaves_no_busy_block(berlin):
    today = CORPUS_TODAY["issue_18_cancel_status.ics"]
    source = import_file(berlin, "cancel.ics", corpus("issue_18_cancel_status.ics"), now=today)
    starts = [block.starts_at for block in blocks_of(source)]
    # Daily at 22:00 in Berlin for three days; the middle one was cancelled.
    assert starts == [
        datetime(2020, 1, 28, 21, 0, tzinfo=UTC),
        datetime(2020, 1, 30, 21, 0, tzinfo=UTC),
    ]


def test_a_moved_occurrence_is_kept_at_its_new_time(berlin):
    today = CORPUS_TODAY["issue_223_thunderbird.ics"]
    source = import_file(berlin, "moved.ics", corpus("issue_223_thunderbird.ics"), now=today)
    starts = [block.starts_at for block in blocks_of(source)]
    # Daily 09:00-10:00 London (08:00 UTC in summer time), the 24th moved to 11:00.
    assert starts == [
        datetime(2025, 4, 23, 8, 0, tzinfo=UTC),
        datetime(2025, 4, 24, 10, 0, tzinfo=UTC),
        datetime(2025, 4, 25, 8, 0, tzinfo=UTC),
        datetime(2025, 4, 26, 8, 0, tzinfo=UTC),
        datetime(2025, 4, 27, 8, 0, tzinfo=UTC),
    ]


def test_a_moved_and_an_excluded_yearly_occurrence_from_google(berlin):
    today = CORPUS_TODAY["issue_151_macos_linux_difference.ics"]
    data = corpus("issue_151_macos_linux_difference.ics")
    source = import_file(berlin, "vespers.ics", data, now=today)
    # 1 August 2014 was moved from 19:00 to 18:30 in Los Angeles (01:30 UTC the next day).
    assert [block.starts_at for block in blocks_of(source)] == [
        datetime(2014, 8, 2, 1, 30, tzinfo=UTC)
    ]
    # EXDATE: no Vespers on 1 August 2016.
    source = import_file(berlin, "vespers.ics", data, now=datetime(2016, 7, 20, tzinfo=UTC))
    assert blocks_of(source) == []


def test_a_weekly_event_keeps_its_local_time_across_the_clock_change(berlin):
    today = CORPUS_TODAY["issue_48_dst.ics"]
    source = import_file(berlin, "school.ics", corpus("issue_48_dst.ics"), now=today)
    mondays = [
        block.starts_at
        for block in blocks_of(source)
        if block.title.strip() == "Event#2" and block.uid == "m4b9nckq@google.com"
    ]
    # 10:15 in Chicago: 15:15 UTC in daylight time, 16:15 UTC after 1 November 2020.
    assert datetime(2020, 10, 26, 15, 15, tzinfo=UTC) in mondays
    assert datetime(2020, 11, 2, 16, 15, tzinfo=UTC) in mondays
    chicago = ZoneInfo("America/Chicago")
    assert {(m.astimezone(chicago).hour, m.astimezone(chicago).minute) for m in mondays} == {
        (10, 15)
    }


def test_a_berlin_series_moves_an_hour_in_utc_at_the_end_of_march(berlin):
    today = CORPUS_TODAY["daylight_saving_time.ics"]
    source = import_file(berlin, "machbar.ics", corpus("daylight_saving_time.ics"), now=today)
    local = ZoneInfo("Europe/Berlin")
    blocks = [b for b in blocks_of(source) if not b.all_day]
    before = [b for b in blocks if b.starts_at < datetime(2019, 3, 31, tzinfo=UTC)]
    after = [b for b in blocks if b.starts_at > datetime(2019, 4, 1, tzinfo=UTC)]
    assert before and after
    titles_before = {b.title: b.starts_at.astimezone(local).time() for b in before}
    same_series = [
        b for b in after if titles_before.get(b.title) == b.starts_at.astimezone(local).time()
    ]
    assert same_series, "a repeating event keeps its Berlin wall-clock time after the change"


def test_all_day_events_fill_the_whole_local_day(berlin):
    today = CORPUS_TODAY["Germany.ics"]
    source = import_file(berlin, "holidays.ics", corpus("Germany.ics"), now=today)
    christmas = next(b for b in blocks_of(source) if "Christmas" in b.title)
    # The file marks its holidays busy (TRANSP:OPAQUE): busy like a timed event, whatever the
    # source's "all-day events are busy" says.
    assert not christmas.all_day
    assert christmas in busy_collisions(berlin, christmas.starts_at, christmas.ends_at)
    assert christmas.starts_at == datetime(2019, 12, 24, 23, 0, tzinfo=UTC)  # midnight in Berlin
    assert christmas.ends_at - christmas.starts_at == timedelta(days=1)


def test_events_marked_free_are_not_busy(berlin):
    today = CORPUS_TODAY["issue_44_double_event.ics"]
    source = import_file(berlin, "free.ics", corpus("issue_44_double_event.ics"), now=today)
    assert blocks_of(source) == []


def test_importing_the_same_file_again_replaces_its_blocks(alice):
    import_file(alice, "work.ics", small_calendar("First"), now=NOW)
    source = import_file(alice, "work.ics", small_calendar("Second"), now=NOW)
    assert [b.title for b in BusyBlock.objects.for_owner(alice)] == ["Second"]
    assert CalendarSource.objects.for_owner(alice).get() == source


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<!doctype html><title>Sign in</title>", "web page, not a calendar"),
        (b"name,email\nAda,ada@example.com\n", "not an iCalendar file"),
        (b"", "empty"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:2026", "damaged"),
        (
            small_calendar().replace(b"DTSTART:20260302T100000Z", b"DTSTART:2026XX02T100000"),
            "damaged",
        ),
    ],
)
def test_a_file_that_is_not_a_good_calendar_is_refused_and_changes_nothing(alice, data, words):
    source = import_file(alice, "work.ics", small_calendar("Kept"), now=NOW)
    with pytest.raises(InvalidInput) as refused:
        import_file(alice, "work.ics", data, now=NOW)
    assert words in refused.value.message
    assert refused.value.message.startswith("work.ics: ")
    assert [b.title for b in blocks_of(source)] == ["Kept"]
    with pytest.raises(InvalidInput):
        import_file(alice, "other.ics", data, now=NOW)
    assert CalendarSource.objects.for_owner(alice).count() == 1


def test_a_file_over_the_size_limit_is_refused_before_reading(alice):
    huge = small_calendar() + b" " * MAX_BYTES
    with pytest.raises(InvalidInput, match=r"huge.ics is \d+ bytes over the limit of 5 MB"):
        import_file(alice, "huge.ics", huge, now=NOW)
    assert not CalendarSource.objects.for_owner(alice).exists()


def test_deleting_a_source_removes_its_blocks_only(alice, bob):
    mine = import_file(alice, "work.ics", small_calendar(), now=NOW)
    import_file(alice, "home.ics", small_calendar("Dentist"), now=NOW)
    with pytest.raises(NotFound):
        delete_source(bob, mine)
    delete_source(alice, mine)
    assert [b.title for b in BusyBlock.objects.for_owner(alice)] == ["Dentist"]


# Planning against busy time.


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


def test_planning_into_a_busy_block_names_the_block_and_its_times(alice, ada):
    set_preferences(alice, time_zone="Europe/London")
    import_file(alice, "work.ics", small_calendar("Team meeting"), now=NOW)
    # 09:40 + 20 minutes + 15 minutes of buffer runs into the 10:00 meeting.
    plan = ChatPlan(ada, datetime(2026, 3, 2, 9, 40, tzinfo=UTC), 20, 15)
    with pytest.raises(SlotTaken) as taken:
        plan_chat(alice, plan)
    assert "“Team meeting” (10:00–11:00) in your calendar" in taken.value.message
    assert "plan it anyway" in taken.value.message
    assert plan_chat(alice, plan, allow_overlap=True).pk


def test_a_buffer_that_ends_as_the_block_begins_is_fine(alice, ada):
    import_file(alice, "work.ics", small_calendar(), now=NOW)
    plan_chat(alice, ChatPlan(ada, datetime(2026, 3, 2, 9, 25, tzinfo=UTC), 20, 15))
    assert busy_collisions(alice, NOW, NOW + timedelta(minutes=30)) == []


def test_free_slots_skip_busy_blocks_and_chats_with_their_buffers(alice, ada):
    set_preferences(alice, time_zone="UTC", chat_minutes=20, buffer_minutes=15)
    import_file(alice, "work.ics", small_calendar(), now=NOW)
    plan_chat(alice, ChatPlan(ada, datetime(2026, 3, 2, 14, 0, tzinfo=UTC)))
    day = free_day(alice, NOW.date(), now=datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    assert [
        (s.starts_at.hour, s.starts_at.minute, s.ends_at.hour, s.ends_at.minute) for s in day.slots
    ] == [
        (8, 0, 10, 0),
        (11, 0, 14, 0),
        (14, 35, 20, 0),
    ]
    assert day.needed_minutes == 35
    assert [span.title for span in day.taken] == ["Team meeting", "Chat with Ada Lovelace"]


def test_free_slots_are_only_offered_from_now_on(alice):
    set_preferences(alice, time_zone="UTC")
    day = free_day(alice, NOW.date(), now=datetime(2026, 3, 2, 15, 2, tzinfo=UTC))
    assert day.slots[0].starts_at == datetime(2026, 3, 2, 15, 5, tzinfo=UTC)


# Feeds, fetched from a real server on this machine.


class CalendarServer(BaseHTTPRequestHandler):
    release = threading.Event()
    finished = threading.Event()  # a trickling answer was sent to its end

    def do_GET(self):
        if self.path == "/calendar.ics":
            self._send(200, "text/calendar", small_calendar("From the feed"))
        elif self.path == "/skipping.ics":
            self._send(200, "text/calendar", with_a_broken_event(small_calendar("From the feed")))
        elif self.path == "/page":
            self._send(200, "text/html", b"<!doctype html><html><body>Sign in</body></html>")
        elif self.path == "/slow.ics":
            # Waits until the test is over (it has given up long before) or five seconds pass.
            self.release.wait(5)
            self._send(200, "text/calendar", small_calendar())
        elif self.path == "/trickle.ics":
            # The headers at once, then the calendar a byte at a time, each well inside any
            # socket timeout: about 45 seconds for the whole file.
            body = small_calendar()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._trickle(body)
        elif self.path == "/trickle-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._trickle(b"X-Padding: " + b"x" * 200 + b"\r\n\r\n")
        elif self.path == "/sneaky":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif self.path.startswith("/go?to="):
            # A redirect to wherever the test says (the rest of the path, percent-encoded).
            self.send_response(302)
            self.send_header("Location", unquote(self.path.removeprefix("/go?to=")))
            self.end_headers()
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/calendar.ics")
            self.end_headers()
        else:
            self._send(404, "text/plain", b"no such calendar")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as the timeout test wants

    def _trickle(self, data: bytes) -> None:
        try:
            for index in range(len(data)):
                if self.release.wait(0.2):
                    return  # the test is over
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up
        self.finished.set()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    CalendarServer.release = threading.Event()
    CalendarServer.finished = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), CalendarServer)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        CalendarServer.release.set()
        httpd.shutdown()
        httpd.server_close()


def test_a_feed_is_fetched_and_its_blocks_stored(alice, server):
    source = add_feed(alice, f"{server}/calendar.ics", "Work")
    assert fetch_feed(alice, source, timeout=2, now=NOW) == 1
    source.refresh_from_db()
    assert (source.name, source.last_error, source.synced_at) == ("Work", "", NOW)
    assert [b.title for b in blocks_of(source)] == ["From the feed"]
    assert add_feed(alice, f"{server}/calendar.ics") == source


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/missing.ics", "answered 404"),
        ("/page", "web page, not a calendar"),
        ("/slow.ics", "did not answer within 0.3 seconds"),
        ("/moved", "redirects somewhere that is not a web page"),
        ("/sneaky", "is not allowed"),
    ],
)
def test_a_failing_feed_keeps_its_old_blocks_and_notes_the_error(alice, server, path, words):
    source = add_feed(alice, f"{server}{path}")
    source.blocks.create(
        owner=alice, title="Earlier", starts_at=NOW, ends_at=NOW + timedelta(hours=1)
    )
    with pytest.raises(InvalidInput) as refused:
        fetch_feed(alice, source, timeout=0.3)
    assert words in refused.value.message
    source.refresh_from_db()
    assert words in source.last_error
    assert [b.title for b in blocks_of(source)] == ["Earlier"]


@pytest.mark.parametrize("path", ["/trickle.ics", "/trickle-headers"])
def test_a_feed_that_trickles_is_stopped_at_the_deadline_and_says_so(alice, server, path):
    # Each byte comes well inside a socket timeout; only a deadline for the whole fetch stops it.
    with pytest.raises(InvalidInput) as refused:
        download(f"{server}{path}", timeout=1)
    assert refused.value.message == (
        "127.0.0.1 sent the calendar too slowly: stopped after 1 second. Try again later."
    )
    assert not CalendarServer.finished.is_set()  # it gave up long before the server was done


def test_a_feed_fetch_stops_at_its_first_look_at_the_clock_past_the_deadline(alice, server):
    # A clock that moves a second at each look: connecting, asking and every read look once,
    # and the fetch gives up at the first look that finds the 8 seconds spent, however fast or
    # slow this machine is.
    ticks = iter(range(1000))
    with pytest.raises(InvalidInput, match="too slowly: stopped after 8 seconds"):
        download(f"{server}/trickle.ics", timeout=8, clock=lambda: float(next(ticks)))
    assert next(ticks) == 9


def test_an_unreachable_feed_says_so(alice):
    # Nothing listens on port 9 (discard) of this machine.
    with pytest.raises(InvalidInput, match="Could not reach 127.0.0.1"):
        download("http://127.0.0.1:9/calendar.ics", timeout=1)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.ics", "calendar"])
def test_only_web_addresses_are_fetched(alice, url):
    with pytest.raises(InvalidInput, match="starting with https://"):
        add_feed(alice, url)


def test_a_webcal_address_is_read_over_https(alice):
    source = add_feed(alice, "webcal://calendar.example.com/me.ics")
    assert source.url == "https://calendar.example.com/me.ics"
    assert source.name == "calendar.example.com"


def test_a_shared_server_refuses_feeds_on_its_own_network(alice, server, settings):
    settings.COFFEECHAT_MODE = "server"
    with pytest.raises(InvalidInput, match="not a public address"):
        download(f"{server}/calendar.ics", timeout=1)


# DNS rebinding: a name that answers a public address to the check and an inside one next.

PUBLIC = "93.184.215.14"  # global addresses; no test ever connects to them
OTHER_PUBLIC = "93.184.215.15"


class Lookups:
    """socket.getaddrinfo answering from a script: each call takes the next answer."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.asked.append(host)
        answer = self.answers[min(len(self.asked), len(self.answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answer, port))]


@pytest.fixture
def internet(monkeypatch) -> list:
    """Public addresses that all lead to the test's server: the addresses connected to, in order.

    Any other address is refused before a packet leaves, so a test sees every connection tried.
    """
    tried: list = []

    def connect(addresses, deadline):
        tried.extend(sockaddr for *_, sockaddr in addresses)
        for *_, (ip, port) in addresses:
            if ip in (PUBLIC, OTHER_PUBLIC):
                # A plain connect to a numeric address: no look-up the scripted answers would see.
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                try:
                    sock.settimeout(deadline.left())
                    sock.connect(("127.0.0.1", port))
                except OSError:
                    sock.close()
                    raise
                return sock
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(outbound, "connect", connect)
    return tried


def port_of(server: str) -> int:
    return urlsplit(server).port or 80


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "http://0.0.0.0/calendar.ics",
        "http://[::1]/calendar.ics",
        "http://[::ffff:127.0.0.1]/calendar.ics",
        "http://[fe80::1%25lo]/calendar.ics",
        "https://10.0.0.5/calendar.ics",
    ],
)
def test_a_shared_server_never_connects_to_an_inside_address(alice, settings, internet, url):
    settings.COFFEECHAT_MODE = "server"
    with pytest.raises(InvalidInput, match="is not a public address"):
        download(url, timeout=2)
    assert internet == []


def test_a_feed_fetch_connects_to_the_address_it_checked_not_a_second_answer(
    alice, settings, monkeypatch, internet
):
    settings.COFFEECHAT_MODE = "server"
    lookups = Lookups(PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    with pytest.raises(InvalidInput, match="^Could not reach feed.example"):
        download("http://feed.example:2586/calendar.ics", timeout=2)
    assert lookups.asked == ["feed.example"]
    assert internet == [(PUBLIC, 2586)]


def test_a_redirect_to_a_name_that_now_answers_an_inside_address_is_refused(
    alice, server, settings, monkeypatch, internet
):
    settings.COFFEECHAT_MODE = "server"
    port = port_of(server)
    lookups = Lookups(PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    target = quote(f"http://feed.example:{port}/calendar.ics", safe="")
    with pytest.raises(InvalidInput, match="^feed.example is not a public address"):
        download(f"http://feed.example:{port}/go?to={target}", timeout=2)
    # Looked up once per hop, and only the first hop's checked address was connected to.
    assert lookups.asked == ["feed.example", "feed.example"]
    assert internet == [(PUBLIC, port)]


def test_a_redirect_to_a_public_address_is_followed_and_looked_up_once(
    alice, server, settings, monkeypatch, internet
):
    settings.COFFEECHAT_MODE = "server"
    port = port_of(server)
    lookups = Lookups(PUBLIC, OTHER_PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    target = quote(f"http://cdn.example:{port}/calendar.ics", safe="")
    data = download(f"http://feed.example:{port}/go?to={target}", timeout=2)
    assert b"SUMMARY:From the feed" in data
    assert lookups.asked == ["feed.example", "cdn.example"]
    assert internet == [(PUBLIC, port), (OTHER_PUBLIC, port)]


def test_a_shared_server_refuses_a_redirect_into_its_own_network(
    alice, server, settings, monkeypatch, internet
):
    settings.COFFEECHAT_MODE = "server"
    port = port_of(server)
    lookups = Lookups(PUBLIC, "10.0.0.5")
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    target = quote(f"http://db.internal:{port}/calendar.ics", safe="")
    with pytest.raises(InvalidInput, match="^db.internal is not a public address"):
        download(f"http://feed.example:{port}/go?to={target}", timeout=2)
    assert lookups.asked == ["feed.example", "db.internal"]
    assert internet == [(PUBLIC, port)]


def test_a_feed_that_is_too_large_is_refused(alice, server):
    with pytest.raises(InvalidInput, match="larger than"):
        download(f"{server}/calendar.ics", timeout=2, limit=100)


# The private subscription feed's token.


def test_the_feed_token_opens_the_owners_feed_until_renewed_or_revoked(alice):
    assert owner_of_feed("") is None
    first = renew_feed_token(alice)
    assert len(first) >= 40
    assert owner_of_feed(first) == alice
    second = renew_feed_token(alice)
    assert second != first
    assert owner_of_feed(first) is None
    assert owner_of_feed(second) == alice
    revoke_feed_token(alice)
    assert owner_of_feed(second) is None


# Per-event tolerance, the reasons for "Imported 0", and all-day events (issue 17).


def test_an_unreadable_event_is_skipped_and_the_report_names_it(alice):
    source = import_file(alice, "work.ics", with_a_broken_event(small_calendar("Kept")), now=NOW)
    assert [b.title for b in blocks_of(source)] == ["Kept"]
    assert source.report.startswith(
        "Imported 1 busy block from work.ics; skipped 1 event: “Broken”"
    )
    assert source.last_error == ""  # a file says it once, when uploaded


def test_a_file_with_nothing_readable_keeps_the_earlier_blocks(alice):
    source = import_file(alice, "work.ics", small_calendar("Kept"), now=NOW)
    broken = small_calendar("Broken", start="2026XX02T100000Z")
    with pytest.raises(InvalidInput, match="“Broken” .* cannot be read"):
        import_file(alice, "work.ics", broken, now=NOW)
    assert [b.title for b in blocks_of(source)] == ["Kept"]


def test_imported_zero_says_why(alice):
    source = import_file(alice, "old.ics", small_calendar(start="20080302T100000Z"), now=NOW)
    assert source.report.startswith(
        "Imported 0 busy blocks from old.ics: its one event falls outside the dates kept"
    )


def test_all_day_events_count_only_when_the_source_says_so(alice):
    data = small_calendar().replace(b"DTSTART:20260302T100000Z", b"DTSTART;VALUE=DATE:20260303")
    data = data.replace(b"DURATION:PT1H\r\n", b"")
    source = import_file(alice, "holidays.ics", data, now=NOW)
    (block,) = blocks_of(source)
    assert block.all_day
    assert "1 all-day event not counted as busy" in source.report
    assert busy_collisions(alice, block.starts_at, block.ends_at) == []
    set_all_day_busy(alice, source, True)
    assert busy_collisions(alice, block.starts_at, block.ends_at) == [block]


def test_a_feed_keeps_its_note_about_skipped_events(alice, server):
    source = add_feed(alice, f"{server}/skipping.ics", "Work")
    assert fetch_feed(alice, source, timeout=2, now=NOW) == 1
    source.refresh_from_db()
    assert source.last_error.startswith("Last fetch: Imported 1 busy block from Work; skipped")
