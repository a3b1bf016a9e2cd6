"""``coffeechat brief CHAT``: the one-page brief of a chat, as Markdown."""

from __future__ import annotations

import click

from coffeechat.cli.common import friendly_errors, local_owner


@click.command()
@click.argument("chat")
def brief(chat: str) -> None:
    """Print the one-page brief of CHAT as Markdown.

    CHAT is a chat's code, or a contact's name (or part of it) when only one contact matches:
    then it is their next chat, or their latest one if none is coming up. The brief holds who
    they are, your pitch, the stories that fit, the problem and solution, your questions, the
    Ask, the logistics and the time plan. When a name matches several contacts, they are
    listed and nothing is printed.

    \b
    Example:
      coffeechat brief "Ada Lovelace"
      coffeechat brief 6f1c2b9e-5d0a-4c1e-9a7b-3e2f1d0c9b8a > brief.md
    """
    owner = local_owner()
    from coffeechat.services.brief_markdown import brief_markdown
    from coffeechat.services.prep import brief_for, find_chat

    with friendly_errors():
        found = find_chat(owner, chat)
        text = brief_markdown(brief_for(owner, found))
    click.echo(text, nl=False)
