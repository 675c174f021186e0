"""Small server-side SVG charts (no JavaScript): horizontal bars and a line path.

Every label is escaped; numbers are integers (people, Rupiah) scaled with integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ucjamsostek.core.money import format_number

Formatter = Callable[[int], str]
LABEL_CHARS = 26


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bars(items: Sequence[tuple[str, int]], title: str, fmt: Formatter = format_number, width: int = 640) -> SafeString:
    """Horizontal bars, one per ``(label, value)``, longest = full width."""
    if not items:
        return format_html('<p class="muted">{}</p>', "Tidak ada data.")
    row_h, label_w, value_w = 22, 180, 130
    bar_w = width - label_w - value_w
    top = max(v for _, v in items) or 1
    height = row_h * len(items) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        w = (bar_w * value) // top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" fill="#2e7d4f"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def line(points: Sequence[tuple[str, int]], title: str, fmt: Formatter = format_number, width: int = 640) -> SafeString:
    """A line through ``(label, value)`` points with the value written at each point."""
    if not points:
        return format_html('<p class="muted">{}</p>', "Tidak ada data.")
    height, pad_x, pad_top, pad_bottom = 200, 50, 24, 30
    top = max(v for _, v in points) or 1
    n = len(points)
    step = (width - 2 * pad_x) // max(1, n - 1)
    usable = height - pad_top - pad_bottom
    coords = [(pad_x + i * step, pad_top + usable - (usable * v) // top) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x},{y}" for x, y in coords)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<polyline points="{path}" fill="none" stroke="#2e7d4f" stroke-width="2"></polyline>'
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="#2e7d4f"></circle>'
            f'<text x="{x}" y="{y - 8}" text-anchor="middle" font-size="11">{escape(fmt(value))}</text>'
            f'<text x="{x}" y="{height - 10}" text-anchor="middle" font-size="12">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
