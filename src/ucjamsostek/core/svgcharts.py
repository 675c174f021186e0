"""Small server-rendered SVG charts (no JavaScript library, no CDN).

Every mark carries ``data-tip`` (the text a tooltip shows) and a ``<title>`` (screen readers and
the browser's own tooltip), so a few lines of page script make them interactive. Charts scale to
their container (``viewBox`` + ``width=100%``) and read on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#0b6e4f", "#f2a541", "#3f88c5", "#d1495b", "#6c757d", "#8e6c8a", "#2a9d8f")


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(value)


def _fmt(n: float) -> str:
    text = f"{int(round(n)):,}".replace(",", ".")
    return text


def line_chart(
    points: Sequence[tuple[str, float, str]],
    *,
    title: str,
    target: float | None = None,
    target_label: str = "",
    width: int = 520,
    height: int = 240,
) -> str:
    """A line with dots: ``points`` = (x label, value, tooltip). Optional dashed target line."""
    pad_l, pad_r, pad_t, pad_b = 56, 28, 16, 34
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    values = [v for _, v, _ in points]
    top = _nice_max(max([*values, target or 0, 1]))
    n = max(1, len(points) - 1)

    def x(i: int) -> float:
        return pad_l + (w * i / n if len(points) > 1 else w / 2)

    def y(v: float) -> float:
        return pad_t + h - h * v / top

    out = [
        f'<svg class="chart chart-line" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_attr(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        v = top * k / 4
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
            f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" class="axis" text-anchor="end">{_fmt(v)}</text>'
        )
    step = max(1, len(points) // 8)
    for i, (label, _, _) in enumerate(points):
        last = i == len(points) - 1
        if (i % step == 0 and len(points) - 1 - i >= step) or last:
            anchor = "end" if last and len(points) > 1 else "middle"
            out.append(
                f'<text x="{x(i):.1f}" y="{height - 12}" class="axis" text-anchor="{anchor}">{escape(label)}</text>'
            )
    if target:
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(target):.1f}" y2="{y(target):.1f}" class="target"/>'
            f'<text x="{width - pad_r}" y="{y(target) - 4:.1f}" class="axis target-label" text-anchor="end">'
            f"{escape(target_label)}</text>"
        )
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v, _) in enumerate(points))
        out.append(f'<path d="{path}" class="series" fill="none" stroke="{PALETTE[0]}" stroke-width="2.5"/>')
        for i, (_, v, tip) in enumerate(points):
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4.5" fill="{PALETTE[0]}" class="mark" tabindex="0" '
                f'data-tip="{_attr(tip)}"><title>{escape(tip)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    rows: Sequence[tuple[str, float | None, str, str]],
    *,
    title: str,
    max_value: float = 100.0,
    unit: str = "%",
    target: float | None = None,
    width: int = 480,
    bar_height: int = 22,
    tips: Sequence[str] | None = None,
) -> str:
    """Horizontal bars: ``rows`` = (label, value or None for "no data", value text, link or "").

    Values are drawn against ``max_value``; a missing value draws a hatched placeholder.
    """
    label_w = 150
    gap = 6
    height = max(1, len(rows)) * (bar_height + gap) + 24
    w = width - label_w - 110
    out = [
        f'<svg class="chart chart-bars" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_attr(title)}">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="nodata" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" fill="#ccc"/></pattern></defs>',
    ]
    for i, (label, value, text, link) in enumerate(rows):
        top = 4 + i * (bar_height + gap)
        short = label if len(label) <= 18 else label[:17] + "…"
        tip = tips[i] if tips is not None else f"{label}: {text}"
        if value is None:
            bar = (
                f'<rect x="{label_w}" y="{top}" width="{w * 0.25:.1f}" height="{bar_height}" fill="url(#nodata)" '
                f'class="mark nodata" tabindex="0" data-tip="{_attr(tip)}"><title>{escape(tip)}</title></rect>'
            )
        else:
            length = max(1.0, w * min(value, max_value) / max_value) if max_value else 1.0
            colour = PALETTE[3] if target is not None and value < target else PALETTE[0]
            bar = (
                f'<rect x="{label_w}" y="{top}" width="{length:.1f}" height="{bar_height}" fill="{colour}" rx="2" '
                f'class="mark" tabindex="0" data-tip="{_attr(tip)}"><title>{escape(tip)}</title></rect>'
            )
        name = (
            f'<text x="{label_w - 6}" y="{top + bar_height * 0.7:.1f}" class="axis" text-anchor="end">'
            f"{escape(short)}</text>"
        )
        if link:
            name = f'<a href="{_attr(link)}">{name}</a>'
        out.append(
            name + bar + f'<text x="{width - 4}" y="{top + bar_height * 0.7:.1f}" class="axis value" text-anchor="end">'
            f"{escape(text)}</text>"
        )
    if target is not None and max_value:
        tx = label_w + w * min(target, max_value) / max_value
        out.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="0" y2="{height - 20}" class="target"/>')
    out.append(
        f'<text x="{label_w}" y="{height - 4}" class="axis">0{unit}</text>'
        f'<text x="{label_w + w}" y="{height - 4}" class="axis" text-anchor="end">{_fmt(max_value)}{unit}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def stacked_bar(
    parts: Sequence[tuple[str, float, str]],
    *,
    title: str,
    total: float | None = None,
    width: int = 640,
    height: int = 56,
) -> str:
    """One bar split into parts (label, value, tooltip), e.g. paid / arrears against the budget."""
    total = total if total and total > 0 else sum(v for _, v, _ in parts) or 1.0
    out = [
        f'<svg class="chart chart-stack" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_attr(title)}"><title>{escape(title)}</title>',
        f'<rect x="0" y="6" width="{width}" height="26" fill="#eee" rx="3"/>',
    ]
    x = 0.0
    for i, (label, value, tip) in enumerate(parts):
        w = width * max(0.0, value) / total
        out.append(
            f'<rect x="{x:.1f}" y="6" width="{w:.1f}" height="26" fill="{PALETTE[i % len(PALETTE)]}" class="mark" '
            f'tabindex="0" data-tip="{_attr(tip)}"><title>{escape(tip)}</title></rect>'
        )
        out.append(
            f'<rect x="{8 + i * 170}" y="{height - 14}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{22 + i * 170}" y="{height - 5}" class="axis">{escape(label)}</text>'
        )
        x += w
    out.append("</svg>")
    return "".join(out)


def trend_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], Sequence[str]]],
    *,
    title: str,
    targets: Sequence[tuple[int, float, int, int]] = (),
    bands: Sequence[tuple[float, float, str]] = (),
    width: int = 560,
    height: int = 280,
) -> str:
    """Lines over months, one per series, each against its own target.

    ``labels``: the months' x labels; ``series``: (name, value per month, tooltip per month), drawn
    in :data:`PALETTE` order; ``targets``: (series index, value, first month index, last month
    index) — a dashed line in the series' colour over those months; ``bands``: (from, to, label)
    in month-index units (fractions inside a month), a shaded span with its label in a strip above
    the plot, so no label ever lies on the data. Series names and target values belong in a legend
    beside the chart (:func:`trend_legend`); x labels alternate ``tick-major``/``tick-minor`` so a
    phone can hide the minor ones."""
    pad_l, pad_r, pad_b = 68, 16, 38  # room for the larger text a phone gets (monev.css)
    rows = _band_rows(bands)
    pad_t = 10 + 18 * max(rows.values(), default=-1) + (18 if bands else 0)
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    everything = [v for _, values, _ in series for v in values] + [t for _, t, _, _ in targets]
    top = _nice_max(max([*everything, 1]))
    n = max(1, len(labels) - 1)

    def x(i: float) -> float:
        return pad_l + (w * i / n if len(labels) > 1 else w / 2)

    def y(v: float) -> float:
        return pad_t + h - h * v / top

    out = [
        f'<svg class="chart chart-line chart-trend" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_attr(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for k, (start, end, label) in enumerate(bands):
        lo, hi = max(0.0, start), min(float(n), end)
        if hi <= lo:
            continue
        row = rows[k]
        ty = 14 + 18 * row
        mid = (x(lo) + x(hi)) / 2
        anchor = "middle"
        if mid < pad_l + 90:
            mid, anchor = x(lo), "start"
        elif mid > width - pad_r - 90:
            mid, anchor = x(hi), "end"
        out.append(
            f'<rect x="{x(lo):.1f}" y="{ty + 4}" width="{x(hi) - x(lo):.1f}" height="{pad_t + h - ty - 4:.1f}" '
            f'class="band" fill="#d1495b" fill-opacity="0.12"><title>{escape(label)}</title></rect>'
            f'<text x="{mid:.1f}" y="{ty}" class="axis band-label" text-anchor="{anchor}">{escape(label)}</text>'
        )
    for k in range(5):
        v = top * k / 4
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
            f'<text x="{pad_l - 10}" y="{y(v) + 4:.1f}" class="axis" text-anchor="end">{_fmt(v)}</text>'
        )
    step = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        last = i == len(labels) - 1
        if (i % step == 0 and len(labels) - 1 - i >= step) or last:
            anchor = "end" if last and len(labels) > 1 else "middle"
            major = last or (i // step) % 2 == (len(labels) - 1) // step % 2
            out.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" class="axis {"tick-major" if major else "tick-minor"}" '
                f'text-anchor="{anchor}">{escape(label)}</text>'
            )
    for s, value, first, final in targets:
        colour = PALETTE[s % len(PALETTE)]
        out.append(
            f'<line x1="{x(first):.1f}" x2="{x(final) if final > first else x(first) + 8:.1f}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" class="target-series" stroke="{colour}" stroke-dasharray="6 4" stroke-width="2"/>'
        )
    for s, (_, values, tips) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        if not values:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        out.append(f'<path d="{path}" class="series" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for i, (v, tip) in enumerate(zip(values, tips, strict=True)):
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}" class="mark" tabindex="0" '
                f'data-tip="{_attr(tip)}"><title>{escape(tip)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


def _band_rows(bands: Sequence[tuple[float, float, str]]) -> dict[int, int]:
    """A label row per band: a band overlapping an earlier one's span goes one row lower."""
    rows: dict[int, int] = {}
    for k, (start, end, _) in enumerate(bands):
        taken = {rows[j] for j in rows if bands[j][0] < end + 4 and start < bands[j][1] + 4}
        rows[k] = min(r for r in range(len(bands) + 1) if r not in taken)
    return rows


def colour(index: int) -> str:
    """The colour of series ``index`` (legends drawn outside the SVG use the same)."""
    return PALETTE[index % len(PALETTE)]
