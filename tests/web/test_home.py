"""The home page: today's chats and the follow-ups due, in the user's own time zone."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.core.prep import QUESTION_BANK
from coffeechat.services.chats import cancel_chat
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.followups import add_follow_up, add_next_step, mark_sent
from coffeechat.services.library import StoryDetails, add_story, choose_stories, save_pitch
from coffeechat.services.network import add_referral
from coffeechat.services.owed import HOME_ROWS, owed, snooze
from coffeechat.services.preferences import PreferenceChoices, update_preferences
from coffeechat.services.prep import PrepDetails, save_prep
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, make_note, text_of


def move_to_zone(user, time_zone: str, clock_format: str = "24") -> None:
    update_preferences(
        user,
        PreferenceChoices(
            chat_minutes=20,
            buffer_minutes=15,
            wrapup_minutes=5,
            time_zone=time_zone,
            locale="en-GB",
            clock_format=clock_format,
            words_per_minute=150,
        ),
    )


def test_it_lists_todays_chats_with_name_time_and_a_link(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace")
    chat = make_chat(alice, ada, NOW + timedelta(hours=4, minutes=20))
    page = text_of(alice_client.get("/"))
    assert "<h1>Today</h1>" in page
    assert "Chats today" in page
    assert "Ada Lovelace" in page
    assert "13:20" in page
    assert f'href="/chats/{chat.code}/"' in page


def test_a_chat_about_to_start_can_go_live_from_the_home_page(alice, alice_client):
    soon = make_chat(alice, make_contact(alice, "Ada Lovelace"), NOW + timedelta(minutes=10))
    later = make_chat(alice, make_contact(alice, "Bea Smith"), NOW + timedelta(hours=5))
    page = text_of(alice_client.get("/"))
    assert f'href="/chats/{soon.code}/live/"' in page
    assert 'aria-label="Go live with Ada Lovelace"' in page
    assert f'href="/chats/{later.code}/live/"' not in page


def test_it_shows_times_in_the_users_zone_and_clock(alice, alice_client):
    move_to_zone(alice, "America/New_York", clock_format="12")
    ada = make_contact(alice, "Ada Lovelace")
    # 18:30 UTC is 1:30 pm in New York on 2 March (standard time, UTC-5).
    make_chat(alice, ada, NOW + timedelta(hours=9, minutes=30))
    page = text_of(alice_client.get("/"))
    assert "1:30 pm" in page
    assert ">18:30<" not in page


def test_today_means_the_users_local_day(alice, alice_client):
    move_to_zone(alice, "Asia/Tokyo")
    ada = make_contact(alice, "Ada Lovelace")
    # 16:00 UTC on 2 March is already 3 March in Tokyo, while it is 2 March at 18:00 there now.
    make_chat(alice, ada, NOW + timedelta(hours=7))
    page = text_of(alice_client.get("/"))
    assert "No chats today" in page


def test_it_hides_other_peoples_chats(alice, bob, alice_client):
    bobs_contact = make_contact(bob, "Grace Hopper")
    make_chat(bob, bobs_contact, NOW + timedelta(hours=2))
    assert "Grace Hopper" not in text_of(alice_client.get("/"))


def test_it_leaves_out_cancelled_chats_and_tomorrows(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace")
    cancel_chat(alice, make_chat(alice, ada, NOW + timedelta(hours=2)))
    make_chat(alice, make_contact(alice, "Tomorrow Person"), NOW + timedelta(days=1))
    page = text_of(alice_client.get("/"))
    # Tomorrow's chat may show further down, among the chats not prepared yet.
    today = page[page.index('id="chats-today"') : page.index('id="chats-tomorrow"')]
    assert "Ada Lovelace" not in page
    assert "Tomorrow Person" not in today


def test_follow_ups_come_overdue_first_with_a_countdown(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace")
    grace = make_contact(alice, "Grace Hopper")
    add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=3))
    add_follow_up(alice, grace, "thank_you", NOW - timedelta(days=2))
    page = text_of(alice_client.get("/"))
    assert "2 days overdue" in page
    assert "3 h left" in page
    assert page.index("Grace Hopper") < page.index("Ada Lovelace")


def test_a_new_user_is_told_what_to_do(alice_client):
    page = text_of(alice_client.get("/"))
    assert "No chats today." in page
    assert 'href="/chats/new/">Plan one</a>' in page
    assert "Nothing owed today" in page
    assert 'href="/contacts/new/"' in page


def test_an_empty_home_has_no_empty_follow_ups_heading(alice_client):
    page = owed_part(text_of(alice_client.get("/")))
    assert "Nothing owed today" in page
    assert "Follow-ups due" not in page
    assert "No thank-yous owed" not in page


def test_with_only_other_debts_it_says_no_thank_yous_are_owed(alice, alice_client):
    add_next_step(alice, make_contact(alice), "Send Ada the rubric")
    page = owed_part(text_of(alice_client.get("/")))
    assert ">Follow-ups due</span>" in page
    assert "No thank-yous owed." in page


def test_every_page_has_the_navigation_and_the_search_box(alice_client):
    page = text_of(alice_client.get("/"))
    for link, label in [
        ("/", "Today"),
        ("/contacts/", "Contacts"),
        ("/organisations/", "Organisations"),
        ("/chats/", "Chats"),
        ("/preferences/", "Preferences"),
    ]:
        assert f'href="{link}"' in page and f">{label}</a>" in page
    assert '<label class="visually-hidden" for="site-search">Search</label>' in page
    assert 'action="/search/"' in page
    assert 'action="/signout/"' in page
    assert "Sign out</button>" in page
    assert 'href="#main"' in page
    assert 'role="status"' in page


def test_the_home_page_answers_only_get(alice_client):
    assert alice_client.post("/").status_code == 405


def test_the_home_page_reads_the_preferences_once(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Quill Press")
    make_chat(alice, ada, NOW + timedelta(hours=1))
    make_chat(alice, ada, NOW + timedelta(days=1))
    add_follow_up(alice, ada, "thank_you", NOW - timedelta(hours=1))
    with CaptureQueriesContext(connection) as captured:
        assert alice_client.get("/").status_code == 200
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "coffeechat_preferences"' in query["sql"]
    ]
    assert len(reads) == 1


def test_the_home_page_reads_the_pitch_and_the_stories_once(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Quill Press")
    # A chat later today (a pocket brief) and one in three days, not prepared yet: both read
    # the pitch and the stories.
    make_chat(alice, ada, NOW + timedelta(hours=1))
    make_chat(alice, ada, NOW + timedelta(days=3))
    save_pitch(alice, "elevator", "I design onboarding for small teams.")
    add_story(alice, StoryDetails(title="Cut onboarding time", result="Two weeks to three days."))
    with CaptureQueriesContext(connection) as captured:
        page = text_of(alice_client.get("/"))
    assert "I design onboarding for small teams." in page
    assert "Not prepared yet" in page
    reads = [
        query["sql"].split(" FROM ", 1)[1].split(" ", 1)[0]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT")
    ]
    assert reads.count('"coffeechat_pitch"') == 1
    assert reads.count('"coffeechat_story"') == 1


def test_the_home_page_runs_as_many_queries_for_20_items_as_for_2(alice, alice_client):
    def add(count: int) -> None:
        for number in range(count):
            contact = make_contact(alice, f"Person {number}", organisation=f"Org {number}")
            chat = make_chat(alice, contact, NOW + timedelta(hours=1, minutes=number * 10))
            add_follow_up(alice, contact, "thank_you", NOW - timedelta(hours=number), chat=chat)

    add(2)
    few = count_queries(alice_client, "/")
    add(18)
    many = count_queries(alice_client, "/")
    assert few == many


# The pocket brief: today's and tomorrow's chats, each with what to glance at on the way ------


def pocket_part(page: str) -> str:
    return page[page.index('id="chats-today"') : page.index('id="who-do-i-owe"')]


def prepared(owner, name: str, starts_at, **plan):
    contact = make_contact(owner, name, organisation="Quill Press", tags=("publishing",))
    chat = make_chat(owner, contact, starts_at, **plan)
    save_prep(
        owner,
        chat,
        PrepDetails(
            ask=f"An introduction to the learning team, {name}.",
            questions=(QUESTION_BANK["trends"][0], f"What surprised you, {name}?"),
            logistics={"offer_to_treat": True},
        ),
    )
    return chat


def with_library(owner) -> None:
    save_pitch(owner, "elevator", "I taught science for ten years and now design learning.")
    add_story(
        owner,
        StoryDetails(
            title="Rewrote the publishing workflow", result="Half the time", tags=("publishing",)
        ),
    )


def test_tomorrows_chats_show_with_their_pocket_brief(alice, alice_client):
    with_library(alice)
    prepared(
        alice,
        "Ada Lovelace",
        NOW + timedelta(days=1),
        medium="in_person",
        venue="Café Nero, Baker St",
    )
    page = pocket_part(text_of(alice_client.get("/")))
    tomorrow = page[page.index('id="chats-tomorrow"') :]
    assert "Ada Lovelace" in tomorrow
    assert "Pocket brief" in tomorrow
    assert "about 4 seconds" in tomorrow
    assert "I taught science for ten years" in tomorrow
    assert "An introduction to the learning team, Ada Lovelace." in tomorrow
    assert "Rewrote the publishing workflow" in tomorrow
    assert QUESTION_BANK["trends"][0] in tomorrow
    assert "What surprised you, Ada Lovelace?" in tomorrow
    assert "Café Nero, Baker St" in tomorrow
    assert "I will offer to pay" in tomorrow


def test_the_next_chat_has_its_pocket_brief_open_and_the_others_folded(alice, alice_client):
    prepared(alice, "Ada Lovelace", NOW + timedelta(minutes=30))
    prepared(alice, "Bea Smith", NOW + timedelta(hours=3))
    page = pocket_part(text_of(alice_client.get("/")))
    assert page.count('<details class="pocket"') == 2
    assert page.count('<details class="pocket" open') == 1
    assert page.index('<details class="pocket" open') < page.index("Bea Smith")


def test_a_chat_that_is_over_does_not_keep_the_pocket_brief_open(alice, alice_client):
    prepared(alice, "Ada Lovelace", NOW - timedelta(hours=2), agreed_minutes=20)
    prepared(alice, "Bea Smith", NOW + timedelta(days=1))
    page = pocket_part(text_of(alice_client.get("/")))
    tomorrow = page[page.index('id="chats-tomorrow"') :]
    assert '<details class="pocket" open' in tomorrow
    assert page.count('<details class="pocket" open') == 1


def test_a_chat_that_is_over_shows_its_row_without_a_pocket_brief(alice, alice_client):
    with_library(alice)
    held = prepared(alice, "Ada Lovelace", NOW - timedelta(hours=3), agreed_minutes=20)
    record_held(
        alice,
        held,
        HeldChat(
            actual_start=NOW - timedelta(hours=3),
            actual_end=NOW - timedelta(hours=2, minutes=35),
        ),
    )
    # Planned but never marked held: its time and buffer are over too.
    prepared(alice, "Bea Smith", NOW - timedelta(hours=2), agreed_minutes=20)
    prepared(alice, "Cy Young", NOW + timedelta(hours=2))
    page = pocket_part(text_of(alice_client.get("/")))
    over = page[page.index("Ada Lovelace") : page.index("Cy Young")]
    assert "07:00" in over
    assert "Quill Press" in over
    assert '<span class="badge">Held</span>' in over
    assert "Bea Smith" in over
    assert "Pocket brief" not in over
    assert "An introduction to the learning team" not in over
    # The chat still to come keeps its brief, open.
    assert page.count('<details class="pocket"') == 1
    assert page.count('<details class="pocket" open') == 1
    assert "An introduction to the learning team, Cy Young." in page


def test_a_chat_about_to_start_has_a_big_go_live_button(alice, alice_client):
    chat = prepared(alice, "Ada Lovelace", NOW + timedelta(minutes=10))
    page = pocket_part(text_of(alice_client.get("/")))
    assert f'class="button button--go" href="/chats/{chat.code}/live/"' in page


def test_a_full_day_tomorrow_shows_its_soonest_few_and_links_to_all(alice, alice_client):
    for hour in range(HOME_ROWS + 2):
        prepared(alice, f"Person {hour:02}", NOW + timedelta(days=1, hours=hour - 6))
    page = pocket_part(text_of(alice_client.get("/")))
    tomorrow = page[page.index('id="chats-tomorrow"') :]
    assert tomorrow.count('<details class="pocket"') == HOME_ROWS
    assert f"Person {HOME_ROWS - 1:02}" in tomorrow
    assert f"Person {HOME_ROWS:02}" not in tomorrow
    # The first of them is the next chat: its brief is open.
    assert tomorrow.count('<details class="pocket" open') == 1
    assert f'href="/chats/">All {HOME_ROWS + 2} chats tomorrow are in your chats</a>' in tomorrow


def test_with_no_chats_tomorrow_it_says_so_in_one_line(alice_client):
    page = text_of(alice_client.get("/"))
    assert 'id="chats-tomorrow"' in page
    assert "Nothing planned tomorrow." in page


def test_the_pocket_briefs_take_as_many_queries_for_20_chats_as_for_2(alice, alice_client):
    with_library(alice)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            chat = prepared(alice, f"Person {number}", NOW + timedelta(minutes=30 * number))
            stories = [
                add_story(
                    alice,
                    StoryDetails(title=f"Story {number}", result="Done", tags=("publishing",)),
                )
            ]
            choose_stories(alice, chat, stories)
            prepared(alice, f"Later {number}", NOW + timedelta(days=1, minutes=30 * number))

    add(1, 0)
    few = count_queries(alice_client, "/")
    add(10, 1)
    page = pocket_part(text_of(alice_client.get("/")))
    # Eleven today and tomorrow's soonest few: the soonest few carry their brief, the others
    # link to it.
    assert page.count('<details class="pocket"') == HOME_ROWS
    assert page.count(">Brief</a>") == 11
    assert count_queries(alice_client, "/") == few


def test_a_full_day_shows_every_chat_and_the_briefs_of_the_soonest_few(alice, alice_client):
    with_library(alice)
    over = prepared(alice, "Early Bird", NOW - timedelta(hours=3), agreed_minutes=20)
    chats = [
        prepared(alice, f"Person {number:02}", NOW + timedelta(minutes=30 * (number + 1)))
        for number in range(HOME_ROWS + 3)
    ]
    page = pocket_part(text_of(alice_client.get("/")))
    today = page[: page.index('id="chats-tomorrow"')]
    # Every chat of the day has its row, the one that is over included.
    for chat in [over, *chats]:
        assert chat.contact.name in today
    assert today.count('<details class="pocket"') == HOME_ROWS
    assert today.count('<details class="pocket" open') == 1
    soonest, later = chats[:HOME_ROWS], chats[HOME_ROWS:]
    assert f"An introduction to the learning team, {soonest[-1].contact.name}." in today
    for chat in later:
        assert f"An introduction to the learning team, {chat.contact.name}." not in today
        assert (
            f'<a href="/chats/{chat.code}/brief/" aria-label="Brief for the chat with '
            f'{chat.contact.name}">Brief</a>'
        ) in today
    # The chat that is over has neither a brief nor a link to one.
    row = today[today.index("Early Bird") : today.index(soonest[0].contact.name)]
    assert "Brief" not in row


def test_the_home_page_answers_head_like_get(alice_client):
    assert alice_client.head("/").status_code == 200


# Who do I owe ---------------------------------------------------------------------------------


def owed_part(page: str) -> str:
    return page[page.index('id="who-do-i-owe"') :]


def test_who_do_i_owe_lists_every_kind_of_debt_under_its_heading(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", keep_in_touch_days=30)
    bea = make_contact(alice, "Bea Smith")
    cleo = make_contact(alice, "Cleo Park")
    make_note(alice, ada, taken_at=NOW - timedelta(days=45))
    thank_you = add_follow_up(alice, bea, "thank_you", NOW + timedelta(hours=20))
    add_next_step(alice, bea, "Send Bea the rubric", due_on=date(2026, 3, 1))
    add_next_step(alice, bea, "Bea will introduce me to Cleo", side="them")
    add_referral(alice, bea, cleo, status="intro_asked")
    nudge = add_follow_up(alice, cleo, "outreach_nudge", NOW + timedelta(days=2))
    page = owed_part(text_of(alice_client.get("/")))
    for heading in (
        "Who do I owe",
        "Follow-ups due",
        "My next steps",
        "Intros promised to me",
        "Keep in touch and add value",
        "Requests waiting",
    ):
        assert f">{heading}</" in page
    assert f'href="/follow-ups/{thank_you.code}/"' in page
    assert "20 h left" in page
    assert "Send Bea the rubric" in page and "9 h overdue" in page
    assert "Bea will introduce me to Cleo" in page
    assert "Bea Smith agreed to introduce you to Cleo Park" in page
    assert "Keep in touch with Ada Lovelace" in page and "15 days overdue" in page
    assert f'href="/follow-ups/{nudge.code}/"' in page
    assert "2 overdue" in page  # the step and the reminder


def test_each_follow_up_has_a_snooze_form_and_reminders_snooze_the_contact(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", keep_in_touch_days=30)
    make_note(alice, ada, taken_at=NOW - timedelta(days=45))
    thank_you = add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=20))
    page = owed_part(text_of(alice_client.get("/")))
    assert f'action="/follow-ups/{thank_you.code}/snooze/"' in page
    assert f'action="/contacts/{ada.code}/snooze-reminders/"' in page
    assert f'action="/contacts/{ada.code}/keep-in-touch/"' in page
    for value, label in (("1", "1 day"), ("7", "1 week"), ("30", "1 month")):
        assert f'name="days" value="{value}"' in page
        assert f'aria-label="Snooze thank-you for Ada Lovelace for {label}"' in page


def test_a_sent_thank_you_moves_to_done(alice, alice_client):
    ada = make_contact(alice)
    thank_you = add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=20))
    mark_sent(alice, thank_you)
    page = owed_part(text_of(alice_client.get("/")))
    done = page[page.index('id="owed-done"') :]
    assert "Thank-you for Ada Lovelace" in done
    assert "sent <time" in done
    assert f"/follow-ups/{thank_you.code}/snooze/" not in page


def test_my_steps_can_be_marked_done_from_the_home_page(alice, alice_client):
    step = add_next_step(alice, make_contact(alice), "Send the rubric")
    page = text_of(alice_client.get("/"))
    assert f'action="/next-steps/{step.code}/done/"' in page
    response = alice_client.post(
        f"/next-steps/{step.code}/done/", {"next": "/#who-do-i-owe"}, follow=True
    )
    page = owed_part(text_of(response))
    assert "Send the rubric" in page[page.index('id="owed-done"') :]


def test_a_snoozed_follow_up_stays_out_of_the_list(alice, alice_client):
    ada = make_contact(alice)
    thank_you = add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=3))
    snooze(alice, thank_you, NOW + timedelta(days=1))
    page = owed_part(text_of(alice_client.get("/")))
    assert "Ada Lovelace" not in page
    assert "Nothing owed today" in page


def test_who_do_i_owe_runs_as_many_queries_for_many_debts_as_for_a_few(alice, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = make_contact(alice, f"Person {number}", keep_in_touch_days=20)
            other = make_contact(alice, f"Name {number}")
            make_note(alice, contact, taken_at=NOW - timedelta(days=30))
            add_next_step(alice, contact, "Send the article", due_on=date(2026, 3, 4))
            add_next_step(alice, contact, "They will introduce me", side="them")
            add_referral(alice, contact, other, status="suggested")
            add_follow_up(alice, contact, "outreach_nudge", NOW + timedelta(days=1))
            sent = add_follow_up(alice, contact, "add_value", NOW - timedelta(days=1))
            mark_sent(alice, sent)

    add(2, 0)
    few = count_queries(alice_client, "/")
    add(12, 2)
    assert count_queries(alice_client, "/") == few


def test_requests_waiting_take_as_many_queries_for_20_as_for_2(alice, alice_client):
    from coffeechat.services.outreach import log_outreach
    from coffeechat.services.outreach_timers import start_nudge

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            first = make_contact(alice, f"Ada {number}", organisation=f"Org {number}")
            make_contact(alice, f"Bob {number}", organisation=f"Org {number}")
            # One suggestion due (3 business days), one nudge begun (7), one with nobody else.
            log_outreach(alice, first, "Hello?", sent_at=NOW - timedelta(days=5))
            nudged = make_contact(alice, f"Cleo {number}", organisation=f"Org {number}")
            request = log_outreach(alice, nudged, "Hello?", sent_at=NOW - timedelta(days=11))
            start_nudge(alice, request)
            alone = make_contact(alice, f"Lee {number}")
            log_outreach(alice, alone, "Hello?", sent_at=NOW - timedelta(days=5))

    add(2, 0)
    few = count_queries(alice_client, "/")
    add(18, 2)
    assert count_queries(alice_client, "/") == few
    page = owed_part(text_of(alice_client.get("/")))
    # The most urgent few show; the whole count is in the heading and behind "All 60".
    assert page.count("business days without a reply from") == HOME_ROWS
    assert 'href="/owed/requests/">All 60 requests waiting</a>' in page
    # Each request counts once in the summary, like any other debt that came due.
    assert "60 overdue" in page or "60 due within a day" in page


def test_who_do_i_owe_reads_only_what_its_rows_show_of_people_and_chats(alice, alice_client):
    from coffeechat.services.outreach import log_outreach

    ada = make_contact(alice, "Ada Lovelace", organisation="Quill Press")
    make_contact(alice, "Bea Quill", organisation="Quill Press")
    chat = make_chat(alice, ada, NOW - timedelta(hours=3))
    add_follow_up(alice, ada, "thank_you", NOW - timedelta(hours=1), chat=chat)
    add_next_step(alice, ada, "Send the article", due_on=date(2026, 3, 4))
    add_referral(alice, ada, make_contact(alice, "Cy Press"), status="suggested")
    log_outreach(alice, ada, "Hello?", sent_at=NOW - timedelta(days=5))
    with CaptureQueriesContext(connection) as captured:
        page = text_of(alice_client.get("/"))
    # Every row is there: the thank-you, the step, the name given, the request and its
    # suggestion (Bea, the second person at Quill Press).
    assert "Thank-you for Ada Lovelace" in page
    assert "Send the article" in page
    assert "Cy Press" in page
    assert "Write to Bea Quill" in page
    # The rows' reads (and the suggestions') leave out a contact's details and a chat's prep.
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT")
        # The table read (not one in a subquery, as the keep-in-touch reminders' are).
        and query["sql"]
        .split(" FROM ", 1)[1]
        .startswith(('"coffeechat_followup"', '"coffeechat_nextstep"', '"coffeechat_referral"'))
        or "ROW_NUMBER() OVER" in query["sql"]
    ]
    # The thank-you, the steps (open and done), the name given, the suggestions.
    assert len(reads) >= 5
    for sql in reads:
        assert '"coffeechat_contact"."emails"' not in sql
        assert '"coffeechat_chat"."ask_html"' not in sql


def test_a_thank_you_owed_has_a_write_the_thank_you_button(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace")
    thank_you = add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=20))
    page = owed_part(text_of(alice_client.get("/")))
    assert (
        f'<a class="button button--small" href="/follow-ups/{thank_you.code}/" '
        'aria-label="Write the thank-you to Ada Lovelace">Write the thank-you</a>'
    ) in page


def crowd(owner, count: int, start: int = 0) -> None:
    """``count`` items in every section of Who do I owe, all overdue."""
    from coffeechat.services.outreach import log_outreach

    for number in range(start, start + count):
        contact = make_contact(owner, f"Person {number}", organisation=f"Org {number}")
        make_contact(owner, f"Colleague {number}", organisation=f"Org {number}")
        other = make_contact(owner, f"Name {number}")
        chat = make_chat(owner, contact, NOW - timedelta(days=2, minutes=number))
        add_follow_up(
            owner, contact, "thank_you", NOW - timedelta(hours=1, minutes=number), chat=chat
        )
        add_next_step(owner, contact, f"Send article {number}", due_on=date(2026, 3, 1))
        add_next_step(owner, contact, f"They introduce me {number}", side="them")
        add_referral(owner, contact, other, status="suggested")
        add_follow_up(owner, contact, "keep_in_touch", NOW - timedelta(days=1, minutes=number))
        log_outreach(owner, contact, "Hello?", sent_at=NOW - timedelta(days=5, minutes=number))
        done = add_follow_up(owner, other, "add_value", NOW - timedelta(days=1))
        mark_sent(owner, done)


def test_each_section_shows_its_most_urgent_few_with_the_whole_count(alice, alice_client):
    crowd(alice, HOME_ROWS + 4)
    # Not overdue: past the bound, behind the link.
    later = add_follow_up(alice, make_contact(alice, "Zed"), "thank_you", NOW + timedelta(hours=20))
    page = owed_part(text_of(alice_client.get("/")))
    total = HOME_ROWS + 4
    for slug, words in (
        ("next-steps", "next steps"),
        ("intros", "intros"),
        ("reminders", "reminders"),
        ("requests", "requests waiting"),
        ("done", "done"),
    ):
        assert (
            f'href="/owed/{slug}/">All {total * 2 if slug == "intros" else total} {words}</a>'
            in page
        )
    steps = page[page.index('id="owed-steps"') : page.index('id="owed-intros"')]
    assert steps.count("Mark done: Send article") == HOME_ROWS
    assert f'<span class="owed__count">{total}</span>' in steps
    # Soonest first: the most overdue lead, the rest wait behind "All".
    requests = page[page.index('id="owed-nudges"') : page.index('id="owed-done"')]
    assert requests.count("without a reply from") == HOME_ROWS
    assert f"from Person {total - 1} (Org" in requests and "from Person 0 (Org" not in requests
    # The counts stay exact: every overdue item of every section, shown or not.
    overdue = len(owed(alice, NOW).overdue)
    assert overdue > total * 3  # thank-yous, steps, reminders and most requests
    assert f">{overdue} overdue</span>" in page
    assert f"/follow-ups/{later.code}/" not in page
    assert f'href="/owed/thank-yous/">All {total + 1} thank-yous</a>' in page


def test_every_overdue_thank_you_is_on_the_home_page_however_many(alice, alice_client):
    count = HOME_ROWS * 3
    thanks_owed = []
    for number in range(count):
        contact = make_contact(alice, f"Person {number}")
        thanks_owed.append(
            add_follow_up(alice, contact, "thank_you", NOW - timedelta(minutes=number + 1))
        )
    page = owed_part(text_of(alice_client.get("/")))
    thanks = page[page.index('id="follow-ups-due"') :]
    # The first few as full rows, the rest one line each; every one with its link to write it.
    assert thanks.count("Write the thank-you</a>") == HOME_ROWS
    assert thanks.count("Write the thank-you<span") == count - HOME_ROWS
    for follow_up in thanks_owed:
        assert f"/follow-ups/{follow_up.code}/" in thanks
    assert f">{count - HOME_ROWS} more overdue thank-yous</h4>" in thanks
    assert thanks.count('<span class="countdown countdown--overdue">') == count
    assert f'<span class="owed__count">{count}</span>' in thanks
    assert "/owed/thank-yous/" not in page


def test_overdue_thank_yous_past_the_first_few_are_one_line_each(alice, alice_client):
    for number in range(HOME_ROWS + 2):
        contact = make_contact(alice, f"Person {number}")
        add_follow_up(alice, contact, "thank_you", NOW - timedelta(minutes=number + 1))
    page = owed_part(text_of(alice_client.get("/")))
    brief = page[page.index('class="owed__brief"') :]
    brief = brief[: brief.index("</ul>")]
    # The most overdue lead as full rows; the two due last follow, one line each, no forms.
    assert brief.count("<li>") == 2
    assert "Person 1<" in brief and "Person 0<" in brief and "Person 2<" not in brief
    assert "<form" not in brief
    assert '<span class="visually-hidden"> to Person 0</span>' in brief


def test_who_do_i_owe_runs_as_many_queries_past_the_bound_as_under_it(alice, alice_client):
    crowd(alice, 1)
    few = count_queries(alice_client, "/")
    crowd(alice, HOME_ROWS * 2, start=1)
    assert count_queries(alice_client, "/") == few
    assert "/owed/requests/" in text_of(alice_client.get("/"))
