"""Writes to the region master data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction

from ucjamsostek.core.boundaries import BoundaryError, BoundaryFile, read_geojson
from ucjamsostek.core.regiondata import region_table
from ucjamsostek.regions.models import Boundary, Region

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
def load_regions(table: pl.DataFrame, *, progress: Callable[[int, int], None] | None = None) -> RegionLoadReport:
    """Insert or update the regions of ``table`` (the :func:`core.regiondata.region_table` format).

    Idempotent: rows whose name, level, kind and parent are unchanged are not touched, so a second
    run reports nothing created or updated. Rows are written parents first, in batches.
    Regions that disappeared from the list are kept (people and history still point to them).
    """
    table = table.sort(["level", "code"])
    existing = {
        code: (name, level, kind, parent)
        for code, name, level, kind, parent in Region.objects.values_list("code", "name", "level", "kind", "parent_id")
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


@transaction.atomic
def load_boundaries(path: str | Path, area: str, regions: dict[str, int] | None = None) -> BoundaryFile:
    """Store the kecamatan and desa boundaries of a GeoJSON file inside ``area`` (one transaction:
    a file that cannot be read stores nothing); a code already loaded is replaced. Returns what was
    read, with the unmatched features (not stored) for the caller to report."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise BoundaryError(f"Berkas {p.name} tidak dapat dibaca: {exc.strerror or exc}.") from None
    if regions is None:
        table = region_table()  # the whole table: a code outside the area is said to be so
        regions = dict(zip(table["code"].to_list(), [int(v) for v in table["level"].to_list()], strict=True))
    got = read_geojson(data, regions, area)
    known = set(Region.objects.filter(code__in=[f.code for f in got.features]).values_list("code", flat=True))
    missing = [f for f in got.features if f.code not in known]
    if missing:
        raise BoundaryError(f"Wilayah {missing[0].code} belum dimuat ke basis data: jalankan dulu 'ucjamsostek init'.")
    Boundary.objects.filter(region_id__in=[f.code for f in got.features]).delete()
    Boundary.objects.bulk_create(
        [
            Boundary(
                region_id=f.code,
                level=f.level,
                polygons=[[list(map(list, r)) for r in poly] for poly in f.polygons],
                source=p.name,
            )
            for f in got.features
        ]
    )
    return got
