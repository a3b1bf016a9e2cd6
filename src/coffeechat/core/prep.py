"""Preparing a chat: the question bank, the logistics and manners checklist, and readiness.

The wording here is ours. Questions are meant to get the other person talking about their own
path and field; the culture questions ask how a place works, never about particular people.
Readiness is a handful of plain steps, so a user sees exactly what is left rather than a grade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The media a chat can use; the same names as Chat.Medium in the store.
IN_PERSON = "in_person"
VIDEO = "video"
PHONE = "phone"
ALL_MEDIA = frozenset({IN_PERSON, VIDEO, PHONE})
REMOTE = frozenset({VIDEO, PHONE})

# The bank's themes, in the order a conversation tends to take them; the same names as
# Question.Theme in the store (which adds "own" for the user's questions without a theme).
THEMES: dict[str, str] = {
    "trends": "Trends",
    "insights": "Insights",
    "advice": "Advice",
    "resources": "Resources",
    "assignments": "Assignments",
    "culture": "Culture",
}

QUESTION_BANK: dict[str, tuple[str, ...]] = {
    "trends": (
        "Which changes in your field have surprised you most in the last couple of years?",
        "Where do you think work like yours will be in five years' time?",
        "Which new tools or ways of working is your team paying attention to right now?",
        "What problem does everyone in your industry seem to be trying to solve at the moment?",
        "Which skills do you expect to matter more in your line of work soon?",
        "How has the way your organisation hires changed recently?",
        "What do newcomers tend to misread about where the field is heading?",
    ),
    "insights": (
        "How did you find your way into the role you have now?",
        "What does a typical week look like for you, and which part do you enjoy most?",
        "What turned out to be different from what you expected when you started?",
        "Which decisions along your path made the biggest difference?",
        "What do the best people in your role do that others don't?",
        "Which part of your work is hardest to see from the outside?",
        "What keeps you doing this kind of work?",
    ),
    "advice": (
        "If you were starting out again with my background, what would you do first?",
        "Which of my experiences would carry over best, and how would you describe them?",
        "What would make someone like me stand out to a team like yours?",
        "Is there anything in my plan that you would question?",
        "Which gap in my experience would you try to close first, and how?",
        "How would you go about meeting more people who do this work?",
        "What is one mistake you often see career changers make that I could avoid?",
    ),
    "resources": (
        "Which newsletters, podcasts or books do people in your field actually read?",
        "Are there groups, meetups or online communities worth joining?",
        "Which courses or certificates are respected, and which are not worth the money?",
        "Which organisations do you think are doing interesting work in this space?",
        "Who else would you suggest I talk to, and may I say that you suggested it?",
        "Are there events where I could meet people who do this work?",
    ),
    "assignments": (
        "Is there a small project I could do to try this work before committing to it?",
        "What kind of sample work would convince a hiring manager on your team?",
        "Are there volunteer or freelance tasks where someone new can get real experience?",
        "If you gave a newcomer a first assignment, what would it be?",
        "Is there a question your team would like explored that a newcomer could take a look at?",
        "What would a strong portfolio piece for this role show?",
    ),
    "culture": (
        "How would you describe the way your team makes decisions?",
        "What does your organisation do well for people who learn on the job?",
        "How do people on your team give each other feedback?",
        "What kind of person tends to do well where you work?",
        "How does the team balance deadlines with time to learn and improve things?",
        "What do you value most about working where you do?",
        "How are new people welcomed and brought up to speed?",
    ),
}


def bank_questions() -> tuple[str, ...]:
    """Every question in the bank, theme by theme."""
    return tuple(text for texts in QUESTION_BANK.values() for text in texts)


def theme_of(text: str) -> str | None:
    """The bank theme a question belongs to, or None when it is not a bank question."""
    key = question_key(text)
    for theme, texts in QUESTION_BANK.items():
        if any(question_key(candidate) == key for candidate in texts):
            return theme
    return None


def question_key(text: str) -> str:
    """What makes two questions the same: case, spacing and a trailing mark ignored."""
    return " ".join(text.split()).casefold().rstrip("?.! ")


def distinct_questions(texts: Iterable[str]) -> list[str]:
    """The questions in their order, each once, blank ones and repeats dropped."""
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        clean = " ".join(text.split())
        key = question_key(clean)
        if key and key not in seen:
            seen.add(key)
            kept.append(clean)
    return kept


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to settle before meeting, and the media it applies to."""

    key: str
    label: str
    media: frozenset[str] = ALL_MEDIA


# The logistics and manners checklist. The place itself (venue or link) lives on the chat.
CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("confirmed", "I confirmed the day, the time and the length with them."),
    ChecklistItem(
        "arrive_early",
        "I plan to arrive about ten minutes early and find a quiet table.",
        frozenset({IN_PERSON}),
    ),
    ChecklistItem(
        "offer_to_treat",
        "I will offer to pay: I asked for their time, so the drink is on me.",
        frozenset({IN_PERSON}),
    ),
    ChecklistItem(
        "who_pays",
        "If they insist on paying, I will order something within what they choose.",
        frozenset({IN_PERSON}),
    ),
    ChecklistItem(
        "drink_not_meal",
        "A coffee or tea, not a meal, unless they suggest eating.",
        frozenset({IN_PERSON}),
    ),
    ChecklistItem(
        "link_tested",
        "I opened the link once and know what to do if it fails.",
        frozenset({VIDEO}),
    ),
    ChecklistItem(
        "who_calls",
        "We agreed who calls whom, and I have their number.",
        frozenset({PHONE}),
    ),
    ChecklistItem(
        "quiet_room",
        "A quiet room, notifications off, and their local time checked.",
        REMOTE,
    ),
    ChecklistItem(
        "notebook",
        "Notebook and pen at hand; closing it later tells them they are free to go.",
    ),
)
CHECKLIST_KEYS = frozenset(item.key for item in CHECKLIST)


def checklist_for(medium: str) -> tuple[ChecklistItem, ...]:
    """The checklist items that apply to a chat held by ``medium``."""
    return tuple(item for item in CHECKLIST if medium in item.media)


# What a chat needs before it counts as prepared.
MIN_QUESTIONS = 3
MIN_STORIES = 3


@dataclass(frozen=True)
class PrepFacts:
    """What readiness looks at, as plain values."""

    ask: str = ""
    research_notes: str = ""  # the chat's notes, or the contact's when the chat has none
    questions: int = 0
    medium: str = VIDEO
    venue: str = ""
    link: str = ""
    ticked: frozenset[str] = frozenset()  # checklist keys ticked
    has_pitch: bool = False
    stories: int = 0  # stories the user can bring


@dataclass(frozen=True)
class Step:
    """One step of preparing a chat: whether it is done, and what to do if not."""

    key: str
    label: str
    done: bool
    todo: str  # what to do, in words; shown while the step is not done
    required: bool


@dataclass(frozen=True)
class Readiness:
    """How prepared a chat is: the steps done, what is missing, and whether that is enough."""

    steps: tuple[Step, ...]

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def score(self) -> int:
        """The share of steps done, 0 to 100."""
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def missing(self) -> tuple[str, ...]:
        """What is left to do, required steps first, in words."""
        left = [step for step in self.steps if not step.done]
        return tuple(step.todo for step in sorted(left, key=lambda step: not step.required))

    @property
    def is_prepared(self) -> bool:
        """Every required step done; the Ask is always one of them."""
        return all(step.done for step in self.steps if step.required)


def place_step(medium: str, venue: str, link: str, ticked: frozenset[str]) -> Step:
    """Whether the place is settled: a venue to meet, a link to join, or who calls whom."""
    if medium == IN_PERSON:
        return Step("place", "Venue", bool(venue.strip()), "Add the venue where you meet.", True)
    if medium == PHONE:
        return Step(
            "place",
            "Who calls whom",
            "who_calls" in ticked,
            "Agree who calls whom, and tick it in the checklist.",
            True,
        )
    return Step("place", "Video link", bool(link.strip()), "Add the video call link.", True)


def readiness(
    facts: PrepFacts, *, min_questions: int = MIN_QUESTIONS, min_stories: int = MIN_STORIES
) -> Readiness:
    """The preparation steps for one chat, done or not.

    The Ask, research on their path, a few questions and the place are required; the pitch and
    the stories live in the user's library and count towards the score without blocking.
    """
    questions_todo = f"Pick at least {min_questions} questions"
    if facts.questions:
        questions_todo += f" (you have {facts.questions})"
    stories_todo = f"Keep at least {min_stories} success stories in your library"
    if facts.stories:
        stories_todo += f" (you have {facts.stories})"
    steps = (
        Step(
            "ask",
            "The Ask",
            bool(facts.ask.strip()),
            "Write your Ask: the one next step you hope for.",
            True,
        ),
        Step(
            "research",
            "Research notes",
            bool(facts.research_notes.strip()),
            "Write research notes on their path and what lines up with yours.",
            True,
        ),
        Step(
            "questions",
            "Questions",
            facts.questions >= min_questions,
            questions_todo + ".",
            True,
        ),
        place_step(facts.medium, facts.venue, facts.link, facts.ticked),
        Step("pitch", "Pitch", facts.has_pitch, "Write your elevator pitch (30 seconds).", False),
        Step("stories", "Stories", facts.stories >= min_stories, stories_todo + ".", False),
    )
    return Readiness(steps)
