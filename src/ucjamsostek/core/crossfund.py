"""Cross-funder overlap (issue 13 §2): people covered by two or more funders in the same months.

**The roster file** (``ucjamsostek roster export``; one format every deployment writes and a
province or national instance reads): a UTF-8 csv, comma-separated, with exactly these columns
in the header (:data:`ROSTER_COLUMNS`), one row per person, funder and stretch of coverage at one
monthly contribution:

| column | content |
|---|---|
| ``funder`` | who pays: funder code and exporting area, ``apbd_kab@74.13`` (Muna Barat's APBD) |
| ``nik`` | 16 digits (a NIK whose date or region segment is impossible is kept and compared) |
| ``name`` | as registered |
| ``birth_date`` | ``YYYY-MM-DD`` |
| ``village_code`` | Kemendagri desa/kelurahan code ``74.13.01.2008``, or empty when unknown |
| ``segment`` | the segment code (``pekerja_rentan``…), may be empty |
| ``coverage_start`` | ``YYYY-MM-DD``, first covered day |
| ``coverage_end`` | ``YYYY-MM-DD``, first day *not* covered (``[start, end)`` as everywhere), empty = open |
| ``monthly_contribution`` | whole rupiah the funder pays per month for this stretch (``16800``) |

The same ``funder`` text is one funder in any file; the same code from another regency's export
(``apbd_kab@74.03``) is another funder. A period whose contribution changes (a new rate) is
written as two rows split at the first day of the month the new rate applies (:func:`roster_rows`).

**Who is the same person**: the screening's own record linkage, :func:`ucjamsostek.core.linkage.link`
— exact NIK, and probable matches (another NIK, a name spelling variant) from the shipped model at
its threshold — over the distinct person records (NIK, name, birth date, village) of every file.
A person is a cluster of linked records.

**Months**: a month is covered by a row when the row's period overlaps it on any day (the rule of
billing and reconciliation, :func:`ucjamsostek.core.rates.coverage_months`); an open period counts
through the month of ``as_of``. A person is *funded twice* in a month covered by two different
funders. For each person and pair of funders (funders in text order, ``funder_a < funder_b``):

* ``months`` — the months both funders cover;
* ``rupiah_twice`` — per such month the smaller of the two monthly contributions (what one of
  them paid for protection the other already paid), summed. A funder listing the person twice for
  one month counts once, at its larger contribution.

Each person-pair names one record of each funder (the first in file order among the rows that
cover the overlapping months), how they matched (``exact``: same NIK; ``probable``: different
NIKs, with the linkage's probability of the pair when it was scored directly, else the lower of
the two records' best link) and the region: the regency (``74.13``) of funder A's record's
village, else of funder B's, else empty.

Output: :func:`find_overlaps` gives the person-pairs (:data:`PAIR_COLUMNS`, the csv) and the
summary per funder pair and region (:data:`SUMMARY_COLUMNS`): people, months, rupiah, and how
many people matched by NIK and how many only probably. Nothing here logs NIKs or names.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from ucjamsostek.core import csvout, filelimits, intake, linkage, xlsxout
from ucjamsostek.core.errors import IntakeError, UserError
from ucjamsostek.core.nik import NIK_PROBLEM_TEXT, NikProblem
from ucjamsostek.core.normalize import nik_parts
from ucjamsostek.core.rates import RateError, RateTable

ROSTER_COLUMNS: tuple[str, ...] = (
    "funder",
    "nik",
    "name",
    "birth_date",
    "village_code",
    "segment",
    "coverage_start",
    "coverage_end",
    "monthly_contribution",
)

PAIR_COLUMNS: tuple[str, ...] = (
    "funder_a",
    "funder_b",
    "region",
    "match",
    "probability",
    "months",
    "first_month",
    "last_month",
    "rupiah_twice",
    "nik_a",
    "name_a",
    "birth_date_a",
    "village_code_a",
    "segment_a",
    "file_a",
    "line_a",
    "nik_b",
    "name_b",
    "birth_date_b",
    "village_code_b",
    "segment_b",
    "file_b",
    "line_b",
)

SUMMARY_COLUMNS: tuple[str, ...] = (
    "funder_a",
    "funder_b",
    "region",
    "people",
    "people_exact",
    "people_probable",
    "months",
    "rupiah_twice",
)

EXACT = "exact"
PROBABLE = "probable"

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_VILLAGE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
_RUPIAH = r"^\d{1,12}$"

_FORMAT_PROBLEMS = (NikProblem.NOT_DIGITS, NikProblem.SCIENTIFIC, NikProblem.LENGTH)

Progress = Callable[[str, float], None]


class CrossfundError(UserError):
    """Rosters that cannot be compared (e.g. only one funder); the message is in Bahasa Indonesia."""


@dataclass(frozen=True)
class CrossfundResult:
    """What :func:`find_overlaps` found: ``pairs`` (:data:`PAIR_COLUMNS`), ``summary``
    (:data:`SUMMARY_COLUMNS`) and the input's size per file and funder (``inputs``: ``file``,
    ``funder``, ``rows``, ``people``)."""

    pairs: pl.DataFrame
    summary: pl.DataFrame
    inputs: pl.DataFrame

    def totals(self) -> dict[str, int]:
        """People funded twice (distinct across funder pairs), person-pairs, months, rupiah."""
        return {
            "people": self.pairs["cluster"].n_unique(),
            "pairs": self.pairs.height,
            "months": int(self.pairs["months"].sum()),
            "rupiah_twice": int(self.pairs["rupiah_twice"].sum()),
        }


# --------------------------------------------------------------------------------- reading


def _fail_first(frame: pl.DataFrame, bad: pl.Expr, column: str, message: str, display: str) -> None:
    """Raise the located error of the first row where ``bad`` holds (and how many more there are)."""
    hit = frame.filter(bad)
    if hit.height:
        more = f" (dan {hit.height - 1} baris lain)" if hit.height > 1 else ""
        raise IntakeError(message + more, file=display, row=int(hit["line"][0]), column=column)


def _check_header(path: Path, display: str) -> None:
    with path.open("rb") as fh:
        head = fh.readline(64 * 1024)
    text = head.decode("utf-8-sig", errors="replace").strip()
    header = [c.strip() for c in text.split(",")]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise IntakeError(
            f"Bukan daftar peserta format ucjamsostek (roster export): kolom {', '.join(missing)} tidak ada. "
            f"Judul kolom harus: {','.join(ROSTER_COLUMNS)}",
            file=display,
            row=1,
        )
    doubled = sorted({c for c in header if c and header.count(c) > 1})
    if doubled:
        raise IntakeError(f"Judul kolom {', '.join(doubled)} muncul lebih dari sekali.", file=display, row=1)


#: How many data lines :func:`check_roster` reads (the head of the file).
HEAD_ROWS = 1000


def _read_raw(p: Path, display: str, n_rows: int | None) -> pl.DataFrame:
    """The roster's text columns with ``line``, after the file, format, header, row-count (a whole
    read) and cell-length checks; only the first ``n_rows`` data lines when given."""
    limits = filelimits.limits_for(filelimits.ROSTER)
    intake.check_file(p, kind=limits, display_name=display)
    if intake.sniff_format(p) != "csv":
        raise IntakeError("Daftar peserta harus berkas csv hasil 'ucjamsostek roster export'.", file=display)
    _check_header(p, display)
    try:
        raw = pl.read_csv(
            p,
            columns=list(ROSTER_COLUMNS),
            infer_schema=False,
            encoding="utf8",
            row_index_name="line",
            row_index_offset=2,
            n_rows=n_rows,
        )
    except Exception as exc:  # polars' ComputeError names the line
        raise IntakeError(f"Isi CSV tidak dapat dibaca: {str(exc).splitlines()[0]}", file=display) from exc
    if raw.height == 0:
        raise IntakeError("Berkas kosong: tidak ada data.", file=display)
    if n_rows is None and raw.height + 1 > limits.rows:
        raise filelimits.too_many_rows(display, limits)
    intake.check_long_cells(raw, [c for c in raw.columns if c != "line"], 0, display, limits, index="line")
    return raw


def check_roster(path: str | os.PathLike[str], *, display_name: str | None = None) -> None:
    """What an upload of a roster checks before it is queued, reading only its first
    :data:`HEAD_ROWS` lines: the file, csv, header (no column missing or twice), at least one data
    line and the cell limits, with the located message :func:`read_roster` would give."""
    p = Path(path)
    _read_raw(p, display_name or p.name, HEAD_ROWS)


def read_roster(path: str | os.PathLike[str], *, display_name: str | None = None) -> pl.DataFrame:
    """One roster file, checked: ``line`` (csv line as the user sees it), the :data:`ROSTER_COLUMNS`
    typed (dates as Date, ``monthly_contribution`` Int64), ``sex`` from the NIK, and ``file``.

    Raises :class:`IntakeError` with the file, line and column of the first problem of each kind
    (and how many lines have it); nothing is returned half read."""
    p = Path(path)
    display = display_name or p.name
    raw = _read_raw(p, display, None)
    text = {c: pl.col(c).str.strip_chars().replace("", None) for c in ROSTER_COLUMNS}
    frame = raw.select(pl.col("line").cast(pl.Int64), **text)
    _check_values(frame, display)
    typed = frame.select(
        "line",
        "funder",
        "nik",
        "name",
        pl.col("birth_date").str.to_date("%Y-%m-%d"),
        "village_code",
        "segment",
        pl.col("coverage_start").str.to_date("%Y-%m-%d"),
        pl.col("coverage_end").str.to_date("%Y-%m-%d"),
        pl.col("monthly_contribution").cast(pl.Int64),
    )
    _fail_first(
        typed,
        pl.col("coverage_end").is_not_null() & (pl.col("coverage_end") <= pl.col("coverage_start")),
        "coverage_end",
        "Akhir perlindungan harus sesudah mulai perlindungan.",
        display,
    )
    parts = nik_parts(typed.select("line", "nik", "birth_date"), date.today())
    # Only a NIK that is not 16 digits is refused: a paid record whose NIK has an impossible date
    # segment is still someone's coverage, and compared like any other (by NIK and by linkage).
    for problem in _FORMAT_PROBLEMS:
        _fail_first(parts, pl.col("nik_problem") == problem.value, "nik", f"{NIK_PROBLEM_TEXT[problem]}.", display)
    return typed.with_columns(sex=parts["nik_sex"], file=pl.lit(display))


def _check_values(frame: pl.DataFrame, display: str) -> None:
    for column, label in (
        ("funder", "Sumber dana"),
        ("nik", "NIK"),
        ("name", "Nama"),
        ("birth_date", "Tanggal lahir"),
        ("coverage_start", "Mulai perlindungan"),
        ("monthly_contribution", "Iuran bulanan"),
    ):
        _fail_first(frame, pl.col(column).is_null(), column, f"{label} kosong.", display)
    for column, label in (("birth_date", "Tanggal lahir"), ("coverage_start", "Mulai perlindungan")):
        _bad_date(frame, column, label, display)
    _bad_date(frame, "coverage_end", "Akhir perlindungan", display)
    _fail_first(
        frame,
        pl.col("village_code").is_not_null() & ~pl.col("village_code").str.contains(_VILLAGE),
        "village_code",
        "Kode desa harus kode Kemendagri bertitik, mis. 74.13.01.2008.",
        display,
    )
    _fail_first(
        frame,
        ~pl.col("monthly_contribution").str.contains(_RUPIAH),
        "monthly_contribution",
        "Iuran bulanan harus rupiah bulat tanpa titik atau 'Rp' (mis. 16800).",
        display,
    )


def _bad_date(frame: pl.DataFrame, column: str, label: str, display: str) -> None:
    value = pl.col(column)
    parsed = value.str.to_date("%Y-%m-%d", strict=False)
    bad = value.is_not_null() & (~value.str.contains(_ISO_DATE) | parsed.is_null())
    _fail_first(frame, bad, column, f"{label} harus tanggal YYYY-MM-DD yang ada di kalender.", display)


def read_rosters(
    paths: Sequence[str | os.PathLike[str]], *, display_names: Sequence[str] | None = None
) -> pl.DataFrame:
    """Every file read by :func:`read_roster` (all of them, or an error before anything is used),
    stacked with a global ``row`` id in file and line order."""
    if not paths:
        raise CrossfundError("Tidak ada berkas daftar peserta.")
    names = list(display_names) if display_names is not None else [Path(p).name for p in paths]
    frames = [read_roster(p, display_name=n) for p, n in zip(paths, names, strict=True)]
    stacked = pl.concat(frames, how="vertical")
    return stacked.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))


# --------------------------------------------------------------------------------- overlap


def _month_index(day: pl.Expr) -> pl.Expr:
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


def _people(rosters: pl.DataFrame, progress: Progress | None, engine: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per row: ``rid`` (its distinct person record: NIK, name, birth date, sex, village),
    ``cluster`` (the person: the linkage's cluster of records, else the record itself) and
    ``link_p`` (the record's best link, 1.0 when exact or alone); and the directly scored pairs
    of records (``row_l``/``row_r`` are ``rid``s)."""
    person_cols = ["nik", "name", "birth_date", "sex", "village_code"]
    records = rosters.select(person_cols).unique(maintain_order=True).with_row_index("rid", offset=1)
    records = records.with_columns(pl.col("rid").cast(pl.Int64))
    found = linkage.link(records.select(pl.col("rid").alias("row"), *person_cols), progress=progress, engine=engine)
    clusters = found.clusters.select(rid="row", cluster="cluster", link_p="probability")
    rows = (
        rosters.select("row", *person_cols)
        .join(records, on=person_cols, how="left", nulls_equal=True)
        .join(clusters, on="rid", how="left")
        .select(
            "row",
            "rid",
            cluster=pl.coalesce("cluster", pl.lit("R") + pl.col("rid").cast(pl.Utf8)),
            link_p=pl.col("link_p").fill_null(1.0),
        )
    )
    return rows, found.pairs


def _regency(code: pl.Expr) -> pl.Expr:
    return code.str.slice(0, 5)


def find_overlaps(
    rosters: pl.DataFrame, *, as_of: date, progress: Progress | None = None, engine: str = "duckdb"
) -> CrossfundResult:
    """People of ``rosters`` (:func:`read_rosters`) covered by two funders in the same months;
    see the module doc. ``engine``: where the linkage scores pairs (``core.linkage.ENGINES``)."""
    funders = rosters["funder"].n_unique()
    if funders < 2:
        raise CrossfundError(
            "Semua baris berasal dari satu sumber dana: perbandingan antarsumber dana memerlukan paling sedikit dua."
        )
    inputs = (
        rosters.group_by("file", "funder", maintain_order=True)
        .agg(rows=pl.len(), people=pl.col("nik").n_unique())
        .with_columns(pl.col("rows", "people").cast(pl.Int64))
    )
    linked, scored = _people(rosters, progress, engine)
    if progress is not None:
        progress("overlap", 0.0)
    last = as_of.year * 12 + as_of.month - 1
    rows = (
        rosters.join(linked, on="row", how="inner")
        .filter(pl.col("funder").n_unique().over("cluster") > 1)
        .with_columns(
            m0=_month_index(pl.col("coverage_start")),
            m1=pl.when(pl.col("coverage_end").is_null())
            .then(pl.lit(last + 1, dtype=pl.Int32))
            .otherwise(_month_index(pl.col("coverage_end") - timedelta(days=1)) + 1),
        )
    )
    monthly = (
        rows.with_columns(month=pl.int_ranges("m0", pl.max_horizontal("m0", "m1"), dtype=pl.Int32))
        .explode("month")
        .drop_nulls("month")
        .group_by("cluster", "funder", "month")
        .agg(pl.col("monthly_contribution").max().alias("rp"), pl.col("row").min().alias("row"))
    )
    both = (
        monthly.join(monthly, on=["cluster", "month"], suffix="_b")
        .filter(pl.col("funder") < pl.col("funder_b"))
        .group_by("cluster", "funder", "funder_b")
        .agg(
            months=pl.len().cast(pl.Int64),
            first=pl.col("month").min(),
            last=pl.col("month").max(),
            rupiah_twice=pl.min_horizontal("rp", "rp_b").sum().cast(pl.Int64),
            row_a=pl.col("row").min(),
            row_b=pl.col("row_b").min(),
        )
    )
    pairs = _describe(both, rosters, linked, scored)
    summary = _summarise(pairs)
    if progress is not None:
        progress("overlap", 1.0)
    return CrossfundResult(pairs=pairs, summary=summary, inputs=inputs)


def _month_text(index: pl.Expr) -> pl.Expr:
    return pl.concat_str([(index // 12).cast(pl.Utf8), pl.lit("-"), ((index % 12) + 1).cast(pl.Utf8).str.zfill(2)])


def _describe(both: pl.DataFrame, rosters: pl.DataFrame, linked: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    detail = rosters.select("row", "nik", "name", "birth_date", "village_code", "segment", "file", "line").join(
        linked.select("row", "rid", "link_p"), on="row"
    )
    a = detail.rename({c: f"{c}_a" for c in detail.columns if c != "row"})
    b = detail.rename({c: f"{c}_b" for c in detail.columns if c != "row"})
    direct = pl.concat(
        [
            scored.select(ra="row_l", rb="row_r", p="probability"),
            scored.select(ra="row_r", rb="row_l", p="probability"),
        ]
    ).unique(["ra", "rb"])
    out = (
        both.join(a, left_on="row_a", right_on="row")
        .join(b, left_on="row_b", right_on="row")
        .join(direct, left_on=["rid_a", "rid_b"], right_on=["ra", "rb"], how="left")
        .with_columns(same_nik=pl.col("nik_a") == pl.col("nik_b"))
        .with_columns(
            match=pl.when("same_nik").then(pl.lit(EXACT)).otherwise(pl.lit(PROBABLE)),
            probability=pl.when("same_nik")
            .then(pl.lit(1.0))
            .otherwise(pl.coalesce("p", pl.min_horizontal("link_p_a", "link_p_b")))
            .round(4),
            region=pl.coalesce(_regency(pl.col("village_code_a")), _regency(pl.col("village_code_b")), pl.lit("")),
        )
        .select(
            cluster="cluster",
            funder_a="funder",
            funder_b="funder_b",
            region="region",
            match="match",
            probability="probability",
            months="months",
            first_month=_month_text(pl.col("first")),
            last_month=_month_text(pl.col("last")),
            rupiah_twice="rupiah_twice",
            nik_a="nik_a",
            name_a="name_a",
            birth_date_a="birth_date_a",
            village_code_a="village_code_a",
            segment_a="segment_a",
            file_a="file_a",
            line_a="line_a",
            nik_b="nik_b",
            name_b="name_b",
            birth_date_b="birth_date_b",
            village_code_b="village_code_b",
            segment_b="segment_b",
            file_b="file_b",
            line_b="line_b",
        )
        .sort("funder_a", "funder_b", "region", "file_a", "line_a")
    )
    return out


def _summarise(pairs: pl.DataFrame) -> pl.DataFrame:
    exact = pl.col("match") == EXACT
    return (
        pairs.group_by("funder_a", "funder_b", "region")
        .agg(
            people=pl.len(),
            people_exact=exact.sum(),
            people_probable=(~exact).sum(),
            months=pl.col("months").sum(),
            rupiah_twice=pl.col("rupiah_twice").sum(),
        )
        .with_columns(pl.col("people", "people_exact", "people_probable", "months", "rupiah_twice").cast(pl.Int64))
        .sort("funder_a", "funder_b", "region")
        .select(SUMMARY_COLUMNS)
    )


# --------------------------------------------------------------------------------- outputs

PAIRS_CSV = "pasangan-dana-ganda.csv"
SUMMARY_XLSX = "ringkasan-dana-ganda.xlsx"

SUMMARY_HEADERS = (
    "Sumber dana A",
    "Sumber dana B",
    "Wilayah (kab/kota)",
    "Nama wilayah",
    "Orang",
    "Cocok NIK",
    "Kemungkinan sama",
    "Bulan tumpang tindih",
    "Rupiah dibayar ganda",
)


def write_outputs(
    result: CrossfundResult, out_dir: str | os.PathLike[str], *, region_names: dict[str, str]
) -> dict[str, Path]:
    """``pasangan-dana-ganda.csv`` (one line per person-pair, :data:`PAIR_COLUMNS`) and
    ``ringkasan-dana-ganda.xlsx`` (per funder pair and region, then the inputs) in ``out_dir``,
    each written beside its place and renamed in, so a failure leaves no half file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out / PAIRS_CSV, out / SUMMARY_XLSX
    tmp_csv, tmp_xlsx = out / f".{PAIRS_CSV}.tmp", out / f".{SUMMARY_XLSX}.tmp"
    try:
        csvout.write_csv(result.pairs.select(PAIR_COLUMNS), tmp_csv)
        xlsxout.write_workbook(tmp_xlsx, summary_sheets(result, region_names))
        tmp_csv.replace(csv_path)
        tmp_xlsx.replace(xlsx_path)
    finally:
        tmp_csv.unlink(missing_ok=True)
        tmp_xlsx.unlink(missing_ok=True)
    return {"pairs": csv_path, "summary": xlsx_path}


def summary_sheets(result: CrossfundResult, region_names: dict[str, str]) -> list[xlsxout.Sheet]:
    totals = result.totals()
    rows: list[list[Any]] = [
        [r["funder_a"], r["funder_b"], r["region"], region_names.get(r["region"], ""), *_counts(r)]
        for r in result.summary.iter_rows(named=True)
    ]
    rows.append(["Jumlah", "", "", "", totals["people"], "", "", totals["months"], totals["rupiah_twice"]])
    inputs = [[r["file"], r["funder"], r["rows"], r["people"]] for r in result.inputs.iter_rows(named=True)]
    return [
        xlsxout.Sheet(
            "Ringkasan",
            SUMMARY_HEADERS,
            rows,
            title="Penduduk yang dibiayai lebih dari satu sumber dana pada bulan yang sama",
            widths=[22, 22, 14, 28, 10, 12, 16, 18, 20],
        ),
        xlsxout.Sheet("Berkas", ["Berkas", "Sumber dana", "Baris", "NIK berbeda"], inputs, widths=[36, 24, 12, 14]),
    ]


def _counts(r: dict[str, Any]) -> list[int]:
    return [r["people"], r["people_exact"], r["people_probable"], r["months"], r["rupiah_twice"]]


# ------------------------------------------------------------------------------ roster rows


def _boundaries(rates: RateTable) -> list[date]:
    """First days of the months from which some rate row starts or stops applying."""
    days: set[date] = set()
    for r in rates.rows:
        for day in (r.valid_from, r.valid_to + timedelta(days=1) if r.valid_to else None):
            if day is not None:
                first = day if day.day == 1 else (day.replace(day=28) + timedelta(days=4)).replace(day=1)
                days.add(first)
    return sorted(days)


def roster_rows(enrollments: pl.DataFrame, rates: RateTable) -> pl.DataFrame:
    """The roster file's rows (:data:`ROSTER_COLUMNS`) of covered enrollments.

    ``enrollments``: ``enrollment_id``, ``funder`` (the label), ``nik``, ``name``, ``birth_date``,
    ``village_code``, ``segment``, ``start``, ``end`` (``[start, end)``, null = open),
    ``category`` (BPU/PU), ``payer`` (public/other), ``programmes`` (``JKK+JKM``), ``wage`` (null =
    the rate's base). A period is cut at each month from which a rate row starts or stops (the
    month is priced at the rate valid on its first day, as reconciliation does), and neighbouring
    pieces with the same contribution are joined again."""
    cuts = pl.DataFrame({"cut": _boundaries(rates)}, schema={"cut": pl.Date})
    base = enrollments.with_columns(pl.col("start").cast(pl.Date), pl.col("end").cast(pl.Date))
    inner = (
        base.select("enrollment_id", "start", "end")
        .join(cuts, how="cross")
        .filter(
            (pl.col("cut") > pl.col("start").dt.month_start())
            & (pl.col("end").is_null() | (pl.col("cut") < pl.col("end")))
        )
        .select("enrollment_id", piece=pl.col("cut"))
    )
    pieces = (
        pl.concat([base.select("enrollment_id", piece=pl.col("start")), inner])
        .sort("enrollment_id", "piece")
        .join(base, on="enrollment_id")
        .with_columns(
            piece_end=pl.col("piece").shift(-1).over("enrollment_id").fill_null(pl.col("end")),
            month=pl.col("piece").dt.month_start(),
        )
    )
    keys = pieces.select("category", "payer", "programmes", "wage", "month").unique()
    priced = pieces.join(
        _price(keys, rates), on=["category", "payer", "programmes", "wage", "month"], how="left", nulls_equal=True
    ).sort("enrollment_id", "piece")
    runs = priced.with_columns(
        run=(pl.col("rp") != pl.col("rp").shift(1).over("enrollment_id"))
        .fill_null(True)
        .cum_sum()
        .over("enrollment_id")
    )
    merged = runs.group_by("enrollment_id", "run", maintain_order=True).agg(
        pl.col("funder", "nik", "name", "birth_date", "village_code", "segment").first(),
        coverage_start=pl.col("piece").first(),
        coverage_end=pl.col("piece_end").last(),
        monthly_contribution=pl.col("rp").first(),
    )
    return merged.select(ROSTER_COLUMNS)


def write_roster(rows: pl.DataFrame, path: str | os.PathLike[str]) -> Path:
    """The roster file: :data:`ROSTER_COLUMNS`, dates as ``YYYY-MM-DD``, an open end empty."""
    return csvout.write_csv(rows.select(ROSTER_COLUMNS), Path(path), date_format="%Y-%m-%d")


def _price(keys: pl.DataFrame, rates: RateTable) -> pl.DataFrame:
    """Monthly contribution per distinct (category, payer, programmes, wage, month), from the one
    rate table (:meth:`RateTable.monthly_contribution`)."""
    out: list[int] = []
    for rec in keys.iter_rows(named=True):
        programmes = [p for p in str(rec["programmes"]).split("+") if p]
        try:
            out.append(rates.monthly_contribution(rec["category"], rec["payer"], rec["month"], programmes, rec["wage"]))
        except RateError as exc:
            raise CrossfundError(
                f"Iuran bulan {rec['month']:%m/%Y} ({rec['category']}, {'+'.join(programmes)}) "
                f"tidak dapat dihitung: {exc}"
            ) from exc
    return keys.with_columns(pl.Series("rp", out, dtype=pl.Int64))
