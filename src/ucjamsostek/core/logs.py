"""Logs as JSON lines, without personal data (DESIGN.md §6: NIK and names are never logged).

One filter and one formatter, used by every handler (Django's, the worker's, the web server's
access log):

* :class:`PersonalDataFilter` strips, from every record it passes, anything that looks like a NIK
  (16 digits, also written with spaces, dots or dashes between them) from the message and from
  every extra field, and replaces the value of every field whose *name* says it holds a person's
  name or NIK (``nik``, ``nama``, ``name``, ``ahli_waris``, …) by ``[disaring]``. It never drops
  a record: the event stays visible, only the personal data goes.
* :class:`JsonLinesFormatter` writes one JSON object per line: ``time`` (ISO 8601 with offset),
  ``level``, ``logger``, ``message``, the record's extra fields, and for an exception its type and
  stack (file, line, function) — never the exception's text, which may quote a cell of a file.

* :class:`StderrHandler` writes to the ``sys.stderr`` of the moment of each record, not to the
  one there was when logging was configured (``django.setup()`` in ``cli.main`` configures it
  again, e.g. under a test's captured stderr, which is closed when that test ends).

:func:`scrub` is the same cleaning for a single string (an access-log path, a query string).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

#: 16 digits, each optionally followed by one separator (space, dot, dash): a NIK however typed.
NIK_LIKE = re.compile(r"(?<![\d])(?:\d[ .\-]?){15}\d(?![\d])")
NIK_MASK = "[NIK]"
REDACTED = "[disaring]"

#: Field names (lower case, ``-`` read as ``_``) whose values are personal data whatever they hold.
PERSONAL_FIELDS = frozenset(
    {
        "nik", "niks", "nama", "name", "names", "full_name", "nama_lengkap", "nama_peserta",
        "ahli_waris", "nama_ahli_waris", "heir", "heir_name", "person", "person_name",
        "tempat_lahir", "birth_place", "tanggal_lahir", "birth_date", "alamat", "address",
        "phone", "no_hp", "telepon",
    }
)  # fmt: skip

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def scrub(text: str) -> str:
    """``text`` with every NIK-like number replaced by ``[NIK]``."""
    return NIK_LIKE.sub(NIK_MASK, text)


def _clean(name: str, value: Any) -> Any:
    if name.lower().replace("-", "_") in PERSONAL_FIELDS:
        return REDACTED
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {str(k): _clean(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean("", v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        if isinstance(value, int) and not isinstance(value, bool) and NIK_LIKE.fullmatch(str(value)):
            return NIK_MASK
        return value
    return scrub(str(value))


class PersonalDataFilter(logging.Filter):
    """Strip NIK-like numbers and personal-data fields from a record (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the event
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        for key in list(vars(record)):
            if key not in _STANDARD:
                setattr(record, key, _clean(key, getattr(record, key)))
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = _clean(key, value)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            entry["exc_type"] = exc_type.__name__
            entry["stack"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
        if record.stack_info:
            entry["stack_info"] = scrub(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """A stream handler on the current ``sys.stderr`` (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """The stream is always the current ``sys.stderr``: nothing to keep."""
