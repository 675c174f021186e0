"""Contribution rates (tarif iuran) as dated data, and the cost of covering a person.

A rate row holds one programme (JKK, JKM, JHT) for one participant category (``BPU`` non-wage
earner, ``PU`` wage earner) and one payer kind (``public`` = paid from APBN/APBD, ``other`` =
anyone else, ``*`` = any payer), valid from ``valid_from`` to ``valid_to`` **inclusive** (the way a
regulation reads: "Januari 2026 s.d. Maret 2027" is ``2026-01-01``..``2027-03-31``; empty = open).

A row's monthly amount is either a flat ``amount`` or ``rate_percent`` of a base (the row's
``income_base`` or the person's wage), then less ``discount_percent``; every step rounds down to a
whole Rupiah. No rupiah figure lives in this code: the default table is the package data file
``core/data/contribution_rates.csv``; the database copy (``budget.ContributionRate``) is seeded from it.

Which row applies on a date: among the rows of the programme and category that are valid on that
date and whose payer is the given kind or ``*``, the one with the latest ``valid_from``; on equal
``valid_from`` a specific payer beats ``*``. Two rows still tied make the table ambiguous, which
:class:`RateTable` refuses at construction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import PPM, MoneyError, Rupiah, apply_ppm, percent_to_ppm

Programme = Literal["JKK", "JKM", "JHT"]
Category = Literal["BPU", "PU"]
PayerKind = Literal["public", "other"]

PROGRAMMES: tuple[str, ...] = ("JKK", "JKM", "JHT")
CATEGORIES: tuple[str, ...] = ("BPU", "PU")
PAYER_KINDS: tuple[str, ...] = ("public", "other")
ANY_PAYER = "*"
DEFAULT_PROGRAMMES: tuple[str, ...] = ("JKK", "JKM")

# Funder codes whose money is APBN/APBD (PP 50/2025 excludes these from the discount).
_PUBLIC_FUNDERS = ("APBN", "APBD", "APBD_KAB", "APBD_KABUPATEN", "APBD_KOTA", "APBD_PROV", "APBD_PROVINSI")


class RateError(UserError):
    """A rate table or a rate lookup is wrong; the message is in Bahasa Indonesia."""


@dataclass(frozen=True, slots=True)
class RateRow:
    programme: str
    category: str
    payer: str  # "public", "other" or "*"
    valid_from: date
    valid_to: date | None  # inclusive; None = open-ended
    legal_basis: str
    rate_ppm: int | None = None  # share of the base in parts per million (1% = 10_000)
    income_base: Rupiah | None = None  # default base for a percentage rate (BPU lowest income base)
    amount: Rupiah | None = None  # flat monthly amount
    discount_ppm: int = 0  # discount on the computed amount (50% = 500_000)
    note: str = ""

    def __post_init__(self) -> None:
        if self.programme not in PROGRAMMES:
            raise RateError(f"Program tidak dikenal: {self.programme!r} (pilihan: {', '.join(PROGRAMMES)})")
        if self.category not in CATEGORIES:
            raise RateError(f"Kategori peserta tidak dikenal: {self.category!r} (pilihan: BPU, PU)")
        if self.payer not in (*PAYER_KINDS, ANY_PAYER):
            raise RateError(f"Jenis pembayar tidak dikenal: {self.payer!r} (pilihan: public, other, *)")
        if (self.amount is None) == (self.rate_ppm is None):
            raise RateError(
                f"Tarif {self.programme} {self.category} sejak {self.valid_from}: isi salah satu, "
                "nominal tetap atau persentase"
            )
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise RateError(f"Tarif {self.programme} {self.category}: berlaku sampai sebelum berlaku mulai")
        if not 0 <= self.discount_ppm <= PPM:
            raise RateError(f"Tarif {self.programme} {self.category}: diskon harus 0–100%")
        for name in ("rate_ppm", "income_base", "amount"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise RateError(f"Tarif {self.programme} {self.category}: {name} tidak boleh negatif")

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies_to(self, payer: str) -> bool:
        return self.payer == ANY_PAYER or self.payer == payer

    def monthly_amount(self, wage: Rupiah | None = None) -> Rupiah:
        """The contribution for one month; ``wage`` is the base for a percentage rate (PU wage,
        or a BPU declared income), defaulting to the row's ``income_base``."""
        if self.amount is not None:
            gross = self.amount
        else:
            base = wage if wage is not None else self.income_base
            if base is None:
                raise RateError(
                    f"Tarif {self.programme} {self.category} adalah persentase dari upah: upah peserta wajib diisi"
                )
            assert self.rate_ppm is not None
            gross = apply_ppm(base, self.rate_ppm)
        return gross - apply_ppm(gross, self.discount_ppm)


def payer_kind(funder_code: str) -> PayerKind:
    """``APBD``, ``APBD_PROV``, ``APBN``… → ``"public"``; anything else (APBDes, CSR, mandiri) → ``"other"``.

    PP 50/2025's discount does not apply to contributions paid from APBN/APBD.
    """
    code = funder_code.strip().upper().replace("-", "_").replace(" ", "_")
    return "public" if code in _PUBLIC_FUNDERS else "other"


def add_months(day: date, months: int) -> date:
    """``day`` shifted by whole months, the day clamped to the month's length (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_first - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def coverage_months(start: date, months: int) -> list[date]:
    """The months BPJS bills for ``months`` months of coverage from ``start``: the first day of
    ``start``'s month and of each following month.

    Contributions are monthly (DOMAIN.md §1: Rp16.800 / person / **month**): BPJS bills the whole
    contribution of every calendar month in which the coverage is in force on any day, never a
    part of a month — the rule reconciliation checks bills by (``core.reconcile``: a month is
    covered when a coverage period overlaps it). So a coverage starting on 14 July costs July in
    full; ``months`` counts calendar months from the start's month, and the coverage runs to the
    end of the last one (:func:`coverage_end`). Each month is priced at the rate valid on its
    first day. The budget form's help text says this to people (``budget/forms.py``).
    """
    if months < 0:
        raise RateError("Jumlah bulan tidak boleh negatif")
    first = month_start(start)
    return [add_months(first, i) for i in range(months)]


def coverage_end(start: date, months: int) -> date:
    """The day after the coverage :func:`coverage_months` bills: the first day after its last month."""
    return add_months(month_start(start), months)


class RateTable:
    """An immutable set of rate rows with lookup by programme, category, payer kind and date."""

    def __init__(self, rows: Iterable[RateRow]) -> None:
        self.rows: tuple[RateRow, ...] = tuple(rows)
        self._check_unambiguous()

    def _check_unambiguous(self) -> None:
        rows = self.rows
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if (a.programme, a.category, a.payer, a.valid_from) != (
                    b.programme,
                    b.category,
                    b.payer,
                    b.valid_from,
                ):
                    continue
                raise RateError(
                    f"Tabel tarif ganda: {a.programme} {a.category} pembayar {a.payer} "
                    f"berlaku mulai {a.valid_from.isoformat()} muncul dua kali"
                )

    def lookup(self, programme: str, category: str, payer: str, on: date) -> RateRow:
        """The row valid on ``on`` (see the module doc for precedence); :class:`RateError` if none."""
        if payer not in PAYER_KINDS:
            raise RateError(f"Jenis pembayar tidak dikenal: {payer!r} (pilihan: public, other)")
        best: RateRow | None = None
        for row in self.rows:
            if row.programme != programme or row.category != category:
                continue
            if not row.applies_to(payer) or not row.valid_on(on):
                continue
            if best is None or (row.valid_from, row.payer != ANY_PAYER) > (
                best.valid_from,
                best.payer != ANY_PAYER,
            ):
                best = row
        if best is None:
            raise RateError(
                f"Tidak ada tarif {programme} untuk peserta {category} (pembayar {payer}) "
                f"yang berlaku pada {on.isoformat()}"
            )
        return best

    def monthly_contribution(
        self,
        category: str,
        payer: str,
        on: date,
        programmes: Sequence[str] = DEFAULT_PROGRAMMES,
        wage: Rupiah | None = None,
    ) -> Rupiah:
        """The contribution for one month starting ``on``, summed over ``programmes``."""
        return sum(self.lookup(p, category, payer, on).monthly_amount(wage) for p in programmes)

    def breakdown(
        self,
        category: str,
        payer: str,
        start: date,
        months: int,
        programmes: Sequence[str] = DEFAULT_PROGRAMMES,
        wage: Rupiah | None = None,
    ) -> list[tuple[date, str, Rupiah, RateRow]]:
        """Month by month and programme by programme: ``(month, programme, amount, row)``."""
        out: list[tuple[date, str, Rupiah, RateRow]] = []
        for month in coverage_months(start, months):
            for p in programmes:
                row = self.lookup(p, category, payer, month)
                out.append((month, p, row.monthly_amount(wage), row))
        return out

    def coverage_cost(
        self,
        category: str,
        payer: str,
        start: date,
        months: int,
        programmes: Sequence[str] = DEFAULT_PROGRAMMES,
        wage: Rupiah | None = None,
    ) -> Rupiah:
        """The cost of covering one person for the ``months`` calendar months BPJS bills from
        ``start`` on (:func:`coverage_months`: a mid-month start costs its first month in full),
        each month at the rate valid on its first day."""
        return sum(amount for _, _, amount, _ in self.breakdown(category, payer, start, months, programmes, wage))


# ---------------------------------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "programme",
    "category",
    "payer",
    "valid_from",
    "valid_to",
    "rate_percent",
    "income_base",
    "amount",
    "discount_percent",
    "legal_basis",
    "note",
)


def _parse_date(text: str, line: int, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise RateError(f"Baris {line}: kolom {column} bukan tanggal YYYY-MM-DD: {text!r}") from exc


def _parse_int(text: str, line: int, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise RateError(f"Baris {line}: kolom {column} harus bilangan bulat Rupiah: {text!r}")
    return int(text)


def parse_rate_csv(text: str) -> list[RateRow]:
    """Read the rate table's csv text (columns :data:`CSV_COLUMNS`)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RateError(f"Tabel tarif: kolom tidak ada: {', '.join(missing)}")
    rows: list[RateRow] = []
    for line, rec in enumerate(reader, start=2):
        valid_from = _parse_date(rec["valid_from"], line, "valid_from")
        if valid_from is None:
            raise RateError(f"Baris {line}: valid_from wajib diisi")
        rate = rec["rate_percent"].strip()
        discount = rec["discount_percent"].strip()
        try:
            rows.append(
                RateRow(
                    programme=rec["programme"].strip().upper(),
                    category=rec["category"].strip().upper(),
                    payer=rec["payer"].strip().lower(),
                    valid_from=valid_from,
                    valid_to=_parse_date(rec["valid_to"], line, "valid_to"),
                    legal_basis=rec["legal_basis"].strip(),
                    rate_ppm=percent_to_ppm(rate) if rate else None,
                    income_base=_parse_int(rec["income_base"], line, "income_base"),
                    amount=_parse_int(rec["amount"], line, "amount"),
                    discount_ppm=percent_to_ppm(discount) if discount else 0,
                    note=(rec.get("note") or "").strip(),
                )
            )
        except (ValueError, MoneyError) as exc:
            raise RateError(f"Baris {line}: {exc}") from exc
    return rows


def default_rate_rows() -> list[RateRow]:
    """The packaged default table (``core/data/contribution_rates.csv``)."""
    return list(_default_table().rows)


@lru_cache(maxsize=1)
def _default_table() -> RateTable:
    text = resources.files("ucjamsostek.core").joinpath("data/contribution_rates.csv").read_text("utf-8")
    return RateTable(parse_rate_csv(text))


def load_rate_table(path: Path | None = None) -> RateTable:
    """The rate table from ``path`` (csv), or the packaged default."""
    if path is None:
        return _default_table()
    return RateTable(parse_rate_csv(path.read_text("utf-8")))


# Convenience functions over a table (the default one unless given).


def monthly_contribution(
    category: str,
    payer: str,
    on: date,
    programmes: Sequence[str] = DEFAULT_PROGRAMMES,
    wage: Rupiah | None = None,
    table: RateTable | None = None,
) -> Rupiah:
    return (table or _default_table()).monthly_contribution(category, payer, on, programmes, wage)


def coverage_cost(
    category: str,
    payer: str,
    start: date,
    months: int,
    programmes: Sequence[str] = DEFAULT_PROGRAMMES,
    wage: Rupiah | None = None,
    table: RateTable | None = None,
) -> Rupiah:
    return (table or _default_table()).coverage_cost(category, payer, start, months, programmes, wage)
