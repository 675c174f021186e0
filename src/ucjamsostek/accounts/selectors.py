"""Account reads: the access log, for its page and its export (admins and auditors only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts.models import AccessLog, AccessLogSubject

MSG_NO_ACCESS_LOG = gettext_lazy("Hanya administrator dan auditor yang dapat membaca log akses.")


@dataclass(frozen=True)
class AccessLogFilter:
    """What to keep: one user name, one kind of access, days ``start``–``end`` (inclusive, local
    time), and the entries about one NIK (matched through its keyed hash: the NIK itself is
    neither stored nor kept)."""

    username: str = ""
    kind: str = ""
    start: date | None = None
    end: date | None = None
    nik: str = ""


def access_log(user: Any, filters: AccessLogFilter | None = None) -> QuerySet[AccessLog]:
    """The entries ``filters`` keeps (all without), newest first. "Who looked at NIK X": ``nik=X``."""
    perm.require(perm.can_read_access_log(user), MSG_NO_ACCESS_LOG)
    filters = filters or AccessLogFilter()
    qs = AccessLog.objects.all()
    if filters.username:
        qs = qs.filter(username=filters.username)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.start:
        qs = qs.filter(at__date__gte=filters.start)
    if filters.end:
        qs = qs.filter(at__date__lte=filters.end)
    if filters.nik:
        qs = qs.filter(subjects__nik_hash=AccessLogSubject.hash_of(filters.nik))
    return qs.order_by("-at", "-id")


def access_log_usernames(user: Any) -> list[str]:
    """Every user name the log holds (the users filter)."""
    perm.require(perm.can_read_access_log(user), MSG_NO_ACCESS_LOG)
    return list(AccessLog.objects.order_by("username").values_list("username", flat=True).distinct())


def access_kinds() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in AccessLog.Kind.choices]


#: The export's columns: field → header.
EXPORT_COLUMNS = {
    "at": gettext_lazy("Waktu"),
    "username": gettext_lazy("Pengguna"),
    "kind": gettext_lazy("Jenis akses"),
    "what": gettext_lazy("Halaman/ekspor"),
    "target": gettext_lazy("Objek"),
    "rows": gettext_lazy("Jumlah baris"),
    "people": gettext_lazy("Jumlah orang"),
}


def access_log_frame(entries: QuerySet[AccessLog]) -> pl.DataFrame:
    """``entries`` as a table for the export: local time, the kind in words (no NIK: the log has none)."""
    kinds = dict(access_kinds())
    tz = timezone.get_current_timezone()
    values = list(entries.values_list(*EXPORT_COLUMNS))
    return pl.DataFrame(
        {
            "at": [timezone.localtime(v[0], tz).strftime("%Y-%m-%d %H:%M:%S") for v in values],
            "username": [v[1] for v in values],
            "kind": [kinds.get(v[2], v[2]) for v in values],
            "what": [v[3] for v in values],
            "target": [v[4] for v in values],
            "rows": [v[5] for v in values],
            "people": [v[6] for v in values],
        },
        schema={c: pl.Int64 if c in ("rows", "people") else pl.String for c in EXPORT_COLUMNS},
    )
