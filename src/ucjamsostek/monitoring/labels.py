"""Monitoring texts in the user's language.

:mod:`ucjamsostek.core.indicators` writes periods, "tidak ada data" and claim sentences in Bahasa
Indonesia and stays free of Django; these helpers give the same texts through gettext, so the pages
follow the user's language. With Indonesian active (the default, and always for the Rakor Monev
reports, see :func:`reports.build`) they return exactly what core returns.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from ucjamsostek.core import indicators as ind
from ucjamsostek.core.money import format_number, format_rupiah, format_rupiah_short

MONTHS = (
    gettext_lazy("Januari"),
    gettext_lazy("Februari"),
    gettext_lazy("Maret"),
    gettext_lazy("April"),
    gettext_lazy("Mei"),
    gettext_lazy("Juni"),
    gettext_lazy("Juli"),
    gettext_lazy("Agustus"),
    gettext_lazy("September"),
    gettext_lazy("Oktober"),
    gettext_lazy("November"),
    gettext_lazy("Desember"),
)

MONTHS_SHORT = (
    pgettext_lazy("short month", "Jan"),
    pgettext_lazy("short month", "Feb"),
    pgettext_lazy("short month", "Mar"),
    pgettext_lazy("short month", "Apr"),
    pgettext_lazy("short month", "Mei"),
    pgettext_lazy("short month", "Jun"),
    pgettext_lazy("short month", "Jul"),
    pgettext_lazy("short month", "Agu"),
    pgettext_lazy("short month", "Sep"),
    pgettext_lazy("short month", "Okt"),
    pgettext_lazy("short month", "Nov"),
    pgettext_lazy("short month", "Des"),
)


def no_data() -> str:
    return gettext("tidak ada data")


def period_label(p: ind.Period) -> str:
    """``Oktober 2026`` / ``October 2026``, ``Semester II 2026``, ``Tahun 2026`` / ``Year 2026``."""
    if p.kind is ind.PeriodKind.MONTH:
        return f"{MONTHS[p.index - 1]} {p.year}"
    if p.kind is ind.PeriodKind.SEMESTER:
        return gettext("Semester %(n)s %(year)s") % {"n": "I" if p.index == 1 else "II", "year": p.year}
    return gettext("Tahun %(year)s") % {"year": p.year}


def short_month(code: str) -> str:
    """``2026-10`` → ``Okt 26`` / ``Oct 26``."""
    y, m = code.split("-")
    return f"{MONTHS_SHORT[int(m) - 1]} {y[2:]}"


def number(value: int | None) -> str:
    return no_data() if value is None else format_number(value)


def money(value: int | None) -> str:
    return no_data() if value is None else format_rupiah(value)


def percent(value: Fraction | int | None) -> str:
    return no_data() if value is None else ind.format_percent(value)


def value(value: int | Fraction | None, unit: ind.Unit | str) -> str:
    return no_data() if value is None else ind.format_value(value, unit)


def rupiah_words(amount: int, places: int = 2) -> str:
    """4960000000 → ``Rp4,96 miliar`` / ``Rp4,96 billion``; under a million the full amount."""
    return format_rupiah_short(amount, places, words=(gettext("triliun"), gettext("miliar"), gettext("juta")))


def claims_sentence(count: int, amount: int) -> str:
    """``Rp4,96 miliar dikembalikan kepada warga melalui 120 klaim`` in the user's language."""
    return gettext("%(amount)s dikembalikan kepada warga melalui %(n)s klaim") % {
        "amount": rupiah_words(amount),
        "n": format_number(count),
    }


UNIT_TEXT = {
    ind.Unit.COUNT: gettext_lazy("jumlah"),
    ind.Unit.PERCENT: gettext_lazy("persen"),
    ind.Unit.RUPIAH: gettext_lazy("Rupiah"),
}


_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b")


def linked_names(text: str) -> SafeString:
    """``text`` (escaped) with each indicator code in it (``BUDGET_ALLOCATED``) shown as the
    indicator's name, linked to its dictionary entry, the code in the tooltip (no code on screen)."""
    lang = get_language()
    dictionary = reverse("monitoring:dictionary")

    def name(m: re.Match[str]) -> str:
        d = ind.INDICATOR_BY_CODE.get(m.group(0))
        if d is None:
            return m.group(0)
        return str(format_html('<a href="{0}#{1}" title="{1}">{2}</a>', dictionary, d.code, d.name.in_language(lang)))

    return mark_safe(_CODE.sub(name, str(escape(text))))  # noqa: S308  (escaped above; format_html escapes the rest)


def entry(d: ind.IndicatorDef) -> dict[str, Any]:
    """A dictionary entry's texts in the user's language (Indonesian unless English is active);
    a definition that names another indicator shows its name (:func:`linked_names`)."""
    lang = get_language()
    return {
        "code": d.code,
        "name": d.name.in_language(lang),
        "unit": str(UNIT_TEXT[d.unit]),
        "definition": linked_names(d.definition.in_language(lang)),
        "numerator": linked_names(d.numerator.in_language(lang)),
        "denominator": linked_names(d.denominator.in_language(lang)) if d.denominator else "",
        "as_of": d.as_of.in_language(lang),
        "window": ind.WINDOW_TEXT[d.window].in_language(lang),
        "level": ind.LEVEL_TEXT[d.level].in_language(lang),
        "sources": list(d.sources),
        "breakdowns": list(d.breakdowns),
    }


def window(w: ind.Window, p: ind.Period, as_of: date | None = None) -> str:
    """The days a figure covers in the user's language (core's :func:`~ind.window_label` is
    Indonesian): ``pada 31-07-2025`` / ``on 31-07-2025``, ``s.d. 31-07-2025`` / ``up to …``.
    ``as_of`` is the day the figures were taken (the snapshot's): a period still running ends
    there, never on a future day, and a state taken today reads ``per hari ini``."""
    start, end = ind.window_dates(w, p)
    last_day = end - timedelta(days=1)
    if as_of is not None and as_of < last_day:
        last_day = as_of
    last = f"{last_day:%d-%m-%Y}"
    if w is ind.Window.AS_OF:
        if last_day == timezone.localdate():
            return gettext("per hari ini, %(date)s") % {"date": last}
        return gettext("pada %(date)s") % {"date": last}
    if w is ind.Window.PERIOD:
        if last_day < end - timedelta(days=1):
            return gettext("%(start)s s.d. %(end)s") % {"start": f"{start:%d-%m-%Y}", "end": last}
        return period_label(p)
    if w is ind.Window.SINCE_START:
        return gettext("s.d. %(date)s") % {"date": last}
    if w is ind.Window.YEAR:
        return gettext("Tahun %(year)s") % {"year": p.year}
    return gettext("%(start)s s.d. %(end)s") % {"start": f"{start:%d-%m-%Y}", "end": last}
