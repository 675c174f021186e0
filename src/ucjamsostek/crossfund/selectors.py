"""Reads for the cross-funder pages: the runs a user may see, one run's summary and first pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import QuerySet

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.core import crossfund as cf
from ucjamsostek.crossfund.models import CrossfundRun
from ucjamsostek.crossfund.services import outputs_dir, region_names
from ucjamsostek.registry.selectors import mask_frame

#: Person-pairs shown on a run's page (the csv has them all).
PAGE_PAIRS = 200
OUTPUTS = (cf.PAIRS_CSV, cf.SUMMARY_XLSX)


def runs(user: Any) -> QuerySet[CrossfundRun]:
    if not perm.can_run_crossfund(user):
        return CrossfundRun.objects.none()
    return CrossfundRun.objects.all()


def run(user: Any, pk: int) -> CrossfundRun | None:
    return runs(user).filter(pk=pk).first()


def summary_rows(found: CrossfundRun) -> list[dict[str, Any]]:
    """The run's summary per funder pair and region, with the region's name where known."""
    names = region_names([r["region"] for r in found.summary])
    return [{**r, "region_name": names.get(r["region"], "")} for r in found.summary]


def pair_rows(user: Any, found: CrossfundRun, limit: int = PAGE_PAIRS) -> list[dict[str, Any]]:
    """The first ``limit`` person-pairs of the run's csv, NIKs and names masked as the role sees lists."""
    path = outputs_dir(found.pk) / cf.PAIRS_CSV
    if not path.exists():
        return []
    frame = pl.read_csv(path, n_rows=limit, infer_schema=False)
    hide_nik, hide_name = not perm.can_see_full_nik(user), not perm.can_see_full_name(user)
    for side in ("a", "b"):
        part = frame.select(nik=f"nik_{side}", name=f"name_{side}")
        masked = mask_frame(part, nik=hide_nik, name=hide_name)
        frame = frame.with_columns(masked["nik"].alias(f"nik_{side}"), masked["name"].alias(f"name_{side}"))
    return frame.with_columns(pl.col("months", "rupiah_twice").cast(pl.Int64)).to_dicts()


def output_path(user: Any, pk: int, name: str) -> Path | None:
    """A run's csv or xlsx for a user allowed to download it; ``None`` otherwise."""
    found = run(user, pk)
    if found is None or name not in OUTPUTS:
        return None
    path = outputs_dir(found.pk) / name
    return path if path.exists() else None
