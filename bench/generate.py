"""Fill a coffeechat home with one user's network at scale, for the benchmarks.

    python bench/generate.py --home /tmp/cc-bench            # 10,000 contacts, 50,000 chats, ...
    python bench/generate.py --home /tmp/cc-bench --scale 0.05

The data belongs to the local owner of that home, so `coffeechat --home DIR serve` shows it too.
With DATABASE_URL set, the rows go to that database instead of the home's SQLite file.

This is benchmark code: it writes store models directly with bulk_create, in batches, instead of
going through the services (which would take minutes row by row). Nothing in src/ may do this.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

FULL = {
    "organisations": 500,
    "contacts": 10_000,
    "chats": 50_000,
    "notes": 200_000,
    "targets": 100,
    "outreaches": 5_000,
    "referrals": 1_000,
    "opportunities": 100,
    "merges": 20,
}
BATCH = 2_000
SEED = 20260302
CHATS_TODAY = 5


def words(text: str) -> list[str]:
    return text.split()


FIRST = words(
    "Ada Amir Ana Bea Ben Chen Chloe Dara Dev Elif Emma Eun Farah Femi Gus Hana Ines Ivan Jae "
    "Jana Joao Kai Kemi Lars Lea Lina Luca Maya Mei Mo Nia Noor Olu Omar Pia Priya Quinn Ravi "
    "Rosa Sami Sara Sven Tariq Tess Uma Vera Wen Xavi Yara Yusuf Zoe"
)
LAST = words(
    "Abara Berg Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kim Larsen Moreau Nakamura "
    "Novak Okafor Patel Quispe Rossi Santos Schmidt Silva Tanaka Usman Varga Wagner Weber Xu "
    "Yilmaz Zhang Andersson Bianchi Chowdhury Dimitrov Esposito Fernandes Grant Horvat Iyer"
)
ROLES = (
    "Product manager",
    "UX researcher",
    "Data analyst",
    "Engineering manager",
    "Service designer",
    "Policy adviser",
    "Recruiter",
    "Founder",
    "Programme officer",
    "Content strategist",
)
# 25 x 20 = 500 distinct organisation names.
ORG_FIRST = words(
    "North Harbour Blue Iron Quiet Bright Open Civic Green Silver Maple Granite Cedar "
    "Copper Orbit Lumen Meridian Pioneer Signal Summit Tidal Vantage Willow Zenith Atlas"
)
ORG_SECOND = words(
    "Analytics Labs Health Works Studio Partners Foundation Systems Logistics Media "
    "Energy Finance Robotics Learning Ventures Collective Institute Data Design Transit"
)
NOTE_WORDS = words(
    "they moved from teaching into research operations after a contract role and recommend "
    "talking to the platform team about onboarding hiring freezes lift next quarter portfolio "
    "review matters more than certificates ask about mentoring circles and the design guild"
)
TAGS = ("design", "data", "policy", "health", "climate", "fintech", "research", "ops")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django

    django.setup()
    from coffeechat.services.setup import prepare_database

    prepare_database(migrate=True)


def scaled(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(NOTE_WORDS) for _ in range(words)).capitalize() + "."


def generate(scale: float, *, quiet: bool = False) -> dict[str, float]:
    """Create the data; return the counts and the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from coffeechat.core.clock import day_bounds, local_today, zone
    from coffeechat.services.accounts import ensure_owner, ensure_preferences
    from coffeechat.store.models import (
        Chat,
        Contact,
        FollowUp,
        Note,
        Opportunity,
        Organisation,
        Outreach,
        Referral,
        SendChannel,
    )

    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    owner = ensure_owner()
    if Contact.objects.for_owner(owner).exists():
        raise SystemExit(
            "This home already holds contacts; generate into a fresh --home (or drop the database)."
        )
    counts = scaled(scale)
    rng = random.Random(SEED)
    now = timezone.now()
    started = time.monotonic()

    def insert(model, rows, label: str | None) -> list:
        created = []
        with transaction.atomic():
            for start in range(0, len(rows), BATCH):
                created.extend(model.objects.bulk_create(rows[start : start + BATCH]))
        if label:
            say(f"  {len(rows):>7,} {label}")
        return created

    say(f"Generating for {owner.username} (scale {scale}):")
    org_names = [f"{a} {b}" for a in ORG_FIRST for b in ORG_SECOND]
    rng.shuffle(org_names)
    while len(org_names) < counts["organisations"]:
        org_names.append(f"Organisation {len(org_names) + 1}")
    organisations = insert(
        Organisation,
        [Organisation(owner=owner, name=name) for name in org_names[: counts["organisations"]]],
        "organisations",
    )
    # SQLite's bulk_create returns primary keys; reload them anyway so PostgreSQL and SQLite match.
    organisations = list(Organisation.objects.for_owner(owner))

    contacts = [
        Contact(
            owner=owner,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            role=rng.choice(ROLES),
            organisation=rng.choice(organisations),
            emails=[f"person{n}@example.org"],
            tags=rng.sample(TAGS, k=rng.randint(0, 3)),
            research_notes=sentence(rng, 25),
        )
        for n in range(counts["contacts"])
    ]
    insert(Contact, contacts, "contacts")
    contact_ids = list(Contact.objects.for_owner(owner).values_list("pk", flat=True))

    # Chats spread over five years back and half a year ahead, plus a few today.
    tz = zone(ensure_preferences(owner).time_zone)
    today_start, _ = day_bounds(local_today(now, tz), tz)
    first, last = now - timedelta(days=5 * 365), now + timedelta(days=180)
    span_minutes = int((last - first).total_seconds() // 60)
    starts: list[datetime] = [
        today_start + timedelta(hours=9 + 2 * n) for n in range(min(CHATS_TODAY, counts["chats"]))
    ]
    while len(starts) < counts["chats"]:
        starts.append(first + timedelta(minutes=rng.randrange(0, span_minutes, 5)))
    chats = []
    for starts_at in starts:
        minutes = rng.choice((15, 20, 20, 30, 45))
        chat = Chat(
            owner=owner,
            contact_id=rng.choice(contact_ids),
            starts_at=starts_at,
            agreed_minutes=minutes,
            buffer_minutes=rng.choice((10, 15, 15, 20)),
            medium=rng.choice(Chat.Medium.values),
            ask="Who else should I talk to about this move?",
        )
        if starts_at < now - timedelta(hours=2):
            chat.status = rng.choices(
                (Chat.Status.HELD, Chat.Status.CANCELLED, Chat.Status.NO_SHOW), (90, 6, 4)
            )[0]
            if chat.status == Chat.Status.HELD:
                chat.actual_start = starts_at + timedelta(minutes=rng.randint(0, 4))
                chat.actual_end = chat.actual_start + timedelta(
                    minutes=minutes + rng.randint(-3, 12)
                )
        chats.append(chat)
    insert(Chat, chats, "chats")
    held = list(
        Chat.objects.for_owner(owner)
        .filter(status=Chat.Status.HELD)
        .values_list("pk", "contact_id", "actual_start", "actual_end")
    )
    if not held:
        held = list(
            Chat.objects.for_owner(owner).values_list("pk", "contact_id", "starts_at", "starts_at")
        )

    notes = []
    for _ in range(counts["notes"]):
        chat_id, contact_id, began, _ended = rng.choice(held)
        notes.append(
            Note(
                owner=owner,
                contact_id=contact_id,
                chat_id=chat_id,
                kind=rng.choice(Note.Kind.values),
                text=sentence(rng, rng.randint(6, 30)),
                taken_at=began + timedelta(minutes=rng.randint(0, 30)),
            )
        )
        # Written in slices so 200,000 unsaved notes never sit in memory at once.
        if len(notes) >= BATCH * 10:
            insert(Note, notes, None)
            notes = []
    insert(Note, notes, None)
    say(f"  {counts['notes']:>7,} notes")

    # A thank-you after every held chat: sent, except for the last few days (some overdue).
    follow_ups = [
        FollowUp(
            owner=owner,
            contact_id=contact_id,
            chat_id=chat_id,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=ended + timedelta(hours=24),
            sent_at=None if ended > now - timedelta(days=3) else ended + timedelta(hours=5),
        )
        for chat_id, contact_id, _began, ended in held
        if ended is not None
    ]
    insert(FollowUp, follow_ups, "follow-ups")

    # Targets: a hundred organisations with a priority, five of them top five.
    targets = organisations[: counts["targets"]]
    for index, organisation in enumerate(targets):
        organisation.is_target = True
        organisation.motivation = rng.randint(1, 3)
        organisation.hiring_signal = rng.choice(Organisation.Hiring.values)
        organisation.top_slot = index + 1 if index < 5 else None
    with transaction.atomic():
        Organisation.objects.bulk_update(
            targets, ["is_target", "motivation", "hiring_signal", "top_slot"], batch_size=BATCH
        )
    say(f"  {len(targets):>7,} targets")

    # Requests for a chat over the last year: the old ones answered or closed, the last four
    # weeks' still waiting, so the home page has 3-and-7 timers due.
    outreaches = []
    for _ in range(counts["outreaches"]):
        sent_at = now - timedelta(minutes=rng.randrange(60, 365 * 24 * 60))
        outreach = Outreach(
            owner=owner,
            contact_id=rng.choice(contact_ids),
            subject="A question about your path",
            message=sentence(rng, 60),
            sent_at=sent_at,
            sent_via=SendChannel.COPY,
            status=Outreach.Status.WAITING,
        )
        if sent_at < now - timedelta(days=28):
            outreach.status = rng.choice(
                (Outreach.Status.REPLIED, Outreach.Status.DECLINED, Outreach.Status.CLOSED)
            )
            if outreach.status == Outreach.Status.CLOSED:
                outreach.closed_at = sent_at + timedelta(days=21)
            else:
                outreach.replied_at = sent_at + timedelta(days=rng.randint(1, 6))
        outreaches.append(outreach)
    insert(Outreach, outreaches, "requests for a chat")

    # Referrals made in held chats, one person in ten reached through someone: half of them
    # suggested by someone who was suggested too, so chains run several people deep.
    by_contact: dict[int, list[int]] = {}
    for chat_id, contact_id, _began, _ended in held:
        by_contact.setdefault(contact_id, []).append(chat_id)
    talked = list(by_contact)
    referred: list[int] = []
    taken: set[int] = set()
    referrals = []
    while len(referrals) < counts["referrals"] and len(taken) < len(contact_ids) - 1:
        pool = [c for c in referred if c in by_contact] if referred and rng.random() < 0.5 else []
        source = rng.choice(pool or talked)
        target = rng.choice(contact_ids)
        if target == source or target in taken:
            continue
        taken.add(target)
        referred.append(target)
        referrals.append(
            Referral(
                owner=owner,
                from_contact_id=source,
                to_contact_id=target,
                chat_id=rng.choice(by_contact[source]),
                status=rng.choice(Referral.Status.values),
            )
        )
    insert(Referral, referrals, "referrals")
    opportunities = [
        Opportunity(
            owner=owner,
            contact_id=rng.choice(referred or contact_ids),
            kind=rng.choice(Opportunity.Kind.values),
            title=f"{rng.choice(ROLES)} at {rng.choice(organisations).name}",
            arose_on=(now - timedelta(days=rng.randint(0, 700))).date(),
        )
        for _ in range(counts["opportunities"])
    ]
    insert(Opportunity, opportunities, "opportunities")
    # A few duplicates merged into the person they repeat, as the merge page leaves them.
    doubles = rng.sample(contact_ids, min(2 * counts["merges"], len(contact_ids)))
    with transaction.atomic():
        for duplicate, kept in zip(doubles[::2], doubles[1::2], strict=False):
            Contact.objects.for_owner(owner).filter(pk=duplicate).update(merged_into_id=kept)
    say(f"  {len(doubles) // 2:>7,} merged contacts")
    took = time.monotonic() - started
    say(f"Done in {took:.1f} s.")
    return {**counts, "follow_ups": len(follow_ups), "seconds": round(took, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--home", type=Path, help="coffeechat home to fill (default: COFFEECHAT_HOME)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    args = parser.parse_args(argv)
    if args.home:
        os.environ["COFFEECHAT_HOME"] = str(args.home.expanduser().resolve())
    if not (os.environ.get("COFFEECHAT_HOME") or os.environ.get("DATABASE_URL")):
        parser.error("give --home (or set COFFEECHAT_HOME or DATABASE_URL): never the real home")
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    setup_django()
    generate(args.scale)


if __name__ == "__main__":
    main()
