from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coffeechat.core.funnel import Funnel
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.network import add_opportunity, add_referral
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.targets import mark_target
from coffeechat.store.models import Organisation
from tests.web.conftest import NOW, make_chat, make_contact

URL = reverse("web:funnel")
SENT = NOW - timedelta(days=10)


def written(owner, name: str, organisation: str = "", *, reply: bool | None = None):
    contact = make_contact(owner, name, organisation=organisation)
    request = log_outreach(owner, contact, "Could we talk?", sent_at=SENT)
    if reply is not None:
        record_reply(owner, request, accepted=reply, replied_at=SENT + timedelta(days=1))
    return contact


def hold(owner, contact, days_after_sending: int = 2):
    chat = make_chat(owner, contact, SENT + timedelta(days=days_after_sending))
    start = chat.starts_at
    return record_held(owner, chat, HeldChat(start, start + timedelta(minutes=20)), now=NOW)


def target(owner, name: str, **priority) -> Organisation:
    organisation = Organisation.objects.for_owner(owner).get(name=name)
    return mark_target(owner, organisation, **{"motivation": 2, **priority})


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "no picture on the page"
    return ET.fromstring(match.group(0))


def test_without_requests_it_explains_the_funnel_and_where_to_start(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No requests sent yet" in html
    assert reverse("web:outreach") in html
    assert reverse("web:targets") in html
    assert "<svg" not in html


def test_a_draft_alone_keeps_the_empty_state(alice, alice_client):
    log_outreach(alice, make_contact(alice), "A draft")
    assert "No requests sent yet" in alice_client.get(URL).content.decode()


def test_it_shows_the_overall_picture_and_table(alice, alice_client):
    for index in range(3):
        written(alice, f"Quiet {index}")
    written(alice, "Ada", reply=False)
    tim = written(alice, "Tim", reply=True)
    chat = hold(alice, tim)
    mary = make_contact(alice, "Mary")
    add_referral(alice, tim, mary, chat=chat)
    add_opportunity(alice, tim, "lead", "A role", arose_on=NOW.date())
    response = alice_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    root = svg_of(html)
    description = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "Reply: 2 of 5 people, 40%." in description
    rows = re.findall(r'<tr>\s*<th scope="row">(\w+)</th>(.*?)</tr>', html, re.S)
    cells = {stage: re.findall(r'class="number"[^>]*>([^<]*)<', rest) for stage, rest in rows}
    assert cells["Outreach"] == ["5", "—", "100%"]
    assert cells["Reply"] == ["2", "40%", "40%"]
    assert cells["Chat"] == ["1", "50%", "20%"]
    assert cells["Opportunity"] == ["1", "100%", "20%"]


def test_it_lists_each_target_with_its_funnel(alice, alice_client):
    written(alice, "Ada", "Acme", reply=True)
    written(alice, "Bea", "Acme")
    hold(alice, written(alice, "Cy", "Beta", reply=True))
    target(alice, "Acme", motivation=1)
    target(alice, "Beta", top_five=True)
    html = alice_client.get(URL).content.decode()
    assert html.index("Beta") < html.index("Acme")
    beta = Organisation.objects.for_owner(alice).get(name="Beta")
    assert reverse("web:organisation", args=[beta.code]) in html
    assert "Top five" in html
    assert '<td class="number" data-label="Outreach to chat">100%</td>' in html
    assert '<td class="number" data-label="Outreach to chat">0%</td>' in html


def test_without_targets_it_says_how_to_pick_some(alice, alice_client):
    written(alice, "Ada", "Acme")
    html = alice_client.get(URL).content.decode()
    assert "No target organisations yet" in html


def test_names_are_escaped(alice, alice_client):
    written(alice, "Ada", "<script>alert(1)</script> Ltd")
    target(alice, "<script>alert(1)</script> Ltd")
    html = alice_client.get(URL).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in html


def test_bob_sees_only_his_own_numbers(alice, bob, bob_client):
    written(alice, "Ada", "Acme", reply=True)
    target(alice, "Acme")
    written(bob, "Bea")
    html = bob_client.get(URL).content.decode()
    assert "Acme" not in html
    assert "Reply: 0 of 1 person, 0%." in html


def test_it_needs_a_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302


def test_it_only_answers_get(alice_client):
    assert alice_client.post(URL).status_code == 405


def build(owner, first: int, last: int) -> None:
    for index in range(first, last):
        contact = written(owner, f"Person {index}", f"Org {index % 5}", reply=index % 2 == 0)
        if index % 3 == 0:
            hold(owner, contact, days_after_sending=1 + index % 8)
        if index < 5:
            target(owner, f"Org {index}")


def queries_for_the_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_makes_the_same_number_of_queries_whatever_the_data(alice, alice_client):
    build(alice, 0, 2)
    few = queries_for_the_page(alice_client)
    build(alice, 2, 30)
    assert queries_for_the_page(alice_client) == few
    # The session and user, then the overall funnel, the targets and the people at them.
    assert few <= 5


def test_the_summary_partial_shows_a_compact_picture_and_the_headline(alice):
    html = render_to_string(
        "coffeechat/funnel/_summary.html",
        {"funnel": Funnel((8, 4, 2, 1, 0)), "funnel_title": "Funnel at <Acme>", "funnel_id": "x"},
    )
    root = svg_of(html)
    assert "funnel--compact" in root.get("class")
    assert root.get("aria-labelledby") == "funnel-x-title funnel-x-desc"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Funnel at <Acme>"
    assert "Wrote to 8 people; 25% led to a chat." in html


def test_two_summaries_on_one_page_do_not_share_ids():
    one, two = (
        svg_of(render_to_string("coffeechat/funnel/_summary.html", {"funnel": Funnel((1,) * 5)}))
        for _ in range(2)
    )
    assert one.get("aria-labelledby") != two.get("aria-labelledby")


def test_the_summary_of_an_empty_funnel_says_so():
    html = render_to_string("coffeechat/funnel/_summary.html", {"funnel": Funnel.empty()})
    assert "No requests sent yet" in html
    assert "<svg" not in html


def test_many_targets_show_a_page_at_a_time_and_the_funnel_above_counts_them_all(
    alice, alice_client
):
    for index in range(60):
        written(alice, f"Person {index:02}", f"Org {index:02}", reply=index % 2 == 0)
        target(alice, f"Org {index:02}", motivation=3 if index == 59 else 2)
    first = alice_client.get(URL).content.decode()
    rows = re.findall(r'<th scope="row"><a href="/organisations/', first)
    assert len(rows) == 50
    # The most motivated first, then by name; the rest on the next page.
    assert first.index("Org 59") < first.index("Org 00") < first.index("Org 48")
    assert "Org 49" not in first
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    assert "60 targets. Top five first, then by motivation." in first
    assert "Outreach: you wrote to 60 people" in first
    second = alice_client.get(URL, {"page": 2}).content.decode()
    assert len(re.findall(r'<th scope="row"><a href="/organisations/', second)) == 10
    assert "Org 49" in second and "Org 58" in second and "Org 00" not in second
    assert "Outreach: you wrote to 60 people" in second
