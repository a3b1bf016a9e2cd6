"""Rank success stories against what we know about a chat, with BM25F.

Why our own BM25 instead of a library: the method is a few dozen lines, and the candidates
fall short of our needs: rank-bm25 has had no release since 2022 and scores one flat text,
not weighted fields; bm25s pulls numpy and scipy into a web app that ranks a dozen stories.
Written here it stays pure, typed and easy to reason about in property tests.

The variant is BM25F (Robertson and Zaragoza): every field's term frequency is normalised by
that field's length, weighted, summed into one pseudo frequency, then saturated once per term.
Tags are keywords, not prose, so they skip length normalisation: adding a tag then never
weakens the other tags, which is what makes "adding a matching tag never lowers a story's
rank" hold exactly.

Tokens are folded (case and accents, see ``core.text.fold``), stop words dropped, and plurals
reduced with a light "S-stemmer" (``-ies`` -> ``-y``, ``-ches`` -> ``-ch``, ``-s`` -> ``''``);
no heavier stemming, so the matched terms shown to the user stay recognisable words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from coffeechat.core.text import counted, fold

T = TypeVar("T")

# Saturation (k1) and length normalisation (b) at the values the literature settles on for
# short documents.
K1 = 1.2
B = 0.75

# Field weights: a word in the title or the tags says more about what a story is about than
# the same word somewhere in its telling.
WEIGHTS = {"title": 2.0, "tags": 2.5, "situation": 1.0, "action": 1.0, "result": 1.0}
NORMALISED = ("title", "situation", "action", "result")  # tags are not length-normalised

# Our own short list: words that carry no topic in a story or a chat note.
_STOP_WORDS = """
    a about after again all also am an and any are as at be been before being but by can
    could did do does doing done for from had has have having he her here hers him his how
    i if in into is it its just me more most my no not of on once only or other our ours out
    over own she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_TOKEN = re.compile(r"[^\W_]+")


def stem(word: str) -> str:
    """Reduce a plural to its singular in the light way (``teams`` -> ``team``)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]  # "launches" -> "launch", "boxes" -> "box"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]  # "roles" -> "role"
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded, meaningful words of ``text``, stop words and single letters left out."""
    return [
        w for w in _TOKEN.findall(fold(text)) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]


def terms(text: str) -> list[str]:
    """The index terms of ``text``: its meaningful words, stemmed."""
    return [stem(w) for w in words(text)]


@dataclass(frozen=True)
class StoryText:
    """What the ranking reads of a story; ``code`` identifies it in the result."""

    code: str
    title: str
    situation: str = ""
    action: str = ""
    result: str = ""
    tags: tuple[str, ...] = ()

    def fields(self) -> dict[str, list[str]]:
        return {
            "title": terms(self.title),
            "tags": terms(" ".join(self.tags)),
            "situation": terms(self.situation),
            "action": terms(self.action),
            "result": terms(self.result),
        }


@dataclass(frozen=True)
class ChatContext:
    """What we know about a chat that a story could speak to."""

    role: str = ""
    organisation: str = ""
    tags: tuple[str, ...] = ()
    contact_notes: str = ""
    chat_notes: str = ""
    hypothesis: str = ""
    ask: str = ""

    def text(self) -> str:
        return "\n".join(
            (
                self.role,
                self.organisation,
                " ".join(self.tags),
                self.contact_notes,
                self.chat_notes,
                self.hypothesis,
                self.ask,
            )
        )


@dataclass(frozen=True)
class RankedStory(Generic[T]):
    """One story's place: its score and the query words that earned it, strongest first."""

    code: str
    title: str
    score: float
    matched_terms: tuple[str, ...]
    story: T | None = field(default=None, compare=False, repr=False)


def query_terms(query: str) -> dict[str, str]:
    """The distinct terms of a query, each with the first word that produced it (for display)."""
    found: dict[str, str] = {}
    for word in words(query):
        found.setdefault(stem(word), word)
    return found


def _idf(documents: int, containing: int) -> float:
    # The "+1" form stays positive even for a term in every story, so a match never costs.
    return math.log(1.0 + (documents - containing + 0.5) / (containing + 0.5))


def rank_stories(stories: Sequence[StoryText], query: str | ChatContext) -> list[RankedStory[None]]:
    """Stories by relevance to ``query``, best first; ties go by title, then code."""
    text = query.text() if isinstance(query, ChatContext) else query
    wanted = query_terms(text)
    indexed = [(story, story.fields()) for story in stories]
    counts = [{name: Counter(toks) for name, toks in fields.items()} for _, fields in indexed]
    # Integer totals keep the averages exact, so the scores do not depend on input order.
    average = {
        name: sum(len(fields[name]) for _, fields in indexed) / len(indexed) if indexed else 0.0
        for name in NORMALISED
    }
    frequency = Counter(
        term for fields in counts for term in set().union(*fields.values()) if term in wanted
    )
    ranked: list[RankedStory[None]] = []
    for (story, fields), field_counts in zip(indexed, counts, strict=True):
        norms = {
            name: 1.0 - B + B * len(fields[name]) / average[name]
            for name in NORMALISED
            if average[name]
        }
        contributions: list[tuple[float, str]] = []
        for term in sorted(wanted):
            pseudo = 0.0
            for name, weight in WEIGHTS.items():
                tf = field_counts[name][term]
                if tf:
                    pseudo += weight * tf / norms.get(name, 1.0)
            if pseudo:
                # 1 - k1/(k1+x) equals x/(k1+x) but is built of monotone steps only, so
                # floating point cannot turn a higher frequency into a lower score.
                share = 1.0 - K1 / (K1 + pseudo)
                idf = _idf(len(indexed), frequency[term])
                contributions.append((idf * share, wanted[term]))
        score = 0.0
        for value, _ in contributions:  # summed in term order, as ``sorted(wanted)`` gives
            score += value
        contributions.sort(key=lambda pair: (-pair[0], pair[1]))
        ranked.append(
            RankedStory(
                code=story.code,
                title=story.title,
                score=score,
                matched_terms=tuple(word for _, word in contributions),
            )
        )
    ranked.sort(key=lambda r: (-r.score, fold(r.title), r.code))
    return ranked


# Three or four strong stories cover most chats; a long list is hard to keep ready to tell.
FEW_STORIES = 3
MANY_STORIES = 6


def library_nudge(count: int) -> str:
    """A nudge toward three or four strong stories, or "" when the library is in that range."""
    if count == 0:
        return "Add three or four success stories you can tell in a minute each."
    if count < FEW_STORIES:
        more = FEW_STORIES - count
        return (
            f"Add {counted(more, 'more story', 'more stories')}: three or four strong ones "
            "give you one that fits almost any chat."
        )
    if count > MANY_STORIES:
        return (
            f"You have {count} stories. Pick the strongest three or four to keep ready; "
            "each chat page ranks them for that person."
        )
    return ""
