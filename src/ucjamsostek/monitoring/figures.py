"""One figure per entry of the indicator dictionary, for one period and one area.

The refresh job (:func:`ucjamsostek.monitoring.services.refresh`) computes every entry of
``core/data/indicators.json`` once into a :class:`~ucjamsostek.monitoring.models.Snapshot`. This
module is the one way to read them back: a :class:`Lookup` holds the stored values a page of one
area and period needs (read once, by index), and :meth:`Lookup.figure` turns an entry into the
:class:`Figure` that the dashboard, the Rakor Monev report (PDF and xlsx), the API and
``ucjamsostek monev show`` all show — so the same figure for the same period and area is the same
everywhere, by construction. A test checks it for every entry.

Rules of :meth:`Lookup.figure` (the dictionary's ``level``): an entry computed for every area reads
the area's own value; a regency-level entry (PKS, bills, SP2D) has a value for the regency only and
"tidak ada data" below it. A missing value has no number (never a made-up 0) and says why.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language, gettext

from ucjamsostek.core import indicators as ind
from ucjamsostek.monitoring import labels
from ucjamsostek.monitoring.models import IndicatorValue, Snapshot

Key = tuple[str, str, str, str]  # indicator, period, area, breakdown

#: Lookups kept per process, the least recently used dropped first: a regency's dashboard is
#: ~1.600 stored values (~1,5 MB), read once per snapshot instead of on every page.
CACHE_SIZE = 16
_CACHE: OrderedDict[tuple[Any, ...], Lookup] = OrderedDict()
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Figure:
    """An indicator's value for a period and an area, with what it means."""

    definition: ind.IndicatorDef
    period: ind.Period
    area: str
    numerator: int | None
    denominator: int | None
    value: int | Fraction | None
    #: Why there is no value ("" when there is one), in Bahasa Indonesia.
    unavailable: str = ""
    breakdown: str = ""
    #: The day the figures were taken (the snapshot's): the period's last day, or today while it runs.
    as_of: date | None = None

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def name(self) -> str:
        """The indicator's name in the user's language."""
        return self.definition.name.in_language(get_language())

    @property
    def text(self) -> str:
        """The value as people read it, in the user's language (``tidak ada data`` when none)."""
        return labels.value(self.value, self.definition.unit)

    @property
    def window(self) -> str:
        """The days it covers, e.g. ``pada 31-07-2025`` or ``s.d. 31-07-2025``."""
        return labels.window(self.definition.window, self.period, self.as_of)

    def as_dict(self) -> dict[str, Any]:
        """JSON for the API and the console: rupiah and counts as integers, ratios exact too."""
        v = self.value
        return {
            "code": self.code,
            "name": self.definition.name.id,
            "unit": str(self.definition.unit),
            "period": self.period.code,
            "area_code": self.area,
            "breakdown": self.breakdown,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": None if v is None else (int(v) if self.definition.unit is not ind.Unit.PERCENT else float(v)),
            "text": self.text,
            "window": self.window,
            "unavailable": self.unavailable,
        }


@dataclass
class Lookup:
    """The stored values of one snapshot for an area (every period, breakdown and month of the
    trend) and for the areas below it (their totals of the period), read in one query."""

    snapshot: Snapshot
    period: ind.Period
    area: str
    below: tuple[str, ...] = ()
    _values: dict[Key, IndicatorValue] = field(default_factory=dict, repr=False)
    #: (indicator, area) → the period's values by breakdown, sorted by breakdown (read by every panel)
    _breakdowns: dict[tuple[str, str], list[IndicatorValue]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, snapshot: Snapshot, area: str, below: Iterable[str] = ()) -> Lookup:
        """The lookup of ``area`` (and the areas ``below`` it) in ``snapshot``. A snapshot never
        changes once written (a recompute writes a new one), so the lookup is kept per process and
        reused by every page that reads the same snapshot and area (:data:`_CACHE`)."""
        below = tuple(below)
        key = (snapshot.pk, snapshot.computed_at, area, below)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
                return hit
        lookup = cls._read(snapshot, area, below)
        with _CACHE_LOCK:
            _CACHE[key] = lookup
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        return lookup

    @classmethod
    def _read(cls, snapshot: Snapshot, area: str, below: tuple[str, ...]) -> Lookup:
        p = ind.parse_period(snapshot.period)
        rows = (
            IndicatorValue.objects.filter(snapshot=snapshot)
            .filter(Q(area_code=area) | Q(area_code__in=below, period=p.code, breakdown=""))
            .defer("trace")
        )
        values = {(v.indicator_id, v.period, v.area_code, v.breakdown): v for v in rows}
        breakdowns: dict[tuple[str, str], list[IndicatorValue]] = {}
        for (code, per, a, bd), v in sorted(values.items()):
            if bd and per == p.code:
                breakdowns.setdefault((code, a), []).append(v)
        return cls(snapshot, p, area, below, values, breakdowns)

    @property
    def as_of(self) -> date:
        """The day the snapshot's figures were taken (a running period: the day it was computed)."""
        return min(self.snapshot.as_of or self.period.last_day, self.period.last_day)

    @property
    def root(self) -> str:
        return str(settings.AREA_CODE)

    def get(self, code: str, area: str | None = None, breakdown: str = "", period: str | None = None) -> Any:
        """The stored :class:`IndicatorValue` or None."""
        return self._values.get((code, period or self.period.code, area or self.area, breakdown))

    def number(self, code: str, area: str | None = None, breakdown: str = "", period: str | None = None) -> int | None:
        v = self.get(code, area, breakdown, period)
        return None if v is None else v.numerator

    def breakdowns(self, code: str, area: str | None = None) -> list[IndicatorValue]:
        """The period's values of ``code`` by breakdown (``segment:…``, ``type:…``), for the area."""
        area = area or self.area
        return self._breakdowns.get((code, area), [])

    def months(self, code: str) -> list[tuple[str, int]]:
        """``(month code, value)`` of the area's monthly values of ``code`` up to the period's end."""
        last = ind.period_of(self.period.last_day).code
        return sorted(
            (per, v.numerator or 0)
            for (c, per, a, bd), v in self._values.items()
            if c == code and a == self.area and not bd and len(per) == 7 and per <= last
        )

    def months_by(self, code: str, prefix: str) -> dict[str, list[tuple[str, int]]]:
        """Breakdown (``segment:…``) → ``(month code, value)`` of the area's monthly values of
        ``code`` up to the period's end (the period's own month from its breakdowns); a month
        without a value is 0."""
        last = ind.period_of(self.period.last_day).code
        out: dict[str, dict[str, int]] = {}
        for (c, per, a, bd), v in self._values.items():
            if c == code and a == self.area and bd.startswith(prefix) and len(per) == 7 and per <= last:
                out.setdefault(bd, {})[per] = v.numerator or 0
        months = [m for m, _ in self.months(code)]
        return {bd: [(m, got.get(m, 0)) for m in months] for bd, got in sorted(out.items())}

    def figure(self, code: str, area: str | None = None) -> Figure:
        """The dictionary entry ``code`` for the area (default: the lookup's own)."""
        d = ind.INDICATOR_BY_CODE[code]
        area = area or self.area
        why = (self.snapshot.unavailable or {}).get(code, "")
        if d.level is ind.Level.REGENCY and area != self.root:
            why = gettext("Hanya dihitung untuk tingkat kabupaten.")
            return Figure(d, self.period, area, None, None, None, why, as_of=self.as_of)
        v = self.get(code, area)
        if v is None and code == "TARGET_PROGRESS":  # a target is set for a segment, e.g. pekerja rentan
            v = next(iter(self.breakdowns(code, area)), None)
        if v is None:
            why = why or gettext("Tidak ada data untuk wilayah ini.")
            return Figure(d, self.period, area, None, None, None, why, as_of=self.as_of)
        value = v.value
        return Figure(
            d,
            self.period,
            area,
            v.numerator,
            v.denominator,
            value,
            "" if value is not None else (why or gettext("Penyebut tidak ada atau nol.")),
            v.breakdown,
            self.as_of,
        )

    def figures(self, area: str | None = None) -> list[Figure]:
        """Every entry of the dictionary, in its order."""
        return [self.figure(d.code, area) for d in ind.INDICATORS]
