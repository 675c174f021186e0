"""Budget writes and runs: seed the rate table, compute a scenario, save it, make it final.

* ``seed_rates()`` copies the packaged rate table (``core/data/contribution_rates.csv``) into
  ``ContributionRate`` — idempotent, keyed on (programme, category, payer, valid_from).
* ``compute(params)`` builds the pool (:func:`selectors.eligible_pool`) and runs the core engine.
* ``save_scenario(...)`` stores inputs, result and the selected lines; ``finalize_scenario``
  freezes a scenario as the year's participant list (one final per year; a final scenario cannot
  be changed or deleted).

Errors for people are :class:`ucjamsostek.core.budget.BudgetInputError` (bad inputs, Indonesian
message) and ``PermissionDenied``. Nothing here logs a NIK or a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.budget import selectors
from ucjamsostek.budget.models import BudgetScenario, ContributionRate, ScenarioLine
from ucjamsostek.core.budget import BudgetInputError, Scenario, Selection, select, validate_scenario
from ucjamsostek.core.money import PPM, MoneyError, format_rupiah, parse_count
from ucjamsostek.core.priority import SCORE_PARTS, PolicyError, PriorityPolicy
from ucjamsostek.core.rates import default_rate_rows
from ucjamsostek.registry.masterdata import sync_rows
from ucjamsostek.registry.models import Funder
from ucjamsostek.registry.services import log_change, record_export

DEFAULT_FUNDER = "apbd_kab"
MSG_FINAL_LOCKED = "Skenario final sudah dibekukan dan tidak dapat diubah atau dihapus."


def _ppm_to_percent(ppm: int) -> Decimal:
    return Decimal(ppm) * 100 / PPM


def seed_rates() -> dict[str, int]:
    """Create the shipped contribution rates that are missing and update those whose data changed
    (idempotent: a second run writes nothing). Returns created/updated counts."""
    rows = [
        {
            "programme": row.programme,
            "category": row.category,
            "payer": row.payer,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
            "rate_percent": _ppm_to_percent(row.rate_ppm) if row.rate_ppm is not None else None,
            "income_base": row.income_base,
            "amount": row.amount,
            "discount_percent": _ppm_to_percent(row.discount_ppm),
            "legal_basis": row.legal_basis,
            "note": row.note,
        }
        for row in default_rate_rows()
    ]
    with transaction.atomic():
        return sync_rows(ContributionRate, ("programme", "category", "payer", "valid_from"), rows)


@dataclass
class ScenarioParams:
    """The inputs of a scenario as people enter them (CLI options, a web form)."""

    year: int
    ceiling: int
    start: date | None = None
    months: int = 12
    funder: str | None = None
    segments: list[str] = field(default_factory=lambda: [selectors.DEFAULT_SEGMENT])
    quota_by: str = ""
    quota_mode: str = "pool"
    quotas: dict[str, int] = field(default_factory=dict)
    poverty_weights: dict[str, int] = field(default_factory=dict)
    continuity: bool = False
    policy: dict[str, Any] = field(default_factory=dict)
    objective: str = "count"
    pu_wage: int | None = None

    @classmethod
    def from_model(cls, sc: BudgetScenario) -> ScenarioParams:
        return cls(
            year=sc.year,
            ceiling=sc.ceiling,
            start=sc.start,
            months=sc.months,
            funder=sc.funder_id,
            segments=list(sc.segments or []),
            quota_by=sc.quota_by,
            quota_mode=sc.quota_mode,
            quotas=dict(sc.quotas or {}),
            poverty_weights=dict(sc.poverty_weights or {}),
            continuity=sc.continuity,
            policy=dict(sc.policy or {}),
            objective=sc.objective,
            pu_wage=sc.pu_wage,
        )


def payer_kind_of(funder_code: str | None) -> str:
    """``public`` for an APBN/APBD funder (``registry.Funder.payer_kind``), ``other`` otherwise."""

    code = funder_code or DEFAULT_FUNDER
    kind = Funder.objects.filter(code=code).values_list("payer_kind", flat=True).first()
    if kind is None:
        if funder_code is None:
            return "public"
        raise BudgetInputError("FUNDER_UNKNOWN", f"Sumber dana {funder_code!r} tidak dikenal.")
    return "public" if kind == Funder.PayerKind.PUBLIC else "other"


def core_scenario(params: ScenarioParams) -> Scenario:
    try:
        policy = PriorityPolicy.from_dict(params.policy) if params.policy else PriorityPolicy()
    except (PolicyError, TypeError, ValueError) as exc:
        raise BudgetInputError("POLICY_INVALID", f"Kebijakan prioritas tidak sah: {exc}") from exc
    quota_by = params.quota_by or None
    if quota_by not in (None, "desa", "kecamatan"):
        raise BudgetInputError("QUOTA_LEVEL_UNKNOWN", "Kuota hanya dapat per desa atau per kecamatan.")
    return Scenario(
        year=params.year,
        ceiling=params.ceiling,
        start=params.start,
        months=params.months,
        payer=payer_kind_of(params.funder),
        quota_by=quota_by,  # type: ignore[arg-type]
        quota_mode=params.quota_mode,  # type: ignore[arg-type]
        quotas=params.quotas or None,
        poverty_weights=params.poverty_weights or None,
        continuity=params.continuity,
        segments=tuple(s for s in params.segments if s and s != "all"),
        policy=policy,
        objective=params.objective,  # type: ignore[arg-type]
    )


def compute(params: ScenarioParams, pool: pl.DataFrame | None = None) -> Selection:
    """Run the selection for ``params`` over the eligible pool (or ``pool`` when given)."""
    spec = core_scenario(params)
    validate_scenario(spec)  # before the pool is read: a year 0 has no 1 January
    if pool is None:
        pool = selectors.eligible_pool(
            params.year,
            start=spec.start_date,
            months=params.months,
            funder_code=params.funder or DEFAULT_FUNDER,
            pu_wage=params.pu_wage,
        )
    return select(pool, spec, selectors.rate_table())


def _log(actor: Any, action: str, scenario: BudgetScenario, reason: str, **changes: Any) -> None:

    log_change(actor, action, "budget.budgetscenario", scenario.pk, changes=changes, reason=reason)


def save_scenario(
    actor: Any,
    name: str,
    params: ScenarioParams,
    selection: Selection,
    *,
    final: bool = False,
    notes: str = "",
) -> BudgetScenario:
    """Store a computed scenario with its selected lines; ``final=True`` also freezes it."""
    perm.require(perm.can_manage_budget(actor))
    name = name.strip() or f"Skenario {params.year}"
    with transaction.atomic():
        scenario = BudgetScenario.objects.create(
            name=name[:150],
            year=params.year,
            ceiling=params.ceiling,
            start=selection.scenario.start_date,
            months=params.months,
            funder_id=params.funder or _default_funder_id(),
            payer_kind=selection.scenario.payer,
            segments=list(params.segments),
            quota_by=params.quota_by or "",
            quota_mode=params.quota_mode,
            quotas=params.quotas,
            poverty_weights=params.poverty_weights,
            continuity=params.continuity,
            policy=selection.scenario.policy.to_dict(),
            objective=params.objective,
            pu_wage=params.pu_wage,
            eligible_count=selection.selected.height + selection.left_out.height,
            selected_count=selection.count,
            cost=selection.cost,
            remaining=selection.remaining,
            method=selection.method,
            summary=_jsonable_summary(selection),
            notes=notes,
            created_by=perm.recorded_user(actor),
        )
        _write_lines(scenario, selection.selected)
        _log(actor, "create", scenario, "simpan skenario anggaran", selected=selection.count, cost=selection.cost)
        if final:
            finalize_scenario(actor, scenario)
    return scenario


def _default_funder_id() -> str | None:

    return DEFAULT_FUNDER if Funder.objects.filter(code=DEFAULT_FUNDER).exists() else None


def _jsonable_summary(selection: Selection) -> dict[str, Any]:
    summary = dict(selection.summary())
    summary["by_area"] = selection.by_area.to_dicts()
    summary["unit_costs"] = selection.unit_costs.to_dicts()
    summary["policy"] = selection.scenario.policy.to_dict()
    by_segment = (
        selection.selected.group_by("segment").len().sort("segment").to_dicts()
        if "segment" in selection.selected.columns
        else []
    )
    summary["by_segment"] = by_segment
    return summary


def _pk(value: str, prefix: str) -> int | None:
    return int(value[2:]) if value.startswith(prefix) else None


def _write_lines(scenario: BudgetScenario, selected: pl.DataFrame) -> None:
    cols = selected.columns
    lines = []
    for row in selected.iter_rows(named=True):
        key = str(row["person_id"])
        lines.append(
            ScenarioLine(
                scenario=scenario,
                rank=row["rank"],
                pool_key=key[:32],
                person_id=row.get("person_pk") if "person_pk" in cols else _pk(key, "p:"),
                nomination_id=row.get("nomination_pk") if "nomination_pk" in cols else _pk(key, "n:"),
                village_code=row.get("village_code") or "",
                segment=row.get("segment") or "",
                category=row["category"],
                cost=row["cost"],
                score=row["score"],
                score_parts={p: row[p] for p in SCORE_PARTS},
                continuing=bool(row["continuing"]),
            )
        )
    ScenarioLine.objects.bulk_create(lines, batch_size=2000)


def finalize_scenario(actor: Any, scenario: BudgetScenario) -> BudgetScenario:
    """Freeze ``scenario`` as the year's participant list. Only one final scenario per year."""
    perm.require(perm.can_manage_budget(actor))
    if scenario.is_final:
        return scenario
    other = selectors.final_scenario(scenario.year)
    if other is not None and other.pk != scenario.pk:
        raise BudgetInputError(
            "FINAL_EXISTS",
            f"Tahun {scenario.year} sudah memiliki skenario final ({other.name}); "
            "daftar peserta tahun itu sudah dibekukan.",
        )
    try:
        with transaction.atomic():
            scenario.status = BudgetScenario.Status.FINAL
            scenario.finalized_at = timezone.now()
            scenario.finalized_by = perm.recorded_user(actor)
            scenario.save(update_fields=["status", "finalized_at", "finalized_by"])
            _log(actor, "update", scenario, "tetapkan skenario final", status=["draft", "final"])
    except IntegrityError as exc:
        raise BudgetInputError("FINAL_EXISTS", f"Tahun {scenario.year} sudah memiliki skenario final.") from exc
    return scenario


def delete_scenario(actor: Any, scenario: BudgetScenario) -> None:
    perm.require(perm.can_manage_budget(actor))
    if scenario.is_final:
        raise BudgetInputError("FINAL_LOCKED", MSG_FINAL_LOCKED)
    with transaction.atomic():
        _log(actor, "delete", scenario, "hapus skenario draf")
        scenario.delete()


def record_list_export(actor: Any, scenario: BudgetScenario) -> None:
    """Record that ``actor`` exported the scenario's list with personal data (DESIGN §6)."""

    record_export(actor, "budget.scenarioline", scenario.selected_count, reason=f"skenario {scenario.pk}")


def describe(selection: Selection) -> str:
    """Three lines for people: selected, cost, remaining."""
    return (
        f"Terpilih: {selection.count:,} orang\n".replace(",", ".")
        + f"Biaya: {format_rupiah(selection.cost)}\n"
        + f"Sisa pagu: {format_rupiah(selection.remaining)}"
    )


def params_dict(params: ScenarioParams) -> dict[str, Any]:
    data = asdict(params)
    data["start"] = params.start.isoformat() if params.start else None
    return data


def quotas_from_rows(rows: Mapping[str, Any]) -> dict[str, int]:
    """Area code → quota from loosely typed input (csv cells, form fields)."""
    out: dict[str, int] = {}
    for code, value in rows.items():
        code = str(code).strip()
        if not code:
            continue
        try:
            quota = parse_count(str(value))
        except MoneyError:
            quota = -1
        if quota < 0:
            raise BudgetInputError("QUOTA_INVALID", f"Kuota {code} harus bilangan bulat 0 atau lebih (diisi: {value}).")
        out[code] = quota
    return out
