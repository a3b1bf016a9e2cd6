"""The outreach linter: checks a request for a chat against the habits that get people to answer.

Each rule has an id, a short name and an explanation in our own words; each can be switched
off, and the word limit, the job words and the name of a shared connection are settings.
A rule answers *pass*, *fail* or *cannot judge* (with the reason), never a guess:

- An empty request, or one with nothing but a greeting and a sign-off, is not judged at all.
- A request that does not read as English is still held to the word limit, but rules that look
  for English words say they cannot judge it. Two of them can still be sure of a pass: a named
  connection that appears in the first sentence, and a last sentence that ends with a question
  mark. Neither is failed, since a sign-off or an introduction in another language would escape
  them.

The text is read as a person would read it: the greeting ("Hi Maria,") and the sign-off ("Thanks
so much,", "Best, Ana", a signature with a title and a phone number) are set aside, so they do not
count towards the word limit, hide the first sentence or stand in for the closing question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from coffeechat.core.text import counted


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    CANNOT_JUDGE = "cannot judge"
    OFF = "off"


@dataclass(frozen=True)
class Rule:
    """One habit of a good request: an id for settings, a name, and why it helps."""

    id: str
    name: str
    why: str
    needs_english: bool


WORD_LIMIT = Rule(
    "word-limit",
    "Word limit",
    "A busy person decides in a few seconds whether to answer. A note short enough to read on a "
    "phone without scrolling gets read to the end, and it promises that you will respect their "
    "time in the chat as well.",
    needs_english=False,
)
NO_JOB_WORDS = Rule(
    "no-job-words",
    "No job words",
    "You are asking for advice, not a job. Words like 'job', 'hiring' or 'CV' turn a friendly "
    "request into something they may have to refuse or hand to a recruiter, so fewer people "
    "reply. Openings come later, through the people who got to know you.",
    needs_english=True,
)
CONNECTION_FIRST = Rule(
    "connection-first",
    "The shared connection comes first",
    "What you have in common (the person who suggested you write, where you met, a school or "
    "team you share) is the reason a stranger answers. Put it in the first sentence, before "
    "anything about you, so it is read even when the rest is skimmed.",
    needs_english=True,
)
ENDS_WITH_QUESTION = Rule(
    "ends-with-question",
    "Ends with a question",
    "A question at the end is easy to answer: a yes, or a time that suits them. A note that ends "
    "on a statement leaves them to work out what you want, and replying slips down their list.",
    needs_english=True,
)
ABOUT_THEM = Rule(
    "about-them",
    "More about them than about you",
    "People answer when they can see their own experience is what you are after. Count the "
    "words about them ('you', 'your') and about yourself ('I', 'me', 'my'); if you come first, "
    "turn part of your story into what you hope to learn from them. A tie passes: a short note "
    "naturally has one 'I' in its connection and one 'you' in its question.",
    needs_english=True,
)
BROAD_INTEREST = Rule(
    "broad-interest",
    "The interest stated broadly",
    "Name a broad interest, such as how they moved into their field or what their team works "
    "on, rather than one opening, a job reference or a referral. A broad interest is pleasant "
    "to talk about; a narrow ask puts them on the spot before you have met.",
    needs_english=True,
)

RULES: tuple[Rule, ...] = (
    WORD_LIMIT,
    NO_JOB_WORDS,
    CONNECTION_FIRST,
    ENDS_WITH_QUESTION,
    ABOUT_THEM,
    BROAD_INTEREST,
)
RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)

DEFAULT_MAX_WORDS = 100

# Whole words or phrases, matched without regard to case. Chosen to be unmistakable: "role"
# alone is left out ("a role model", "in my role as"), and so are "application" (software)
# and "resume" (the verb), which appear here only in phrases that mean a job hunt.
DEFAULT_JOB_WORDS: tuple[str, ...] = (
    "job",
    "jobs",
    "position",
    "positions",
    "vacancy",
    "vacancies",
    "openings",
    "job opening",
    "open role",
    "open roles",
    "hiring",
    "hire me",
    "apply for",
    "applying for",
    "applied for",
    "my application",
    "application for",
    "my resume",
    "my résumé",
    "résumé",
    "cv",
    "referral",
    "refer me",
)

# Phrases that contain a job word but say nothing about a job; blanked before matching.
_HARMLESS = re.compile(
    r"\b(?:in|into|from)\s+(?:a|the|no|any)\s+(?:good\s+|better\s+)?position\s+to\b"
    r"|\brole\s+models?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Options:
    """The linter's settings: which rules are off, and each rule's threshold or word list."""

    max_words: int = DEFAULT_MAX_WORDS
    job_words: tuple[str, ...] = DEFAULT_JOB_WORDS
    connection: str = ""  # the mutual contact's name (or what you share), when there is one
    skip: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.max_words < 1:
            raise ValueError("The word limit must be at least 1.")
        unknown = sorted(set(self.skip) - set(RULE_IDS))
        if unknown:
            raise ValueError(
                f"No rule is called {', '.join(unknown)}; the rules are {', '.join(RULE_IDS)}."
            )


@dataclass(frozen=True)
class Result:
    """How a request stands against one rule, with what was found or why it cannot say."""

    rule: Rule
    verdict: Verdict
    detail: str


@dataclass(frozen=True)
class Report:
    """Every rule's result for one request, in the order of RULES."""

    results: tuple[Result, ...]
    words: int  # in the body: greeting and sign-off left out
    english: bool
    empty: bool

    @property
    def failed(self) -> tuple[Result, ...]:
        return tuple(result for result in self.results if result.verdict is Verdict.FAIL)

    @property
    def ok(self) -> bool:
        """No rule failed (rules that cannot judge do not count against the request)."""
        return not self.failed

    def result(self, rule_id: str) -> Result:
        return next(result for result in self.results if result.rule.id == rule_id)


EMPTY_MESSAGE = "The request is empty: write it first, then check it."
GREETING_ONLY_MESSAGE = "There is only a greeting or a sign-off here: write the request itself."
NOT_ENGLISH_MESSAGE = (
    "Cannot judge: this reads as not English, and the rule looks for English words."
)


def lint(text: str, options: Options | None = None) -> Report:
    """Check a request against every rule that is switched on."""
    options = options or Options()
    request = read_request(text)
    empty = not request.body_sentences
    reason = EMPTY_MESSAGE if not text.strip() else GREETING_ONLY_MESSAGE
    results: list[Result] = []
    for rule in RULES:
        if rule.id in options.skip:
            results.append(Result(rule, Verdict.OFF, "Switched off."))
        elif empty:
            results.append(Result(rule, Verdict.CANNOT_JUDGE, reason))
        else:
            verdict, detail = _CHECKS[rule.id](request, options)
            results.append(Result(rule, verdict, detail))
    return Report(tuple(results), request.words, request.english or empty, empty=empty)


# Reading a request: greeting, body sentences, sign-off.


@dataclass(frozen=True)
class Request:
    """A request as the rules see it: the body's sentences, its words, whether it is English."""

    body_sentences: tuple[str, ...]  # greeting and sign-off lines removed
    words: int
    english: bool

    @property
    def body(self) -> str:
        return " ".join(self.body_sentences)

    @property
    def opening(self) -> str:
        """The first sentence that says something: a leading "I hope you are well" is skipped."""
        for sentence in self.body_sentences:
            if not _PLEASANTRY.match(_fold(sentence)):
                return sentence
        return self.body_sentences[0]

    @property
    def closing(self) -> str:
        """The last sentence before closing courtesies ("Thanks so much!", "Best, Ana")."""
        for sentence in reversed(self.body_sentences):
            if not _is_sign_off(sentence):
                return sentence
        return self.body_sentences[-1]


_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_GREETING_WORDS = (
    r"hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening)"
    # A few greetings in other languages, so they do not pass for a first sentence.
    r"|hola|bonjour|salut|hallo|ciao|ol[aá]|oi|hej|hoi|estimad[oa]|querid[oa]|liebe[r]?"
    r"|sehr\s+geehrte[r]?|cher|ch[eè]re|caro|cara|buongiorno|buenos\s+d[ií]as"
)
_GREETING_LINE = re.compile(rf"^\W*(?:{_GREETING_WORDS})\b", re.IGNORECASE)
_GREETING_INLINE = re.compile(
    rf"^\W*(?:{_GREETING_WORDS})\b(?:[ \t]+[^\s,!:;—–]+){{0,4}}?[ \t]*[,!:;—–]+\s*",
    re.IGNORECASE,
)
_SIGN_OFFS = (
    "best",
    "all the best",
    "regards",
    "kind regards",
    "kindest regards",
    "warm regards",
    "warmest regards",
    "best regards",
    "best wishes",
    "warm wishes",
    "warmly",
    "cheers",
    "many thanks",
    "thanks",
    "thank you",
    "with thanks",
    "with gratitude",
    "gratefully",
    "sincerely",
    "yours",
    "respectfully",
    "take care",
    "talk soon",
    "speak soon",
    "looking forward",
    "i look forward",
    "i'm looking forward",
    "i am looking forward",
    "hope to hear",
    "hoping to hear",
    "have a great",
    "have a good",
    "have a nice",
    "have a lovely",
    "sent from my",
)
_SIGN_OFF = re.compile(
    # "Thanks to Ana, ..." is a sentence, not a courtesy.
    r"^(?!thanks\s+to\b)(?:" + "|".join(re.escape(phrase) for phrase in _SIGN_OFFS) + r")\b"
)
_PLEASANTRY = re.compile(
    r"^(?:i\s+)?(?:hope|trust)\s+(?:you|this|your|all|that|things)\b[^?]{0,60}$"
    r"|^(?:happy|good)\s+(?:monday|tuesday|wednesday|thursday|friday|new\s+year)\b"
)
_CONTACT_DETAIL = re.compile(r"@|https?://|www\.|linkedin\.com|(?:\d[\s().+-]*){7,}")
_NAME_CONNECTORS = {"at", "of", "and", "&", "de", "da", "van", "von", "der", "la", "le"}
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "e.g",
    "i.e",
    "etc",
    "vs",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "approx",
}
_SENTENCE_END = re.compile(r"[.!?…？！؟]+['\"’”)\]]*(?=\s|$)")


def read_request(text: str) -> Request:
    """Split a request into its body's sentences, setting aside the greeting and the sign-off."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = _without_greeting(lines)
    lines = _without_sign_off(lines)
    sentences: list[str] = []
    for paragraph in _paragraphs(lines):
        sentences.extend(_sentences(paragraph))
    words = [word for sentence in sentences for word in _WORD.findall(sentence)]
    return Request(tuple(sentences), len(words), _reads_as_english(" ".join(sentences), words))


def _without_greeting(lines: list[str]) -> list[str]:
    index = next((i for i, line in enumerate(lines) if line), None)
    if index is None:
        return []
    first, rest = lines[index], lines[index + 1 :]
    match = _GREETING_INLINE.match(first)
    if match:
        # "Hi Maria, Ana suggested..." keeps what follows the greeting.
        remainder = first[match.end() :].strip()
        return [remainder, *rest] if remainder else rest
    if _GREETING_LINE.match(first) and len(first.split()) <= 3:
        return rest  # "Hi Maria." or "Hello there"
    return lines[index:]


def _without_sign_off(lines: list[str]) -> list[str]:
    kept = list(lines)
    while kept:
        last = kept[-1]
        if not last or _is_sign_off(last) or _is_signature(last):
            kept.pop()
            continue
        break
    return kept


def _is_sign_off(sentence: str) -> bool:
    folded = _fold(sentence).lstrip("-—–~ ")
    if "?" in folded or len(folded.split()) > 14:
        return False
    return bool(_SIGN_OFF.match(folded))


def _is_signature(line: str) -> bool:
    """A name, a title or contact details on a line of their own (``Ana Silva | Analyst``)."""
    if re.search(r"[?!？]", line):
        return False
    if _CONTACT_DETAIL.search(line):
        return len(line.split()) <= 10
    tokens = [token for token in re.split(r"[\s,|/·•]+", line.strip("-—–~ ")) if token]
    if not tokens or len(tokens) > 6 or line.rstrip().endswith((".", ":", ";")):
        return False
    return all(
        token.casefold() in _NAME_CONNECTORS or token[0].isupper() or not token[0].isalpha()
        for token in tokens
    )


def _paragraphs(lines: Iterable[str]) -> list[str]:
    """Paragraphs with their lines joined: mail is often wrapped mid-sentence."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _sentences(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : match.start()].split()
        last_word = before[-1].casefold() if before else ""
        if match.group().startswith(".") and (
            last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())
        ):
            continue  # "Dr. Osei", "e.g. a", an initial: not the end of a sentence
        sentence = paragraph[start : match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# Common English words that rarely occur in other languages' running text: "a", "in", "is",
# "die", "will" or "on" are left out because German, Dutch, French or Spanish use them too.
_ENGLISH = frozenset(
    re.findall(
        r"\S+",
        """
        the and of to you your i my for with that this have are be it from about how what when
        we our if or but not can would could should been had has they them their which who into
        any some more just also am i'm i've i'd i'll you're you've you'd there here by than
        then me after before while because very really love like time week next work working
        learn hear talk chat call minutes
        """,
    )
)
_MIN_WORDS_TO_TELL = 6
_ENGLISH_SHARE = 0.15


def _reads_as_english(text: str, words: list[str]) -> bool:
    """A cheap guess: English prose is full of a few small words other languages lack."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) < len(letters) / 2:
        return False  # mostly another script: Cyrillic, Greek, Chinese, Arabic...
    if len(words) < _MIN_WORDS_TO_TELL:
        return True  # too short to tell; judge it rather than refuse
    common = sum(word.casefold().replace("’", "'") in _ENGLISH for word in words)
    return common / len(words) >= _ENGLISH_SHARE


def _fold(text: str) -> str:
    """Lower case, curly apostrophes straightened, spaces collapsed: the form patterns expect."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in _fold(phrase).split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])")


def _quoted(items: Iterable[str]) -> str:
    shown = [f"'{item}'" for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _clip(sentence: str, most: int = 80) -> str:
    return sentence if len(sentence) <= most else sentence[: most - 1].rstrip() + "…"


# The rules.

Check = Callable[[Request, Options], tuple[Verdict, str]]


def _word_limit(request: Request, options: Options) -> tuple[Verdict, str]:
    words, limit = request.words, options.max_words
    said = counted(words, "word")
    if words <= limit:
        return Verdict.PASS, f"{said}; the limit is {limit}."
    return (
        Verdict.FAIL,
        f"{said}, {words - limit} over the limit of {limit}. Cut what they can learn "
        "in the chat itself: your full story, a list of questions.",
    )


def _no_job_words(request: Request, options: Options) -> tuple[Verdict, str]:
    if not request.english:
        return Verdict.CANNOT_JUDGE, NOT_ENGLISH_MESSAGE
    phrases = [phrase for phrase in options.job_words if phrase.strip()]
    if not phrases:
        return Verdict.CANNOT_JUDGE, "Cannot judge: the list of job words is empty."
    text = _HARMLESS.sub(" ", _fold(request.body))
    found = [phrase for phrase in phrases if _phrase_pattern(phrase).search(text)]
    if not found:
        return Verdict.PASS, "No job words."
    return (
        Verdict.FAIL,
        f"It mentions {_quoted(found)}. Ask for their advice and experience; leave jobs out.",
    )


_CONNECTION_PHRASES = re.compile(
    r"|".join(
        (
            # Someone sent you: "Ana suggested I get in touch", "Ben thought we should talk".
            r"\b(?:suggested|recommended|mentioned|thought|said|told\s+me|advised)\b"
            r"[^.?!]{0,40}\b(?:reach(?:ing)?\s+out|contact|get(?:ting)?\s+in\s+touch|write|"
            r"writ(?:e|ing)|talk|speak|connect|e-?mail|message|ask\s+you|you\b)",
            r"\b(?:suggested|recommended)\s+(?:that\s+)?(?:i|we)\b",
            r"\b(?:referred|pointed|directed|sent)\s+me\b",
            r"\b(?:put|puts)\s+(?:me|us)\s+in\s+touch\b",
            r"\b(?:passed|gave|shared)\s+(?:me\s+)?(?:on\s+)?your\s+(?:name|details|email)\b",
            r"\bintroduc(?:ed|ing)\s+(?:us|me)\b",
            # Where you met: "we met at", "it was great meeting you at", "your talk at".
            r"\bwe\s+(?:met|spoke|talked|chatted|sat|were\s+both)\b",
            r"\b(?:met|meeting|speaking\s+with|talking\s+with|chatting\s+with)\s+you\b",
            r"\bmeet\s+you\s+(?:at|last|during|on|in)\b",
            r"\b(?:heard|saw|watched|enjoyed|attended)\s+your\s+(?:talk|panel|session|"
            r"keynote|presentation|workshop|podcast|webinar)\b",
            r"\b(?:your|the)\s+(?:talk|panel|session|keynote|presentation|workshop)\s+at\b",
            # What you share: a school, a team, a group, a friend.
            r"\bfellow\b",
            r"\balum(?:ni|nus|na|nae)?\b",
            r"\b(?:we\s+)?both\s+(?:studied|went|worked|work|belong|live|grew\s+up)\b",
            r"\b(?:also|too)\s+(?:studied|went\s+to|worked\s+at|graduated)\b",
            r"\b(?:same|our)\s+(?:university|college|school|programme|program|course|cohort|"
            r"bootcamp|class|team|group|community|network|club|meetup)\b",
            r"\bmutual\b",
            r"\b(?:a|my|our|your)\s+(?:friend|former\s+colleague|colleague|classmate|"
            r"neighbour|neighbor|teammate)\b",
            r"\b(?:friend|colleague|classmate)\s+of\b",
            r"\b(?:worked|work|works|working)\s+with\s+you\b",
            r"\bused\s+to\s+work\s+with\b",
        )
    )
)
_NAME_STOP = frozenset({"the", "and", "of", "at", "a", "an", "mr", "mrs", "ms", "dr", "prof"})


def _connection_first(request: Request, options: Options) -> tuple[Verdict, str]:
    opening = request.opening
    folded = _fold(opening)
    names = [
        part
        for part in _WORD.findall(_fold(options.connection))
        if len(part) > 1 and part not in _NAME_STOP
    ]
    if any(_phrase_pattern(name).search(folded) for name in names):
        return Verdict.PASS, f"The first sentence names {options.connection.strip()}."
    if not request.english:
        return Verdict.CANNOT_JUDGE, NOT_ENGLISH_MESSAGE
    if _CONNECTION_PHRASES.search(folded):
        return Verdict.PASS, "The first sentence says how you are connected."
    hint = (
        f"Open with {options.connection.strip()}, who connects you"
        if options.connection.strip()
        else "Open with the person who suggested you write, or where you met"
    )
    return (
        Verdict.FAIL,
        f"The first sentence ('{_clip(opening)}') does not say how you are connected. {hint}.",
    )


def _ends_with_question(request: Request, options: Options) -> tuple[Verdict, str]:
    closing = request.closing
    if re.search(r"[?？؟][\"'’”)\]]*$", closing):
        return Verdict.PASS, "It ends with a question."
    if not request.english:
        return Verdict.CANNOT_JUDGE, NOT_ENGLISH_MESSAGE
    return (
        Verdict.FAIL,
        f"The last sentence ('{_clip(closing)}') is not a question. Close with one they can "
        "answer in a line, "
        "such as 'Would you have 20 minutes in the next two weeks?'",
    )


_THEM = frozenset({"you", "your", "yours", "yourself", "you're", "you've", "you'd", "you'll"})
_ME = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"})


def _about_them(request: Request, options: Options) -> tuple[Verdict, str]:
    if not request.english:
        return Verdict.CANNOT_JUDGE, NOT_ENGLISH_MESSAGE
    # "Thank you" is good manners, not interest in them.
    text = re.sub(r"\bthank\s+you\b", " ", _fold(request.body))
    words = _WORD.findall(text)
    them = sum(word in _THEM for word in words)
    me = sum(word in _ME for word in words)
    counts = f"Words about them ('you', 'your'): {them}; about you ('I', 'me', 'my'): {me}"
    if them >= me:
        return Verdict.PASS, f"{counts}."
    return Verdict.FAIL, f"{counts}: you come first."


_NARROW_ASKS = re.compile(
    r"|".join(
        (
            r"\b(?:a|an)\s+(?:job|role|position|internship|opening|vacancy|placement)\s+"
            r"(?:at|with|in\s+your)\b",
            r"\b(?:role|position|opening|vacancy|job|internship)s?\s+(?:that\s+)?"
            r"(?:you|your\s+team|your\s+company|you've|you\s+have)\s+"
            r"(?:posted|advertised|listed|are\s+hiring|have\s+open|opened)\b",
            r"\b(?:your|the)\s+(?:open|posted|advertised)\s+"
            r"(?:role|position|opening|vacancy|job)s?\b",
            # A job reference needs its marker: "job ID 48213", "req #R-1234", "Ref: 4411".
            r"\b(?:job|req(?:uisition)?|reference|ref)\.?\s*(?:id\b|no\.|number\b|#|:)\s*[:#]?\s*"
            r"[\w-]*\d",
            r"\brefer\s+me\b",
            r"\b(?:a|your)\s+referral\b",
            r"\bput\s+(?:in\s+)?a\s+(?:good\s+)?word\s+in\b|\bput\s+in\s+a\s+good\s+word\b",
            r"\b(?:pass|forward|send|share)\s+(?:on\s+|along\s+)?my\s+(?:cv|resume|résumé|"
            r"application|details)\b",
            r"\bhiring\s+manager\b",
            r"\b(?:get|land|secure)\s+(?:me\s+)?an\s+interview\b",
            r"\b(?:an|the)\s+interview\s+(?:for|with\s+your\s+team)\b",
        )
    ),
    re.IGNORECASE,
)


# A job title in capitals before the word "role": "the Senior Data Engineer role", "your Head of
# Product position". Case matters here, so "your current role" is not taken for one.
_NAMED_ROLE = re.compile(
    r"\b(?i:the|this|that|your)\s+[A-Z][\w&/+.-]*\s+(?:(?:[A-Z][\w&/+.-]*|of|and|&)\s+){0,5}"
    r"(?i:role|position|opening|vacancy|job|internship)\b"
)


def _broad_interest(request: Request, options: Options) -> tuple[Verdict, str]:
    if not request.english:
        return Verdict.CANNOT_JUDGE, NOT_ENGLISH_MESSAGE
    body = unicodedata.normalize("NFKC", request.body).replace("’", "'")
    matches = [*_NARROW_ASKS.finditer(body), *_NAMED_ROLE.finditer(body)]
    found = [re.sub(r"\s+", " ", match.group()).strip() for match in matches]
    if not found:
        return Verdict.PASS, "No narrow ask: no single opening, job reference or referral."
    return (
        Verdict.FAIL,
        f"It narrows the ask to {_quoted(dict.fromkeys(found))}. Name what you want to learn "
        "instead, such as how they moved into their field.",
    )


_CHECKS: dict[str, Check] = {
    WORD_LIMIT.id: _word_limit,
    NO_JOB_WORDS.id: _no_job_words,
    CONNECTION_FIRST.id: _connection_first,
    ENDS_WITH_QUESTION.id: _ends_with_question,
    ABOUT_THEM.id: _about_them,
    BROAD_INTEREST.id: _broad_interest,
}
