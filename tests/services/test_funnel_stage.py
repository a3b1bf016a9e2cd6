"""The stored funnel stage (``Contact.funnel_stage``) always equals the rule read from the rows.

Only database triggers write the stage (migration 0021). These tests change the rows through
the services and behind their back (raw ORM updates and deletes, a stale contact saved, merges,
a restore) and compare every contact's stored stage with the funnel's rule worked out the way
the funnel page did before the stage was stored: one query with a subquery per fact.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.core.funnel import Funnel, Stage, funnel_from, furthest_stage
from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact, remove_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.demo import fill_demo
from coffeechat.services.errors import InvalidInput
from coffeechat.services.exports import document
from coffeechat.services.funnel import funnels, organisation_funnel, target_funnels
from coffeechat.services.merge import merge_contacts
from coffeechat.services.network import add_opportunity, add_referral
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.restore import restore_json
from coffeechat.store.models import Chat, Contact, Opportunity, Organisation, Outreach, Referral

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)
SENT = NOW - timedelta(days=20)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def reference(owner) -> dict[int, Stage | None]:
    """Every contact's furthest stage by the funnel's rule, read with Exists subqueries.

    The funnel page's query before the stage was stored (services.funnel._furthest), kept as
    the oracle, for every contact (merged ones as well: the triggers keep theirs too).
    """
    sent = Outreach.objects.filter(contact=OuterRef("pk"), sent_at__isnull=False)
    first_sent = (
        Outreach.objects.filter(contact=OuterRef("pk"), sent_at__isnull=False)
        .order_by()
        .values("contact")
        .annotate(first=Min("sent_at"))
        .values("first")
    )
    held = Chat.objects.filter(contact=OuterRef("pk"), status=Chat.Status.HELD).filter(
        Q(outreach__isnull=False) | Q(starts_at__gte=OuterRef("first_sent"))
    )
    rows = (
        Contact.objects.filter(owner=owner)
        .annotate(
            first_sent=Subquery(first_sent),
            written=Exists(sent),
            replied=Exists(sent.filter(replied_at__isnull=False)),
            chatted=Exists(held),
            referred=Exists(Referral.objects.filter(from_contact=OuterRef("pk"))),
            credited=Exists(Opportunity.objects.filter(contact=OuterRef("pk"))),
        )
        .values_list("pk", "written", "replied", "chatted", "referred", "credited")
    )
    return {
        pk: furthest_stage(replied=replied, chatted=chatted, referred=referred, credited=credited)
        if written
        else None
        for pk, written, replied, chatted, referred, credited in rows
    }


def stored(owner) -> dict[int, Stage | None]:
    rows = Contact.objects.filter(owner=owner).values_list("pk", "funnel_stage")
    return {pk: None if stage is None else Stage(stage) for pk, stage in rows}


def reference_funnel(owner, **filters) -> Funnel:
    active = Contact.objects.filter(owner=owner, merged_into__isnull=True, **filters)
    stages = reference(owner)
    return funnel_from(
        stage for pk in active.values_list("pk", flat=True) if (stage := stages[pk]) is not None
    )


def assert_stored_stages_follow_the_rule(owner) -> None:
    assert stored(owner) == reference(owner)
    overall, targets = funnels(owner)
    assert overall == reference_funnel(owner)
    for row in targets:
        assert row.funnel == reference_funnel(owner, organisation=row.organisation)
    assert target_funnels(owner) == targets
    for organisation in Organisation.objects.filter(owner=owner):
        expected = reference_funnel(owner, organisation=organisation)
        assert organisation_funnel(owner, organisation) == expected


def person(owner, name: str, organisation: str = "") -> Contact:
    return add_contact(owner, ContactDetails(name=name, organisation=organisation))


def hold(owner, chat: Chat) -> Chat:
    end = chat.starts_at + timedelta(minutes=20)
    return record_held(owner, chat, HeldChat(chat.starts_at, end), now=NOW)


def test_a_stale_contact_saved_keeps_the_stage_its_rows_give(alice):
    ada = person(alice, "Ada")
    log_outreach(alice, ada, "Could we talk?", sent_at=SENT)
    stale = Contact.objects.get(pk=ada.pk)
    assert stale.funnel_stage == Stage.OUTREACH
    # A chat is held through another path while the stale copy is in memory...
    chat = plan_chat(alice, ChatPlan(ada, SENT + timedelta(days=2), 20, 0), allow_overlap=True)
    hold(alice, chat)
    assert Contact.objects.get(pk=ada.pk).funnel_stage == Stage.CHAT
    # ...then the stale copy is saved, as Django does, writing every column.
    stale.role = "Engineer"
    stale.save()
    assert Contact.objects.get(pk=ada.pk).funnel_stage == Stage.CHAT
    # And the other way: a copy read at Chat, saved after the chat went.
    stale = Contact.objects.get(pk=ada.pk)
    Chat.objects.filter(pk=chat.pk).delete()
    stale.save()
    assert Contact.objects.get(pk=ada.pk).funnel_stage == Stage.OUTREACH
    # Nor can a write of the column by hand set a stage the rows do not give.
    Contact.objects.filter(pk=ada.pk).update(funnel_stage=Stage.OPPORTUNITY)
    assert Contact.objects.get(pk=ada.pk).funnel_stage == Stage.OUTREACH


def test_a_contact_written_with_a_stage_starts_with_none(alice):
    contact = Contact.objects.create(owner=alice, name="Ada", funnel_stage=Stage.OPPORTUNITY)
    assert Contact.objects.get(pk=contact.pk).funnel_stage is None


def test_deleting_a_contact_with_rows_of_every_kind_works(alice):
    ada, grace = person(alice, "Ada"), person(alice, "Grace")
    request = log_outreach(alice, ada, "Could we talk?", sent_at=SENT)
    record_reply(alice, request, replied_at=SENT + timedelta(days=1))
    chat = plan_chat(alice, ChatPlan(ada, SENT + timedelta(days=2), 20, 0), allow_overlap=True)
    hold(alice, chat)
    add_referral(alice, ada, grace, chat=chat)
    add_referral(alice, grace, ada)
    add_opportunity(alice, ada, "lead", "A role", arose_on=date(2030, 1, 2))
    log_outreach(alice, grace, "Hello", sent_at=SENT)
    assert stored(alice) == {ada.pk: Stage.OPPORTUNITY, grace.pk: Stage.REFERRAL}
    remove_contact(alice, ada)
    assert stored(alice) == {grace.pk: Stage.OUTREACH}
    assert_stored_stages_follow_the_rule(alice)


def test_the_demo_data_counts_as_the_rule_says(alice):
    fill_demo(alice)
    assert overall_is_not_trivial(alice)
    assert_stored_stages_follow_the_rule(alice)


def overall_is_not_trivial(owner) -> bool:
    counts = funnels(owner)[0].counts
    return counts[Stage.OUTREACH] > counts[Stage.CHAT] > 0


def test_a_restore_gives_every_contact_its_stage(alice, bob):
    fill_demo(alice)
    expected = sorted(stage for stage in stored(alice).values() if stage is not None)
    exported = document(alice)
    assert "funnel_stage" not in json.dumps(exported)  # derived, never exported
    alice.delete()
    restore_json(bob, io.StringIO(json.dumps(exported)))
    assert sorted(stage for stage in stored(bob).values() if stage is not None) == expected
    assert_stored_stages_follow_the_rule(bob)


# --- Random sequences of changes ---------------------------------------------------------------

# Each step names what happens and carries numbers that pick the rows it touches (taken modulo
# how many there are; small, so that steps keep meeting the same few people and rows) and a day
# relative to SENT.
step = st.tuples(
    st.sampled_from(
        [
            "send",
            "draft",
            "reply",
            "unsend",
            "resend",
            "delete request",
            "move request",
            "plan",
            "plan from request",
            "hold",
            "cancel",
            "status",
            "move chat",
            "unlink chat",
            "refer",
            "unrefer",
            "credit",
            "uncredit",
            "merge",
            "stale save",
            "delete contact",
            "add contact",
        ]
    ),
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(-3, 3),
)


def pick(rows: list, index: int):
    return rows[index % len(rows)] if rows else None


def apply(owner, name: str, a: int, b: int, days: int, stale: list[Contact]) -> None:  # noqa: C901
    contacts = list(Contact.objects.filter(owner=owner, merged_into__isnull=True).order_by("pk"))
    requests = list(Outreach.objects.filter(owner=owner).order_by("pk"))
    chats = list(Chat.objects.filter(owner=owner).order_by("pk"))
    contact, other = pick(contacts, a), pick(contacts, b)
    request, chat = pick(requests, a), pick(chats, a)
    moment = SENT + timedelta(days=days, hours=a)
    if name == "add contact" or contact is None:
        contacts.append(person(owner, f"Person {len(contacts)}", f"Org {a % 3}"))
    elif name in ("send", "draft"):
        log_outreach(owner, contact, "Could we talk?", sent_at=moment if name == "send" else None)
    elif name == "reply" and request is not None and request.sent_at and not request.replied_at:
        record_reply(owner, request, accepted=b % 2 == 0, replied_at=request.sent_at)
    elif name == "unsend" and request is not None:
        Outreach.objects.filter(pk=request.pk).update(sent_at=None, replied_at=None)
    elif name == "resend" and request is not None:
        Outreach.objects.filter(pk=request.pk).update(sent_at=moment)
    elif name == "delete request" and request is not None:
        request.delete()
    elif name == "move request" and request is not None:
        Outreach.objects.filter(pk=request.pk).update(contact=other)
    elif name in ("plan", "plan from request"):
        chat = plan_chat(owner, ChatPlan(contact, moment, 20, 0), allow_overlap=True)
        from_request = [r for r in requests if r.contact_id == contact.pk]
        if name == "plan from request" and from_request:
            chat.outreach = from_request[0]
            chat.save(update_fields=["outreach"])
    elif name == "hold" and chat is not None and chat.status == Chat.Status.PLANNED:
        hold(owner, chat)
    elif name == "cancel" and chat is not None and chat.status == Chat.Status.PLANNED:
        cancel_chat(owner, chat)
    elif name == "status" and chat is not None:
        statuses = [Chat.Status.HELD, Chat.Status.PLANNED, Chat.Status.NO_SHOW]
        Chat.objects.filter(pk=chat.pk).update(status=statuses[b % 3])
    elif name == "move chat" and chat is not None:
        Chat.objects.filter(pk=chat.pk).update(starts_at=moment, contact=other)
    elif name == "unlink chat" and chat is not None:
        Chat.objects.filter(pk=chat.pk).update(outreach=None)
    elif name == "refer":
        add_referral(owner, contact, other)
    elif name == "unrefer":
        Referral.objects.filter(owner=owner, from_contact=contact).delete()
    elif name == "credit":
        add_opportunity(owner, contact, "lead", "A role", arose_on=date(2030, 1, 2))
    elif name == "uncredit":
        Opportunity.objects.filter(owner=owner, contact=contact).delete()
    elif name == "merge" and contact.pk != other.pk:
        merge_contacts(owner, contact.code, other.code, {})
    elif name == "stale save" and stale:
        copy = pick(stale, a)
        if Contact.objects.filter(pk=copy.pk).exists():
            copy.save()
    elif name == "delete contact":
        remove_contact(owner, contact)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, max_size=30))
def test_the_stored_stage_follows_every_change(alice, steps):
    Contact.objects.filter(owner=alice).delete()
    for index in range(2):
        person(alice, f"Start {index}", f"Org {index}")
    stale: list[Contact] = []
    for name, a, b, days in steps:
        # A service may refuse a step (a second reply, a referral to oneself): that is fine.
        with contextlib.suppress(InvalidInput):
            apply(alice, name, a, b, days, stale)
        # A copy read now and saved later, after other changes, as a form or a merge would.
        copy = pick(list(Contact.objects.filter(owner=alice).order_by("pk")), b)
        if copy is not None:
            stale.append(copy)
    assert_stored_stages_follow_the_rule(alice)
