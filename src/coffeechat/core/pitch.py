"""How long a pitch takes to say, and whether it is short enough."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from coffeechat.core.text import counted

DEFAULT_WORDS_PER_MINUTE = 150
LIMIT_SECONDS = 30  # an elevator pitch should be over before the listener's attention drifts
MAX_WORDS = 2_000  # beyond this it is a document, not something to say
MIN_WPM, MAX_WPM = 60, 300  # outside this no one is speaking naturally

# The page counts as you type with the same rule (static/coffeechat/pitch.js, countWords), and
# tests/browser/test_same_rule_twice.py feeds both the same text. So every class is spelled out:
# \s, \d and \w mean different things in Python and in JavaScript (\d is any script's digits
# here, ASCII only there), and a piece is read by Unicode category, which both languages share.
#
# Pieces are split on white space (what Python's str.isspace() calls space, listed) and on
# joiners people read as a pause between two words: hyphens, dashes and slashes
# ("career-change", "and/or" are two words said aloud).
_SPACES = "\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PIECES = re.compile(f"[{_SPACES}\\-\u2010-\u2015/]+")
# A piece with a letter (any script; a combining mark alone is none) or a number written as a
# sign ("½", "²", "Ⅻ") is one word; otherwise its digits (Unicode category Nd, any script:
# "2024", "٢٠٢٤", "२०२४") say how long it is.
_WORDLIKE = ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "No")
_DIGIT = "Nd"


def _spoken_words(piece: str) -> int:
    """How many words a written piece takes to say (0 for bare punctuation)."""
    categories = [unicodedata.category(char) for char in piece]
    if any(category in _WORDLIKE for category in categories):
        return 1
    digits = categories.count(_DIGIT)
    if not digits:
        return 0  # "&", "...", a bullet: nothing said
    # A number takes longer to say the longer it is: "15" is one word, "2024" is "twenty
    # twenty-four", "1,500,000" is "one and a half million". About one word per two digits.
    spoken = math.ceil(digits / 2)
    if "%" in piece:
        spoken += 1  # "percent"
    return spoken


def count_words(text: str) -> int:
    """Words as they would be spoken: numbers by their length, punctuation not at all."""
    return sum(_spoken_words(piece) for piece in _PIECES.split(text) if piece)


def spoken_seconds(words: int, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE) -> int:
    """Seconds it takes to say ``words`` at ``words_per_minute``, rounded up."""
    if not MIN_WPM <= words_per_minute <= MAX_WPM:
        raise ValueError(f"words per minute must be between {MIN_WPM} and {MAX_WPM}")
    if words < 0:
        raise ValueError("a word count cannot be negative")
    return math.ceil(words * 60 / words_per_minute)


def words_within(seconds: int, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE) -> int:
    """The most words that can be said in ``seconds``."""
    return seconds * words_per_minute // 60


@dataclass(frozen=True)
class PitchEstimate:
    """A pitch's spoken length and, when it runs long, how much to cut."""

    words: int
    seconds: int
    limit_seconds: int
    words_to_cut: int

    @property
    def too_long(self) -> bool:
        return self.words_to_cut > 0

    @property
    def warning(self) -> str:
        """What to tell the user, or "" when the pitch fits."""
        if not self.too_long:
            return ""
        return (
            f"About {counted(self.seconds, 'second')}: over {self.limit_seconds}. "
            f"Cut about {counted(self.words_to_cut, 'word')} to fit."
        )


def estimate(
    text: str,
    words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
    limit_seconds: int = LIMIT_SECONDS,
) -> PitchEstimate:
    """Words, spoken seconds and the words to cut to fit ``limit_seconds``."""
    words = count_words(text)
    allowed = words_within(limit_seconds, words_per_minute)
    return PitchEstimate(
        words=words,
        seconds=spoken_seconds(words, words_per_minute),
        limit_seconds=limit_seconds,
        words_to_cut=max(0, words - allowed),
    )


def pitch_problem(text: str) -> str | None:
    """Why ``text`` cannot be kept as a pitch (empty or enormous), or None when it can."""
    words = count_words(text)
    if not text.strip() or words == 0:
        return "Write a few sentences first: the pitch is empty."
    if words > MAX_WORDS:
        return (
            f"That is {words:,} words; a pitch can have at most {MAX_WORDS:,}. "
            "Keep the core of it here and the rest in your notes."
        )
    return None
