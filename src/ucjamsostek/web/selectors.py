"""Reads of the shell: the service's health for ``/healthz``."""

from __future__ import annotations

import shutil
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from ucjamsostek.jobs import selectors as jobs


def health() -> dict[str, Any]:
    """What the Pemda's monitoring polls: the database answers, the job queue moves (a live worker,
    no job waiting longer than ``HEALTH_QUEUE_MAX_AGE_SECONDS``), the data folder has at least
    ``HEALTH_MIN_FREE_MB`` free. ``ok`` is true only when every check is; ``problems`` says in
    Indonesian what to fix. Counts and ages only: no personal data, no server paths."""
    problems: list[str] = []
    checks: dict[str, Any] = {"database": _database(problems)}
    checks["queue"] = _queue(problems) if checks["database"]["ok"] else {"ok": False}
    checks["disk"] = _disk(problems)
    return {"ok": not problems, "status": "ok" if not problems else "fail", "checks": checks, "problems": problems}


def _database(problems: list[str]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        problems.append(f"Basis data tidak menjawab ({type(exc).__name__}).")
        return {"ok": False, "vendor": connection.vendor}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _queue(problems: list[str]) -> dict[str, Any]:
    try:
        state = jobs.queue_state()
    except DatabaseError as exc:
        problems.append(f"Antrean pekerjaan tidak dapat dibaca ({type(exc).__name__}).")
        return {"ok": False}
    inline = settings.JOBS_RUN_INLINE
    ok = True
    if not inline and state["workers"] == 0:
        problems.append("Tidak ada pekerja latar belakang yang berjalan: jalankan `ucjamsostek worker`.")
        ok = False
    oldest = state["oldest_queued_seconds"]
    if oldest is not None and oldest > settings.HEALTH_QUEUE_MAX_AGE_SECONDS:
        problems.append(f"Pekerjaan tertua sudah {oldest:.0f} detik menunggu di antrean.")
        ok = False
    return {"ok": ok, "inline": inline, **state}


def _disk(problems: list[str]) -> dict[str, Any]:
    usage = shutil.disk_usage(settings.DATA_DIR)
    minimum = settings.HEALTH_MIN_FREE_MB * 1024 * 1024
    ok = usage.free >= minimum
    if not ok:
        free_mb = usage.free // (1024 * 1024)
        problems.append(f"Ruang disk data tinggal {free_mb} MB (minimal {settings.HEALTH_MIN_FREE_MB} MB).")
    return {"ok": ok, "free_bytes": usage.free, "total_bytes": usage.total, "min_free_bytes": minimum}
