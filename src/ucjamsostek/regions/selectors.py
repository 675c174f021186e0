"""Reads of the region master data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from ucjamsostek.regions.models import Boundary, Region


def deployment_area() -> Region | None:
    return Region.objects.filter(code=settings.AREA_CODE).first()


def get_region(code: str) -> Region | None:
    return Region.objects.select_related("parent").filter(code=code).first()


def lineage(region: Region) -> list[Region]:
    """The region's ancestors, province first, the region itself last."""
    parts = region.code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def children(region: Region | None) -> QuerySet[Region]:
    qs = Region.objects.filter(parent=region) if region else Region.objects.filter(level=Region.Level.PROVINCE)
    return qs.annotate(child_count=Count("children")).order_by("code")


def inside(code: str) -> Q:
    """Filter for regions (or a ``*_id`` region field via :func:`inside_field`) within ``code``."""
    return inside_field("code", code)


def inside_field(field: str, code: str) -> Q:
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def search(term: str, *, within: str | None = None, limit: int = 50) -> QuerySet[Region]:
    term = term.strip()
    qs = Region.objects.select_related("parent")
    if within:
        qs = qs.filter(inside(within))
    if term.replace(".", "").isdigit():
        qs = qs.filter(code__startswith=term)
    else:
        qs = qs.filter(name__icontains=term)
    return qs.order_by("level", "code")[:limit]


def counts_by_level(within: str | None = None) -> dict[int, int]:
    qs = Region.objects.all()
    if within:
        qs = qs.filter(inside(within))
    return dict(qs.values_list("level").annotate(n=Count("code")).values_list("level", "n"))


def boundaries_below(code: str, level: int) -> dict[str, list[Any]]:
    """Stored outlines of the areas of ``level`` inside ``code``: region code → polygons."""
    return dict(
        Boundary.objects.filter(level=level, region__code__startswith=code + ".").values_list("region_id", "polygons")
    )
