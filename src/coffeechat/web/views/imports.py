"""Import contacts from the web: upload a file, read the preview, confirm it, undo it later.

The upload only stages the file (services.imports.stage_upload); nothing reaches the contacts
until the preview page's "Confirm import" is pressed. The batch page shows whichever of the
three states the batch is in: staged (the preview), applied (the result and its undo), undone.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from coffeechat.core.text import counted
from coffeechat.services.imports import (
    MAX_IMPORT_BYTES,
    Change,
    ImportProblem,
    ImportReport,
    UndoReport,
    confirm_staged,
    discard_staged,
    preview_staged,
    recent_batches,
    stage_upload,
    too_big,
    undo_batch,
)
from coffeechat.services.rate_limits import IMPORT, RateLimited, check_rate
from coffeechat.store.models import ImportBatch, ImportRow
from coffeechat.web.import_forms import ImportForm
from coffeechat.web.limits import limited
from coffeechat.web.shortcuts import INVALID, PER_PAGE, allow, page_of
from coffeechat.web.uploads import capped_upload, explain_refusal

TEMPLATES = "coffeechat/imports/"
# Skips at most this many are shown open; a longer list starts folded under its summary.
OPEN_SKIPS = 10
# Names of kept contacts spelled out in the undo message; the rest are counted.
KEPT_NAMES = 10


def _page(request, form: ImportForm, status: int = 200):
    context = {
        "form": form,
        "batches": recent_batches(request.user),
    }
    return render(request, TEMPLATES + "page.html", context, status=status)


@allow("GET")
def import_page(request):
    return _page(request, ImportForm())


@capped_upload(lambda: MAX_IMPORT_BYTES)
@allow("POST")
def import_upload(request):
    form = ImportForm(request.POST, request.FILES)
    explain_refusal(request, form, too_big)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_rate(request.user, IMPORT)
        except RateLimited as error:
            # The form comes back with the source chosen; a browser never refills a file box.
            form.add_error(None, error.message)
            return limited(_page(request, form), error)
        try:
            batch, _preview = stage_upload(
                request.user, form.cleaned_data["source"], upload.name, upload.read()
            )
        except ImportProblem as error:
            form.add_error(error.field if error.field in form.fields else "file", error.message)
        else:
            return redirect("web:import_batch", code=batch.code)
    return _page(request, form, status=INVALID)


def _batch(request, code) -> ImportBatch:
    # The staged file can be tens of megabytes; the services read it when they need it.
    batches = ImportBatch.objects.for_owner(request.user).defer("staged_file")
    return get_object_or_404(batches, code=code)


def _paged(request, items, parameter: str):
    """One page of a long list of the preview; each list pages on its own ?parameter=."""
    return Paginator(items, PER_PAGE).get_page(request.GET.get(parameter))


@allow("GET")
def import_batch(request, code):
    batch = _batch(request, code)
    if batch.status == ImportBatch.Status.STAGED:
        return _preview(request, batch)
    context: dict[str, object] = {"batch": batch}
    if batch.status == ImportBatch.Status.APPLIED:
        added = (
            ImportRow.objects.for_owner(request.user)
            .filter(batch=batch, outcome=ImportRow.Outcome.NEW, contact__isnull=False)
            .select_related("contact", "contact__organisation")
            .order_by("line")
        )
        context["added"] = page_of(request, added)
        context["changes"] = _paged(request, _changes_of(batch), "changes")
        return render(request, TEMPLATES + "applied.html", context)
    return render(request, TEMPLATES + "undone.html", context)


def _changes_of(batch: ImportBatch) -> list[Change]:
    """The organisation and title changes an applied batch recorded, as the preview showed them."""
    changes = []
    for item in batch.changes:
        fields = {field: (before, after) for field, before, after in item.get("changes", [])}
        changes.append(
            Change(
                name=item["name"],
                contact_code=UUID(item["contact"]),
                organisation=fields.get("organisation"),
                role=fields.get("role"),
            )
        )
    return changes


def _preview(request, batch: ImportBatch):
    try:
        batch, report = preview_staged(request.user, batch.code)
    except ImportBatch.DoesNotExist:
        raise Http404 from None
    except ImportProblem as error:
        # The staged file no longer reads (it should not happen): say so, and offer the discard.
        return render(request, TEMPLATES + "preview.html", {"batch": batch, "problem": error})
    context = {
        "batch": batch,
        "report": report,
        "skips": _paged(request, report.skipped, "skips"),
        "changes": _paged(request, report.changes, "changes"),
        "skips_open": len(report.skipped) <= OPEN_SKIPS or "skips" in request.GET,
    }
    return render(request, TEMPLATES + "preview.html", context)


def _counts(report: ImportReport) -> str:
    skipped = len(report.skipped)
    return (
        f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged"
        f" and {skipped} skipped"
    )


@allow("POST")
def import_confirm(request, code):
    batch = _batch(request, code)
    try:
        report = confirm_staged(request.user, batch.code)
    except ImportBatch.DoesNotExist:
        raise Http404 from None
    except ImportProblem as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Imported {report.file_name}: {_counts(report)}.")
    return redirect("web:import_batch", code=batch.code)


@allow("POST")
def import_discard(request, code):
    batch = _batch(request, code)
    try:
        discard_staged(request.user, batch.code)
    except ImportBatch.DoesNotExist:
        raise Http404 from None
    except ImportProblem as error:
        messages.error(request, error.message)
        return redirect("web:import_batch", code=batch.code)
    messages.success(request, f"Discarded {batch.file_name}; nothing was imported from it.")
    return redirect("web:imports")


def _names(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:KEPT_NAMES])
    more = len(names) - KEPT_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def undo_message(file_name: str, undone: UndoReport) -> str:
    """What an undo did, in one message: removed, put back, and who was kept and why."""
    removed = f"removed {counted(undone.removed, 'contact')} it added"
    restored = f"put back the details of {undone.restored} it had changed"
    text = f"Undid the import of {file_name}: {removed} and {restored}."
    if undone.kept:
        text += (
            f" Kept {len(undone.kept)} it added, because they have chats, notes, next steps,"
            f" referrals or follow-ups since: {_names(undone.kept)}."
        )
    if undone.merged:
        text += (
            " Left as they are, because contacts it added were merged into them since: "
            f"{_names(undone.merged)}."
        )
    return text


@allow("POST")
def import_undo(request, code):
    batch = _batch(request, code)
    try:
        undone = undo_batch(request.user, batch.code)
    except ImportBatch.DoesNotExist:
        raise Http404 from None
    except ImportProblem as error:
        messages.error(request, error.message)
    else:
        messages.success(request, undo_message(batch.file_name, undone))
    return redirect("web:import_batch", code=batch.code)
