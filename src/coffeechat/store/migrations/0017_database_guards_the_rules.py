"""The database guards the rules (issue 19): top five as places, talk share, every choice known.

Until now only Python kept these rules; a bulk write, a script or two tabs at once went past it.

- The top-five flag becomes a place, ``top_slot`` 1 to 5, unique per owner and only on a
  target: a sixth top target cannot be stored. Existing flags are numbered per owner, most
  motivated first, then by name; a flag on an organisation that is no longer a target is
  dropped, and so is any flag past the fifth (only a race could have made one).
- A chat's talk share stays within 0 to 100: a share above 100, which no form accepts and which
  means nothing, becomes "not recorded".
- Every column with choices keeps to them. A row with a value coffeechat does not know cannot be
  mended by guessing, so the migration refuses it and says which rows to change.

Everything here is frozen: the values, the order and the messages do not follow later code.
"""

from django.db import IntegrityError, migrations, models
from django.db.models.functions import Lower

TOP_FIVE = 5

# (model, field, values, what a row is called, what the column is called), as of this
# migration. "" is among the values of the columns that may be blank.
CHOICES = [
    ("preferences", "clock_format", ["24", "12"], "preferences", "clock format"),
    (
        "organisation",
        "hiring_signal",
        ["unknown", "none", "some", "active"],
        "organisation",
        "hiring signal",
    ),
    (
        "outreach",
        "status",
        ["draft", "waiting", "replied", "declined", "moved_on", "nudged", "closed"],
        "request",
        "status",
    ),
    (
        "outreach",
        "sent_via",
        ["copy", "mailto", "eml", "smtp", "elsewhere", ""],
        "request",
        "way sent",
    ),
    ("pitch", "kind", ["elevator", "career_change"], "pitch", "kind"),
    (
        "question",
        "theme",
        ["trends", "insights", "advice", "resources", "assignments", "culture", "own"],
        "question",
        "theme",
    ),
    ("chat", "medium", ["in_person", "video", "phone"], "chat", "medium"),
    ("chat", "status", ["planned", "live", "held", "cancelled", "no_show"], "chat", "status"),
    ("chat", "extension", ["none", "they_asked", "i_offered"], "chat", "extension"),
    (
        "chatevent",
        "kind",
        ["started", "they_extended", "i_extended", "wrap_up", "ended", "felt"],
        "live chat event",
        "kind",
    ),
    ("syncedaction", "status", ["applied", "refused"], "phone action", "status"),
    (
        "messagetemplate",
        "kind",
        ["thank_you", "nudge", "add_value", "keep_in_touch"],
        "message template",
        "kind",
    ),
    (
        "scripttemplate",
        "kind",
        ["confirm", "confirm_capped", "wrap_up", "check_in_room", "check_in_close", "non_verbal"],
        "script",
        "kind",
    ),
    ("note", "kind", ["insight", "memorable", "next_step", "referral", "question"], "note", "kind"),
    ("nextstep", "side", ["me", "them"], "next step", "side"),
    ("referral", "status", ["suggested", "intro_asked", "introduced", "met"], "referral", "status"),
    (
        "followup",
        "kind",
        ["thank_you", "next_step", "add_value", "keep_in_touch", "outreach_nudge"],
        "follow-up",
        "kind",
    ),
    (
        "followup",
        "sent_via",
        ["copy", "mailto", "eml", "smtp", "elsewhere", ""],
        "follow-up",
        "way sent",
    ),
    ("opportunity", "kind", ["lead", "interview", "offer", "project"], "opportunity", "kind"),
    ("calendarsource", "kind", ["file", "feed"], "calendar", "kind"),
    ("loginlink", "purpose", ["sign_in", "pair"], "sign-in link", "purpose"),
    ("reminder", "kind", ["digest", "due_soon", "due"], "reminder", "kind"),
    ("importbatch", "source", ["linkedin", "google", "vcard"], "import", "source"),
    ("importbatch", "status", ["staged", "applied", "undone"], "import", "status"),
    ("importrow", "outcome", ["new", "updated", "unchanged"], "imported row", "outcome"),
]


def suspend_search_triggers(apps, schema_editor):
    """Drop SQLite's search triggers before the tables they name are rebuilt.

    Adding a constraint rebuilds a table on SQLite, and SQLite refuses to rename the rebuilt
    table while a trigger on another table names it. The store's post_migrate handler
    (store.search.repair) puts every trigger back and indexes the rows again. Frozen here rather
    than imported, as store.search.suspend_sqlite_triggers may change.
    """
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'coffeechat\\_search\\_%' ESCAPE '\\'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def number_top_five(apps, schema_editor):
    """Give each owner's flagged targets places 1 to 5, most motivated first, then by name."""
    Organisation = apps.get_model("coffeechat", "Organisation")
    flagged = (
        Organisation.objects.filter(top_five=True, is_target=True)
        .order_by("owner_id", models.F("motivation").desc(nulls_last=True), Lower("name"), "pk")
        .values_list("pk", "owner_id")
    )
    places: dict[int, int] = {}
    taken: dict[int, int] = {}
    for pk, owner_id in flagged:
        taken[owner_id] = taken.get(owner_id, 0) + 1
        if taken[owner_id] <= TOP_FIVE:
            places[pk] = taken[owner_id]
    for slot in range(1, TOP_FIVE + 1):
        pks = [pk for pk, place in places.items() if place == slot]
        if pks:
            Organisation.objects.filter(pk__in=pks).update(top_slot=slot)


def flag_top_five(apps, schema_editor):
    """Back to a flag: every organisation with a place is flagged."""
    Organisation = apps.get_model("coffeechat", "Organisation")
    Organisation.objects.filter(top_slot__isnull=False).update(top_five=True)


def mend_or_refuse(apps, schema_editor):
    """Clear talk shares over 100; refuse, naming them, rows whose choices are unknown."""
    Chat = apps.get_model("coffeechat", "Chat")
    Chat.objects.filter(talk_share__gt=100).update(talk_share=None)
    problems = []
    for model_name, field, values, row, column in CHOICES:
        model = apps.get_model("coffeechat", model_name)
        unknown = model.objects.exclude(**{f"{field}__in": values})
        count = unknown.count()
        if not count:
            continue
        found = sorted({str(value) for value in unknown.values_list(field, flat=True)[:100]})
        plural = row if count == 1 else (f"{row[:-1]}ies" if row.endswith("y") else f"{row}s")
        allowed = ", ".join(f'"{value}"' for value in values)
        problems.append(
            f"{count} {plural} (table coffeechat_{model_name}) "
            f"{'has' if count == 1 else 'have'} a {column} coffeechat does not know "
            f"({', '.join(repr(value) for value in found)}); it must be one of {allowed}"
        )
    if problems:
        # An IntegrityError is a DatabaseError: `coffeechat migrate` and `serve` report it in
        # plain words, and the migration's transaction leaves the database as it was.
        raise IntegrityError(
            "this version of coffeechat cannot be installed over rows that break its rules: "
            + "; ".join(problems)
            + ". Change those rows to a known value (or restore a backup from before they "
            "changed), then run coffeechat again"
        )


def choices_check(model_name, field, values):
    return migrations.AddConstraint(
        model_name=model_name,
        constraint=models.CheckConstraint(
            condition=models.Q((f"{field}__in", values)), name=f"{model_name}_{field}_known"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0016_search_tiers"),
    ]

    operations = [
        migrations.RunPython(suspend_search_triggers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="organisation",
            name="top_slot",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(number_top_five, flag_top_five),
        migrations.RemoveField(model_name="organisation", name="top_five"),
        migrations.RunPython(mend_or_refuse, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("top_slot__isnull", True), ("top_slot__range", (1, 5)), _connector="OR"
                ),
                name="organisation_top_slot_1_to_5",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                models.F("owner"),
                models.F("top_slot"),
                condition=models.Q(("top_slot__isnull", False)),
                name="organisation_top_slot_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("top_slot__isnull", True), ("is_target", True), _connector="OR"
                ),
                name="organisation_top_five_is_a_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="chat",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("talk_share__isnull", True), ("talk_share__lte", 100), _connector="OR"
                ),
                name="chat_talk_share_0_to_100",
            ),
        ),
        *(choices_check(model_name, field, values) for model_name, field, values, _, _ in CHOICES),
        # Undoing this migration rebuilds the tables as well: the triggers go first then too.
        migrations.RunPython(migrations.RunPython.noop, suspend_search_triggers),
    ]
