"""The one-page brief as Markdown: the same sections as the printable page, for the terminal."""

from __future__ import annotations

from coffeechat.core.text import counted
from coffeechat.services.prep import Brief


def _block(text: str) -> list[str]:
    # The user's fields are Markdown already; they go in as written, trimmed.
    return [text.strip(), ""]


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown text, section by section as the web page shows it."""
    lines: list[str] = [f"# Brief: chat with {brief.name}", ""]
    where = f" · {brief.place}" if brief.place else ""
    lines.append(f"{brief.when} ({brief.time_zone}) · {brief.medium}{where}")
    if brief.their_time:
        lines.append(f"Their time: {brief.their_time}")
    readiness = brief.readiness
    state = "prepared" if readiness.is_prepared else "not prepared yet"
    lines += ["", f"Readiness: {readiness.done} of {readiness.total} steps, {state}."]
    lines += [f"- To do: {todo}" for todo in readiness.missing]
    lines.append("")

    lines += ["## Who they are", ""]
    who = brief.name
    if brief.role:
        who += f", {brief.role}"
    if brief.organisation:
        who += f" at {brief.organisation}"
    lines += [who, ""]
    if brief.how_we_met:
        lines += [f"How we met: {brief.how_we_met}", ""]
    if brief.research_notes:
        if brief.research_from_contact:
            lines += ["From their contact page:", ""]
        lines += _block(brief.research_notes)
    else:
        lines += ["No research notes yet: their path, and what lines up with yours.", ""]

    seconds = counted(brief.pitch_seconds, "second")
    heading = f"## My pitch (about {seconds})" if brief.pitch else "## My pitch"
    lines += [heading, ""]
    if brief.pitch:
        lines += _block(brief.pitch)
        if brief.pitch_warning:
            lines += [f"Note: {brief.pitch_warning}", ""]
    else:
        lines += ["No elevator pitch yet; write one in your library.", ""]

    lines += ["## Stories to tell", ""]
    if brief.stories:
        for number, story in enumerate(brief.stories, start=1):
            lines.append(f"{number}. **{story.title}**")
            for label, text in (
                ("Situation", story.situation),
                ("Action", story.action),
                ("Result", story.result),
            ):
                if text.strip():
                    lines.append(f"   {label}: {' '.join(text.split())}")
            if story.matched_terms:
                lines.append(f"   Fits because of: {', '.join(story.matched_terms)}")
        lines.append("")
    else:
        lines += ["No success stories yet; add three or four to your library.", ""]

    lines += ["## Problem and solution", ""]
    lines += (
        _block(brief.hypothesis)
        if brief.hypothesis
        else ["Not written yet: a problem they may have, and how you could help.", ""]
    )

    lines += ["## Questions", ""]
    if brief.questions:
        lines += [f"- {question.text}" for question in brief.questions]
        lines.append("")
    else:
        lines += ["No questions picked yet.", ""]

    lines += ["## The Ask", ""]
    lines += (
        _block(brief.ask) if brief.ask else ["Not written yet: the one next step you hope for.", ""]
    )

    lines += ["## Logistics", ""]
    if brief.place:
        lines.append(f"- Where: {brief.place}")
    lines += [f"- [{'x' if check.ticked else ' '}] {check.label}" for check in brief.logistics]
    lines.append("")

    plan = brief.time_plan
    lines += ["## Time plan", ""]
    lines.append(f"- {plan.start} Confirm: “{plan.confirm_line}”")
    lines.append(f"- {plan.wrap_up} Wrap up: “{plan.wrap_up_line}”")
    lines.append(f"- {plan.end} Check in: “{plan.check_in_line}”")
    lines.append(f"- Without words: {plan.non_verbal_line}")
    if plan.next_commitment:
        lines.append(f"- Next: {plan.next_commitment}")
    return "\n".join(lines).rstrip() + "\n"
