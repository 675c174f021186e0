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
