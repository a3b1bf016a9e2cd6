"""Starting points for a request for a chat, one per common situation, in our own words.

Each template is short enough to read on a phone, opens with what the two people share, asks
for advice rather than a job, names a broad interest and ends with a question, so a filled-in
template passes every rule of the outreach linter (core.outreach_lint) with its default
settings. The user edits the result; these only save them the blank page.

Placeholders are filled by walking the pieces (core.placeholders), never with ``str.format``.
A value left empty is replaced by a fallback: a neutral phrase where one reads naturally, or a
bracketed prompt ("[what you share with them]") that shows what still needs writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coffeechat.core.placeholders import Piece, pieces, refuse_unknown

PLACEHOLDERS: dict[str, str] = {
    "first_name": "their first name",
    "connection": "what you share with them: a person, a school, a team, an event",
    "organisation": "where they work",
    "interest": "the broad thing you want to learn about, such as how they moved into their field",
    "my_name": "your name, to sign with",
}

# What a placeholder becomes when there is nothing to put in it.
FALLBACKS: dict[str, str] = {
    "first_name": "there",
    "connection": "[what you share with them]",
    "organisation": "your organisation",
    "interest": "how you found your way into your work",
    "my_name": "",
}


class TemplateError(ValueError):
    """A template names a placeholder we cannot fill, or its braces cannot be read."""


@dataclass(frozen=True)
class OutreachTemplate:
    """One starting point: when to use it, what to put in the connection, subject and body."""

    id: str
    name: str
    use_when: str
    connection_hint: str  # what "connection" means here, with an example
    subject: str
    body: str

    @property
    def uses_connection(self) -> bool:
        return any(field == "connection" for _, field, _, _ in _pieces(self.body))


SUGGESTED = OutreachTemplate(
    id="suggested",
    name="Someone suggested I write",
    use_when="A colleague, friend or earlier contact gave you their name.",
    connection_hint="The person who suggested you write, such as Ana Silva.",
    subject="{connection} suggested we talk",
    body=(
        "Hi {first_name},\n"
        "\n"
        "{connection} suggested I get in touch with you. I'm curious about {interest}, and "
        "they thought your experience at {organisation} would help me see it clearly.\n"
        "\n"
        "Would you have 20 minutes for a call or a coffee in the next few weeks?\n"
        "\n"
        "Thank you,\n"
        "{my_name}"
    ),
)
SHARED = OutreachTemplate(
    id="shared",
    name="We share a school, team or past employer",
    use_when="You studied, worked or volunteered in the same place, even years apart.",
    connection_hint="What you have in common, such as the Leeds geography course or Acme's "
    "data team.",
    subject="We share {connection}",
    body=(
        "Hi {first_name},\n"
        "\n"
        "We have {connection} in common, so I hope you don't mind a note out of the blue. "
        "Your work at {organisation} caught my eye, and I would love to hear about "
        "{interest}.\n"
        "\n"
        "Could you spare 20 minutes for a call sometime in the next few weeks?\n"
        "\n"
        "Best wishes,\n"
        "{my_name}"
    ),
)
MET = OutreachTemplate(
    id="met",
    name="We met at an event",
    use_when="You spoke briefly at a talk, a meetup, a fair or a conference.",
    connection_hint="The event where you met, such as the PyData London meetup.",
    subject="Good to meet you at {connection}",
    body=(
        "Hi {first_name},\n"
        "\n"
        "It was good to meet you at {connection}. What you said about your work at "
        "{organisation} stayed with me, and I would like to hear more about {interest}.\n"
        "\n"
        "Would you be up for a 20-minute call or a coffee over the next couple of weeks?\n"
        "\n"
        "Kind regards,\n"
        "{my_name}"
    ),
)
ADMIRE = OutreachTemplate(
    id="admire",
    name="I admire their work (no connection yet)",
    use_when="You have no one in common, but something they made or said drew you to them.",
    connection_hint="What of theirs you came across, such as your article on open data in "
    "local government. It stands in for a shared connection, so it goes first.",
    subject="Your work at {organisation}",
    body=(
        "Hi {first_name},\n"
        "\n"
        "I came across {connection} and it has stayed with me since. You have clearly thought "
        "hard about this, and I would value your view on {interest}.\n"
        "\n"
        "Would you have 15 or 20 minutes for a short call in the coming weeks?\n"
        "\n"
        "Thank you for reading,\n"
        "{my_name}"
    ),
)
SECOND = OutreachTemplate(
    id="second",
    name="A second person at the same organisation",
    use_when="The first person you wrote to there has not answered after three business days.",
    connection_hint="What you share with this person, such as the Leeds alumni network.",
    subject="A question about {organisation}",
    body=(
        "Hi {first_name},\n"
        "\n"
        "We share {connection}, which is why I thought of you. I'm talking to a few people "
        "at {organisation}, and your path there stood out; I would love to hear about "
        "{interest}.\n"
        "\n"
        "Might you have 20 minutes for a quick call in the next few weeks?\n"
        "\n"
        "With thanks,\n"
        "{my_name}"
    ),
)

TEMPLATES: tuple[OutreachTemplate, ...] = (SUGGESTED, SHARED, MET, ADMIRE, SECOND)
TEMPLATE_IDS: tuple[str, ...] = tuple(template.id for template in TEMPLATES)
# The one to start from when the user has said nothing about how they know the person.
DEFAULT_TEMPLATE = ADMIRE.id
# The one to start from when writing to someone else after a request went unanswered.
AFTER_TEMPLATE = SECOND.id


def template_named(template_id: str) -> OutreachTemplate:
    """The template with this id; TemplateError naming the ones there are otherwise."""
    for template in TEMPLATES:
        if template.id == template_id:
            return template
    raise TemplateError(
        f"There is no template called {template_id!r}; choose one of {', '.join(TEMPLATE_IDS)}."
    )


def _pieces(text: str) -> list[Piece]:
    return pieces(text, error=TemplateError, example="first_name")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders in ``text``; an empty value takes its fallback."""
    refuse_unknown(text, PLACEHOLDERS, error=TemplateError, example="first_name")
    out: list[str] = []
    for literal, field, _, _ in _pieces(text):
        out.append(literal)
        if field is not None:
            value = " ".join(values.get(field, "").split())
            out.append(value or FALLBACKS[field])
    return "\n".join(line.rstrip() for line in "".join(out).split("\n")).strip()


@dataclass(frozen=True)
class Filled:
    """A request ready to edit."""

    subject: str
    body: str


def render(template: OutreachTemplate, values: Mapping[str, str]) -> Filled:
    """The template's subject and body with ``values`` (see PLACEHOLDERS) filled in."""
    subject = " ".join(fill(template.subject, values).split())
    return Filled(subject=subject, body=fill(template.body, values))
