"""Writes to the region master data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.db import transaction

from ucjamsostek.regions.models import Region

_BATCH = 5000


@dataclass(frozen=True)
class RegionLoadReport:
    total: int
    created: int
    updated: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@transaction.atomic
def load_regions(
    table: pl.DataFrame, *, progress: Callable[[int, int], None] | None = None
) -> RegionLoadReport:
    """Insert or update the regions of ``table`` (the :func:`core.regiondata.region_table` format).

    Idempotent: rows whose name, level, kind and parent are unchanged are not touched, so a second
    run reports nothing created or updated. Rows are written parents first, in batches.
    Regions that disappeared from the list are kept (people and history still point to them).
    """
    table = table.sort(["level", "code"])
    existing = {
        code: (name, level, kind, parent)
        for code, name, level, kind, parent in Region.objects.values_list(
            "code", "name", "level", "kind", "parent_id"
        )
    }
    rows = table.select("code", "name", "level", "kind", "parent_code").rows()
    new: list[Region] = []
    changed: list[Region] = []
    for code, name, level, kind, parent in rows:
        current = existing.get(code)
        if current is None:
            new.append(Region(code=code, name=name, level=level, kind=kind, parent_id=parent))
        elif current != (name, level, kind, parent):
            changed.append(Region(code=code, name=name, level=level, kind=kind, parent_id=parent))
    done = 0
    total = len(new) + len(changed)
    for start in range(0, len(new), _BATCH):
        chunk = new[start : start + _BATCH]
        Region.objects.bulk_create(chunk, batch_size=_BATCH)
        done += len(chunk)
        if progress:
            progress(done, total)
    for start in range(0, len(changed), _BATCH):
        chunk = changed[start : start + _BATCH]
        Region.objects.bulk_update(chunk, ["name", "level", "kind", "parent"], batch_size=1000)
        done += len(chunk)
        if progress:
            progress(done, total)
    return RegionLoadReport(total=len(rows), created=len(new), updated=len(changed))
