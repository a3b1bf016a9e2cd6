"""Drafting follow-up messages from plain values, and packing them for delivery.

A template is text with named placeholders such as ``{first_name}``. Filling walks the pieces
itself instead of calling ``str.format``, so a template a user typed can never reach an attribute
or an index, and an unknown name is refused with a message that lists the ones we know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from coffeechat.core.capture import step_words
from coffeechat.core.placeholders import Piece, pieces, refuse_unknown

THANK_YOU = "thank_you"
NUDGE = "nudge"
ADD_VALUE = "add_value"
KEEP_IN_TOUCH = "keep_in_touch"
OUTREACH_NUDGE = "outreach_nudge"

LONGEST_SUBJECT = 300
LONGEST_TEMPLATE = 5_000

PLACEHOLDERS: dict[str, str] = {
    "first_name": "their first name",
    "what_stuck": (
        "what stuck with you, as a sentence to them; a marked gap to fill when you noted nothing"
    ),
    "agreed": "what you both agreed, each step a sentence (“I’ll send you…”, “Thank you for…”)",
    "suggested": "thanks for the people they suggested you talk to",
    "signature": "your signature from Preferences, else your name",
    "memorable": "what stuck with you, exactly as you typed it",
    "next_steps": "what you both agreed, one line each",
    "value": "something useful you share with them: a link or an idea (optional)",
    "my_name": "your name",
    "request_subject": "the subject line of the request for a chat you sent (outreach nudges)",
}

# Left in the draft when nothing specific was captured: the guard flags it until it is replaced.
GAP = "[One specific thing they said that stayed with you]"


@dataclass(frozen=True)
class MessageTemplate:
    """A subject line and a body, each with placeholders."""

    subject: str
    body: str


DEFAULT_TEMPLATES: dict[str, MessageTemplate] = {
    THANK_YOU: MessageTemplate(
        subject="Thank you for your time, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "Thank you for taking the time to talk with me. {what_stuck}\n"
            "\n"
            "{agreed}\n"
            "\n"
            "{suggested}\n"
            "\n"
            "In case it is useful to you: {value}\n"
            "\n"
            "I really enjoyed our conversation, and I am grateful for it.\n"
            "\n"
            "All the best,\n"
            "{signature}"
        ),
    ),
    NUDGE: MessageTemplate(
        subject="Following up, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "I hope things are going well. I am writing to follow up gently on what we agreed:\n"
            "{next_steps}\n"
            "\n"
            "No rush at all, and thank you again.\n"
            "{my_name}"
        ),
    ),
    ADD_VALUE: MessageTemplate(
        subject="Something I thought you would like, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "Our conversation came to mind when I found this: {value}\n"
            "\n"
            "All the best,\n"
            "{my_name}"
        ),
    ),
    KEEP_IN_TOUCH: MessageTemplate(
        subject="A quick update, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "It has been a while since we talked, and I wanted to tell you how things have "
            "moved on since. {value}\n"
            "\n"
            "I hope all is well with you.\n"
            "{my_name}"
        ),
    ),
    # One nudge, 7 business days after a request for a chat went unanswered: it points back to
    # the request and asks for nothing the request did not ask already.
    OUTREACH_NUDGE: MessageTemplate(
        subject="Re: {request_subject}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "I wrote to you a little while ago and thought I would bring my note back to the top "
            "of your inbox, in case it got buried.\n"
            "It was the one titled “{request_subject}”.\n"
            "\n"
            "If a short chat suits you at some point, I would be glad to hear from you. If now "
            "is not a good time, no reply is needed.\n"
            "\n"
            "Thank you,\n"
            "{my_name}"
        ),
    ),
}


class TemplateError(ValueError):
    """A template names a placeholder we cannot fill, or its braces cannot be read."""


def _pieces(text: str) -> list[Piece]:
    return pieces(text, error=TemplateError, example="first_name")


def check_template(text: str) -> None:
    """Refuse a template that names an unknown placeholder or uses braces we cannot fill."""
    if len(text) > LONGEST_TEMPLATE:
        raise TemplateError(f"Keep a template under {LONGEST_TEMPLATE:,} characters.")
    refuse_unknown(text, PLACEHOLDERS, error=TemplateError, example="first_name")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Fill a template's placeholders; a line whose placeholders all came out empty is dropped.

    Dropping such lines lets one template serve a chat with no next steps or nothing of value
    to share. A line ending in a colon just above a dropped line introduced it, so it goes too:
    no dangling "To recap what we agreed:"; nor does a sign-off ending in a comma stay when the
    last line, the name below it, came out empty.
    """
    check_template(text)
    lines: list[str] = []
    template_lines = text.split("\n")
    for number, line in enumerate(template_lines, start=1):
        out: list[str] = []
        named = filled = 0
        for literal, field, _, _ in _pieces(line):
            out.append(literal)
            if field is not None:
                value = values.get(field, "")
                named += 1
                filled += bool(value.strip())
                out.append(value)
        if named and not filled:
            is_last = number == len(template_lines)
            if lines and (lines[-1].endswith(":") or (is_last and lines[-1].endswith(","))):
                lines.pop()
            continue
        lines.append("".join(out).rstrip())
    # A dropped line can leave two blank lines in a row; readers see one gap.
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


@dataclass(frozen=True)
class Step:
    """An agreed next step as the message recaps it."""

    side: str  # "me" or "them"
    text: str  # the step itself ("send her my case study"), whose it is said by ``side``
    due: str = ""  # already written for the reader: "by Friday", "by Thu 10 Dec"


@dataclass(frozen=True)
class Name:
    """Someone they suggested talking to."""

    name: str
    organisation: str = ""


# Words after "her" that show it stands for the person ("send her my notes", "tell her about"),
# where before a noun it is hers ("her team"): the first becomes "you", the second "your".
_AFTER_OBJECT_WORDS = """
    a an the my some this that these those it more any all about to with for when if on in at by
    how what whether and or but back up know again once soon later tomorrow today next as so
"""
_AFTER_OBJECT = frozenset(_AFTER_OBJECT_WORDS.split())


def _to_you(text: str, *, objects: bool, name: str = "") -> str:
    """Third-person words for the recipient turned to the second person.

    ``objects`` also turns "she", "her", "him", "them" and their first name ``name`` into "you":
    right in a step of mine ("send her the book she liked"), wrong in one of theirs, where the
    object is someone else ("introduce me to him"). Possessives become "your" in both.
    """
    own = name.casefold()
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        bare = word.rstrip(".,;:!?")
        tail = word[len(bare) :]
        lower = bare.casefold()
        after = words[index + 1].casefold().rstrip(".,;:!?") if index + 1 < len(words) else ""
        replacement = None
        if lower in ("his", "their"):
            replacement = "your"
        elif lower in ("hers", "theirs"):
            replacement = "yours"
        elif lower == "her":
            is_object = tail != "" or not after or after in _AFTER_OBJECT
            replacement = "you" if is_object and objects else None if is_object else "your"
        elif lower in ("him", "them") and objects:
            replacement = "you"
        elif lower in ("herself", "himself", "themselves") and objects:
            replacement = "yourself"
        elif lower in ("she", "he", "they") and objects:
            replacement = "you"
            if index + 1 < len(words) and not tail:
                words[index + 1] = _present_after_you(words[index + 1])
        elif lower.replace("’", "'") in ("she's", "he's", "they're") and objects:
            replacement = "you’re"
        elif own and objects and lower.replace("’", "'") == f"{own}'s":
            replacement = "your"
        elif own and objects and lower == own:
            replacement = "you"
        if replacement is None:
            out.append(word)
        else:
            if index == 0 and bare[:1].isupper():
                replacement = replacement.capitalize()
            out.append(replacement + tail)
    return " ".join(out)


def _lower_first(text: str, keep: Sequence[str] = ()) -> str:
    """Lower-case the first letter to go mid-sentence, unless the word looks like a name."""
    first, _, rest = text.partition(" ")
    if not first or first in keep or not first[:1].isupper() or not first[1:].islower():
        return text
    return (first[0].lower() + first[1:] + (" " + rest if rest else "")).strip()


def _clause(step: Step, keep: Sequence[str]) -> str:
    text = step_words(step.text, keep[0] if keep else "")
    text = _lower_first(text.rstrip(".;,!"), keep)
    text = _to_you(text, objects=step.side == "me", name=keep[0] if keep else "")
    due = " ".join(step.due.split()).rstrip(".;,!")
    return f"{text} {due}".strip()


def _joined(items: Sequence[str], *, also: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {also} {items[-1]}"


_WE = re.compile(r"^(?:we|we'll|we’ll|we're|we’re|we've|we’ve|we'd|we’d|let's|let’s)\b", re.I)


# A step whose subject is another person by name: "Tom will …", "Sara is going to …".
_SOMEONE_ELSE = re.compile(
    r"^(?!I\b)[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?"
    r"(?:\s+(?:will|would|can|could|is\s+going\s+to)\b|['’]ll\b)"
)


def _is_ongoing(clause: str) -> bool:
    first = clause.split(" ", 1)[0].casefold()
    return len(first) > 4 and first.endswith("ing")


def agreed_sentences(
    steps: Sequence[Step], *, keep: Sequence[str] = (), offered: str = "Thank you for offering to"
) -> str:
    """The agreed steps as sentences: "I'll send you my case study by Friday." for mine, "Thank
    you for offering to introduce me to Tom." for theirs. ``keep`` are names left capitalised;
    ``offered`` starts the sentence of their steps."""
    name = keep[0] if keep else ""
    # "Tom will introduce me to Sara": someone else's step, not mine and not theirs to thank for.
    others = [step for step in steps if _SOMEONE_ELSE.match(step_words(step.text, name))]
    mine = [_clause(step, keep) for step in steps if step.side == "me" and step not in others]
    theirs = [_clause(step, keep) for step in steps if step.side != "me" and step not in others]
    sentences = []
    # "We'll talk again in March" is both of ours: it stands as its own sentence.
    ours = [clause for clause in mine if _WE.match(clause)]
    mine = [clause for clause in mine if clause not in ours]
    will = [clause for clause in mine if clause and not _is_ongoing(clause)]
    doing = [clause for clause in mine if clause and _is_ongoing(clause)]
    if will:
        sentences.append(f"I’ll {_joined(will)}.")
    if doing:
        sentences.append(f"I’m {_joined(doing)}.")
    sentences.extend(_sentence(clause[0].upper() + clause[1:]) for clause in ours)
    for step in others:
        words = step_words(step.text, name).rstrip(".;,!")
        due = " ".join(step.due.split()).rstrip(".;,!")
        sentences.append(_sentence(f"{words} {due}".strip()))
    to_do = [clause for clause in theirs if clause and not _is_ongoing(clause)]
    thanked = [clause for clause in theirs if clause and _is_ongoing(clause)]
    if to_do:
        sentences.append(f"{offered} {_joined(to_do, also='and to')}.")
    if thanked:
        also = " also" if to_do else ""
        sentences.append(f"Thank you{also} for {_joined(thanked)}.")
    return _curly(" ".join(sentences))


def _curly(text: str) -> str:
    """Apostrophes inside words as the draft's own are typed: "we'll" reads "we’ll"."""
    return re.sub(r"(?<=\w)'(?=\w)", "’", text)


def recap(steps: Sequence[Step], *, keep: Sequence[str] = ()) -> str:
    """The agreed next steps, one line each, mine first, each a sentence without labels: "- I'll
    send you the article by 12 May." and "- You offered to introduce me to Sam."."""
    ordered = sorted(steps, key=lambda step: step.side != "me")
    lines = [agreed_sentences([step], keep=keep, offered="You offered to") for step in ordered]
    return "\n".join(f"- {line}" for line in lines if line)


def suggested_sentence(names: Sequence[Name]) -> str:
    """Thanks for the people they suggested: "Thank you too for suggesting I talk to Tom Lee at
    Acme and Sara Kim." Empty without names."""
    who = [
        " ".join(f"{name.name} at {name.organisation}".split())
        if name.organisation.strip()
        else " ".join(name.name.split())
        for name in names
        if name.name.strip()
    ]
    if not who:
        return ""
    return f"Thank you too for suggesting I talk to {_joined(who)}."


_FIRST_PERSON = re.compile(r"\b(?:i|me|my|myself|i'm|i've|i'll|i'd)\b", re.I)
_SENTENCE_START = re.compile(
    r"^(?:you|you're|you've|you'd|you'll|she|he|they|we|it|it's|there)\b",
    re.I,
)


def stuck_sentence(what_stuck: str) -> str:
    """What stuck, in the user's words and person, framed as a sentence when it is a fragment.

    "Hearing how you moved into UX stayed with me" is kept as written; a fragment that names
    something ("your story about the clinic app") becomes "Your story about the clinic app
    stayed with me.", and one that says something ("your team moved to Leeds") "I keep thinking
    about how your team moved to Leeds."
    Empty input gives the marked gap, for the user to fill or the guard to point at.
    """
    text = _curly(" ".join(what_stuck.split()))
    if not text:
        return GAP
    plain = text.replace("’", "'")
    if plain[-1] in ".!?…" or _FIRST_PERSON.search(plain) or _SENTENCE_START.match(plain):
        return _sentence(text[0].upper() + text[1:])
    if _is_clause(plain):
        return _sentence(f"I keep thinking about how {_lower_first(text)}")
    return _sentence(f"{text[0].upper() + text[1:]} stayed with me")


# Verbs that make "your newsroom switched to a four-day week" a clause, not a thing to name.
_VERB_WORDS = """
    is are was were has have had does did left moved went took became got gets made makes runs
    ran built builds started starts joined joins works worked said says told tells switched
    grew grows came comes gave gives keeps kept found finds spent spends knows knew thinks
    thought uses used sees saw hires hired
"""
_VERBS = frozenset(_VERB_WORDS.split())
_NOT_A_SUBJECT = frozenset(("how", "what", "when", "why", "where", "whether", "that"))


def _is_clause(text: str) -> bool:
    """Whether a fragment has a subject and a verb ("your team switched to…"), so it reads
    after "I keep thinking about how"; a thing named ("your story about…") does not."""
    words = text.casefold().split()
    if not words or words[0] in _NOT_A_SUBJECT or words[0].endswith("ing"):
        return False
    return any(word in _VERBS or (len(word) > 4 and word.endswith("ed")) for word in words[1:6])


# A verb after "she" or "he", as it reads after "you".
_AFTER_YOU = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't",
              "wasn't": "weren't", "hasn't": "haven't", "doesn't": "don't"}  # fmt: skip


def _present_after_you(verb: str) -> str:
    lower = verb.casefold()
    if lower in _AFTER_YOU:
        return _AFTER_YOU[lower]
    if len(lower) > 4 and lower.endswith("ies"):
        return verb[:-3] + "y"
    if lower.endswith(("shes", "ches", "xes", "sses", "oes")):
        return verb[:-2]
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return verb[:-1]
    return verb


def stuck_from_note(note: str) -> str:
    """A debrief note about them ("She left teaching for data science") turned to them: "I keep
    thinking about how you left teaching for data science." A note already to them stays."""
    words = " ".join(note.replace("’", "'").split()).split(" ")
    if not words or not words[0]:
        return ""
    first = words[0].casefold()
    if first in ("she", "he", "she's", "he's"):
        rest = words[1:]
        if first.endswith("'s"):
            lead = "you’re"
        elif rest:
            lead = "you " + _present_after_you(rest.pop(0))
        else:
            lead = "you"
        text = _to_you(" ".join([lead, *rest]), objects=True)
        return _sentence(f"I keep thinking about how {text}".replace("'", "’"))
    return _to_you(" ".join(words), objects=True).replace("'", "’")


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…" else text + "."


@dataclass(frozen=True)
class Draft:
    """A message ready to edit."""

    subject: str
    body: str


def draft(
    template: MessageTemplate,
    *,
    first_name: str,
    memorable: str = "",
    steps: Sequence[Step] = (),
    names: Sequence[Name] = (),
    value: str = "",
    my_name: str = "",
    signature: str = "",
    request_subject: str = "",
) -> Draft:
    """Draft a message from a template and the plain facts of one chat (or one request).

    ``memorable`` is what stuck, in the user's words; ``signature`` signs the message, and
    ``my_name`` stands in for it when it is empty.
    """
    keep = [first_name.strip(), *(name.name.split(" ")[0] for name in names)]
    values = {
        "first_name": first_name.strip() or "there",
        "what_stuck": stuck_sentence(memorable),
        "agreed": agreed_sentences(steps, keep=keep),
        "suggested": suggested_sentence(names),
        "signature": signature.strip() or my_name.strip(),
        "memorable": _sentence(memorable),
        "next_steps": recap(steps, keep=keep),
        "value": _sentence(value) if value.strip() and "://" not in value else value.strip(),
        "my_name": my_name.strip(),
        "request_subject": " ".join(request_subject.split()),
    }
    # A subject whose only placeholder came out empty (a request sent without a subject line)
    # would leave the message without one; a plain subject with their name stands in.
    subject = (
        " ".join(fill(template.subject, values).split()) or f"Following up, {values['first_name']}"
    )
    return Draft(subject=subject, body=fill(template.body, values))


def literal_text(template: MessageTemplate) -> str:
    """A template's own words, its placeholders left out: what every draft from it says."""
    return "\n".join(
        literal for text in (template.subject, template.body) for literal, *_ in _pieces(text)
    )


# Sentences the drafting adds around the user's words; the guard does not count them as specific.
FRAMING = (
    "I keep thinking about how",
    "stayed with me",
    "I’ll",
    "I’m",
    "Thank you for offering to",
    "Thank you also for",
    "Thank you too for suggesting I talk to",
    "In case it is useful to you",
)


# --- Delivery --------------------------------------------------------------------------------


class MessageError(ValueError):
    """A message cannot be built from these values (a header with a line break, say)."""


def build_message(
    from_addr: str,
    to_addr: str,
    subject: str,
    body: str,
    date: datetime,
    message_id_domain: str,
    *,
    unsent: bool = False,
    reply_to: str = "",
) -> bytes:
    """An RFC 5322 message in UTF-8 with CRLF line ends, as a mail program or server reads it.

    ``unsent`` adds ``X-Unsent: 1``, which tells Outlook and some other programs to open a
    downloaded .eml as a draft to send rather than as a message received. An empty ``from_addr``
    leaves the From line out, for the mail program that opens the draft to fill in; an empty
    ``reply_to`` leaves Reply-To out.
    """
    if date.tzinfo is None:
        raise MessageError("The message date needs a time zone.")
    message = EmailMessage(policy=SMTP)
    try:
        if from_addr:
            message["From"] = from_addr
        if reply_to:
            message["Reply-To"] = reply_to
        message["To"] = to_addr
        message["Subject"] = subject
        message["Date"] = format_datetime(date)
        message["Message-ID"] = make_msgid(domain=message_id_domain)
        if unsent:
            message["X-Unsent"] = "1"
    except (ValueError, IndexError) as error:
        raise MessageError(f"The message headers cannot be written: {error}") from None
    # Normalise line ends so a pasted CRLF body does not end up with doubled blank lines.
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    # Quoted-printable keeps the file 7-bit clean, so any server and any mail program reads it.
    message.set_content(
        text if text.endswith("\n") else text + "\n", charset="utf-8", cte="quoted-printable"
    )
    return message.as_bytes()


def mailto_url(to_addr: str, subject: str, body: str) -> str:
    """A ``mailto:`` link (RFC 6068) that opens the user's mail program with the message filled."""
    return f"mailto:{quote(to_addr, safe='@')}?{mailto_query(subject, body)}"


def mailto_query(subject: str, body: str) -> str:
    """The part of a ``mailto:`` link after the "?": the subject and the body, encoded.

    The composer's script rebuilds this as you type (static/coffeechat/compose.js,
    mailtoQuery); tests/browser/test_same_rule_twice.py feeds both the same awkward text.
    """
    # Line breaks travel as CRLF; every reserved character is percent-encoded, spaces as %20.
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return f"subject={quote(subject, safe='')}&body={quote(text, safe='')}"
