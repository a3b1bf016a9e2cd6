"""The thank-you guard: what to fix in a draft before it goes out, each reason in plain words.

A good thank-you arrives within 24 hours, mentions something specific the other person said,
recaps what both sides agreed to do, and asks for nothing new. The guard reads a draft against
those habits. It is a friendly reader, not a gate: every problem says why it matters and the user
decides. The word lists are deliberately small and readable; each pattern is a phrase a person
would recognise as asking for something.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from coffeechat.core.followups import DUE_SOON_WITHIN, describe_left
from coffeechat.core.text import fold

MAX_WORDS = 150

OVERDUE = "overdue"
DEADLINE_CLOSE = "deadline_close"
NOTHING_SPECIFIC = "nothing_specific"
GAP_LEFT = "gap_left"
STEPS_MISSING = "next_steps_missing"
NEW_REQUEST = "new_request"
UNASKED_ATTACHMENT = "unasked_attachment"
TOO_LONG = "too_long"


@dataclass(frozen=True)
class Problem:
    """One thing to fix: a stable ``code`` for programs and an ``explanation`` for people."""

    code: str
    explanation: str


# --- Words -----------------------------------------------------------------------------------

# Words too common to show that a message is about this particular chat.
_COMMON_WORDS = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say told tell talked talk talking mentioned mention thing things really much many
    get got make made like well way lot one two also i'm i'll i've you're you'll they're it's
    don't didn't can't won't let us thanks thank time today yesterday chat conversation
"""
_COMMON = frozenset(_COMMON_WORDS.split())

# Hyphens split words ("data-science" meets "data science"); dots and pluses stay ("node.js").
_WORD = re.compile(r"[a-z0-9][a-z0-9'+#.]*[a-z0-9+#]|[a-z0-9]")
_SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def _stem(word: str) -> str:
    """A crude stem so "publishers" meets "publisher" and "introduced" meets "introduce"."""
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if len(word) > 4 and word[-1] in "ey":
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of ``text``, folded (case and accents ignored)."""
    return _WORD.findall(fold(text).replace("\u2019", "'"))


def distinctive(text: str) -> set[str]:
    """Stems of the words that can tie a message to this chat: no filler, nothing shorter than 3."""
    return {_stem(w) for w in words(text) if len(w) >= 3 and w not in _COMMON}


def overlaps(source: str, message_stems: set[str]) -> bool:
    """Whether a note or step shows up in a message.

    Short notes need all their distinctive words; longer ones need half of them (at least two),
    because a person paraphrases: "the podcast about rural broadband" may come back as "your
    broadband podcast".
    """
    wanted = distinctive(source)
    if not wanted:
        return True  # nothing to look for, so nothing is missing
    found = len(wanted & message_stems)
    needed = len(wanted) if len(wanted) <= 2 else max(2, (len(wanted) + 1) // 2)
    return found >= needed


# --- Requests --------------------------------------------------------------------------------

# Phrases that ask the reader to do something. Matched on folded text with straight quotes.
_ASKING = [
    r"\b(?:could|can|would|will|might) you\b",
    r"\bwould you mind\b",
    r"\bwould it be (?:possible|ok|okay|alright|all right)\b",
    r"\bis it possible (?:for you|that you|to)\b",
    r"\bi(?: was| am|'m) wondering (?:if|whether)\b",
    r"\bi(?: was|'m|'d| am| would)? (?:hoping|hope) (?:you|that you)\b",
    r"\bi wonder (?:if|whether)\b",
    r"\b(?:any|is there any|is there a) chance\b",
    r"\bdo you think you\b",
    r"\b(?:do|would) you (?:happen to|know (?:of |anyone|anybody|someone|somebody))",
    r"\b(?:are|were) you (?:able|willing|open) to\b",
    r"\bplease (?:do )?(?:send|introduce|forward|share|connect|refer|review|recommend|pass|put|"
    r"check|consider|keep|look|read|tell|give|email|call|reply|respond|get back|write|ask|"
    r"mention|endorse|sign|fill|advise|help me|let me know (?:if|whether|when) you)\b",
    r"\blet me know (?:if|whether|when) you(?:'d)? (?:could|can|would|might|are able|have|hear|"
    r"know|come across|see|find|get|think of)\b",
    r"\bif you (?:could|can|would|might|have (?:a|the) (?:moment|minute|chance|time))\b",
    r"\bi(?:'d| would) (?:really |so |very )?"
    r"(?:appreciate|be (?:grateful|thankful|glad|happy) if)\b",
    r"\b(?:it|that) would be (?:great|wonderful|amazing|helpful|lovely|fantastic|ideal) if you\b",
    r"\bi(?:'d| would) (?:love|like) (?:it )?(?:if you|for you to|you to)\b",
    r"\b(?:need|want) you to\b",
    r"\bfeel free to (?:send|forward|pass|share|circulate) (?:my|me|along)\b",
    r"\b(?:keep me in mind|keep an eye out|put in a (?:good )?word|put me in touch|"
    r"refer me|recommend me|connect me with|pass (?:my|me) (?:cv|name|details|resume))\b",
    r"\b(?:one more|another|a (?:small|quick|big|tiny)) (?:favou?r|request|ask)\b",
    r"\b(?:may|can|could|might) i (?:ask|request|trouble|bother|impose)\b",
    r"\bwhen you (?:get|have) a (?:chance|moment|minute)\b",
    r"\bat your (?:earliest )?convenience\b",
    r"\b(?:send|forward|email) me\b",
    r"\bare (?:you|they|there any)(?: still)? hiring\b",
    r"\b(?:any|are there(?: any)?) (?:open )?(?:openings|vacancies|open roles|positions)\b",
]
_ASKING_RE = re.compile("|".join(f"(?:{p})" for p in _ASKING))

# Kind words that look like the start of a request but only offer help or say goodbye. They are
# taken out of a sentence before it is read for requests, and a question made of them is an offer.
_POLITE = [
    r"\blet me know (?:if|whether|how|when) (?:i|there(?:'s| is)|we)\b",
    r"\b(?:is there )?anything (?:(?:else|at all) )?(?:that )?i (?:can|could) do\b",
    r"\b(?:how|where) (?:can|could|might|may) i (?:help|return|repay|be (?:of )?useful|support)\b",
    r"\b(?:can|could|may|might|shall) i (?:help|return|repay|do|be (?:of )?(?:use|help)|support|"
    r"buy you|send you|share)\b",
    r"\bwould it help if i\b",
    r"\b(?:would|could) you like me to\b",
    r"\bdo you want me to\b",
    r"\bif (?:i|there(?:'s| is) anything i) can\b",
    r"\blooking forward\b",
    r"\bthanks? (?:again|so much|you)\b",
    r"\bhope you (?:have|enjoy|had)\b",
    r"\bdon't hesitate\b",
    r"\bfeel free to (?:reach out|get in touch|contact me|call|write|ask)\b",
]
_POLITE_RE = re.compile("|".join(f"(?:{p})" for p in _POLITE))

# A sentence ends at . ! ? (closing quotes or brackets may follow), at a line break, and after a
# closing bracket followed by a capital: a recap line such as "- From me: the deck (by Friday)"
# has no full stop, and a request typed after it must not hide inside the recapped step.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|(?<=[)\]])\s+(?=[A-Z])")


def sentences(text: str) -> list[str]:
    """Split a message into sentences and lines, blank ones dropped."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece and piece.strip()]


def _plain(sentence: str) -> str:
    return fold(sentence).replace("\u2019", "'").replace("\u2018", "'")


def is_request(sentence: str) -> bool:
    """Whether one sentence asks the reader for something (a question or an asking phrase)."""
    plain = _plain(sentence)
    rest = _POLITE_RE.sub(" ", plain)
    if _ASKING_RE.search(rest):
        return True
    is_question = plain.rstrip("\"') ").endswith("?")
    return is_question and not _POLITE_RE.search(plain)


def new_requests(text: str, agreed_steps: Sequence[str] = ()) -> list[str]:
    """The sentences that ask for something not already agreed as a next step."""
    found = []
    for sentence in sentences(text):
        if not is_request(sentence):
            continue
        stems = distinctive(sentence)
        if any(distinctive(step) and overlaps(step, stems) for step in agreed_steps):
            continue  # asking for what they already offered is a reminder, not a new request
        found.append(sentence)
    return found


# --- Attachments -----------------------------------------------------------------------------

# Each family: what the message may mention, and what in a next step makes it expected.
_ATTACHMENT_FAMILIES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "a CV or résumé": (
        re.compile(
            r"\b(?:my|the|a|an|updated|current|latest|attached|enclosed|full) "
            r"(?:cv|c\.v\.|resume)\b|\bresume (?:attached|enclosed|below|here)\b"
            r"|\bcvs?\b|\bcurriculum vitae\b|\bresumes\b"
        ),
        re.compile(r"\b(?:cv|c\.v\.|resume|curriculum vitae)\b"),
    ),
    "a portfolio": (re.compile(r"\bportfolios?\b"), re.compile(r"\bportfolio\b")),
    "an attachment": (
        re.compile(r"\b(?:attach(?:ed|ing|ment|ments)?|enclos(?:ed|ing|ure))\b"),
        re.compile(
            r"\b(?:attach\w*|cv|resume|portfolio|document|file|deck|slides|sample|report|"
            r"writing|paper|draft|proposal|enclos\w*)\b"
        ),
    ),
}


def unasked_attachments(text: str, agreed_steps: Sequence[str] = ()) -> list[str]:
    """The kinds of attachment a message brings up that no agreed step called for."""
    plain = _plain(text)
    # "résumé" folds to "resume"; the verb ("we could resume") is left alone by the patterns.
    steps = _plain(" ".join(agreed_steps))
    return [
        name
        for name, (in_message, in_steps) in _ATTACHMENT_FAMILIES.items()
        if in_message.search(plain) and not in_steps.search(steps)
    ]


# --- Gaps ------------------------------------------------------------------------------------

# A gap left to fill: words in square brackets, such as the draft's "[One specific thing they
# said that stayed with you]". A link's or a footnote's short "[1]" is not one.
_GAP = re.compile(r"\[[^\[\]\n]*[A-Za-z][^\[\]\n]*\]")


def gaps(text: str) -> list[str]:
    """The bracketed gaps still waiting to be filled in a message, each once."""
    found: list[str] = []
    for gap in _GAP.findall(text):
        if len(words(gap)) >= 3 and gap not in found:
            found.append(gap)
    return found


def specific_words(text: str, boilerplate: Iterable[str] = ()) -> set[str]:
    """What a message says beyond its template: distinctive stems not in ``boilerplate``."""
    fixed: set[str] = set()
    for piece in boilerplate:
        fixed |= distinctive(piece)
    return distinctive(_GAP.sub(" ", text)) - fixed


# --- The guard -------------------------------------------------------------------------------


def _quoted(items: Iterable[str]) -> str:
    return "; ".join(f"“{item}”" for item in items)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits."""
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def check(
    body: str,
    *,
    subject: str = "",
    memorable: Sequence[str] = (),
    next_steps: Sequence[str] = (),
    due_at: datetime | None = None,
    now: datetime | None = None,
    max_words: int = MAX_WORDS,
    boilerplate: Sequence[str] = (),
) -> list[Problem]:
    """Read a thank-you draft against the habits of a good one; an empty list means send it.

    ``memorable`` are the notes worth citing and ``next_steps`` the texts of what both sides
    agreed. ``boilerplate`` is what any draft says (the template's sentences, their name, the
    signature): a draft with nothing beyond it, or with a gap still marked, is not specific,
    whether or not anything was noted.
    """
    problems: list[Problem] = []
    if due_at is not None and now is not None:
        left = int((due_at - now).total_seconds())
        if left < 0:
            problems.append(
                Problem(
                    OVERDUE,
                    f"The 24-hour mark has passed ({describe_left(left)}). Send it anyway: "
                    "a late, specific thank-you still beats none. Skip apologising at length.",
                )
            )
        elif left <= DUE_SOON_WITHIN.total_seconds():
            problems.append(
                Problem(
                    DEADLINE_CLOSE,
                    f"Only {describe_left(left)} before the 24-hour mark. Send it soon; "
                    "polishing matters less than arriving while the chat is fresh.",
                )
            )
    stems = distinctive(f"{subject}\n{body}")
    cited = [note for note in memorable if distinctive(note)]
    unfilled = gaps(f"{subject}\n{body}")
    if unfilled:
        problems.append(
            Problem(
                GAP_LEFT,
                f"The message still has a gap to fill: {_quoted(unfilled)}. Replace it with one "
                "thing they said that stayed with you, in your own words, or take it out.",
            )
        )
    elif not specific_words(f"{subject}\n{body}", boilerplate):
        problems.append(
            Problem(
                NOTHING_SPECIFIC,
                "Nothing in the message is about your conversation: it has only the "
                "template's sentences. Add one thing they said that stayed with you; it shows "
                "you listened and makes the note memorable to them too.",
            )
        )
    elif cited and not any(overlaps(note, stems) for note in cited):
        problems.append(
            Problem(
                NOTHING_SPECIFIC,
                "Nothing in the message points to something they said. Mention one detail, "
                f"for example {_quoted(cited[:1])}; it shows you listened and makes the note "
                "memorable to them too.",
            )
        )
    missing = [step for step in next_steps if not overlaps(step, stems)]
    if missing:
        problems.append(
            Problem(
                STEPS_MISSING,
                "These agreed next steps are not recapped: "
                f"{_quoted(missing)}. One line each keeps both of you to what you agreed.",
            )
        )
    asks = new_requests(f"{subject}\n{body}", next_steps)
    if asks:
        problems.append(
            Problem(
                NEW_REQUEST,
                f"This asks for something new: {_quoted(asks)}. A thank-you gives; it asks for "
                "nothing beyond what you already agreed. Save the request for a later message.",
            )
        )
    attachments = unasked_attachments(f"{subject}\n{body}", next_steps)
    if attachments:
        problems.append(
            Problem(
                UNASKED_ATTACHMENT,
                f"The message brings up {' and '.join(attachments)}, which they did not ask "
                "for. Unrequested documents read as a job application; send them only when "
                "offered or asked.",
            )
        )
    count = word_count(body)
    if count > max_words:
        problems.append(
            Problem(
                TOO_LONG,
                f"The message has {count} words; keep it under {max_words}. A short note is "
                "read at once, a long one is saved for later and forgotten.",
            )
        )
    return problems
