"""Turns a :class:`selectors.Dashboard` into what pages and reports show: SVG charts and texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ucjamsostek.agreements import selectors as agreement_selectors
from ucjamsostek.billing import selectors as billing_selectors
from ucjamsostek.core import boundaries, svgcharts
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.money import format_number, format_rupiah
from ucjamsostek.monitoring import labels, selectors
from ucjamsostek.monitoring.selectors import Bar, Dashboard
from ucjamsostek.regions import selectors as region_selectors


def _safe(svg: str) -> SafeString:
    return mark_safe(svg)  # noqa: S308 — built by core.svgcharts, every text escaped there


def dashboard_url(period: str, area: str) -> str:
    return reverse("monitoring:index") + "?" + urlencode({"period": period, "area": area})


def trace_url(indicator: str, period: str, area: str, breakdown: str = "") -> str:
    q = {"indicator": indicator, "period": period, "area": area}
    if breakdown:
        q["breakdown"] = breakdown
    return reverse("monitoring:trace") + "?" + urlencode(q)


def _tip(b: Bar) -> str:
    return (
        _("%(name)s: %(text)s — %(active)s peserta dari %(workers)s pekerja")
        if b.workers
        else _("%(name)s: %(text)s — %(active)s peserta, jumlah pekerja belum diisi")
    ) % {"name": b.name, "text": b.text, "active": format_number(b.active), "workers": format_number(b.workers or 0)}


def _bars(rows: list[Bar], period: str, title: str, target: float | None) -> SafeString:
    top = max([100.0, *(b.percent for b in rows)])
    tips = [_tip(b) for b in rows]
    return _safe(
        svgcharts.bar_chart(
            [
                (b.name, None if b.value is None else float(b.value) * 100, b.text, dashboard_url(period, b.code))
                for b in rows
            ],
            title=title,
            max_value=top,
            target=target,
            tips=tips,
        )
    )


@dataclass(frozen=True)
class LegendItem:
    """One line of a chart's legend (drawn in HTML beside the SVG: readable at any width)."""

    colour: str
    text: str
    kind: str  # "line", "target" or "band"


def _month_position(codes: list[str], day: date) -> float:
    """Where ``day`` lies on a trend whose points are the ends of the months ``codes``: month
    index i is its last day, so the 1st of month i lies just after point i − 1."""
    code = f"{day:%Y-%m}"
    if code < codes[0]:
        return -1.0
    if code > codes[-1]:
        return float(len(codes))
    days = (ind.add_months(day.replace(day=1), 1) - day.replace(day=1)).days
    return codes.index(code) - 1 + (day.day - 1) / days


def trend(d: Dashboard, gaps: list[dict[str, Any]] | None = None) -> tuple[SafeString, list[LegendItem]]:
    """The trend chart: one line per segment against its own target (the target of the period's
    year, drawn over that year's months), the PKS coverage gaps as labelled bands, and its legend.
    ``gaps``: :func:`agreements.selectors.gaps_between_agreements` (read here when not given)."""
    codes = [code for code, _, _ in d.trend]
    if not codes:
        return _safe(""), []
    series = d.trend_series or [selectors.Series("", _("Seluruh peserta"), [(c, n) for c, _, n in d.trend])]
    lines = []
    targets = []
    legend = []
    year = [i for i, c in enumerate(codes) if c.startswith(f"{d.period.year}-")]
    for k, s in enumerate(series):
        values = dict(s.months)
        lines.append(
            (
                s.name,
                [float(values.get(c, 0)) for c in codes],
                [
                    _("%(name)s, %(period)s: %(n)s peserta aktif")
                    % {
                        "name": s.name,
                        "period": labels.period_label(ind.parse_period(c)),
                        "n": format_number(values.get(c, 0)),
                    }
                    for c in codes
                ],
            )
        )
        legend.append(LegendItem(svgcharts.colour(k), s.name, "line"))
        if s.target and year:
            targets.append((k, float(s.target), year[0], year[-1]))
            legend.append(
                LegendItem(
                    svgcharts.colour(k),
                    _("Target %(name)s %(year)s: %(n)s")
                    % {"name": s.name, "year": d.period.year, "n": format_number(s.target)},
                    "target",
                )
            )
    bands = []
    for g in agreement_selectors.gaps_between_agreements() if gaps is None else gaps:
        lo, hi = _month_position(codes, g["start"]), _month_position(codes, g["end"])
        if hi <= 0 or lo >= len(codes) - 1:
            continue
        last = g["end"] - timedelta(days=1)
        label = _("Celah PKS %(a)s – %(b)s") % {"a": f"{g['start']:%d-%m-%Y}", "b": f"{last:%d-%m-%Y}"}
        bands.append((lo, hi, label))
        legend.append(
            LegendItem(
                "#d1495b",
                _("Celah perlindungan %(a)s s.d. %(b)s (%(k)s hari): antara PKS %(n)s dan PKS %(s)s")
                % {
                    "a": f"{g['start']:%d-%m-%Y}",
                    "b": f"{last:%d-%m-%Y}",
                    "k": format_number(g["days"]),
                    "n": g["number"],
                    "s": g["successor"],
                },
                "band",
            )
        )
    svg = svgcharts.trend_chart(
        [label for _, label, _ in d.trend],
        lines,
        title=_("Peserta aktif per bulan, per segmen"),
        targets=targets,
        bands=bands,
    )
    return _safe(svg), legend


def coverage_map(d: Dashboard) -> tuple[SafeString, list[tuple[str, str]]]:
    """The choropleth of coverage of the areas below ``d``'s (kecamatan of a regency, desa of a
    kecamatan) when their boundaries are loaded, each linking to its own dashboard (whose map is
    then of its desa), and its legend; empty without boundaries. The values are the ranking's:
    the indicator dictionary's COVERAGE of each area."""
    level = {2: 3, 3: 4}.get(d.area_level)
    shapes = region_selectors.boundaries_below(d.area_code, level) if level and d.ranking else {}
    if not shapes:
        return _safe(""), []
    areas = [
        boundaries.MapArea(
            b.code,
            b.name,
            shapes[b.code],
            None if b.value is None else float(b.value) * 100,
            _tip(b),
            dashboard_url(d.period.code, b.code),
        )
        for b in d.ranking
        if b.code in shapes
    ]
    title = _("Peta cakupan per %(level)s") % {"level": d.ranking_level}
    return _safe(boundaries.choropleth(areas, title=title)), boundaries.legend(_("tidak ada data"))


def charts(d: Dashboard) -> dict[str, Any]:
    target_pct = None
    line, legend = trend(d)
    out: dict[str, Any] = {"trend": line, "trend_legend": legend}
    out["map"], out["map_legend"] = coverage_map(d)
    out["ranking"] = (
        _bars(d.ranking, d.period.code, _("Cakupan per %(level)s") % {"level": d.ranking_level}, target_pct)
        if d.ranking
        else ""
    )
    out["desa"] = (
        _bars(d.desa_ranking[:15], d.period.code, _("Cakupan desa/kelurahan terendah"), target_pct)
        if d.desa_ranking
        else ""
    )
    b = d.budget
    if b.get("paid") is not None:
        paid = _("Dibayar")
        parts = [(paid, float(b["paid"] or 0), f"{paid} {format_rupiah(b['paid'] or 0)}")]
        if b.get("arrears") is not None:
            arrears = _("Tunggakan")
            parts.append((arrears, float(b["arrears"] or 0), f"{arrears} {format_rupiah(b['arrears'] or 0)}"))
        out["budget"] = _safe(
            svgcharts.stacked_bar(parts, title=_("Realisasi anggaran"), total=float(b["budget_allocated"] or 0) or None)
        )
    else:
        out["budget"] = ""
    seg = d.by_segment
    out["segments"] = (
        _safe(
            svgcharts.bar_chart(
                [(name, float(n), format_number(n), "") for name, n in seg],
                title=_("Peserta aktif per segmen"),
                max_value=float(max([n for _, n in seg] or [1])),
                unit="",
                width=360,  # drawn in a third of the page: a narrower view box keeps the text legible
            )
        )
        if seg
        else ""
    )
    return out


money = labels.money
number = labels.number


def texts(d: Dashboard) -> dict[str, str]:
    """Every figure of the dashboard as text in the user's language (the E2E test compares these to the DB)."""
    h = d.headline
    c = d.claims
    return {
        "active": number(h["active"]),
        "workers": number(h["workers"]),
        "target": number(h["target"]),
        "target_actual": number(h["target_actual"]),
        "active_trace": trace_url("ACTIVE", d.period.code, d.area_code),
        "gap_trace": trace_url("GAP_EXPOSED", d.period.code, d.area_code),
        "claims_trace": trace_url("CLAIMS_AMOUNT_TOTAL", d.period.code, d.area_code),
        "nominations_trace": trace_url("NOMINATIONS", d.period.code, d.area_code),
        "claims_amount": labels.rupiah_words(c["cumulative"]["amount"])
        if c["cumulative"]["amount"] is not None
        else labels.no_data(),
        "claims_period": labels.no_data()
        if c["period"]["count"] is None
        else _("%(n)s klaim, %(amount)s")
        % {"n": format_number(c["period"]["count"]), "amount": format_rupiah(c["period"]["amount"] or 0)},
        "bsu": labels.no_data()
        if d.bsu["count"] is None
        else _("%(n)s orang, %(amount)s")
        % {"n": format_number(d.bsu["count"]), "amount": format_rupiah(d.bsu["amount"] or 0)},
        "allocated": money(d.budget.get("budget_allocated")),
        "billed": money(d.budget.get("billed")),
        "paid": money(d.budget.get("paid")),
        "arrears": money(d.budget.get("arrears")),
        "gap": number(d.gap),
        "nominations": format_number(d.nominations.get("total", 0)),
    }


#: A PKS ending within this many days without a successor raises an alert on the dashboard.
PKS_ALERT_DAYS = 90
#: A gap between a PKS and its late successor is shown while the successor started less than this
#: many days ago (or has not started yet: the gap is still ahead or running).
GAP_ALERT_DAYS = 365
#: An Inpres action item not started this many days before its deadline (or past it) raises an alert.
INPRES_ALERT_DAYS = 60


@dataclass(frozen=True)
class Alert:
    """One thing needing action, shown at the top of the dashboard, linking to where it is resolved."""

    kind: str  # "pks", "pks_gap", "bill", "follow_up", "inpres"
    level: str  # "warning" or "error" (red)
    text: str
    url: str


def alerts(user: Any, today: date | None = None) -> list[Alert]:
    """PKS ending within :data:`PKS_ALERT_DAYS` days (or ended) with no successor, a PKS followed
    by a gap (its successor starting late), bills at or past the BPU 3-month arrears limit,
    follow-ups of the latest meeting past their deadline (counted), Inpres action items not started
    near their deadline (counted)."""
    today = today or timezone.localdate()
    out: list[Alert] = []
    pks = agreement_selectors.warnings(user, today, within_days=PKS_ALERT_DAYS, enrollments=False)
    for e in pks.ending:
        values = {"n": e["number"], "d": f"{e['last_day']:%d-%m-%Y}"}
        if e["ended"]:
            text = _("PKS %(n)s berakhir %(d)s dan belum ada PKS lanjutan: warga tidak terlindungi.") % values
        else:
            text = _("PKS %(n)s berakhir %(d)s (%(k)s hari lagi) dan belum ada PKS lanjutan.") % (
                values | {"k": format_number(e["days_left"])}
            )
        out.append(
            Alert("pks", "error" if e["ended"] else "warning", text, reverse("agreements:detail", args=[e["id"]]))
        )
    for g in pks.late_successor:
        if (today - g["successor_start"]).days > GAP_ALERT_DAYS:
            continue
        values = {
            "n": g["number"],
            "d": f"{g['last_day']:%d-%m-%Y}",
            "s": g["successor"],
            "start": f"{g['successor_start']:%d-%m-%Y}",
            "k": format_number(g["gap_days"]),
        }
        text = (
            _(
                "PKS %(n)s berakhir %(d)s dan PKS lanjutan %(s)s baru mulai %(start)s: "
                "%(k)s hari warga tidak terlindungi."
            )
            % values
        )
        ahead = g["successor_start"] > today  # the gap is running or still to come
        out.append(Alert("pks_gap", "error" if ahead else "warning", text, reverse("agreements:gaps")))
    for r in billing_selectors.warnings(user, today):  # the bills page's words (billing/_warnings.html)
        values = {"p": f"{r['period']:%m/%Y}", "o": format_rupiah(r["outstanding"]), "d": f"{r['deadline']:%d-%m-%Y}"}
        lapsed = r["status"] == "lapsed"
        text = (
            _(
                "Tagihan %(p)s belum lunas (%(o)s) melewati batas tunggakan 3 bulan: kepesertaan BPU yang "
                "ditagih di dalamnya berakhir pada %(d)s."
            )
            if lapsed
            else _(
                "Tagihan %(p)s belum lunas (%(o)s): bulan ini batas terakhir. Bila belum dibayar sebelum %(d)s, "
                "kepesertaan BPU yang ditagih di dalamnya berakhir pada %(d)s."
            )
        ) % values
        url = reverse("billing:invoice", args=[r["bill"]])
        out.append(Alert("bill", "error" if lapsed else "warning", text, url))
    late = selectors.overdue_follow_ups(today)
    if late:
        text = ngettext(
            "%(n)s tindak lanjut rapat melewati batas waktu.",
            "%(n)s tindak lanjut rapat melewati batas waktu.",
            len(late),
        ) % {"n": format_number(len(late))}
        out.append(Alert("follow_up", "error", text, reverse("monitoring:meeting", args=[late[0].meeting_id])))
    for year, items in selectors.actions_not_started_by(today + timedelta(days=INPRES_ALERT_DAYS)).items():
        past = [i for i in items if i.due_date is not None and i.due_date < today]
        values = {"n": format_number(len(items)), "y": year}
        if past:
            text = (
                ngettext(
                    "%(n)s butir rencana aksi Inpres %(y)s belum dimulai dan melewati batas waktunya.",
                    "%(n)s butir rencana aksi Inpres %(y)s belum dimulai dan melewati batas waktunya.",
                    len(items),
                )
                % values
            )
        else:  # a deadline ahead is said in days: no date after today on the dashboard
            first = min(i.due_date for i in items if i.due_date is not None)
            text = ngettext(
                "%(n)s butir rencana aksi Inpres %(y)s belum dimulai; batas waktunya %(k)s hari lagi.",
                "%(n)s butir rencana aksi Inpres %(y)s belum dimulai; batas waktunya %(k)s hari lagi.",
                len(items),
            ) % (values | {"k": format_number((first - today).days)})
        url = reverse("monitoring:checklist") + "?" + urlencode({"year": year})
        out.append(Alert("inpres", "error" if past else "warning", text, url))
    return out
