"""Uploads capped while they arrive: a file over its limit is dropped, never spooled in full.

Without a cap Django reads an uploaded file of any size to memory or a temporary file before the
view can look at it, and the CSRF check reads the body even earlier. A view that takes a file is
wrapped in ``capped_upload(limit)``: the cap goes in before anything reads the body, then the
CSRF check runs, then the view, whose form gets ``explain_refusal``: a dropped file leaves its
field empty, and the form must say why instead of "choose a file".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

_CAP = "_coffeechat_upload_cap"


class CappedUpload(FileUploadHandler):
    """Drops a file that grows past ``limit`` bytes while it arrives, and remembers its name."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.refused: list[str] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.refused.append(str(self.file_name))
            # SkipFile drops this file only: the fields around it are still read.
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # The next handlers (memory or temporary file) build the uploaded file.
        return None


def capped_upload(limit: Callable[[], int]) -> Callable:
    """Decorate a view that takes files: each is refused past ``limit()`` bytes as it arrives.

    ``limit`` is asked at each request, so the cap always agrees with the constant it reads.
    """

    def decorator(view: Callable) -> Callable:
        # The CSRF check reads the body, so it runs here, once the cap is in place.
        protected = csrf_protect(view)

        # Exempt from the middleware's CSRF check only because that check would read the body
        # before the cap is in; ``protected`` checks the token right after.
        @csrf_exempt
        @wraps(view)
        def capped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            cap = CappedUpload(request, limit())
            # Still Django's list: the body is not read yet (it becomes immutable once it is).
            cast("list[FileUploadHandler]", request.upload_handlers).insert(0, cap)
            setattr(request, _CAP, cap)
            return protected(request, *args, **kwargs)

        return capped

    return decorator


def explain_refusal(
    request: HttpRequest, form: Form, message: Callable[[str], str], field: str = "file"
) -> None:
    """When the cap dropped this request's file, have ``form`` say why: ``message(file name)``.

    Call it with a form built from ``request.FILES`` (reading the body is what tells the cap
    which file it dropped), before the form is validated.
    """
    cap = getattr(request, _CAP, None)
    if cap is not None and cap.refused:
        errors = form.fields[field].error_messages
        form.fields[field].error_messages = {**errors, "required": message(cap.refused[0])}
