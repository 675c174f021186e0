"""Cash assistance (BSU and others): programme rules as data, recipient checks (DOMAIN.md §4).

A programme is an :class:`AssistanceRules` value: amount per month and number of months (the
amount paid at once is their product), and eligibility rules — the participant category that
qualifies (BSU 2025: ``PU``, active on 30 April 2025), a wage ceiling, and the lists that
exclude (``asn`` = ASN/TNI/Polri, ``pkh`` = PKH recipients). Nothing here holds a rupiah figure
of its own: the programme rows live in the database (seeded from
``core/data/assistance_programmes.csv``).

:func:`check_recipients` puts every recipient line against the registry and returns the reasons
it is not acceptable (empty = eligible). Codes (stable):

| code | meaning |
|---|---|
| NOT_FOUND | NIK not in the registry |
| DUPLICATE | paid or listed twice: a later line of a NIK in the same list, or a NIK already |
| | paid by an earlier list (tahap) of the programme |
| DECEASED | died before the payout date (or the cut-off when no payout date) |
| NOT_ACTIVE | no coverage in force on the cut-off date |
| WRONG_CATEGORY | active, but in another category (a BPU participant for BSU) |
| WAGE_ABOVE_LIMIT | wage above the ceiling (a PU participant without a wage is checked by hand) |
| WAGE_UNKNOWN | the rule has a wage ceiling and the wage is unknown |
| ASN | on the ASN/TNI/Polri list |
| PKH | on the PKH list |
| AMOUNT_MISMATCH | the line's amount differs from the programme's total |

The amount at stake of a reason (:func:`reason_totals`) is what was disbursed on the lines that
carry it. A recipient is a person: counts of recipients are of distinct NIKs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

import polars as pl

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import MoneyError, Rupiah, parse_rupiah

REASON_LABELS: dict[str, str] = {
    "NOT_FOUND": "NIK tidak ada di data penduduk",
    "DUPLICATE": "Dibayar/tercantum lebih dari sekali",
    "DECEASED": "Sudah meninggal dunia",
    "NOT_ACTIVE": "Bukan peserta aktif pada tanggal acuan",
    "WRONG_CATEGORY": "Kategori kepesertaan tidak memenuhi syarat",
    "WAGE_ABOVE_LIMIT": "Upah melebihi batas",
    "WAGE_UNKNOWN": "Upah tidak diketahui",
    "ASN": "ASN/TNI/Polri",
    "PKH": "Penerima PKH",
    "AMOUNT_MISMATCH": "Nominal berbeda dari ketentuan program",
}


class AssistanceError(UserError):
    """Programme rules that cannot be used; Indonesian message."""


@dataclass(frozen=True, slots=True)
class AssistanceRules:
    code: str
    name: str
    amount_per_month: Rupiah
    months: int
    legal_basis: str
    category: str | None = None  # "PU", "BPU" or None (any)
    active_on: date | None = None  # cut-off date of active membership
    max_wage: Rupiah | None = None
    excluded_lists: tuple[str, ...] = field(default_factory=tuple)  # "asn", "pkh"

    def __post_init__(self) -> None:
        if self.amount_per_month < 0 or self.months <= 0:
            raise AssistanceError(f"Program {self.code}: nominal per bulan dan jumlah bulan harus positif")
        if self.category not in (None, "PU", "BPU"):
            raise AssistanceError(f"Program {self.code}: kategori {self.category!r} tidak dikenal (PU/BPU)")

    @property
    def total(self) -> Rupiah:
        """The amount paid to one recipient (BSU 2025: 300.000 × 2 = 600.000)."""
        return self.amount_per_month * self.months


PROGRAMME_COLUMNS = (
    "code", "name", "amount_per_month", "months", "category", "active_on", "max_wage", "excluded_lists",
    "legal_basis",
)  # fmt: skip


def parse_programmes_csv(text: str) -> list[AssistanceRules]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PROGRAMME_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise AssistanceError(f"Tabel program bantuan: kolom tidak ada: {', '.join(missing)}")
    out = []
    for line, rec in enumerate(reader, start=2):
        try:
            out.append(
                AssistanceRules(
                    code=rec["code"].strip(),
                    name=rec["name"].strip(),
                    amount_per_month=parse_rupiah(rec["amount_per_month"]),
                    months=int(rec["months"]),
                    category=rec["category"].strip() or None,
                    active_on=date.fromisoformat(rec["active_on"]) if rec["active_on"].strip() else None,
                    max_wage=parse_rupiah(rec["max_wage"]) if rec["max_wage"].strip() else None,
                    excluded_lists=tuple(x for x in rec["excluded_lists"].replace(" ", "").split(";") if x),
                    legal_basis=rec["legal_basis"].strip(),
                )
            )
        except (ValueError, MoneyError) as exc:
            raise AssistanceError(f"Tabel program bantuan baris {line}: {exc}") from exc
    return out


def default_programmes() -> list[AssistanceRules]:
    """The packaged programme table (``core/data/assistance_programmes.csv``)."""
    text = resources.files("ucjamsostek.core").joinpath("data/assistance_programmes.csv").read_text("utf-8")
    return parse_programmes_csv(text)


def programme_record(p: AssistanceRules) -> dict[str, Any]:
    """One programme as the stored record's fields (the data migration and ``init`` both load it)."""
    return {
        "code": p.code,
        "name": p.name,
        "amount_per_month": p.amount_per_month,
        "months": p.months,
        "category": p.category or "",
        "active_on": p.active_on,
        "max_wage": p.max_wage,
        "excluded_lists": ";".join(p.excluded_lists),
        "legal_basis": p.legal_basis,
    }


def check_recipients(
    recipients: pl.DataFrame,
    people: pl.DataFrame,
    rules: AssistanceRules,
    lists: dict[str, set[str]] | None = None,
    paid_before: set[str] | None = None,
) -> pl.DataFrame:
    """Reasons per recipient line.

    ``recipients``: ``line``, ``nik``, ``amount`` (Int64, null allowed), ``paid_on`` (Date or null).
    ``people``: one row per NIK in the registry: ``nik``, ``death_date`` (Date or null),
    ``category`` (category of the coverage in force on ``rules.active_on``, null when none),
    ``wage`` (Int64 or null). ``lists``: name → set of NIKs (``asn``, ``pkh``). ``paid_before``:
    the NIKs already paid by the programme's earlier lists (tahap 1 when this is tahap 2).
    Returns the recipients with ``reasons`` (list of codes, in the table's order) and
    ``eligible`` (no reason).
    """
    lists = lists or {}
    cutoff = rules.active_on
    rec = recipients.with_columns(pl.int_range(pl.len()).over("nik").alias("_seq"))
    frame = rec.join(people.with_columns(pl.lit(True).alias("_found")), on="nik", how="left")
    when_day = pl.coalesce(pl.col("paid_on"), pl.lit(cutoff)) if cutoff else pl.col("paid_on")
    checks: list[tuple[str, pl.Expr]] = [
        ("NOT_FOUND", pl.col("_found").is_null()),
        ("DUPLICATE", (pl.col("_seq") > 0) | pl.col("nik").is_in(sorted(paid_before or set()))),
        (
            "DECEASED",
            pl.col("death_date").is_not_null() & (pl.col("death_date") < when_day.fill_null(pl.lit(date.max))),
        ),
    ]
    found = pl.col("_found").is_not_null()
    if cutoff is not None or rules.category is not None:
        checks.append(("NOT_ACTIVE", found & pl.col("category").is_null()))
    if rules.category is not None:
        checks.append(
            ("WRONG_CATEGORY", found & pl.col("category").is_not_null() & (pl.col("category") != rules.category))
        )
    if rules.max_wage is not None:
        eligible_cat = found & pl.col("category").is_not_null()
        checks.append(("WAGE_ABOVE_LIMIT", eligible_cat & (pl.col("wage") > rules.max_wage)))
        checks.append(
            (
                "WAGE_UNKNOWN",
                eligible_cat
                & (pl.col("category") == (rules.category or pl.col("category")))
                & pl.col("wage").is_null(),
            )
        )
    for name in rules.excluded_lists:
        checks.append((name.upper(), pl.col("nik").is_in(sorted(lists.get(name, set())))))
    checks.append(("AMOUNT_MISMATCH", pl.col("amount").is_not_null() & (pl.col("amount") != rules.total)))
    reasons = pl.concat_list(
        [
            pl.when(cond.fill_null(False)).then(pl.lit([code])).otherwise(pl.lit([], dtype=pl.List(pl.Utf8)))
            for code, cond in checks
        ]
    )
    return (
        frame.with_columns(reasons.alias("reasons"))
        .with_columns((pl.col("reasons").list.len() == 0).alias("eligible"))
        .drop("_seq", "_found")
    )


@dataclass(frozen=True, slots=True)
class ReasonTotal:
    """Lines carrying a reason, the distinct people on them, and the rupiah disbursed on them
    (the amount at stake)."""

    code: str
    label: str
    lines: int
    people: int
    amount: Rupiah


def reason_totals(lines: Iterable[tuple[str, Sequence[str], bool, int | None]]) -> list[ReasonTotal]:
    """``(nik, reasons, disbursed, amount)`` per line → one :class:`ReasonTotal` per reason
    present, in the table's order."""
    count: dict[str, int] = {}
    people: dict[str, set[str]] = {}
    amount: dict[str, int] = {}
    for nik, reasons, disbursed, rupiah in lines:
        for code in reasons:
            count[code] = count.get(code, 0) + 1
            people.setdefault(code, set()).add(nik)
            amount[code] = amount.get(code, 0) + (int(rupiah or 0) if disbursed else 0)
    order = [c for c in REASON_LABELS if c in count] + sorted(c for c in count if c not in REASON_LABELS)
    return [ReasonTotal(c, REASON_LABELS.get(c, c), count[c], len(people[c]), amount[c]) for c in order]
