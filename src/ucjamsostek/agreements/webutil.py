"""Small helpers shared by the operations views (uploads, form values); user errors: ``ucjamsostek.errors.attempt``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")


@contextmanager
def uploaded_table(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a temporary file keeping its extension (removed afterwards)."""
    name = upload.name or "berkas"
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(gettext("Berkas harus .xlsx, .xls atau .csv."))
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            gettext("Berkas terlalu besar (batas %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    with tempfile.TemporaryDirectory(prefix="ucj-up-") as tmp:
        path = Path(tmp) / f"unggahan{suffix}"
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
