"""A realistic demo network, so a new user (or a browser test) has something to look around.

The owner is a science teacher moving into learning design. The network is made only through the
same use cases the app offers, so every demo row is one a user could have made. Names, roles and
organisations are invented. Randomness comes from a seeded generator, so two demos differ only in
their codes and in where "now" falls; every time is placed relative to now, so a demo made today
always shows chats today, thank-yous due within hours and others already overdue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coffeechat.core.business_days import (
    WEEKENDS_ONLY,
    HolidayCalendar,
    UnknownHolidayCalendar,
    count_business_days,
    holiday_calendar,
)
from coffeechat.core.clock import ChatSpan, day_bounds, local_today, zone
from coffeechat.core.text import fold
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.chats import ChatPlan, add_note, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held, record_no_show
from coffeechat.services.errors import NotEmpty
from coffeechat.services.followups import add_follow_up, add_next_step, mark_sent
from coffeechat.services.library import StoryDetails, add_story, choose_stories, save_pitch
from coffeechat.services.network import add_opportunity, add_referral
from coffeechat.services.nextsteps import add_step, mark_done
from coffeechat.services.organisations import update_organisation
from coffeechat.services.outreach import log_outreach, move_on, record_reply
from coffeechat.services.outreach_timers import close_quietly, start_nudge
from coffeechat.services.preferences import Identity, save_identity
from coffeechat.services.targets import mark_target
from coffeechat.services.trainer import record_clock_trial
from coffeechat.store.models import (
    Chat,
    ClockTrial,
    Contact,
    FollowUp,
    NextStep,
    Note,
    Opportunity,
    Organisation,
    Outreach,
    Pitch,
    Referral,
    Story,
)
from coffeechat.store.owners import Owner

SEED = 20_240_917
# The demo's user: a science teacher moving into learning design (see the pitch in library()).
DEMO_IDENTITY = Identity(
    your_name="Robin Ashby",
    your_email="robin.ashby@mailbox.example",
    signature=(
        "Robin Ashby\nScience teacher, moving into learning design\nlinkedin.com/in/robinashby"
    ),
)
# Today's chats sit at fixed local hours and end well before evening, so a test can plan its own
# chat later the same day without a collision.
TODAY_HOURS = ((10, 0), (14, 0), (16, 30))
LAST_START = time(17, 30)


@dataclass(frozen=True)
class DemoSummary:
    """How much the demo made, per entity, and how many chats fall on the owner's today."""

    counts: dict[str, int]
    chats_today: int


@dataclass(frozen=True)
class Org:
    name: str
    domain: str
    city: str
    time_zone: str  # blank: the same zone as the owner, roughly
    about: str
    roles: tuple[str, ...]
    target: tuple[int, str, bool] | None = None  # motivation, hiring signal, top five


ORGANISATIONS = (
    Org(
        "Larkspur Health",
        "larkspurhealth.example",
        "London",
        "Europe/London",
        "Patient education apps for clinics; a learning team inside product.",
        ("Clinical Content Lead", "Product Designer", "Head of People", "Data Analyst"),
        (3, "active", True),
    ),
    Org(
        "Tessellate Analytics",
        "tessellate.example",
        "Manchester",
        "",
        "Dashboards for school trusts; grew from 20 to 90 people in three years.",
        ("Product Manager", "Engineering Manager", "Customer Success Lead", "Analytics Engineer"),
        (3, "some", True),
    ),
    Org(
        "Quillfeather Press",
        "quillfeather.example",
        "Oxford",
        "",
        "Educational publisher moving its textbooks onto an online platform.",
        ("Commissioning Editor", "Digital Producer", "Learning Resources Manager"),
        (2, "some", True),
    ),
    Org(
        "Brightwater Energy Cooperative",
        "brightwater.example",
        "Bristol",
        "",
        "Community energy co-op; trains volunteers and installers.",
        ("Training Coordinator", "Community Engagement Manager", "Operations Analyst"),
        (2, "unknown", False),
    ),
    Org(
        "Juniper & Vale",
        "junipervale.example",
        "Berlin",
        "Europe/Berlin",
        "Service design studio working with museums and universities.",
        ("Service Designer", "Content Strategist", "Studio Director"),
        (2, "none", False),
    ),
    Org(
        "Civic Lantern",
        "civiclantern.example",
        "Toronto",
        "America/Toronto",
        "Non-profit building public-service training for city staff.",
        ("Programme Manager", "User Researcher", "Policy Designer"),
        (3, "active", True),
    ),
    Org(
        "Orchard Robotics",
        "orchardrobotics.example",
        "Boston",
        "America/New_York",
        "Farm robots; runs an academy that trains operators.",
        ("Technical Trainer", "Product Owner", "Talent Partner", "Documentation Lead"),
        (1, "active", False),
    ),
    Org(
        "Port Alder City Council",
        "portalder.example",
        "Leeds",
        "",
        "Digital services team and a large apprenticeship scheme.",
        ("Digital Services Manager", "Apprenticeship Coordinator"),
    ),
    Org(
        "Kestrel Learning",
        "kestrellearning.example",
        "Singapore",
        "Asia/Singapore",
        "Corporate learning platform with a research group.",
        ("Instructional Designer", "Head of Partnerships", "Learning Scientist"),
        (2, "some", True),
    ),
    Org(
        "Foxglove Studio",
        "foxglove.example",
        "Edinburgh",
        "",
        "Small studio making educational games.",
        ("Producer", "UX Writer"),
        (1, "unknown", False),
    ),
)
_ORG = {org.name: org for org in ORGANISATIONS}
# A target where the user knows just one person: after 3 business days without a reply there is
# nobody else to suggest, so the page asks the user to find someone.
LONE_TARGET = Org(
    "Wren Hollow Museums",
    "wrenhollow.example",
    "York",
    "",
    "A trust of four museums rebuilding its school programmes.",
    ("Learning Officer",),
    (2, "some", False),
)

# Two chains of referrals give the network its depth: amara (1st) -> jonas (2nd) -> mei (3rd)
# -> rafael (4th), and priya (1st) -> tom (2nd) -> sofia (3rd).
KEY_PEOPLE: dict[str, tuple[str, str, str, str]] = {
    # key: name, organisation, role, how we met
    "amara": (
        "Amara Okafor",
        "Larkspur Health",
        "Head of Learning Experience",
        "We taught science together at Ashgrove Academy for four years.",
    ),
    "jonas": (
        "Jonas Lindqvist",
        "Tessellate Analytics",
        "Senior Product Manager",
        "Amara Okafor introduced us by email.",
    ),
    "mei": (
        "Mei Tanaka-Ross",
        "Quillfeather Press",
        "Editorial Director, Digital",
        "Jonas Lindqvist suggested we talk.",
    ),
    "rafael": (
        "Rafael Duarte",
        "Civic Lantern",
        "Curriculum Lead",
        "Mei Tanaka-Ross offered to introduce us.",
    ),
    "priya": (
        "Priya Raman",
        "Orchard Robotics",
        "UX Research Lead",
        "Met at the Learning Design Circle meetup.",
    ),
    "tom": (
        "Tom Achterberg",
        "Juniper & Vale",
        "Design Manager",
        "Priya Raman put us in touch.",
    ),
    "sofia": (
        "Sofía Benítez",
        "Brightwater Energy Cooperative",
        "Learning Designer",
        "Tom Achterberg suggested her.",
    ),
}

FIRST_NAMES = (
    "Aisha", "Ben", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jamal",
    "Kasia", "Liam", "Maya", "Nikhil", "Olivia", "Pedro", "Quinn", "Rosa", "Samuel", "Tara",
    "Umar", "Vera", "Wen", "Yusuf", "Zoe", "Anders", "Bea", "Callum", "Dana", "Emeka", "Freya",
    "Gabriel", "Hana", "Isaac", "Julia", "Kofi", "Lena", "Marco", "Nadia", "Oscar", "Lucía",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Bergström", "Castillo", "Delacroix", "Eze", "Fairweather", "Gallagher", "Haddad",
    "Iversen", "Jovanović", "Kowalczyk", "Larsen", "Mwangi", "Novak", "O'Connell", "Petrov",
    "Quintero", "Rahman", "Sato", "Thornton", "Ueda", "Varga", "Whitlock", "Xu", "Yilmaz",
    "Zielinski", "Brennan", "Cho", "Dubois", "Esposito", "Fischer", "Holm", "Ibáñez", "Jensen",
    "Kaur", "Moreau", "Nakamura", "Osei", "Sandoval", "Tremblay", "Vance",
)  # fmt: skip
GENERATED = 39
# Keep-in-touch cadences (days) for two generated contacts whose only chat was weeks ago and
# left no later steps or referrals behind, so the home page shows one reminder overdue (the
# chat about 48 days ago) and one due within the week (about 35 days ago).
GENERATED_CADENCES = {1: 45, 3: 40}
UNATTACHED_ROLES = ("Freelance learning consultant", "Career coach", "Retired headteacher")
TAGS = (
    "learning design",
    "product",
    "hiring manager",
    "alumni",
    "research",
    "edtech",
    "mentor",
    "recruiter",
)
VENUES = (
    "Fernhill Coffee, Market Street",
    "The Reading Room café",
    "Lantern Bakery, Canal Side",
    "Their office, third-floor kitchen",
    "Brew & Bramble, Station Road",
)

MEMORABLE = (
    "Said the best learning designers are the ones who still sit in on real lessons.",
    "Their first project at {org} failed because nobody watched users learn; it shaped the team.",
    "Keeps a 'teaching moments' jar on the desk: one slip of paper per user insight.",
    "Moved from the classroom too and said the first six months felt like a second probation.",
    "Described {org}'s onboarding as 'a lesson plan with a budget'.",
    "Laughed that every stand-up at {org} starts with one thing a user taught the team.",
)
INSIGHTS = (
    "Portfolios matter more than certificates; show one course redesigned end to end.",
    "{org} hires for facilitation skills; classroom experience counts if I frame it as research.",
    "Most of their hiring happens through referrals before a role is ever advertised.",
    "Learn one authoring tool well rather than five badly.",
    "Assessment design is the rare skill; lead with it.",
    "Budget season is in spring; new roles appear in May.",
)
QUESTIONS = (
    "What does a typical week look like for someone in your role?",
    "Which skills from teaching transferred best for you?",
    "What would you read or try in my place this month?",
    "How does {org} measure whether a course worked?",
)


@dataclass
class _Slots:
    """Buffered spans already taken, so no two demo chats collide."""

    taken: list[ChatSpan] = field(default_factory=list)

    def free(self, span: ChatSpan) -> bool:
        return not any(span.collides_with(other) for other in self.taken)

    def take(self, span: ChatSpan) -> None:
        self.taken.append(span)


class _Demo:
    def __init__(self, owner: Owner, rng: random.Random) -> None:
        self.owner = owner
        self.rng = rng
        self.now = timezone.now()
        preferences = ensure_preferences(owner)
        self.tz: ZoneInfo = zone(preferences.time_zone)
        try:
            self.calendar: HolidayCalendar = holiday_calendar(preferences.holiday_country)
        except UnknownHolidayCalendar:
            self.calendar = WEEKENDS_ONLY
        self.today: date = local_today(self.now, self.tz)
        self.slots = _Slots()
        self.people: dict[str, Contact] = {}
        self.generated: list[Contact] = []
        self.stories: list[Story] = []
        self.chats: dict[str, Chat] = {}

    # Time helpers ---------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz).astimezone(UTC)

    def slot(self, days: int, hour: int, minute: int, minutes: int, buffer: int) -> datetime:
        """The first free weekday start from ``days`` away at hour:minute, moving away from now."""
        step = -1 if days < 0 else 1
        for _ in range(90):
            day = self.today + timedelta(days=days)
            if day.weekday() < 5:
                start = datetime.combine(day, time(hour, minute), tzinfo=self.tz)
                while start.time() <= LAST_START:
                    span = ChatSpan(start.astimezone(UTC), minutes, buffer)
                    if self.slots.free(span):
                        return span.starts_at
                    start += timedelta(minutes=30)
            days += step
            hour, minute = 9, 30
        raise RuntimeError("no free slot for a demo chat")  # pragma: no cover - 90 days of slots

    # Building blocks ------------------------------------------------------------------------

    def library(self) -> None:
        save_pitch(
            self.owner,
            "elevator",
            "I taught secondary science for nine years and spent the last three redesigning how "
            "our school teaches with technology. I'm moving into learning design, where I can "
            "turn what I know about how people actually learn into products. I'm talking to "
            "people who made a similar move to learn what the work is really like.",
        )
        save_pitch(
            self.owner,
            "career_change",
            "During the school closures I rebuilt our science course for online lessons in ten "
            "days. The part I enjoyed most was not teaching but designing: testing activities, "
            "watching where students got stuck and fixing it. That is the work I want to do "
            "full time, for learners beyond one school.",
        )
        stories = (
            StoryDetails(
                "Rebuilt the Year 9 science course",
                "Pass rates in Year 9 had fallen two years running.",
                "Mapped every unit to the misconceptions students showed in tests; rewrote six "
                "units around short practical tasks.",
                "Pass rate up from 61% to 78% in one year; the trust adopted the units.",
                ("curriculum", "assessment", "learning design"),
            ),
            StoryDetails(
                "Moved a school online in ten days",
                "The school closed with a week's notice and no online lessons.",
                "Picked one platform, wrote a two-page guide and ran daily 15-minute clinics.",
                "Attendance stayed above 85%; other schools in the trust used the guide.",
                ("remote learning", "training", "change"),
            ),
            StoryDetails(
                "Cut marking time by a third",
                "Teachers spent evenings marking lab reports by hand.",
                "Designed a rubric with comment banks and a spreadsheet that totalled marks.",
                "Marking time fell by about a third; feedback reached students a week sooner.",
                ("tools", "assessment", "product"),
            ),
            StoryDetails(
                "Mentored six new teachers",
                "New staff were leaving within two years.",
                "Set up fortnightly lesson observations with one concrete goal each.",
                "Five of the six stayed past their third year.",
                ("mentoring", "coaching"),
            ),
        )
        self.stories = [add_story(self.owner, details) for details in stories]

    def contact(
        self, name: str, org: Org | None, role: str, how_we_met: str, keep_in_touch: int | None
    ) -> Contact:
        rng = self.rng
        first, _, last = fold(name).replace("'", "").partition(" ")
        handle = f"{first}.{last}".replace(" ", "")
        emails: tuple[str, ...] = ()
        if org is not None and rng.random() < 0.75:
            emails = (f"{handle}@{org.domain}",)
            if rng.random() < 0.2:
                emails += (f"{first}.{rng.randint(10, 99)}@mailbox.example",)
        elif rng.random() < 0.5:
            emails = (f"{handle}@mailbox.example",)
        phones: tuple[str, ...] = ()
        if rng.random() < 0.35:
            if org is not None and org.time_zone.startswith("America/"):
                phones = (f"+1 555 01{rng.randint(0, 99):02d}",)
            else:
                # 07700 900xxx numbers are set aside for fiction, so nobody real gets a call.
                phones = (f"+44 7700 900{rng.randint(0, 999):03d}",)
        linkedin = ""
        if rng.random() < 0.55:
            slug = handle.replace(".", "-")
            linkedin = f"https://www.linkedin.com/in/{slug}-{rng.randrange(16**4):04x}"
        tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
        return add_contact(
            self.owner,
            ContactDetails(
                name=name,
                role=role,
                organisation=org.name if org else "",
                emails=emails,
                phones=phones,
                linkedin_url=linkedin,
                location=org.city if org else rng.choice(("Leeds", "Glasgow", "Remote")),
                time_zone=org.time_zone if org else "",
                tags=tags,
                how_we_met=how_we_met,
                research_notes=(
                    f"{role} at {org.name}. {org.about}" if org and rng.random() < 0.5 else ""
                ),
                keep_in_touch_days=keep_in_touch,
            ),
        )

    def network(self) -> None:
        for key, (name, org_name, role, how) in KEY_PEOPLE.items():
            cadence = {"amara": 60, "priya": 90}.get(key)
            self.people[key] = self.contact(name, _ORG[org_name], role, how, cadence)
        firsts = list(FIRST_NAMES)
        lasts = list(LAST_NAMES)
        self.rng.shuffle(firsts)
        self.rng.shuffle(lasts)
        homes: list[Org | None] = [ORGANISATIONS[i % len(ORGANISATIONS)] for i in range(36)]
        homes += [None] * (GENERATED - len(homes))
        self.rng.shuffle(homes)
        unattached = iter(UNATTACHED_ROLES)
        meetings = (
            "Alumni network of the PGCE course.",
            "Found through the company's careers page.",
            "Spoke after a webinar on assessment design.",
            "A friend of a friend from the climbing club.",
            "Imported from LinkedIn connections.",
            "",
        )
        for index in range(GENERATED):
            org = homes[index]
            role = self.rng.choice(org.roles) if org else next(unattached)
            name = f"{firsts[index]} {lasts[index]}"
            how = self.rng.choice(meetings)
            cadence = GENERATED_CADENCES.get(index)
            self.generated.append(self.contact(name, org, role, how, cadence))
        organisations = {org.name: org for org in ORGANISATIONS}
        for organisation in Organisation.objects.for_owner(self.owner):
            spec = organisations.get(organisation.name)
            if spec is None:
                continue
            update_organisation(
                self.owner,
                organisation,
                name=organisation.name,
                website=f"https://www.{spec.domain}/",
                notes=spec.about,
            )
            if spec.target is not None:
                motivation, hiring, top_five = spec.target
                mark_target(
                    self.owner,
                    organisation,
                    motivation=motivation,
                    hiring_signal=hiring,
                    top_five=top_five,
                )

    def plan(self, key: str, contact: Contact, start: datetime, minutes: int, buffer: int) -> Chat:
        # The persona lives in England: anyone in another zone is met by video.
        remote = bool(contact.time_zone) and not contact.time_zone.startswith("Europe/London")
        medium = (
            "video" if remote else self.rng.choice(("in_person", "in_person", "video", "phone"))
        )
        link = ""
        if medium == "video":
            letters = "abcdefghijkmnopqrstuvwxyz"
            word = "".join(self.rng.choice(letters) for _ in range(10))
            link = f"https://meet.example.com/{word[:3]}-{word[3:7]}-{word[7:]}"
        plan = ChatPlan(
            contact=contact,
            starts_at=start,
            agreed_minutes=minutes,
            buffer_minutes=buffer,
            medium=medium,
            venue=self.rng.choice(VENUES) if medium == "in_person" else "",
            link=link,
            time_zone=contact.time_zone if remote else "",
        )
        chat = plan_chat(self.owner, plan, allow_overlap=False)
        self.slots.take(ChatSpan(start, minutes, buffer))
        self.chats[key] = chat
        return chat

    def hold(self, chat: Chat, *, ended_at: datetime | None = None) -> Chat:
        """Mark a chat held, with a plausible real clock; ``ended_at`` pins the real end."""
        rng = self.rng
        overrun = rng.choice((-2, 0, 0, 2, 4, 7, 11))
        extension = "none"
        if overrun >= 4:
            extension = rng.choice(("they_asked", "they_asked", "i_offered"))
        if ended_at is None:
            actual_start = chat.starts_at + timedelta(minutes=rng.randint(0, 3))
            actual_end = actual_start + timedelta(minutes=chat.agreed_minutes + overrun)
        else:
            actual_end = ended_at
            actual_start = actual_end - timedelta(minutes=chat.agreed_minutes + overrun)
        held = HeldChat(
            actual_start=actual_start,
            actual_end=actual_end,
            extension=extension,
            extension_minutes=overrun if extension != "none" else 0,
            felt_minutes=max(5, chat.agreed_minutes + overrun + rng.randint(-6, 4)),
            talk_share=rng.choice((25, 30, 35, 40, 55)),
            time_confirmed=rng.random() < 0.8,
            ask_made=rng.random() < 0.7,
        )
        record_held(self.owner, chat, held, now=self.now)
        self.debrief(chat)
        return chat

    def debrief(self, chat: Chat) -> None:
        """Notes of every kind, as a user takes them during and just after a chat."""
        rng = self.rng
        contact = chat.contact
        org = contact.organisation.name if contact.organisation else "their team"
        start = chat.actual_start or chat.starts_at
        end = chat.actual_end or chat.starts_at
        lines = [
            ("question", rng.choice(QUESTIONS), start + timedelta(minutes=2)),
            ("insight", rng.choice(INSIGHTS), start + timedelta(minutes=8)),
            ("memorable", rng.choice(MEMORABLE), start + timedelta(minutes=14)),
        ]
        if rng.random() < 0.5:
            lines.append(("insight", rng.choice(INSIGHTS), end + timedelta(minutes=4)))
        for kind, text, taken_at in lines:
            add_note(
                self.owner,
                contact,
                text.format(org=org),
                kind=kind,
                chat=chat,
                taken_at=taken_at,
            )

    def step(
        self, chat: Chat, text: str, *, side: str = "me", days: int = 3, done: bool = False
    ) -> NextStep:
        contact = chat.contact
        end = chat.actual_end or chat.starts_at
        add_note(self.owner, contact, text, kind="next_step", chat=chat, taken_at=end)
        due_on = local_today(end, self.tz) + timedelta(days=days)
        if not done:
            # The use case the debrief uses: a promise of theirs gets its gentle nudge.
            return add_step(self.owner, contact, text, side=side, due_on=due_on, chat=chat)
        # A promise kept already needs no nudge, not even one put aside, so none is drafted.
        step = add_next_step(self.owner, contact, text, side=side, due_on=due_on, chat=chat)
        return mark_done(self.owner, step, done_at=min(end + timedelta(days=2), self.now))

    def refer(self, chat: Chat, to: Contact, status: str, *, may_use_name: bool = True) -> None:
        end = chat.actual_end or chat.starts_at
        add_note(
            self.owner,
            chat.contact,
            f"Suggested I talk to {to.name}"
            + (f" at {to.organisation.name}." if to.organisation else "."),
            kind="referral",
            chat=chat,
            taken_at=end,
        )
        add_referral(
            self.owner, chat.contact, to, chat=chat, status=status, may_use_name=may_use_name
        )

    def thank(self, chat: Chat, *, sent: bool) -> None:
        follow_up = FollowUp.objects.for_owner(self.owner).get(chat=chat, kind="thank_you")
        if not sent:
            return
        end = chat.actual_end or chat.starts_at
        mark_sent(
            self.owner,
            follow_up,
            sent_at=min(end + timedelta(hours=self.rng.randint(2, 20)), self.now),
        )

    # The schedule ---------------------------------------------------------------------------

    def recent_end(self) -> datetime:
        """When yesterday's chat ended, so that its thank-you falls due later today."""
        _, end_of_today = day_bounds(self.today, self.tz)
        due = self.now + min(timedelta(hours=4), (end_of_today - self.now) / 2)
        morning = self.at(self.today, 9, 30)
        if due < morning:
            # Early in the day: make the deadline a civilised morning hour rather than 3 am.
            due = morning
        return due - timedelta(hours=24)

    def schedule(self) -> None:
        rng = self.rng
        people = self.people
        gen = self.generated

        # Reserve today's chats and yesterday's first: their times are fixed.
        today_chats = []
        for (hour, minute), contact in zip(
            TODAY_HOURS, (gen[13], people["sofia"], gen[14]), strict=True
        ):
            start = self.at(self.today, hour, minute)
            today_chats.append(
                self.plan(f"today-{hour}", contact, start, rng.choice((20, 20, 30)), 15)
            )
        recent_end = self.recent_end()
        # Scheduled on a five-minute mark, early enough that the real start came after it.
        recent_start = (recent_end - timedelta(minutes=50)).replace(second=0, microsecond=0)
        recent_start -= timedelta(minutes=recent_start.minute % 5)
        mei_chat = self.plan("mei", people["mei"], recent_start, 30, 15)

        # Past chats, oldest first: (days ago, hour, minute, contact, minutes, what happened).
        past = [
            (-52, 10, 0, gen[0], 20, "sent"),
            (-48, 15, 30, gen[1], 30, "sent"),
            (-45, 9, 30, people["amara"], 30, "sent"),
            (-42, 11, 0, gen[2], 20, "cancelled"),
            (-38, 16, 0, people["priya"], 20, "sent"),
            (-35, 13, 0, gen[3], 15, "sent"),
            (-31, 10, 30, people["jonas"], 30, "sent"),
            (-28, 14, 0, gen[4], 20, "no_show"),
            (-24, 11, 30, gen[5], 20, "sent"),
            (-21, 9, 0, gen[6], 30, "sent"),
            (-17, 15, 0, gen[7], 20, "sent"),
            (-14, 12, 30, gen[8], 20, "sent"),
            (-11, 10, 0, gen[9], 45, "sent"),
            (-8, 16, 30, gen[10], 20, "sent"),
            (-6, 11, 0, gen[11], 20, "overdue"),
            (-4, 14, 30, people["tom"], 30, "overdue"),
            (-3, 9, 30, gen[12], 20, "sent"),
        ]
        held: dict[str, Chat] = {}
        for days, hour, minute, contact, minutes, outcome in past:
            start = self.slot(days, hour, minute, minutes, 15)
            key = f"past{days}"
            chat = self.plan(key, contact, start, minutes, 15)
            if outcome == "cancelled":
                cancel_chat(self.owner, chat, "They had a product launch that week; will rebook.")
            elif outcome == "no_show":
                record_no_show(self.owner, chat)
            else:
                self.hold(chat)
                self.thank(chat, sent=outcome == "sent")
                held[contact.name] = chat
        self.hold(mei_chat, ended_at=recent_end)

        # Today: chats already over are held (their thank-you is due tomorrow).
        for chat in today_chats:
            if chat.starts_at + timedelta(minutes=chat.agreed_minutes + 20) < self.now:
                self.hold(chat)

        # Upcoming chats: (days ahead, hour, minute, contact, minutes).
        upcoming = [
            (1, 11, 0, gen[15], 20),
            (2, 15, 0, gen[16], 30),
            (3, 14, 0, people["rafael"], 30),
            (5, 10, 0, gen[17], 20),
            (7, 13, 30, gen[18], 20),
            (9, 10, 30, gen[19], 20),
            (12, 16, 0, gen[20], 15),
            (15, 9, 30, gen[21], 20),
        ]
        for days, hour, minute, contact, minutes in upcoming:
            start = self.slot(days, hour, minute, minutes, 15)
            chat = self.plan(f"next{days}", contact, start, minutes, 15)
            self.outreach_for(chat)
            if days == 9:
                cancel_chat(self.owner, chat, "They asked to move it; waiting for a new date.")
        for chat in [*today_chats, self.chats["next1"], self.chats["next3"]]:
            choose_stories(self.owner, chat, rng.sample(self.stories, 3))
        for chat in list(held.values())[:4]:
            choose_stories(self.owner, chat, rng.sample(self.stories, 2))

        self.chains(held, mei_chat)
        self.requests(held, mei_chat)

    def outreach_for(self, chat: Chat) -> None:
        contact = chat.contact
        sent = min(chat.starts_at - timedelta(days=6), self.now - timedelta(days=2))
        outreach = log_outreach(self.owner, contact, _request(contact), sent_at=sent)
        record_reply(self.owner, outreach, replied_at=sent + timedelta(hours=30))

    def chains(self, held: dict[str, Chat], mei_chat: Chat) -> None:
        """Referrals three degrees deep, with the next steps and follow-ups around them."""
        people = self.people
        amara_chat = held[people["amara"].name]
        jonas_chat = held[people["jonas"].name]
        priya_chat = held[people["priya"].name]
        tom_chat = held[people["tom"].name]

        self.refer(amara_chat, people["jonas"], "met")
        self.step(amara_chat, "Amara will introduce me to Jonas", side="them", done=True)
        self.step(amara_chat, "Send Amara the redesigned Year 9 unit as a sample", done=True)
        self.refer(jonas_chat, people["mei"], "met")
        self.step(jonas_chat, "Jonas will forward my note to Mei", side="them", done=True)
        self.step(jonas_chat, "Share my portfolio draft with Jonas", days=10)
        self.refer(mei_chat, people["rafael"], "introduced")
        self.step(mei_chat, "Mei will introduce me to Rafael at Civic Lantern", side="them")
        self.step(mei_chat, "Send Mei the assessment rubric I described", days=2)
        self.refer(priya_chat, people["tom"], "met")
        self.step(priya_chat, "Try the authoring tool Priya recommended", days=7)
        self.refer(tom_chat, people["sofia"], "introduced", may_use_name=False)
        self.step(tom_chat, "Tom will ask Sofía whether she has time", side="them", done=True)
        # A few suggestions from other chats, not followed up yet. The three oldest of these chats
        # give none: generated 0 has a message owed already, and the cadences of generated 1 and 3
        # (GENERATED_CADENCES) run from their chats, not from a referral made today.
        others = [chat for chat in held.values() if chat.contact not in people.values()]
        for chat, target in zip(others[3:7], self.generated[30:34], strict=True):
            self.refer(chat, target, "suggested")
        for chat in others[4:7]:
            self.step(chat, "Read the report they recommended and send my take", days=5)

        add_opportunity(
            self.owner,
            people["mei"],
            "lead",
            "Digital learning producer (not yet advertised)",
            arose_on=local_today(mei_chat.actual_end or self.now, self.tz),
            notes="Mei expects the role to open next month and offered to flag my name.",
        )
        add_opportunity(
            self.owner,
            people["jonas"],
            "interview",
            "Product operations associate: first interview",
            arose_on=self.today - timedelta(days=20),
            notes="Came through Jonas's team after our chat.",
        )

        self.follow_ups(held)

    def follow_ups(self, held: dict[str, Chat]) -> None:
        """Messages owed besides the thank-yous: one due today, others overdue and later."""
        people = self.people
        first = held[self.generated[0].name]
        add_follow_up(
            self.owner,
            self.generated[0],
            "add_value",
            self.now - timedelta(days=2, hours=3),
            chat=first,
            draft="Share the article on assessment design they would like.",
        )
        evening = self.at(self.today, 17, 0)
        add_follow_up(
            self.owner,
            people["priya"],
            "next_step",
            evening if evening > self.now else evening + timedelta(days=1),
            chat=held[people["priya"].name],
            draft="Tell Priya how the authoring tool trial went.",
        )
        add_follow_up(
            self.owner,
            people["amara"],
            "keep_in_touch",
            self.now + timedelta(days=9),
            draft="Update Amara on the interview at Tessellate.",
        )

    # Requests for a chat -----------------------------------------------------------------------

    def business_days_ago(self, days: int) -> datetime:
        """A sending moment that leaves exactly ``days`` whole business days until now."""
        now = self.now.astimezone(self.tz)
        moment = now - timedelta(hours=2)
        while count_business_days(moment, now, self.calendar) < days:
            moment -= timedelta(days=1)
        return moment.astimezone(UTC)

    def requests(self, held: dict[str, Chat], mei_chat: Chat) -> None:
        """Requests in every state of the 3-and-7 timers, and the ones that led to chats.

        The people who led somewhere (a chat, a referral, an opportunity) were written to a
        few days before their chat, so the funnel has data down to its last stage.
        """
        people = self.people
        gen = self.generated
        for chat in (
            held[people["priya"].name],
            held[people["jonas"].name],
            held[people["tom"].name],
            mei_chat,
            *(held[gen[index].name] for index in (5, 7, 9, 10)),
            self.chats["today-14"],  # Sofía
        ):
            self.outreach_for(chat)
        # Drafts stay drafts; Rafael's yes for Thursday came through Mei's introduction.
        log_outreach(self.owner, gen[38], _request(gen[38]))
        self.outreach_for(self.chats["next3"])

        declined = log_outreach(
            self.owner, gen[37], _request(gen[37]), sent_at=self.now - timedelta(days=12)
        )
        record_reply(self.owner, declined, accepted=False, replied_at=self.now - timedelta(days=11))

        def write(contact: Contact, days: int) -> Outreach:
            sent = self.business_days_ago(days)
            return log_outreach(self.owner, contact, _request(contact), sent_at=sent)

        with_colleagues = [contact for contact in gen[22:30] if contact.organisation is not None]
        write(gen[34], 1)  # just sent: nothing to do yet
        # 3 business days: a second person at the same organisation is suggested...
        write(with_colleagues[0], 4)
        # ...or, where the user knows nobody else, a prompt to find someone.
        lone = self.contact(
            "Imogen Achebe",
            LONE_TARGET,
            "Learning Officer",
            "Spoke at a museum educators' day.",
            None,
        )
        organisation = lone.organisation
        assert organisation is not None
        update_organisation(
            self.owner,
            organisation,
            name=organisation.name,
            website=f"https://www.{LONE_TARGET.domain}/",
            notes=LONE_TARGET.about,
        )
        motivation, hiring, top_five = LONE_TARGET.target or (2, "unknown", False)
        mark_target(
            self.owner, organisation, motivation=motivation, hiring_signal=hiring, top_five=top_five
        )
        write(lone, 3)
        # The user acted on the suggestion for this one: it waits on for its reply or nudge.
        moved = write(with_colleagues[1], 5)
        move_on(self.owner, moved, now=self.now - timedelta(hours=3))
        write(gen[36], 8)  # 7 business days: one nudge is due
        nudged = write(with_colleagues[2], 10)
        nudged_at = self.business_days_ago(2)
        mark_sent(self.owner, start_nudge(self.owner, nudged, now=nudged_at), sent_at=nudged_at)
        # Two weeks after the nudge came due with no answer: the wait is over.
        write(gen[35], 16)
        close_quietly(self.owner, now=self.now)

    def trainer(self) -> None:
        for days, target, error in ((9, 300, 48), (7, 600, -75), (4, 900, 62), (2, 1200, -40)):
            started = self.now - timedelta(days=days, hours=3)
            record_clock_trial(self.owner, target, started, target + error)


def _request(contact: Contact) -> str:
    first = contact.name.split(" ")[0]
    where = contact.organisation.name if contact.organisation else "your field"
    return (
        f"Hi {first}, I'm a science teacher moving into learning design, and your path into "
        f"{where} is one I'd love to understand. Could you spare 20 minutes for my questions "
        "in the next couple of weeks?"
    )


@transaction.atomic
def fill_demo(owner: Owner, *, seed: int = SEED) -> DemoSummary:
    """Fill an empty home with the demo network; refuse (NotEmpty) when it has contacts."""
    if Contact.objects.for_owner(owner).exists():
        raise NotEmpty(
            "This home already has contacts, and the demo only fills an empty home. "
            "Try it in a fresh one: coffeechat --home /tmp/coffeechat-demo demo"
        )
    demo = _Demo(owner, random.Random(seed))
    # Who the demo user is, so the thank-yous read as real letters and nobody is asked.
    save_identity(owner, DEMO_IDENTITY, now=demo.now)
    demo.library()
    demo.network()
    demo.schedule()
    demo.trainer()
    start, end = day_bounds(demo.today, demo.tz)
    return DemoSummary(
        counts=counts(owner),
        chats_today=Chat.objects.for_owner(owner)
        .starting_between(start, end)
        .exclude(status=Chat.Status.CANCELLED)
        .count(),
    )


def counts(owner: Owner) -> dict[str, int]:
    """How many rows of each kind the owner has, in the order a summary lists them."""
    models = (
        ("organisations", Organisation),
        ("contacts", Contact),
        ("outreaches", Outreach),
        ("chats", Chat),
        ("notes", Note),
        ("next steps", NextStep),
        ("referrals", Referral),
        ("follow-ups", FollowUp),
        ("opportunities", Opportunity),
        ("pitches", Pitch),
        ("stories", Story),
        ("clock trials", ClockTrial),
    )
    return {label: model.objects.for_owner(owner).count() for label, model in models}
