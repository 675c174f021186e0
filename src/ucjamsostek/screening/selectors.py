"""Reads that feed the screening core: :func:`screening_context` builds a
:class:`ucjamsostek.core.screen.ScreeningContext` from the database (read-only)."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from ucjamsostek.core.regiondata import REGION_SCHEMA, region_table
from ucjamsostek.core.screen import ScreeningContext
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Enrollment, Person
from ucjamsostek.screening.queries import decisions_frame, reference_frames

REGISTRY_SCHEMA = {
    "person_id": pl.Int64,
    "nik": pl.Utf8,
    "name": pl.Utf8,
    "birth_date": pl.Date,
    "sex": pl.Utf8,
    "village_code": pl.Utf8,
    "active": pl.Boolean,
    "deceased": pl.Boolean,
}


def regions_frame() -> pl.DataFrame:
    """The region table from ``regions.Region`` when it holds villages, else the packaged list.
    Read with one plain query (ninety thousand rows: the ORM would take seconds)."""
    if not Region.objects.filter(level=Region.Level.VILLAGE).exists():
        return region_table()
    table = connection.ops.quote_name(Region._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code, name, level, kind, parent_id FROM {table} ORDER BY code")  # noqa: S608
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=REGION_SCHEMA, orient="row")


def registry_frame(as_of: date) -> pl.DataFrame:
    """Registry people as the linkage takes them; ``active`` when an active enrolment covers ``as_of``."""
    covering = Enrollment.objects.filter(
        person=OuterRef("pk"),
        status=Enrollment.Status.ACTIVE,
        coverage_start__lte=as_of,
    ).filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=as_of))
    rows = list(
        Person.objects.annotate(active=Exists(covering)).values_list(
            "id", "nik", "name", "birth_date", "sex", "village_id", "active", "is_deceased"
        )
    )
    return pl.DataFrame(rows, schema=REGISTRY_SCHEMA, orient="row")


def screening_context(as_of: date | None = None) -> ScreeningContext:
    """Regions, the deployment area, the active reference lists, the registry and the active
    review decisions, as of ``as_of`` (default today)."""
    when = as_of or date.today()
    registry = registry_frame(when)
    return ScreeningContext(
        regions=regions_frame(),
        area_code=settings.AREA_CODE,
        references=reference_frames(),
        registry=registry if registry.height else None,
        decisions=decisions_frame(),
    )
