"""The database itself refuses what breaks a rule: each test writes past the Python check.

The services check these rules too; a bulk write, a script or two tabs at once go past them.
Removing a constraint leaves one of these tests failing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from coffeechat.store.models import (
    Chat,
    ChatEvent,
    Contact,
    FollowUp,
    Organisation,
    Outreach,
    Preferences,
)

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


def refused():
    """The write inside fails on a constraint and leaves the test's transaction usable."""

    class Both:
        def __enter__(self):
            self.raises = pytest.raises(IntegrityError)
            self.raises.__enter__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            self.atomic.__exit__(*exc)
            return self.raises.__exit__(*exc)

    return Both()


def organisation(owner, name: str, **values) -> Organisation:
    return Organisation.objects.create(owner=owner, name=name, **values)


@pytest.fixture
def chat(alice) -> Chat:
    contact = Contact.objects.create(owner=alice, name="Ada")
    return Chat.objects.create(owner=alice, contact=contact, starts_at=NOW)


# --- the top five -------------------------------------------------------------------------------


def test_a_top_five_place_is_1_to_5(alice):
    with refused():
        organisation(alice, "Sixth", is_target=True, top_slot=6)
    with refused():
        organisation(alice, "Nought", is_target=True, top_slot=0)
    assert organisation(alice, "Fifth", is_target=True, top_slot=5).top_five


def test_a_top_five_place_is_held_once_per_owner(alice, bob):
    organisation(alice, "Acme", is_target=True, top_slot=1)
    with refused():
        organisation(alice, "Initech", is_target=True, top_slot=1)
    # Another user's place 1 is theirs; rows outside the top five share no place.
    organisation(bob, "Acme", is_target=True, top_slot=1)
    organisation(alice, "Globex", is_target=True)
    organisation(alice, "Umbrella", is_target=True)


def test_the_database_keeps_the_top_five_to_five(alice):
    for slot in range(1, 6):
        organisation(alice, f"Org {slot}", is_target=True, top_slot=slot)
    sixth = organisation(alice, "Org 6", is_target=True)
    # A bulk write past mark_target's check: every place is taken, and there is no sixth.
    for slot in (*range(1, 6), 6):
        with refused():
            Organisation.objects.filter(pk=sixth.pk).update(top_slot=slot)


def test_only_a_target_is_in_the_top_five(alice):
    with refused():
        organisation(alice, "Acme", top_slot=1)
    acme = organisation(alice, "Acme", is_target=True, top_slot=1)
    with refused():
        Organisation.objects.filter(pk=acme.pk).update(is_target=False)


# --- chats and follow-ups -----------------------------------------------------------------------


def test_talk_share_is_0_to_100(chat):
    for share in (0, 35, 100, None):
        Chat.objects.filter(pk=chat.pk).update(talk_share=share)
    with refused():
        Chat.objects.filter(pk=chat.pk).update(talk_share=101)
    with refused():
        Chat.objects.filter(pk=chat.pk).update(talk_share=-1)


def test_one_thank_you_per_chat(alice, chat):
    def thank_you() -> FollowUp:
        return FollowUp(owner=alice, contact=chat.contact, chat=chat, kind="thank_you", due_at=NOW)

    thank_you().save()
    with refused():
        FollowUp.objects.bulk_create([thank_you()])
    # Other kinds are not limited.
    FollowUp.objects.create(
        owner=alice, contact=chat.contact, chat=chat, kind="add_value", due_at=NOW
    )


# --- every choice known -------------------------------------------------------------------------


def choice_fields() -> list[models.Field]:
    return [
        field
        for model in apps.get_app_config("coffeechat").get_models()
        for field in model._meta.get_fields()
        if getattr(field, "choices", None) and field.concrete
    ]


def allowed(field: models.Field) -> set[str]:
    values = {value for value, _ in field.flatchoices}
    return values | {""} if field.blank else values


def known_values_checked(field: models.Field) -> set[str] | None:
    """The values a check constraint of ``field``'s model keeps it to, if one does."""
    for constraint in field.model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        condition = constraint.condition
        if condition.connector == "AND" and not condition.negated and len(condition) == 1:
            lookup, values = condition.children[0]
            if lookup == f"{field.name}__in":
                return set(values)
    return None


def test_there_are_fields_with_choices_to_walk():
    names = {f"{field.model.__name__}.{field.name}" for field in choice_fields()}
    assert {"Chat.status", "FollowUp.kind", "Organisation.hiring_signal"} <= names
    assert len(names) >= 27


@pytest.mark.parametrize("field", choice_fields(), ids=lambda f: f"{f.model.__name__}.{f.name}")
def test_every_field_with_choices_is_kept_to_them_by_a_check(field):
    assert known_values_checked(field) == allowed(field), (
        f"{field.model.__name__}.{field.name} needs a check constraint keeping it to its "
        'choices (choices_check in store/models.py, "" too when blank), and a migration'
    )


def test_an_unknown_choice_is_refused_by_the_database(alice, chat):
    with refused():
        Chat.objects.filter(pk=chat.pk).update(status="done")
    with refused():
        ChatEvent.objects.create(owner=alice, chat=chat, kind="paused", at=NOW)
    with refused():
        Organisation.objects.create(owner=alice, name="Acme", hiring_signal="maybe")
    with refused():
        Preferences.objects.create(owner=alice, clock_format="36")
    contact = chat.contact
    # A blank way of sending is "not sent yet"; an unknown one is refused.
    Outreach.objects.create(owner=alice, contact=contact, sent_via="")
    with refused():
        Outreach.objects.create(owner=alice, contact=contact, sent_via="pigeon")
