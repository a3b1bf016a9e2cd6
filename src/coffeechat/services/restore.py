"""Restore a JSON export (format "coffeechat", version 1) into an empty home.

The whole document is checked before anything is written: its format and version, every item's
code and fields, and that every reference names an item in the same document. Then every row is
created in one transaction, keeping its code and its created and updated moments, so exporting
the restored home gives the same document again (apart from ``exported_at``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.db import DatabaseError, models, transaction

from coffeechat.core.fields import (
    DAY_RANGE,
    FieldError,
    check_email,
    day_in_range,
    feed_address,
    moment_in_range,
    web_address,
)
from coffeechat.core.sizes import too_large
from coffeechat.services.errors import InvalidInput, NotEmpty
from coffeechat.services.exports import FORMAT, PREFERENCE_FIELDS, SECTIONS, VERSION, Section
from coffeechat.services.rendering import rendered
from coffeechat.services.targets import TOP_FIVE
from coffeechat.store.meta import column, related_model
from coffeechat.store.models import (
    CalendarSource,
    Chat,
    Contact,
    Organisation,
    Preferences,
    sync_contact_keys,
)
from coffeechat.store.owners import Owner

SQLITE_HEADER = b"SQLite format 3\x00"
# Far above any real export (a network of thousands of people is a few MB); reading stops here,
# so a device such as /dev/zero or a huge wrong file is refused instead of filling the memory.
MAX_RESTORE_BYTES = 256 * 1024 * 1024
_BATCH = 500


def restore_json(owner: Owner, file: Path | str | IO[bytes] | IO[str]) -> dict[str, int]:
    """Load a JSON export into ``owner``'s empty home in one transaction; return the counts."""
    document = _read(file)
    _check_header(document)
    _refuse_unless_empty(owner)
    preferences = _preferences(document.get("preferences"))
    plan = _plan(document)
    _refuse_known_codes(plan)
    try:
        with transaction.atomic():
            Preferences.objects.update_or_create(owner=owner, defaults=preferences)
            _write(owner, plan)
    except DatabaseError as error:
        raise InvalidInput(
            f"The export could not be restored ({error}); nothing was written."
        ) from None
    return {section.key: len(items) for section, items in plan}


def _read(file: Path | str | IO[bytes] | IO[str]) -> dict:
    if isinstance(file, str | Path):
        try:
            with Path(file).open("rb") as handle:
                raw: bytes | str = handle.read(MAX_RESTORE_BYTES + 1)
        except OSError as error:
            raise InvalidInput(f"Cannot read {file} ({error.strerror}).") from None
    else:
        raw = file.read(MAX_RESTORE_BYTES + 1)
    if len(raw) > MAX_RESTORE_BYTES:
        label = str(file) if isinstance(file, str | Path) else "This file"
        raise InvalidInput(
            f"{too_large(label, MAX_RESTORE_BYTES)}, far more than any coffeechat export, so it "
            "is not one; restore reads what `coffeechat export json` writes. Nothing was written."
        )
    if isinstance(raw, bytes):
        if raw.startswith(SQLITE_HEADER):
            raise InvalidInput(
                "This is a backup (a SQLite database), not a JSON export. To use a backup, copy "
                "it into an empty home as coffeechat.sqlite3 (see docs/backup.md)."
            )
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(
                "This file is not UTF-8 text, so it is not a coffeechat JSON export."
            ) from None
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"This file is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); restore reads what `coffeechat export json` writes."
        ) from None
    if not isinstance(document, dict):
        raise InvalidInput("This JSON is not a coffeechat export: it is not an object.")
    return document


def _check_header(document: dict) -> None:
    if document.get("format") != FORMAT:
        raise InvalidInput(
            f'This JSON is not a coffeechat export: its "format" is '
            f'{json.dumps(document.get("format"))}, not "{FORMAT}".'
        )
    version = document.get("version")
    if version != VERSION:
        raise InvalidInput(
            f"This export is version {json.dumps(version)}; this coffeechat reads version "
            f"{VERSION}. Restore it with the coffeechat that wrote it, or a newer one."
        )


def _refuse_unless_empty(owner: Owner) -> None:
    # Contacts and chats first: they are what a user recognises as "my data".
    ordered = sorted(SECTIONS, key=lambda section: section.model not in (Contact, Chat))
    held = []
    for section in ordered:
        count = section.model.objects.for_owner(owner).count()
        if count:
            held.append(f"{count} {section.key.replace('_', ' ')}")
    if held:
        raise NotEmpty(
            f"This home already has {', '.join(held[:3])}. Restore only into an empty home, "
            "so nothing of yours is mixed up or overwritten."
        )


def _preferences(given: Any) -> dict:
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise InvalidInput('"preferences" must be an object.')
    values = {}
    for name in PREFERENCE_FIELDS:
        if name in given:
            field = column(Preferences, name)
            values[name] = _value(field, given[name], f'"preferences" field "{name}"')
    if values.get("your_email"):
        # The sender of the user's letters: one address, by the rule the preferences form uses.
        values["your_email"] = _email(values["your_email"], '"preferences" field "your_email"')
    return values


Plan = list[tuple[Section, list[dict]]]


def _plan(document: dict) -> Plan:
    """Every item as model values, references still as codes; raise on the first problem."""
    codes: dict[type[models.Model], set[str]] = {}
    seen: set[str] = set()
    plan: Plan = []
    for section in SECTIONS:
        items = document.get(section.key, [])
        if not isinstance(items, list):
            raise InvalidInput(f'"{section.key}" must be a list.')
        known = codes.setdefault(section.model, set())
        rows = []
        for index, item in enumerate(items, start=1):
            where = f'"{section.key}" item {index}'
            row = _row(section, item, where)
            if row["code"] in seen:
                raise InvalidInput(f"{where} repeats the code {row['code']}.")
            seen.add(row["code"])
            known.add(row["code"])
            rows.append(row)
        if section.model is Organisation:
            _number_top_five(rows)
        plan.append((section, rows))
    # References are checked once every list is read: a contact may be merged into a later one.
    for section, rows in plan:
        for index, row in enumerate(rows, start=1):
            where = f'"{section.key}" item {index} ({row["code"]})'
            for name in section.references:
                related = related_model(section.model, name)
                code = row["refs"][name]
                if code is not None and code not in codes.get(related, set()):
                    raise InvalidInput(
                        f"{where} refers to {name} {code}, which is not in the file."
                    )
            for code in row.get("stories", []):
                if code not in codes[_story_model()]:
                    raise InvalidInput(f"{where} refers to story {code}, which is not in the file.")
    return plan


def _story_model() -> type[models.Model]:
    return related_model(Chat, "stories")


def _row(section: Section, item: Any, where: str) -> dict:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object.")
    code = _code(item.get("code"), f"{where} code")
    where = f"{where} ({code})"
    row: dict[str, Any] = {"code": code, "values": {}, "refs": {}}
    for name in ("created_at", "updated_at"):
        row["values"][name] = _moment(item.get(name), f"{where} field {name}", null=False)
    for name in section.fields:
        field = column(section.model, name)
        if name not in item:
            # Readers ignore members they do not know; a missing one takes the field's default.
            row["values"][name] = field.get_default()
            continue
        row["values"][name] = _value(field, item[name], f"{where} field {name}")
    for name in section.references:
        field = column(section.model, name)
        value = item.get(name)
        if value is None:
            if not field.null:
                raise InvalidInput(f"{where} needs a {name}.")
            row["refs"][name] = None
        else:
            row["refs"][name] = _code(value, f"{where} {name}")
    if section.model is Organisation:
        _top_slot(row, item, where)
    if section.model is Chat:
        share = row["values"]["talk_share"]
        if share is not None and not 0 <= share <= 100:
            raise InvalidInput(f"{where} field talk_share is {share}, not a percentage (0 to 100).")
        stories = item.get("stories", [])
        if not isinstance(stories, list):
            raise InvalidInput(f"{where} stories must be a list of codes.")
        row["stories"] = [_code(value, f"{where} story") for value in stories]
    return row


def _top_slot(row: dict, item: dict, where: str) -> None:
    """Check an organisation's place in the top five; an older export's flag takes place 0 for
    now (_number_top_five gives it a free place)."""
    values = row["values"]
    if "top_slot" not in item and item.get("top_five") is True:
        values["top_slot"] = 0
    slot = values["top_slot"]
    if slot is None:
        return
    if slot != 0 and not 1 <= slot <= TOP_FIVE:
        raise InvalidInput(
            f"{where} field top_slot is {slot}, not a place in the top five (1 to 5)."
        )
    if not values["is_target"]:
        raise InvalidInput(f"{where} is in the top five but is not a target.")


def _number_top_five(rows: list[dict]) -> None:
    """Give flagged organisations of an older export free places; refuse a sixth or a place
    held twice."""
    taken: dict[int, str] = {}
    for row in rows:
        slot = row["values"]["top_slot"]
        if slot:
            if slot in taken:
                raise InvalidInput(
                    f'"organisations" items {taken[slot]} and {row["code"]} both hold place '
                    f"{slot} of the top five."
                )
            taken[slot] = row["code"]
    free = [slot for slot in range(TOP_FIVE, 0, -1) if slot not in taken]
    for row in rows:
        if row["values"]["top_slot"] == 0:
            if not free:
                raise InvalidInput(
                    f'"organisations" item {row["code"]} is a sixth top target: at most five '
                    "organisations are in the top five."
                )
            row["values"]["top_slot"] = free.pop()


def _code(value: Any, where: str) -> str:
    try:
        return str(UUID(value))
    except (TypeError, ValueError, AttributeError):
        raise InvalidInput(f"{where} is {json.dumps(value)}, not a code (a UUID).") from None


def _moment(value: Any, where: str, *, null: bool) -> datetime | None:
    if value is None and null:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            f'{where} is {json.dumps(value)}, not a moment such as "2026-03-02T13:20:00Z".'
        )
    if not moment_in_range(moment):
        # Checked before anything turns it into UTC: year 1 east of UTC would overflow.
        raise _out_of_range(value, where)
    return moment


def _out_of_range(value: Any, where: str) -> InvalidInput:
    return InvalidInput(
        f"{where} is {json.dumps(value)}, outside the days coffeechat keeps ({DAY_RANGE})."
    )


def _emails(value: Any, where: str) -> list[str]:
    """A contact's addresses, each exactly one address by the rule the forms use."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{where} must be a list of email addresses.")
    return [_email(item, where, verb="holds") for item in value]


def _websites(value: Any, where: str) -> list[str]:
    """A contact's websites, each a web address a link may open, by the rule the forms use."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{where} must be a list of web addresses.")
    try:
        return [web_address(item) for item in value]
    except FieldError as error:
        raise InvalidInput(f"{where} holds an address a link may not open: {error}") from None


def _email(value: str, where: str, verb: str = "is") -> str:
    """One email address, trimmed, or InvalidInput naming where it was and why it is not one."""
    try:
        return check_email(value)
    except FieldError as error:
        raise InvalidInput(
            f"{where} {verb} {json.dumps(value)[:80]}, which is not one email address: {error}"
        ) from None


def _value(field: models.Field, value: Any, where: str) -> Any:
    """A document value checked against the model field it goes into."""
    if value is None:
        if field.null:
            return None
        raise InvalidInput(f"{where} must not be null.")
    if isinstance(field, models.DateTimeField):
        return _moment(value, where, null=field.null)
    if isinstance(field, models.DateField):
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidInput(
                f'{where} is {json.dumps(value)}, not a day such as "2026-03-04".'
            ) from None
        if not day_in_range(day):
            raise _out_of_range(value, where)
        return day
    if isinstance(field, models.BooleanField):
        expected: tuple[type, ...] = (bool,)
    elif isinstance(field, models.IntegerField):
        expected = (int,)
        if isinstance(value, bool):
            expected = ()
    elif isinstance(field, models.CharField | models.TextField):
        expected = (str,)
    elif field.model is Contact and field.name == "emails":
        return _emails(value, where)
    elif field.model is Contact and field.name == "websites":
        return _websites(value, where)
    else:
        return value  # Other JSON fields take lists and objects as they are.
    if not isinstance(value, expected):
        raise InvalidInput(f"{where} has the wrong type ({json.dumps(value)[:60]}).")
    if isinstance(field, models.URLField) and isinstance(value, str) and value:
        # The rule the form for this field uses: a feed may be on the user's own network.
        check = feed_address if field.model is CalendarSource else web_address
        try:
            value = check(value)  # https:// assumed for a bare link, as the forms do
        except FieldError as error:
            raise InvalidInput(
                f"{where} is {json.dumps(value)[:80]}, which is not a web address a link may "
                f"open: {error}"
            ) from None
    if isinstance(value, str) and field.max_length and len(value) > field.max_length:
        raise InvalidInput(f"{where} is longer than {field.max_length} characters.")
    known = {choice for choice, _ in field.flatchoices}
    if field.choices and value not in known and not (field.blank and value == ""):
        raise InvalidInput(f"{where} is {json.dumps(value)}, which is not a known choice.")
    return value


def _write(owner: Owner, plan: Plan) -> None:
    pks: dict[type[models.Model], dict[str, int]] = {}
    for section, rows in plan:
        model = section.model
        html = [name for name in section.fields if _has_field(model, f"{name}_html")]
        objects = []
        for row in rows:
            values = dict(row["values"])
            for name in html:
                # Exports leave the rendered HTML out; it is made again from the Markdown.
                values[f"{name}_html"] = rendered(values[name])
            for name, code in row["refs"].items():
                field = column(section.model, name)
                # A contact merged into another is linked once every contact exists.
                if code is None or field.related_model is model:
                    values[field.attname] = None
                else:
                    values[field.attname] = pks[related_model(model, name)][code]
            objects.append(model(owner=owner, code=UUID(row["code"]), **values))
        created = model.objects.bulk_create(objects, batch_size=_BATCH)
        # bulk_create stamps created_at/updated_at with now (auto_now); put the originals back.
        for obj, row in zip(created, rows, strict=True):
            obj.created_at = row["values"]["created_at"]
            obj.updated_at = row["values"]["updated_at"]
        model.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=_BATCH)
        pks[model] = {row["code"]: obj.pk for obj, row in zip(created, rows, strict=True)}
        if model is Contact:
            _link_merged(created, rows, pks[model])
            sync_contact_keys(created)
        if model is Chat:
            _link_stories(created, rows, pks[_story_model()])


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _link_merged(contacts: list, rows: list[dict], pks: dict[str, int]) -> None:
    merged = []
    for contact, row in zip(contacts, rows, strict=True):
        code = row["refs"].get("merged_into")
        if code is not None:
            contact.merged_into_id = pks[code]
            merged.append(contact)
    Contact.objects.bulk_update(merged, ["merged_into"], batch_size=_BATCH)


def _link_stories(chats: Iterable, rows: list[dict], story_pks: dict[str, int]) -> None:
    through = Chat.stories.through
    links = [
        through(chat_id=chat.pk, story_id=story_pks[code])
        for chat, row in zip(chats, rows, strict=True)
        for code in row["stories"]
    ]
    through.objects.bulk_create(links, batch_size=_BATCH)


def _refuse_known_codes(plan: Plan) -> None:
    # Codes are unique across the whole database: a second restore of the same export into
    # another home of the same server would collide half way; say so before writing.
    for section, rows in plan:
        codes = [row["code"] for row in rows]
        for start in range(0, len(codes), _BATCH):
            found = (
                section.model.objects.filter(code__in=codes[start : start + _BATCH])
                .values_list("code", flat=True)
                .first()
            )
            if found is not None:
                raise NotEmpty(
                    f'"{section.key}" item {found} is already in this database (under another '
                    "account). Restore the export into a fresh home instead."
                )
