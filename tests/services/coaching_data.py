"""Coaches and students for the coaching tests: accounts, held chats, a student's whole record."""

from __future__ import annotations

from datetime import datetime, timedelta

from coffeechat.services.accounts import create_user
from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.store.models import Preferences


def make_coach(username: str = "carol", **names):
    """A coach's account (the accounts service invites coaches; here the flag is set directly)."""
    coach = create_user(username, email=f"{username}@college.example")
    Preferences.objects.filter(owner=coach).update(is_coach=True, **names)
    coach.refresh_from_db()  # forget the preferences read when the account was made
    return coach


def held_chat(owner, ended_at: datetime, overrun: int = 0, *, name: str = "Person"):
    """A chat of 20 minutes agreed that ran ``overrun`` minutes over and ended at ``ended_at``."""
    contact = add_contact(owner, ContactDetails(name=name))
    start = ended_at - timedelta(minutes=20 + overrun)
    chat = plan_chat(owner, ChatPlan(contact, start, agreed_minutes=20), allow_overlap=True)
    return record_held(owner, chat, HeldChat(actual_start=start, actual_end=ended_at))


def planned_chat(owner, starts_at: datetime, *, name: str = "Someone"):
    contact = add_contact(owner, ContactDetails(name=name))
    return plan_chat(owner, ChatPlan(contact, starts_at, agreed_minutes=20), allow_overlap=True)


def noted(owner, chat, text: str, kind: str = "insight"):
    return add_note(owner, chat.contact, text, kind=kind, chat=chat)
