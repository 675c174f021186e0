"""Occupation code list (pekerjaan) and free-text classification, plain Python.

The list lives in ``core/data/occupations.csv`` (``code,name,aliases,risk``; aliases joined by
``|``). Codes are lower case with underscores and are the same codes the priority policy
(:mod:`ucjamsostek.core.priority`) scores: ``nelayan``, ``buruh_bangunan``, ``buruh_tani`` …
``risk`` is ``high`` (fishing, construction, farm labour, mining, porters), ``medium`` or ``low``.

:func:`classify_occupations` maps what people write in a nomination sheet ("Petani",
"BURUH TANI", "Nelayn", "Tukang Ojek", "IRT") to a code, or ``None`` when nothing fits:

1. exact match of the normalised text against a code, a name or an alias;
2. a close spelling (RapidFuzz ``ratio`` ≥ 85) of an alias of 5+ characters, for typos;
3. the same words in another order (``token_sort_ratio`` ≥ 90): "Tani Buruh";
4. the longest alias (4+ characters) contained as whole words ("Petani Jambu Mete Musiman").

Each distinct text is classified once, so a million rows with a few hundred distinct values cost
a few hundred look-ups.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from ucjamsostek.core.errors import UserError

RISK_HIGH = "high"
RISK_MEDIUM = "medium"
RISK_LOW = "low"
RISKS: tuple[str, ...] = (RISK_HIGH, RISK_MEDIUM, RISK_LOW)

_FUZZY_CUTOFF = 85.0
_ORDER_CUTOFF = 90.0
_MIN_FUZZY_LEN = 5
_MIN_CONTAINED_LEN = 4
_NON_WORD = re.compile(r"[^0-9a-z]+")


class OccupationDataError(UserError):
    """The occupation list is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Occupation:
    """One entry of the occupation code list."""

    code: str
    name: str
    aliases: tuple[str, ...]
    risk: str


def normalise_occupation(text: object) -> str:
    """Lower case, punctuation to spaces, single spaces: ``" Buruh-Tani/ "`` → ``"buruh tani"``."""
    if text is None:
        return ""
    return " ".join(_NON_WORD.sub(" ", str(text).lower()).split())


def parse_occupation_csv(text: str) -> tuple[Occupation, ...]:
    """Read the CSV text of an occupation list; raises :class:`OccupationDataError` when bad."""
    reader = csv.DictReader(io.StringIO(text))
    needed = {"code", "name", "aliases", "risk"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise OccupationDataError(f"kolom daftar pekerjaan harus {sorted(needed)}")
    rows: list[Occupation] = []
    seen: set[str] = set()
    for line, rec in enumerate(reader, start=2):
        code = (rec["code"] or "").strip()
        risk = (rec["risk"] or "").strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise OccupationDataError(f"baris {line}: kode pekerjaan tidak sah: {code!r}")
        if code in seen:
            raise OccupationDataError(f"baris {line}: kode pekerjaan ganda: {code!r}")
        if risk not in RISKS:
            raise OccupationDataError(f"baris {line}: risiko harus salah satu dari {RISKS}")
        seen.add(code)
        aliases = tuple(a.strip() for a in (rec["aliases"] or "").split("|") if a.strip())
        rows.append(Occupation(code, (rec["name"] or "").strip() or code, aliases, risk))
    return tuple(rows)


@lru_cache(maxsize=1)
def occupation_table() -> tuple[Occupation, ...]:
    """The shipped occupation code list, in file order."""
    try:
        text = resources.files("ucjamsostek.core").joinpath("data/occupations.csv").read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging error
        raise OccupationDataError("daftar pekerjaan (core/data/occupations.csv) tidak ditemukan") from exc
    return parse_occupation_csv(text)


def occupation_risk(code: str) -> str | None:
    """Risk class of a code, ``None`` for an unknown code."""
    for occ in occupation_table():
        if occ.code == code:
            return occ.risk
    return None


def high_risk_codes() -> frozenset[str]:
    """Codes whose risk class is ``high``."""
    return frozenset(o.code for o in occupation_table() if o.risk == RISK_HIGH)


class OccupationClassifier:
    """Maps free text to occupation codes for one code list (cached per distinct text)."""

    def __init__(self, table: Iterable[Occupation]) -> None:
        exact: dict[str, str] = {}
        # First writer wins: an alias listed under an earlier code keeps that code.
        for occ in table:
            for variant in (occ.code.replace("_", " "), occ.name, *occ.aliases):
                key = normalise_occupation(variant)
                if key:
                    exact.setdefault(key, occ.code)
        self._exact = exact
        self._fuzzy_keys = [k for k in exact if len(k) >= _MIN_FUZZY_LEN]
        # Longest first, so "buruh tani" wins over "tani" and "tukang ojek" over "tukang".
        self._contained = sorted(
            (k for k in exact if len(k) >= _MIN_CONTAINED_LEN), key=lambda k: (-len(k), k)
        )
        self._cache: dict[str, str | None] = {}

    def classify(self, text: object) -> str | None:
        key = normalise_occupation(text)
        if not key:
            return None
        if key in self._cache:
            return self._cache[key]
        code = self._classify(key)
        self._cache[key] = code
        return code

    def _classify(self, key: str) -> str | None:
        code = self._exact.get(key)
        if code is not None:
            return code
        if len(key) >= _MIN_FUZZY_LEN:
            hit = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if hit is not None:
                return self._exact[hit[0]]
        hit = process.extractOne(
            key, self._fuzzy_keys, scorer=fuzz.token_sort_ratio, score_cutoff=_ORDER_CUTOFF
        )
        if hit is not None:
            return self._exact[hit[0]]
        padded = f" {key} "
        for alias in self._contained:
            if f" {alias} " in padded:
                return self._exact[alias]
        return None


@lru_cache(maxsize=1)
def _default_classifier() -> OccupationClassifier:
    return OccupationClassifier(occupation_table())


def classify_occupation(text: object) -> str | None:
    """Code for one free-text occupation, or ``None``."""
    return _default_classifier().classify(text)


def classify_occupations(texts: Iterable[object]) -> list[str | None]:
    """Codes for many free-text occupations, in order; ``None`` where nothing fits."""
    clf = _default_classifier()
    return [clf.classify(t) for t in texts]
