"""The user's own wording for the live page's scripts; a missing row means our default."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from coffeechat.core.live import DEFAULT_SCRIPTS, ScriptError, check_script
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import ScriptTemplate
from coffeechat.store.owners import Owner


def _known(kind: str) -> None:
    if kind not in DEFAULT_SCRIPTS:
        raise InvalidInput("There is no script of that kind.", field="kind")


def _normalised(text: str) -> str:
    # Scripts are read at a glance: one paragraph, single spaces.
    return " ".join(text.split())


def scripts_of(owner: Owner) -> dict[str, str]:
    """Every script kind with the owner's wording, or our default where they kept it."""
    texts = dict(DEFAULT_SCRIPTS)
    for row in ScriptTemplate.objects.for_owner(owner):
        if row.kind in texts:
            texts[row.kind] = row.text
    return texts


def customised_kinds(owner: Owner) -> set[str]:
    """The script kinds the owner has reworded."""
    return set(ScriptTemplate.objects.for_owner(owner).values_list("kind", flat=True))


def get_script(owner: Owner, kind: str) -> str:
    """The owner's wording for one script kind, or our default."""
    _known(kind)
    row = ScriptTemplate.objects.for_owner(owner).filter(kind=kind).first()
    return row.text if row is not None else DEFAULT_SCRIPTS[kind]


def _checked(kind: str, text: str) -> str:
    _known(kind)
    text = _normalised(text)
    try:
        check_script(text)
    except ScriptError as error:
        raise InvalidInput(str(error), field=kind) from None
    return text


def _store(owner: Owner, kind: str, text: str) -> ScriptTemplate | None:
    rows = ScriptTemplate.objects.for_owner(owner).filter(kind=kind)
    # Empty, or our default word for word: nothing to keep, so later default changes reach them.
    if not text or text == DEFAULT_SCRIPTS[kind]:
        rows.delete()
        return None
    row = rows.first()
    if row is None:
        return ScriptTemplate.objects.create(owner=owner, kind=kind, text=text)
    row.text = text
    row.save(update_fields=["text", "updated_at"])
    return row


@transaction.atomic
def save_script(owner: Owner, kind: str, text: str) -> ScriptTemplate | None:
    """Keep the owner's wording for one script; empty or default text goes back to our default."""
    return _store(owner, kind, _checked(kind, text))


@transaction.atomic
def save_scripts(owner: Owner, texts: Mapping[str, str]) -> None:
    """Keep several scripts at once; if any is refused, none is saved."""
    checked = {kind: _checked(kind, text) for kind, text in texts.items()}
    for kind, text in checked.items():
        _store(owner, kind, text)


@transaction.atomic
def reset_script(owner: Owner, kind: str) -> None:
    """Forget the owner's wording for one script, so our default applies again."""
    _known(kind)
    ScriptTemplate.objects.for_owner(owner).filter(kind=kind).delete()
