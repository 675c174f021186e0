"""Files from BPJS (DESIGN.md §5.4): registration answer, monthly bill, claims, assistance lists.

Read the way nomination files are read (:mod:`ucjamsostek.core.intake`): xlsx/xls/csv sniffed from
the bytes, the header row found under title rows, columns matched by name case- and
punctuation-insensitively (:func:`ucjamsostek.core.normalize.header_key`), dates through
:func:`ucjamsostek.core.normalize.date_expr`, NIKs through
:func:`ucjamsostek.core.normalize.nik_clean_expr`, rupiah like
:func:`ucjamsostek.core.money.rupiah_expr` (``16.800``, ``16800``, ``Rp16.800``, ``16.800,-``;
``16,000`` is refused, not read as 16). Periods read
``2026-01``, ``01/2026``, ``Januari 2026`` (and a full date, taken as its month).

:func:`read_bpjs_file` returns a :class:`BpjsTable` whose frame has ``row`` (as the user sees it)
and the kind's fields, typed; a value that cannot be read raises :class:`IntakeError` naming the
file, row and column — a BPJS file is taken whole or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from ucjamsostek.core import filelimits
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.intake import (
    HEADER_SEARCH_ROWS,
    CellColumns,
    IntakeError,
    cell_text,
    check_duplicate_headers,
    read_cell_columns,
)
from ucjamsostek.core.money import format_rupiah, parse_rupiah, rupiah_expr, rupiah_problem

REGISTRATION = "registration"
BILL = "bill"
CLAIMS = "claims"
ASSISTANCE = "assistance"

#: field → accepted headers, per kind. ``nik`` reuses the nomination headers.
_COMMON: dict[str, tuple[str, ...]] = {
    "nik": tuple(h for h, f in nz.ACCEPTED_HEADERS.items() if f == "nik"),
    "kpj": ("No KPJ", "Nomor KPJ", "KPJ", "No. Kartu", "Nomor Kartu Peserta", "No Peserta"),
    "name": tuple(h for h, f in nz.ACCEPTED_HEADERS.items() if f == "name"),
    "status": ("Status", "Status Pendaftaran", "Status Klaim", "Status Penyaluran", "Hasil"),
}
_SPECS: dict[str, dict[str, tuple[str, ...]]] = {
    REGISTRATION: {
        "reason": ("Keterangan", "Alasan", "Alasan Penolakan", "Catatan", "Ket"),
    },
    BILL: {
        "period": ("Periode", "Periode Iuran", "Bulan", "Bulan Iuran", "Masa Iuran"),
        "programme": ("Program", "Program BPJS"),
        "amount": ("Iuran", "Nominal Iuran", "Jumlah Iuran", "Jumlah", "Nominal", "Tagihan"),
    },
    CLAIMS: {
        "type": ("Jenis", "Jenis Klaim", "Program", "Jenis Manfaat"),
        "incident_date": ("Tgl Kejadian", "Tanggal Kejadian", "Tgl Meninggal", "Tanggal Kecelakaan"),
        "submitted_date": ("Tgl Pengajuan", "Tanggal Pengajuan", "Tgl Klaim"),
        "paid_date": ("Tgl Bayar", "Tanggal Bayar", "Tanggal Pembayaran", "Tgl Pembayaran"),
        "amount": ("Nominal", "Jumlah Manfaat", "Nominal Klaim", "Jumlah Dibayar", "Manfaat"),
        "heir": ("Nama Ahli Waris", "Ahli Waris", "Penerima Manfaat"),
    },
    ASSISTANCE: {
        "programme": ("Program", "Program Bantuan", "Jenis Bantuan"),
        "amount": ("Nominal", "Jumlah", "Nominal Bantuan"),
        "paid_date": ("Tgl Salur", "Tanggal Salur", "Tanggal Penyaluran", "Tgl Penyaluran"),
    },
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    REGISTRATION: ("nik", "status"),
    BILL: ("nik", "period", "amount"),
    CLAIMS: ("nik", "type", "incident_date"),
    ASSISTANCE: ("nik",),
}
LABELS: dict[str, str] = {
    "nik": "NIK", "kpj": "No KPJ", "name": "Nama", "status": "Status", "reason": "Keterangan",
    "period": "Periode", "programme": "Program", "amount": "Iuran/Nominal", "type": "Jenis",
    "incident_date": "Tgl Kejadian", "submitted_date": "Tgl Pengajuan", "paid_date": "Tgl Bayar",
    "heir": "Nama Ahli Waris",
}  # fmt: skip
_DATE_FIELDS = ("incident_date", "submitted_date", "paid_date")
KINDS: tuple[str, ...] = (REGISTRATION, BILL, CLAIMS, ASSISTANCE)
#: The import kind (:data:`ucjamsostek.core.filelimits.IMPORT_KINDS`) whose limits each file keeps to.
IMPORT_KIND: dict[str, str] = {
    REGISTRATION: filelimits.REGISTRATION,
    BILL: filelimits.BILL,
    CLAIMS: filelimits.CLAIMS,
    ASSISTANCE: filelimits.ASSISTANCE,
}


def _header_map(kind: str) -> dict[str, str]:
    spec = _COMMON | _SPECS[kind]
    return {nz.header_key(h): fld for fld, hs in spec.items() for h in hs}


@dataclass
class BpjsTable:
    kind: str
    frame: pl.DataFrame
    source: str
    header_row: int
    columns: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    total_row: int | None = None  # a bill's trailing total row (checked against the lines, not a line)


# --------------------------------------------------------------------------------- value parsing
_MONTHS_ALT = "|".join(sorted(nz.MONTHS, key=len, reverse=True))


def period_expr(raw: pl.Expr) -> pl.Expr:
    """``2026-01``, ``01/2026``, ``1-2026``, ``Januari 2026``, ``Jan-26``? (no: 4-digit years only),
    or a full date → the first day of the month (``pl.Date``); null when unreadable."""
    t = raw.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    ym = t.str.extract_groups(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2}(?:[ t].*)?)?$")
    my = t.str.extract_groups(r"^(\d{1,2})[-/.](\d{4})$")
    dmy = t.str.extract_groups(r"^\d{1,2}[-/.](\d{1,2})[-/.](\d{4})$")
    named = t.str.extract_groups(rf"^(?:\d{{1,2}}\s+)?({_MONTHS_ALT})\.?[\s\-/]*(\d{{4}})$")
    month_no = named.struct.field("1").replace_strict(
        {k: str(v) for k, v in nz.MONTHS.items()}, default=None, return_dtype=pl.Utf8
    )

    def first(y: pl.Expr, m: pl.Expr) -> pl.Expr:
        return pl.format("{}-{}-01", y, m.str.zfill(2)).str.to_date("%Y-%m-%d", strict=False)

    return pl.coalesce(
        first(ym.struct.field("1"), ym.struct.field("2")),
        first(my.struct.field("2"), my.struct.field("1")),
        first(dmy.struct.field("2"), dmy.struct.field("1")),
        first(named.struct.field("2"), month_no),
    )


def parse_period(text: str) -> date:
    """One period text → first day of the month; :class:`UserError` (Indonesian) when unreadable."""
    value = pl.select(period_expr(pl.lit(str(text)))).item()
    if value is None:
        raise UserError(f"Periode tidak terbaca: {text!r} (contoh: 2026-01, 01/2026, Januari 2026)")
    return value


# ------------------------------------------------------------------------------------- reading
def read_bpjs_file(
    path: str | Path,
    kind: str,
    *,
    display_name: str | None = None,
    sheet: str | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
) -> BpjsTable:
    """Read one BPJS file of ``kind`` (:data:`KINDS`); :class:`IntakeError` when it cannot be used,
    among others when it passes the limits of its import kind (:mod:`ucjamsostek.core.filelimits`:
    a workbook 64 MB, a bill in csv 1 GB since a 1.000.000-line bill is larger than 64 MB);
    ``max_bytes`` lowers the size limit. A file with a header but no data row is refused: an empty
    file never replaces data."""
    if kind not in KINDS:
        raise ValueError(f"Jenis berkas BPJS tidak dikenal: {kind!r}")
    p = Path(path)
    display = display_name or p.name
    cells = read_cell_columns(p, kind=IMPORT_KIND[kind], sheet=sheet, display_name=display, max_bytes=max_bytes)
    sheet_name, offset = cells.sheet, cells.first_row - 1
    rows = cells.head(HEADER_SEARCH_ROWS)
    headers = _header_map(kind)
    best: tuple[int, dict[int, str]] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, str] = {}
        for j, cell in enumerate(row):
            fld = headers.get(nz.header_key(cell))
            if fld is not None and fld not in found.values():
                found[j] = fld
        if "nik" in found.values() and (best is None or len(found) > len(best[1])):
            best = (i, found)
    where: dict[str, Any] = {"file": display, "sheet": sheet_name}
    if best is None:
        raise IntakeError("Baris judul kolom tidak ditemukan (kolom NIK wajib ada).", **where)
    h, found = best
    matched = {j: f for j, c in enumerate(rows[h]) if (f := headers.get(nz.header_key(c))) is not None}
    check_duplicate_headers(rows[h], matched, {**where, "row": h + 1 + offset})
    missing = [f for f in _REQUIRED[kind] if f not in found.values()]
    if missing:
        seen = ", ".join(str(c).strip() for c in rows[h] if cell_text(c))
        raise IntakeError(
            f"Kolom wajib tidak ditemukan: {', '.join(LABELS[f] for f in missing)}. Judul kolom yang ada: {seen}.",
            row=h + 1 + offset,
            **where,
        )
    # column-wise, blank trailing rows included: rows without any value are dropped below
    columns = {fld: cells.column(j, h + 1, nik=fld == "nik") for j, fld in found.items()}
    first_row = h + 2 + offset
    rows_seen = pl.int_range(first_row, first_row + max(cells.height - h - 1, 0), dtype=pl.Int64, eager=True)
    raw = pl.DataFrame({"row": rows_seen} | columns, schema={"row": pl.Int64} | {f: pl.Utf8 for f in columns})
    raw = raw.filter(pl.any_horizontal(pl.all().exclude("row").is_not_null()))
    if raw.height == 0:
        raise IntakeError("Tidak ada baris data di bawah baris judul kolom.", row=h + 1 + offset, **where)
    total: tuple[int, str | None] | None = None
    if kind == BILL:
        raw, total = _split_total_row(raw, cells)
    frame = _normalise(raw, kind, today or date.today(), where)
    if total is not None:
        _check_total(frame, *total, where)
    col_names = {fld: str(rows[h][j]).strip() for j, fld in found.items()}
    return BpjsTable(
        kind=kind,
        frame=frame,
        source=display,
        header_row=h + 1 + offset,
        columns=col_names,
        unmatched=[str(c).strip() for j, c in enumerate(rows[h]) if j not in found and cell_text(c)],
        total_row=total[0] if total is not None else None,
    )


#: A cell that names a bill's total row: ``Jumlah``, ``Total``, ``Grand Total``, ``Sub Total``, …
_TOTAL_WORD = re.compile(r"^\s*(grand\s*total|sub\s*total|total|jumlah)\b", re.IGNORECASE)


def _split_total_row(raw: pl.DataFrame, cells: CellColumns) -> tuple[pl.DataFrame, Any]:
    """A bill's last row is its total when it carries no NIK and either a cell of the row says
    ``Jumlah``/``Total`` or nothing but the amount is filled. Returns the lines without it and
    ``(row, amount text)`` of the total row (``None`` when there is none)."""
    if raw.height == 0:
        return raw, None
    last = raw.row(raw.height - 1, named=True)
    nik_digits = re.sub(r"\D", "", last.get("nik") or "")
    if nik_digits:
        return raw, None
    texts = (cell_text(c) for c in cells.row(last["row"] - cells.first_row))
    labelled = any(_TOTAL_WORD.match(c) for c in texts if c)
    amount_only = last.get("amount") is not None and all(
        v is None for k, v in last.items() if k not in ("row", "amount", "nik")
    )
    if not (labelled or amount_only):
        return raw, None
    return raw.slice(0, raw.height - 1), (int(last["row"]), last.get("amount"))


def _check_total(frame: pl.DataFrame, row: int, text: str | None, where: dict[str, Any]) -> None:
    """The total row must equal the sum of the lines: a bill whose total disagrees has lost or
    gained a line on the way, and is refused saying by how much."""
    at: dict[str, Any] = {"row": row, "column": LABELS["amount"], **where}
    if text is None:
        raise IntakeError("Baris total tagihan tidak berisi jumlah; isi jumlahnya atau hapus baris itu", **at)
    try:
        stated = parse_rupiah(text)
    except UserError as exc:
        raise IntakeError(f"Baris total tagihan: {exc}", **at) from None
    lines = int(frame["amount"].sum() or 0)
    if stated != lines:
        raise IntakeError(
            f"Baris total tagihan {format_rupiah(stated)} tidak sama dengan jumlah iuran {frame.height} baris "
            f"tagihan {format_rupiah(lines)} (selisih {format_rupiah(stated - lines)}). Periksa apakah ada "
            "baris yang hilang atau bertambah",
            **at,
        )


def _fail_first(frame: pl.DataFrame, bad: pl.Expr, fld: str, message: str, where: dict[str, Any]) -> None:
    hit = frame.filter(bad)
    if hit.height:
        row = int(hit["row"][0])
        more = f" (dan {hit.height - 1} baris lain)" if hit.height > 1 else ""
        raise IntakeError(message + more, row=row, column=LABELS.get(fld, fld), **where)


def _fail_amount(frame: pl.DataFrame, bad: pl.Expr, where: dict[str, Any]) -> None:
    """The first unreadable amount, with the reason :func:`~ucjamsostek.core.money.parse_rupiah`
    gives for it (``16,000`` is not sixteen rupiah: it is refused, saying why)."""
    hit = frame.filter(bad)
    if hit.height:
        raw = hit["amount_raw"][0]
        why = rupiah_problem(raw) if raw is not None else "Jumlah uang kosong."
        _fail_first(frame, bad, "amount", why.rstrip("."), where)


#: Columns whose values repeat from line to line (a bill's period, amount and programme): their
#: fields are computed once per distinct value and joined back, not once per line.
_REPEATING = ("status", "reason", "amount", "period", "programme", "type", "paid_date", *_DATE_FIELDS)


def _select_by_distinct(raw: pl.DataFrame, exprs: dict[str, pl.Expr]) -> pl.DataFrame:
    """``raw.select("row", **exprs)``, with each expression over one :data:`_REPEATING` column
    evaluated on that column's distinct values (the regular expressions of a period or an amount
    run a few times for a million-line bill, not a million)."""
    groups: dict[str, dict[str, pl.Expr]] = {}
    per_row: dict[str, pl.Expr] = {}
    for name, expr in exprs.items():
        roots = set(expr.meta.root_names())
        source = roots.pop() if len(roots) == 1 else None
        if source in _REPEATING and source in raw.columns:
            groups.setdefault(source, {})[name] = expr
        else:
            per_row[name] = expr
    frame = raw.select(pl.col("row"), *(pl.col(c).alias(f"_src_{c}") for c in groups), **per_row)
    for source, group in groups.items():
        key = f"_src_{source}"
        values = raw.select(pl.col(source).unique()).select(pl.col(source).alias(key), **group)
        frame = frame.join(values, on=key, how="left", nulls_equal=True, maintain_order="left").drop(key)
    return frame.select("row", *exprs)


def _normalise(raw: pl.DataFrame, kind: str, today: date, where: dict[str, Any]) -> pl.DataFrame:
    cols = raw.columns

    def text(fld: str) -> pl.Expr:
        return nz.text_expr(pl.col(fld)) if fld in cols else pl.lit(None, dtype=pl.Utf8)

    exprs: dict[str, pl.Expr] = {
        "nik": nz.nik_clean_expr(pl.col("nik")),
        "kpj": text("kpj").str.replace_all(r"[\s.\-']", ""),
        "name": text("name"),
        "status": text("status"),
    }
    if kind == REGISTRATION:
        exprs["reason"] = text("reason")
    if kind in (BILL, ASSISTANCE, CLAIMS):
        exprs["amount"] = rupiah_expr(pl.col("amount")) if "amount" in cols else pl.lit(None, dtype=pl.Int64)
        exprs["amount_raw"] = text("amount")
    if kind == BILL:
        exprs["period"] = period_expr(pl.col("period"))
        exprs["period_raw"] = text("period")
        exprs["programme"] = text("programme")
    if kind == CLAIMS:
        exprs["type"] = text("type")
        exprs["heir"] = text("heir")
        for d in _DATE_FIELDS:
            exprs[d] = nz.date_expr(pl.col(d), today) if d in cols else pl.lit(None, dtype=pl.Date)
            exprs[d + "_raw"] = text(d)
    if kind == ASSISTANCE:
        exprs["programme"] = text("programme")
        exprs["paid_date"] = (
            nz.date_expr(pl.col("paid_date"), today) if "paid_date" in cols else pl.lit(None, dtype=pl.Date)
        )
        exprs["paid_date_raw"] = text("paid_date")
    frame = _select_by_distinct(raw, exprs)
    _fail_first(frame, ~pl.col("nik").str.contains(r"^\d{16}$"), "nik", "NIK harus 16 angka", where)
    if kind == BILL:
        _fail_first(
            frame,
            pl.col("period").is_null(),
            "period",
            "Periode tidak terbaca (contoh: 2026-01, 01/2026, Januari 2026)",
            where,
        )
        _fail_amount(frame, pl.col("amount").is_null(), where)
    if kind in (CLAIMS, ASSISTANCE):
        _fail_amount(frame, pl.col("amount").is_null() & pl.col("amount_raw").is_not_null(), where)
    if kind in (BILL, CLAIMS, ASSISTANCE):
        # A bill, a claim or a payout is never a negative sum: corrections come as a new file.
        _fail_first(
            frame,
            pl.col("amount") < 0,
            "amount",
            "Nominal tidak boleh negatif; koreksi tagihan dikirim sebagai berkas baru",
            where,
        )
    if kind == CLAIMS:
        for d in _DATE_FIELDS:
            _fail_first(
                frame,
                pl.col(d).is_null() & pl.col(d + "_raw").is_not_null(),
                d,
                "Tanggal tidak terbaca (contoh: 31-01-2025)",
                where,
            )
        _fail_first(frame, pl.col("incident_date").is_null(), "incident_date", "Tanggal kejadian wajib diisi", where)
    if kind == ASSISTANCE:
        _fail_first(
            frame,
            pl.col("paid_date").is_null() & pl.col("paid_date_raw").is_not_null(),
            "paid_date",
            "Tanggal tidak terbaca (contoh: 31-01-2025)",
            where,
        )
    if kind == REGISTRATION:
        _fail_first(frame, pl.col("status").is_null(), "status", "Status wajib diisi (diterima/ditolak)", where)
    return frame


# --------------------------------------------------------------------------------- status words
_ACCEPTED = ("diterima", "terima", "aktif", "sukses", "berhasil", "ok", "terdaftar", "accepted")
_REFUSED = ("ditolak", "tolak", "gagal", "tidakterdaftar", "rejected", "invalid")


def registration_status_expr(raw: pl.Expr) -> pl.Expr:
    """``accepted`` / ``rejected`` / null (unknown) from BPJS's status words."""
    key = raw.cast(pl.Utf8).str.to_lowercase().str.replace_all(r"[^a-z]", "")
    return (
        pl.when(key.is_in(list(_ACCEPTED))).then(pl.lit("accepted"))
        .when(key.is_in(list(_REFUSED))).then(pl.lit("rejected"))
    )  # fmt: skip
