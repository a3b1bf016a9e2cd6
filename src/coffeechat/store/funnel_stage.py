"""Each contact's furthest funnel stage (``Contact.funnel_stage``), as the database keeps it.

Migration 0021 wrote the rule into the database: triggers on requests, chats, referrals and
opportunities work a contact's stage out again whenever a row the rule reads changes, and
triggers on the contact put right a stage written by anyone else (a stale ``save()``). This
module holds the same SQL for SQLite, so that ``repair`` (after every migrate) can put back the
triggers a later migration's table rebuild dropped, and work every stage out again
(store.triggers). A test checks that a migrated database has exactly these triggers.

The rule: someone sent at least one request enters at Outreach; a reply to a sent request is
Reply; a held chat that came of a request, or started at or after the first request went out,
is Chat; a referral from them is Referral; an opportunity through them is Opportunity; the
furthest one counts (``core.funnel.furthest_stage`` says the same over plain facts).
"""

from __future__ import annotations

from django.db import connection as default_connection

from coffeechat.store.triggers import put_back

# (table, its column naming the contact, the columns the rule reads)
SOURCES = (
    ("outreach", "contact_id", ("contact_id", "sent_at", "replied_at")),
    ("chat", "contact_id", ("contact_id", "status", "outreach_id", "starts_at")),
    ("referral", "from_contact_id", ("from_contact_id",)),
    ("opportunity", "contact_id", ("contact_id",)),
)


def stage_of(contact: str) -> str:
    """The furthest stage of the contact whose id is the SQL expression ``contact``, as SQL."""
    sent = f"FROM coffeechat_outreach o WHERE o.contact_id = {contact} AND o.sent_at IS NOT NULL"
    return (
        "CASE"
        f" WHEN NOT EXISTS (SELECT 1 {sent}) THEN NULL"
        f" WHEN EXISTS (SELECT 1 FROM coffeechat_opportunity p WHERE p.contact_id = {contact})"
        " THEN 4"
        " WHEN EXISTS (SELECT 1 FROM coffeechat_referral r"
        f" WHERE r.from_contact_id = {contact}) THEN 3"
        # A chat from before any request belongs to an earlier acquaintance, not to the funnel.
        f" WHEN EXISTS (SELECT 1 FROM coffeechat_chat c WHERE c.contact_id = {contact}"
        " AND c.status = 'held' AND (c.outreach_id IS NOT NULL"
        f" OR c.starts_at >= (SELECT min(o.sent_at) {sent}))) THEN 2"
        f" WHEN EXISTS (SELECT 1 {sent} AND o.replied_at IS NOT NULL) THEN 1"
        " ELSE 0 END"
    )


def _restage(contact: str) -> str:
    return (
        f"UPDATE coffeechat_contact SET funnel_stage = ({stage_of(contact)}) WHERE id = {contact};"
    )


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for table, column, read in SOURCES:
        changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in read)
        triggers[f"coffeechat_funnel_{table}_insert"] = (
            f"AFTER INSERT ON coffeechat_{table} BEGIN {_restage(f'NEW.{column}')} END"
        )
        triggers[f"coffeechat_funnel_{table}_update"] = (
            f"AFTER UPDATE OF {', '.join(read)} ON coffeechat_{table} WHEN {changed} BEGIN "
            f"{_restage(f'OLD.{column}')} {_restage(f'NEW.{column}')} END"
        )
        triggers[f"coffeechat_funnel_{table}_delete"] = (
            f"AFTER DELETE ON coffeechat_{table} BEGIN {_restage(f'OLD.{column}')} END"
        )
    # A contact written with a stage that is not the rule's (a stale save, an insert after its
    # rows in one transaction) is put right at once.
    triggers["coffeechat_funnel_contact_insert"] = (
        f"AFTER INSERT ON coffeechat_contact WHEN NEW.funnel_stage IS NOT ({stage_of('NEW.id')}) "
        f"BEGIN {_restage('NEW.id')} END"
    )
    triggers["coffeechat_funnel_contact_update"] = (
        "AFTER UPDATE OF funnel_stage ON coffeechat_contact "
        "WHEN NEW.funnel_stage IS NOT OLD.funnel_stage "
        f"AND NEW.funnel_stage IS NOT ({stage_of('NEW.id')}) BEGIN {_restage('NEW.id')} END"
    )
    return triggers


SQLITE_TRIGGERS = _sqlite_triggers()


def repair(connection=None) -> bool:
    """Put back SQLite triggers a later migration dropped, and work every stage out again if it
    did. Answers whether it had to act."""
    connection = connection or default_connection
    if not put_back(connection, SQLITE_TRIGGERS, "coffeechat_contact", "funnel_stage"):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE coffeechat_contact SET funnel_stage = ({stage_of('coffeechat_contact.id')})"
        )
    return True
