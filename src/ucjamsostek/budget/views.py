"""Budget pages: build a scenario, preview it, save it, compare scenarios, export, make final.

Views reach data through :mod:`selectors` and :mod:`services` only (import-linter contract).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.budget import charts, exports, selectors, services
from ucjamsostek.budget.forms import ScenarioForm, initial_from_params
from ucjamsostek.claims import selectors as claims_selectors
from ucjamsostek.core.budget import BudgetInputError, Selection, format_date_id
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import format_number, format_rupiah, format_rupiah_short
from ucjamsostek.core.priority import PART_LABELS, SCORE_PARTS
from ucjamsostek.core.projection import claims_for_contributions, cost_path, target_path
from ucjamsostek.core.rates import RateError
from ucjamsostek.registry.selectors import display_frame, mask_frame

LIST_PREVIEW = 50


def _require_view(request: HttpRequest) -> None:
    perm.require(perm.can_view_budget(request.user))


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = (request.GET.get(name) or request.POST.get(name) or "").strip().replace(".", "")
    return int(raw) if raw.isdigit() else default


def _projection(request: HttpRequest, year: int, payer: str, first_target: int) -> dict[str, Any]:
    """Five years from ``first_target`` people (the scenario's selection within its ceiling) unless
    the user typed another first-year target."""
    growth = (request.GET.get("growth") or request.POST.get("growth") or "10").strip()
    target = _int_param(request, "target", first_target)
    try:
        path = target_path(first_year=year, first_target=target, last_year=year + 4, growth_percent=growth)
        plans = cost_path(path, payer=payer, table=selectors.rate_table())
    except UserError as exc:
        return {"error": str(exc), "growth": growth, "target": target}
    return {
        "growth": growth,
        "target": target,
        "from_selection": target == first_target,
        "plans": plans,
        "total": sum(p.cost for p in plans),
        "chart": charts.line([(str(p.year), p.cost) for p in plans], _("Biaya per tahun"), fmt=format_rupiah_short),
        "people_chart": charts.line([(str(p.year), p.target) for p in plans], _("Target peserta per tahun")),
    }


def _claims(cost: int, start: date, payer: str) -> Any:
    table = selectors.rate_table()
    try:
        monthly = table.monthly_contribution("BPU", payer, start)
    except RateError:
        return None
    return claims_for_contributions(cost, monthly, claims_selectors.claim_history())


def _district(code: str) -> str:
    return ".".join(code.split(".")[:3]) if code else ""


def _area_rows(cost_by_district: dict[str, int], people_by_district: dict[str, int]) -> list[tuple[str, int, int]]:
    names = selectors.region_names(cost_by_district)
    rows = [
        (names.get(c, c or _("(tanpa wilayah)")), people_by_district.get(c, 0), v) for c, v in cost_by_district.items()
    ]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def _lines_for_display(frame: pl.DataFrame) -> list[dict[str, Any]]:
    rows = []
    segments = selectors.segment_names()
    for r in frame.head(LIST_PREVIEW).iter_rows(named=True):
        parts = [(PART_LABELS[p], r.get(p) or 0) for p in SCORE_PARTS if r.get(p)]
        rows.append({**r, "parts": parts, "segment_name": segments.get(r.get("segment") or "", r.get("segment"))})
    return rows


def _segment_bars(counts: dict[str, int]) -> Any:
    names = selectors.segment_names()
    return charts.bars(sorted((names.get(k, k), v) for k, v in counts.items()), _("Peserta per segmen"))


def _selection_context(request: HttpRequest, selection: Selection) -> dict[str, Any]:
    sel = selection.selected
    districts = sel.with_columns(pl.col("village_code").map_elements(_district, return_dtype=pl.Utf8).alias("_d"))
    by_d = districts.group_by("_d").agg(pl.len().alias("n"), pl.col("cost").sum().alias("c"))
    cost_by = {d: int(c) for d, _n, c in by_d.iter_rows()}
    people_by = {d: int(n) for d, n, _c in by_d.iter_rows()}
    areas = _area_rows(cost_by, people_by)
    seg = sel.group_by("segment").len().sort("segment") if "segment" in sel.columns else pl.DataFrame()
    rows = display_frame(request.user, sel.head(LIST_PREVIEW))
    names = selectors.region_names(set(rows["village_code"].to_list()) if rows.height else set())
    rows = exports.with_region_names(rows, names, "village_code", "village_name")
    reasons = selection.left_out.group_by("reason_text").len().sort("reason_text").iter_rows()
    sc = selection.scenario
    return {
        "selected": selection.count,
        "cost": selection.cost,
        "remaining": selection.remaining,
        "eligible": sel.height + selection.left_out.height,
        "method": selection.method,
        "start_text": format_date_id(sc.start_date),
        "reasons": list(reasons),
        "area_chart": charts.bars([(n, c) for n, _p, c in areas], _("Biaya per kecamatan"), fmt=format_rupiah_short),
        "segment_chart": _segment_bars({str(s): int(n) for s, n in seg.iter_rows()}),
        "lines": _lines_for_display(rows),
        "projection": _projection(request, sc.year, sc.payer, first_target=selection.count),
        "claims": _claims(selection.cost, sc.start_date, sc.payer),
        "unit_costs": [(c, w, u) for c, w, u in selection.unit_costs.iter_rows()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Build a scenario (preview / save / save as final) and list the saved ones of a year."""
    _require_view(request)
    can_manage = perm.can_manage_budget(request.user)
    result: dict[str, Any] | None = None
    if request.method == "POST":
        form = ScenarioForm(request.POST)
        action = request.POST.get("action", "preview")
        if form.is_valid():
            params = form.params()
            try:
                selection = services.compute(params)
                if action in ("save", "final"):
                    perm.require(can_manage)
                    saved = services.save_scenario(
                        request.user, form.cleaned_data.get("name") or "", params, selection, final=action == "final"
                    )
                    messages.success(request, _("Skenario disimpan."))
                    return redirect("budget:detail", pk=saved.pk)
                result = _selection_context(request, selection)
            except BudgetInputError as exc:
                form.add_error(None, exc.message)
    else:
        source = request.GET.get("from")
        if source and source.isdigit():
            try:
                sc = selectors.scenario(int(source))
            except ObjectDoesNotExist as exc:
                raise Http404 from exc
            form = ScenarioForm(
                initial=initial_from_params(services.ScenarioParams.from_model(sc), sc.name + " (salinan)")
            )
        else:
            form = ScenarioForm()
    year = _int_param(request, "year", date.today().year)
    context = {
        "form": form,
        "capacity": _capacity(form),
        "result": result,
        "can_manage": can_manage,
        "year": year,
        "scenarios": selectors.scenarios(),
    }
    return render(request, "budget/index.html", context)


def _capacity(form: ScenarioForm) -> dict[str, Any]:
    """What the ceiling buys at the BPU rate: ``ceiling // (monthly rate × months)`` people, for
    the form's values; the page recomputes it as the user types (``data-*`` for app.js)."""

    def value(name: str) -> Any:
        return form[name].value() if form.is_bound else form[name].initial

    try:
        year = int(value("year") or date.today().year)
        months = int(value("months") or 0)
        ceiling = int("".join(ch for ch in str(value("ceiling") or "") if ch.isdigit()) or 0)
    except (TypeError, ValueError):
        year, months, ceiling = date.today().year, 0, 0
    rates = selectors.capacity_rates(date(year, 1, 1))
    payers = selectors.funder_payers()
    monthly = rates.get(payers.get(str(value("funder") or ""), "public"), 0)
    people = ceiling // (monthly * months) if monthly and months > 0 else None
    return {
        "rates": json.dumps(rates),
        "payers": json.dumps(payers),
        "monthly": monthly,
        "months": months,
        "people": people,
    }


def _scenario_or_404(pk: int) -> Any:
    try:
        return selectors.scenario(pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    sc = _scenario_or_404(pk)
    summary = sc.summary or {}
    cost_by = selectors.cost_by_area([sc.pk]).get(sc.pk, {})
    people_by = selectors.people_by_area([sc.pk]).get(sc.pk, {})
    areas = _area_rows(cost_by, people_by)
    segs = selectors.count_by_segment([sc.pk]).get(sc.pk, {})
    frame = display_frame(request.user, selectors.scenario_frame(sc.pk).head(LIST_PREVIEW))
    context = {
        "scenario": sc,
        "can_manage": perm.can_manage_budget(request.user),
        "start_text": format_date_id(sc.start),
        "reasons": summary.get("left_out", {}),
        "area_chart": charts.bars([(n, c) for n, _p, c in areas], _("Biaya per kecamatan"), fmt=format_rupiah_short),
        "segment_chart": _segment_bars(segs),
        "lines": _lines_for_display(frame),
        "projection": _projection(request, sc.year, sc.payer_kind, first_target=sc.selected_count),
        "claims": _claims(sc.cost, sc.start, sc.payer_kind),
        "policy": sc.policy,
    }
    return render(request, "budget/detail.html", context)


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()][:4]
    items = [s for s in (selectors.scenarios().filter(pk__in=ids)) if s.pk in ids]
    items.sort(key=lambda s: ids.index(s.pk))
    costs = selectors.cost_by_area([s.pk for s in items])
    districts = sorted({d for c in costs.values() for d in c})
    names = selectors.region_names(districts)
    table = [(names.get(d, d), [costs[s.pk].get(d, 0) for s in items]) for d in districts]
    context = {
        "items": items,
        "table": table,
        "count_chart": charts.bars([(s.name, s.selected_count) for s in items], _("Peserta terpilih")),
        "cost_chart": charts.bars([(s.name, s.cost) for s in items], _("Biaya"), fmt=format_rupiah_short),
    }
    return render(request, "budget/compare.html", context)


def _summary_rows(sc: Any) -> list[tuple[str, Any]]:
    summary = sc.summary or {}
    rows: list[tuple[str, Any]] = [
        (_("Skenario"), sc.name),
        (_("Status"), sc.get_status_display()),
        (_("Tahun anggaran"), sc.year),
        (_("Pagu"), format_rupiah(sc.ceiling)),
        (_("Mulai perlindungan"), format_date_id(sc.start)),
        (_("Jumlah bulan"), sc.months),
        (_("Sumber dana"), str(sc.funder) if sc.funder else "-"),
        (_("Segmen"), ", ".join(sc.segments or []) or _("semua")),
        (
            _("Kuota"),
            f"{sc.get_quota_by_display()} ({sc.get_quota_mode_display()})" if sc.quota_by else _("tanpa kuota"),
        ),
        (_("Peserta tahun lalu dipertahankan"), _("ya") if sc.continuity else _("tidak")),
        (_("Calon layak"), format_number(sc.eligible_count)),
        (_("Terpilih"), format_number(sc.selected_count) + " " + _("orang")),
        (_("Biaya"), format_rupiah(sc.cost)),
        (_("Sisa pagu"), format_rupiah(sc.remaining)),
    ]
    for uc in summary.get("unit_costs", []):
        rows.append((_("Biaya per orang") + f" {uc.get('category')}", format_rupiah(int(uc.get("cost") or 0))))
    labels = {"OUTSIDE_CEILING": _("di luar pagu"), "QUOTA_FULL": _("kuota penuh")}
    for code, n in (summary.get("left_out") or {}).items():
        rows.append((_("Tidak terpilih") + f": {labels.get(code, code)}", format_number(int(n))))
    return rows


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario's list and summary; NIK and names masked unless the role may export them."""
    _require_view(request)
    sc = _scenario_or_404(pk)
    frame = selectors.scenario_frame(sc.pk)
    full = perm.can_export(request.user)
    if full:
        services.record_list_export(request.user, sc)
    else:
        frame = mask_frame(frame)
    data = exports.selection_workbook_bytes(_summary_rows(sc), frame, None, None)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="skenario-{sc.year}-{sc.pk}.xlsx"'
    return response


@login_required
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    sc = _scenario_or_404(pk)
    cost_by = selectors.cost_by_area([sc.pk]).get(sc.pk, {})
    people_by = selectors.people_by_area([sc.pk]).get(sc.pk, {})
    outlook = _claims(sc.cost, sc.start, sc.payer_kind)
    note = ""
    if outlook is not None:
        note = f"{outlook.sentence} {outlook.assumption}" if outlook.by_type else outlook.sentence
    projection = _projection(request, sc.year, sc.payer_kind, first_target=sc.selected_count)
    path = [(p.year, p.target, p.cost) for p in projection.get("plans", [])]
    if path:
        note = (
            _("Proyeksi: target %(t)s orang pada %(y)s, tumbuh %(g)s%% per tahun.")
            % {"t": format_number(path[0][1]), "y": path[0][0], "g": projection["growth"]}
            + " "
            + note
        )
    title = _("Ringkasan skenario anggaran UC Jamsostek %(year)s: %(name)s") % {"year": sc.year, "name": sc.name}
    pdf = exports.brief_pdf(title, _summary_rows(sc), _area_rows(cost_by, people_by), note, path)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ringkasan-skenario-{sc.year}-{sc.pk}.pdf"'
    return response


@login_required
@require_POST
def finalize(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    sc = _scenario_or_404(pk)
    try:
        services.finalize_scenario(request.user, sc)
        messages.success(request, _("Skenario ditetapkan final; daftar peserta tahun ini dibekukan."))
    except BudgetInputError as exc:
        messages.error(request, exc.message)
    return redirect("budget:detail", pk=sc.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    sc = _scenario_or_404(pk)
    try:
        services.delete_scenario(request.user, sc)
        messages.success(request, _("Skenario draf dihapus."))
    except BudgetInputError as exc:
        messages.error(request, exc.message)
        return redirect("budget:detail", pk=sc.pk)
    return redirect("budget:index")
