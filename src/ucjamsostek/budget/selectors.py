"""Budget reads: the eligible pool (one place), rates, scenarios and their lines.

The eligible pool for a budget year is built here and nowhere else:

* **registry people** (``registry.Person``): alive, within the programme's age limits at the
  coverage start, inside the deployment's area, not covered at the start by another funder, and
  not on an active reference list (enrolled elsewhere, deceased, ASN);
  ``covered_last_year`` marks the participants of the last covered year before ``year`` (see
  :func:`last_covered_year`);
* **screened nominations** (``screening.Nomination``) whose effective decision is *eligible*
  (after review), from batches that are not archived and whose tiered verification is done
  (approved by the Dinas, ``core.verification``), and whose NIK is not in the registry yet
  (a registry person wins over their nomination; of several nominations of one NIK the latest
  batch wins).

Columns (the contract of :func:`ucjamsostek.core.budget.select`): ``person_id`` (``p:<id>`` or
``n:<id>``), ``person_pk``, ``nomination_pk``, ``nik``, ``name``, ``village_code``,
``segment``, ``category`` (from the segment), ``wage`` (``pu_wage`` for PU people),
``birth_date``, ``occupation``, ``decile``, ``extreme_poor``, ``covered_last_year`` and
``tiebreak`` (a hash of NIK and year: equal scores are not ordered by birth place or date).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Max, Q, QuerySet

from ucjamsostek.budget.models import BudgetScenario, ContributionRate, ScenarioLine
from ucjamsostek.core.rates import RateError, RateTable, coverage_end, load_rate_table
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import ENROLLED_STATUSES, Enrollment, Funder, Person, Segment
from ucjamsostek.screening.models import Nomination, NominationBatch, ReferenceEntry, Status

DEFAULT_SEGMENT = "pekerja_rentan"

POOL_SCHEMA: dict[str, Any] = {
    "person_id": pl.Utf8,
    "person_pk": pl.Int64,
    "nomination_pk": pl.Int64,
    "nik": pl.Utf8,
    "name": pl.Utf8,
    "village_code": pl.Utf8,
    "segment": pl.Utf8,
    "category": pl.Utf8,
    "wage": pl.Int64,
    "birth_date": pl.Date,
    "occupation": pl.Utf8,
    "decile": pl.Int64,
    "extreme_poor": pl.Boolean,
    "covered_last_year": pl.Boolean,
    "tiebreak": pl.Utf8,
}


def rate_table() -> RateTable:
    """The rates in the database, or the packaged table while the database has none."""
    rows = [r.to_row() for r in ContributionRate.objects.all()]
    return RateTable(rows) if rows else load_rate_table()


def capacity_rates(on: date) -> dict[str, int]:
    """The monthly contribution of one pekerja rentan (BPU) starting ``on``, per payer kind
    (``public`` for APBN/APBD, ``other``): what the budget form divides the ceiling by."""
    table = rate_table()
    out: dict[str, int] = {}
    for payer in ("public", "other"):
        try:
            out[payer] = int(table.monthly_contribution("BPU", payer, on))
        except RateError:
            continue
    return out


def funder_payers() -> dict[str, str]:
    """Active funder code → payer kind (``public``/``other``), for the budget form's capacity."""
    rows = Funder.objects.filter(active=True).values_list("code", "payer_kind")
    return {str(c): "public" if k == Funder.PayerKind.PUBLIC else "other" for c, k in rows}


def rates() -> QuerySet[ContributionRate]:
    return ContributionRate.objects.all()


def _tiebreak(nik: str, year: int) -> str:
    return hashlib.sha256(f"{nik}|{year}".encode()).hexdigest()[:16]


def _segment_categories() -> dict[str, str]:
    return dict(Segment.objects.values_list("code", "category"))


def _years_between(birth: date, on: date) -> int:
    return on.year - birth.year - ((birth.month, birth.day) > (on.month, on.day))


def eligible_pool(
    year: int,
    start: date | None = None,
    months: int = 12,
    funder_code: str | None = None,
    pu_wage: int | None = None,
    area_code: str | None = None,
) -> pl.DataFrame:
    """The people who may be selected for coverage in ``year`` (see the module doc)."""
    start = start or date(year, 1, 1)
    end = coverage_end(start, max(1, months))
    area = area_code or settings.AREA_CODE
    age_min = settings.PROGRAMME_AGE_MIN
    age_max = settings.PROGRAMME_AGE_MAX
    categories = _segment_categories()
    previous = last_covered_year(year)
    last_year_from, last_year_to = (date(previous, 1, 1), date(previous + 1, 1, 1)) if previous else (start, start)

    people = Person.objects.filter(is_deceased=False)
    if area:
        people = people.filter(Q(village__code=area) | Q(village__code__startswith=area + "."))
    person_rows = list(
        people.values_list(
            "id",
            "nik",
            "name",
            "village_id",
            "birth_date",
            "occupation_id",
            "occupation_text",
            "dtks_decile",
            "extreme_poor",
        )
    )

    # Enrollment facts per person: last segment, covered last year, covered at start by another funder.
    segment_of: dict[int, str] = {}
    covered_last: set[int] = set()
    taken_elsewhere: set[int] = set()
    enrollments = Enrollment.objects.filter(person__in=people).order_by("person_id", "coverage_start", "id")
    for pid, seg, funder, status, c_start, c_end in enrollments.values_list(
        "person_id", "segment_id", "funder_id", "status", "coverage_start", "coverage_end"
    ).iterator(chunk_size=5000):
        segment_of[pid] = seg
        if status in ENROLLED_STATUSES and c_start < last_year_to and (c_end is None or c_end > last_year_from):
            covered_last.add(pid)
        overlaps = c_start < end and (c_end is None or c_end > start)
        if status in ("active", "submitted") and overlaps and funder_code is not None and funder != funder_code:
            taken_elsewhere.add(pid)

    nominations = _eligible_nominations()
    registry_niks = {row[1] for row in person_rows}
    barred = _reference_niks()
    nomination_segment = {n["nik"]: n["segment"] for n in nominations if n["segment"]}

    records: list[dict[str, Any]] = []
    for pid, nik, name, village, birth, occ, occ_text, decile, poor in person_rows:
        if pid in taken_elsewhere or nik in barred:
            continue
        if birth is None or not age_min <= _years_between(birth, start) <= age_max:
            continue
        segment = segment_of.get(pid) or nomination_segment.get(nik) or DEFAULT_SEGMENT
        records.append(
            {
                "person_id": f"p:{pid}",
                "person_pk": pid,
                "nomination_pk": None,
                "nik": nik,
                "name": name,
                "village_code": village,
                "segment": segment,
                "birth_date": birth,
                "occupation": occ or occ_text or None,
                "decile": decile,
                "extreme_poor": bool(poor),
                "covered_last_year": pid in covered_last,
            }
        )
    for n in nominations:
        if n["nik"] in registry_niks or n["nik"] in barred:
            continue
        village = n["region_id"] or n["region_code"]
        if area and not (village == area or str(village).startswith(area + ".")):
            continue
        birth = n["birth_date"]
        if birth is None or not age_min <= _years_between(birth, start) <= age_max:
            continue
        records.append(
            {
                "person_id": f"n:{n['id']}",
                "person_pk": None,
                "nomination_pk": n["id"],
                "nik": n["nik"],
                "name": n["name"],
                "village_code": village,
                "segment": n["segment"] or DEFAULT_SEGMENT,
                "birth_date": birth,
                "occupation": n["occupation"] or None,
                "decile": n["decile"],
                "extreme_poor": False,
                "covered_last_year": False,
            }
        )
    for rec in records:
        category = categories.get(rec["segment"], "BPU")
        rec["category"] = category
        rec["wage"] = pu_wage if category == "PU" else None
        rec["tiebreak"] = _tiebreak(rec["nik"], year)
    return pl.DataFrame(records, schema=POOL_SCHEMA)


def _reference_niks() -> set[str]:
    """NIKs on the active reference lists (enrolled elsewhere, deceased, ASN): never eligible."""
    return set(ReferenceEntry.objects.filter(reference_list__active=True).values_list("nik", flat=True))


def last_covered_year(year: int) -> int | None:
    """The latest year before ``year`` in which anyone was covered: "last year's participants" are
    the people covered then (after a gap between agreements, e.g. no PKS in 2025, they are the
    participants of the last covered year, 2024)."""
    before = Enrollment.objects.filter(status__in=ENROLLED_STATUSES, coverage_start__lt=date(year, 1, 1))
    if not before.exists():
        return None
    if before.filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=date(year, 1, 1))).exists():
        return year - 1
    last_end = before.aggregate(last=Max("coverage_end"))["last"]  # exclusive end
    return (last_end - timedelta(days=1)).year if last_end else None


def _eligible_nominations() -> list[dict[str, Any]]:
    """Nominations whose final decision (after review, ``screening.models.final_status``) is
    eligible, with a NIK, latest batch first per NIK."""
    qs = (
        Nomination.objects.exclude(batch__status="archived")
        .filter(batch__level=NominationBatch.Level.APPROVED)  # tiered verification done
        .exclude(nik="")
        .final_status_is(Status.ELIGIBLE)
        .order_by("-batch__created_at", "-batch_id", "row")
        .values(
            "id",
            "nik",
            "name",
            "region_id",
            "region_code",
            "birth_date",
            "occupation",
            "decile",
            "segment",
            "batch__segment",
        )
    )
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for n in qs.iterator(chunk_size=5000):
        if n["nik"] in seen:
            continue
        seen.add(n["nik"])
        row: dict[str, Any] = dict(n)
        row["segment"] = n["segment"] or n["batch__segment"]
        out.append(row)
    return out


# ------------------------------------------------------------------------------- scenarios


def scenarios(year: int | None = None) -> QuerySet[BudgetScenario]:
    qs = BudgetScenario.objects.select_related("funder")
    return qs.filter(year=year) if year is not None else qs


def scenario(pk: int) -> BudgetScenario:
    return BudgetScenario.objects.select_related("funder").get(pk=pk)


def scenario_lines(scenario_id: int) -> QuerySet[ScenarioLine]:
    return ScenarioLine.objects.filter(scenario_id=scenario_id).select_related("person").order_by("rank")


def final_scenario(year: int) -> BudgetScenario | None:
    return BudgetScenario.objects.filter(year=year, status=BudgetScenario.Status.FINAL).first()


def participant_list(year: int) -> QuerySet[ScenarioLine]:
    """The year's frozen participant list: the lines of its final scenario (empty when none)."""
    final = final_scenario(year)
    if final is None:
        return ScenarioLine.objects.none()
    return scenario_lines(final.pk)


def cost_by_area(scenario_ids: Sequence[int], level: int = 3) -> dict[int, dict[str, int]]:
    """Per scenario, cost per kecamatan (``level`` 3) or desa (4): ``{scenario: {code: rupiah}}``."""
    out: dict[int, dict[str, int]] = {sid: {} for sid in scenario_ids}
    for sid, village, cost in ScenarioLine.objects.filter(scenario_id__in=scenario_ids).values_list(
        "scenario_id", "village_code", "cost"
    ):
        code = ".".join(village.split(".")[:level]) if village else ""
        out[sid][code] = out[sid].get(code, 0) + cost
    return out


def people_by_area(scenario_ids: Sequence[int], level: int = 3) -> dict[int, dict[str, int]]:
    """Per scenario, selected people per kecamatan (``level`` 3) or desa (4)."""
    out: dict[int, dict[str, int]] = {sid: {} for sid in scenario_ids}
    for sid, village in ScenarioLine.objects.filter(scenario_id__in=scenario_ids).values_list(
        "scenario_id", "village_code"
    ):
        code = ".".join(village.split(".")[:level]) if village else ""
        out[sid][code] = out[sid].get(code, 0) + 1
    return out


def count_by_segment(scenario_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for sid, seg in ScenarioLine.objects.filter(scenario_id__in=list(scenario_ids)).values_list(
        "scenario_id", "segment"
    ):
        d = out.setdefault(sid, {})
        d[seg] = d.get(seg, 0) + 1
    return out


def segment_names() -> dict[str, str]:
    return dict(Segment.objects.values_list("code", "name"))


def region_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def scenario_frame(scenario_id: int) -> pl.DataFrame:
    """A saved scenario's lines as a table with NIK, name and region names (unmasked)."""
    rows = []
    for line in scenario_lines(scenario_id).select_related("nomination"):
        person, nom = line.person, line.nomination
        rows.append(
            {
                "rank": line.rank,
                "nik": person.nik if person else (nom.nik if nom else ""),
                "name": person.name if person else (nom.name if nom else ""),
                "village_code": line.village_code,
                "segment": line.segment,
                "category": line.category,
                "cost": line.cost,
                "score": line.score,
                **{k: int(v) for k, v in line.score_parts.items()},
                "continuing": line.continuing,
            }
        )
    frame = (
        pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame({"rank": []}, schema={"rank": pl.Int64})
    )
    if frame.height and "village_code" in frame.columns:
        codes = set(frame["village_code"].to_list())
        districts = {".".join(c.split(".")[:3]) for c in codes if c}
        names = region_names(codes | districts)
        frame = frame.with_columns(
            pl.col("village_code")
            .replace_strict(list(names), list(names.values()), default=None)
            .alias("village_name"),
            pl.col("village_code")
            .str.extract(r"^(\d+\.\d+\.\d+)", 1)
            .replace_strict(list(names), list(names.values()), default=None)
            .alias("district_name"),
        )
    return frame
