"""Small helpers shared by the operations views (uploads, form values); user errors: ``ucjamsostek.errors.attempt``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext

from ucjamsostek.uploads import check_upload


@contextmanager
def uploaded_table(upload: UploadedFile, kind: str) -> Iterator[Path]:
    """The upload as a temporary file keeping its extension (removed afterwards), once its
    extension and size passed the limits of its import ``kind`` (``ucjamsostek.uploads``)."""
    name = check_upload(upload, kind)
    with tempfile.TemporaryDirectory(prefix="ucj-up-") as tmp:
        path = Path(tmp) / f"unggahan{Path(name).suffix.lower()}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        yield path


def post_file(request: HttpRequest, field: str = "file") -> UploadedFile | None:
    f = request.FILES.get(field)
    if f is None:
        messages.error(request, gettext("Pilih berkas terlebih dahulu."))
    return f


def form_value(request: HttpRequest, name: str) -> Any:
    value = request.POST.get(name, "").strip()
    return value or None
