"""What every upload page and the API check before storing a table file (issue 15): an accepted
extension and a size within the limits of its import kind (:mod:`ucjamsostek.core.filelimits`,
the limits the command line applies too). The content is checked by the readers afterwards.

A refusal is an :class:`~ucjamsostek.core.errors.IntakeError` (located, Indonesian): pages show it
through ``ucjamsostek.errors``, the API answers it as a user error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ucjamsostek.core import filelimits
from ucjamsostek.core.errors import IntakeError


def display_name(upload: Any) -> str:
    """The file name an upload is shown and recorded under: its last path part only (a name like
    ``..\\..\\x.csv`` from a browser on Windows included), never a path."""
    return Path(str(getattr(upload, "name", "") or "berkas").replace("\\", "/")).name or "berkas"


def check_upload(upload: Any, kind: str) -> str:
    """Refuse an upload of a table file of ``kind`` by its extension or size; return its display name."""
    name = display_name(upload)
    filelimits.check_suffix(name, name)
    suffix = Path(name).suffix.lower()
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise IntakeError("Berkas kosong (0 bita).", file=name)
    filelimits.check_size(size, suffix in filelimits.WORKBOOK_SUFFIXES, filelimits.limits_for(kind), name)
    return name
