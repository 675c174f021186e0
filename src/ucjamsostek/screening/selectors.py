"""Reads that feed the screening core: :func:`screening_context` builds a
:class:`ucjamsostek.core.screen.ScreeningContext` from the database (read-only)."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from ucjamsostek.core.references import earliest_deaths
from ucjamsostek.core.regiondata import REGION_SCHEMA, region_table
from ucjamsostek.core.screen import ScreeningContext
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Enrollment, Person
from ucjamsostek.screening.models import ReferenceEntry, ReferenceKind
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


# ------------------------------------------------------------------------------------- deaths
# A death known anywhere counts everywhere (issue 9 §2): the registry's own record and every
# loaded deaths list (``reference load deaths``, every version: an earlier list's death is not
# forgotten because a later list left it out). Reconciliation (BILLED_AFTER_DEATH), the active
# counts, the gap report, arrears (through the reconciled payable amounts) and the BSU checks all
# read these two: ``death_dates`` as a frame for the Polars side, ``died_by_q`` as a filter for
# counts that stay in SQL. Both follow ``core.references.earliest_deaths``; a test holds them equal.
def _listed_deaths() -> QuerySet[ReferenceEntry]:
    # every version that finished loading (a version still being staged, or left behind by a
    # load that was killed, has no entry count yet: screening.services.load_reference)
    return ReferenceEntry.objects.filter(reference_list__kind=ReferenceKind.DEATHS, reference_list__entry_count__gt=0)


def death_dates() -> pl.DataFrame:
    """``person_id, nik, death_date`` of every registry person with a death known anywhere: the
    earliest date from the registry or any loaded deaths list; ``core.references.DIED_UNDATED``
    for someone no source gives a date for (deceased for every month)."""
    listed = _listed_deaths()
    people = Person.objects.filter(
        Q(is_deceased=True) | Q(death_date__isnull=False) | Q(nik__in=listed.values("nik"))
    ).values_list("pk", "nik", "death_date", "is_deceased")
    registry = pl.DataFrame(
        list(people),
        schema={"person_id": pl.Int64, "nik": pl.Utf8, "death_date": pl.Date, "is_deceased": pl.Boolean},
        orient="row",
    )
    entries = pl.DataFrame(
        list(listed.values_list("nik", "death_date")), schema={"nik": pl.Utf8, "death_date": pl.Date}, orient="row"
    )
    return earliest_deaths(registry, entries)


def died_by_q(day: date | None = None, prefix: str = "") -> Q:
    """People (``prefix`` leads from the queried model to the person, e.g. ``"person__"``) who had
    died on or before ``day`` (ever, when ``day`` is None) by :func:`death_dates`'s rule: a death
    on ``day`` itself counts (nobody is covered or exposed on the day they die); a death known
    only without a date counts for every day, unless some source gives a date."""
    listed = _listed_deaths()
    has_date = Q(**{f"{prefix}death_date__isnull": False}) | Q(
        **{f"{prefix}nik__in": listed.filter(death_date__isnull=False).values("nik")}
    )
    undated = (
        Q(**{f"{prefix}is_deceased": True})
        | Q(**{f"{prefix}nik__in": listed.filter(death_date__isnull=True).values("nik")})
    ) & ~has_date
    if day is None:
        return has_date | undated
    dated_by_day = Q(**{f"{prefix}death_date__lte": day}) | Q(
        **{f"{prefix}nik__in": listed.filter(death_date__lte=day).values("nik")}
    )
    return dated_by_day | undated
