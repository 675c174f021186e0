"""Screening orchestration: one nomination file → a decision per row (DESIGN.md §5.3).

``screen_file(path, ctx, opts)`` reads the file (:mod:`ucjamsostek.core.intake`), runs the rules
(:mod:`ucjamsostek.core.rules`), resolves villages, links the batch with itself and the registry
(:func:`ucjamsostek.core.linkage.link`), and gives every row a status with its reason codes;
``write_outputs`` writes ``rows.csv``, ``summary.json`` and ``hasil-validasi.xlsx`` (all or
nothing: written in a temporary folder beside the target and moved in at the end).

Status precedence: rejected beats review beats eligible. Every later (non-first, in file order)
row of a duplicate cluster carries DUPLICATE: rejected when the link is exact (same NIK), review
when it is probable. A registry person matched exactly (same NIK) who is active gives
ALREADY_ENROLLED; one marked deceased gives DECEASED.

Stored review decisions (``ctx.decisions``: ``kind`` 'row'|'pair', ``key``, ``decision``) are
reused so an operator never settles the same question twice:

* a **row key** is ``nik|birth_date`` (cleaned NIK, ISO date; empty text where missing);
  'accept' on a row whose status is *review* makes it eligible; 'reject' on a row that is not
  already rejected rejects it, keeping its codes and adding REVIEW_REJECTED;
* a **pair key** is the two row keys sorted and joined by ``||``; 'distinct' drops a probable
  DUPLICATE when every link of that row to its cluster is decided distinct; 'merge' keeps the
  DUPLICATE and makes it rejected (the operator confirmed the same person).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from ucjamsostek.core import csvout, rules
from ucjamsostek.core import reasons as rc
from ucjamsostek.core.intake import IntakeError, Nominations, read_nominations
from ucjamsostek.core.occupations import classify_occupations
from ucjamsostek.core.references import read_reference_list
from ucjamsostek.core.report import write_report

__all__ = [
    "IntakeError",
    "ScreeningContext",
    "ScreeningOptions",
    "ScreeningResult",
    "screen_file",
    "screen_frame",
    "write_outputs",
    "row_key_expr",
    "ROWS_CSV_COLUMNS",
]

Progress = Callable[[str, float], None]

ROWS_CSV_COLUMNS = ("row", "status", "reasons", "cluster", "region_code")
INPUT_FIELDS = (
    "nik", "nik_raw", "name", "sex", "birth_place", "birth_date", "address", "village", "district",
    "occupation", "phone", "segment", "decile",
)  # fmt: skip
#: Row numbers of rows outside the sender's area listed in the summary (the count is complete).
OUTSIDE_ROWS_LISTED = 50
REFERENCE_CODES = {"enrolled": rc.ALREADY_ENROLLED, "deaths": rc.DECEASED, "asn": rc.ASN}


@dataclass
class ScreeningContext:
    """What a screening reads besides the file: regions, the deployment area, reference lists,
    the registry and stored review decisions. Read-only."""

    regions: pl.DataFrame
    area_code: str
    references: dict[str, pl.DataFrame] = field(default_factory=dict)
    registry: pl.DataFrame | None = None
    decisions: pl.DataFrame | None = None
    _resolver: rules.RegionResolver | None = field(default=None, init=False, repr=False)

    @property
    def resolver(self) -> rules.RegionResolver:
        if self._resolver is None:
            self._resolver = rules.RegionResolver(self.regions, self.area_code)
        return self._resolver

    @classmethod
    def from_reference_files(
        cls,
        regions: pl.DataFrame,
        area_code: str,
        files: dict[str, str | os.PathLike[str]],
        *,
        registry: pl.DataFrame | None = None,
        decisions: pl.DataFrame | None = None,
    ) -> ScreeningContext:
        """A context whose reference lists come from csv/xlsx files (DESIGN.md §5.2), read by
        :func:`ucjamsostek.core.references.read_reference_list` (a bad list raises IntakeError)."""
        return cls(
            regions=regions,
            area_code=area_code,
            references={
                kind: read_reference_list(path).select("nik", "name", "birth_date") for kind, path in files.items()
            },
            registry=registry,
            decisions=decisions,
        )


@dataclass
class ScreeningOptions:
    as_of: date = field(default_factory=date.today)
    age_min: int = 15
    age_max: int = 65
    segment: str | None = None
    sheet: str | None = None
    column_map: dict[str, str] | None = None
    max_bytes: int | None = None  # refuse larger files (default: intake's limits)
    #: The sender's area (a desa or kecamatan code): rows whose desa resolves outside it are not
    #: screened or kept (``summary["outside_area"]`` counts them, ``outside_rows`` lists their
    #: row numbers); rows whose desa is not resolved stay (they follow the sender's area).
    within: str | None = None
    #: Where the record linkage's pairs are scored: "duckdb" (in process) or "spark"
    #: (``core.linkage.ENGINES``); the statuses, reasons and clusters are the same.
    engine: str = "duckdb"


@dataclass
class ScreeningResult:
    rows: pl.DataFrame
    findings: pl.DataFrame
    pairs: pl.DataFrame
    summary: dict[str, Any]
    source: str = ""
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)


def row_key_expr() -> pl.Expr:
    """``nik|birth_date-iso`` of a row (empty parts where missing)."""
    return pl.concat_str(
        [pl.col("nik").fill_null(""), pl.col("birth_date").dt.strftime("%Y-%m-%d").fill_null("")],
        separator="|",
    )


# ------------------------------------------------------------------------------------------ core
def screen_file(
    path: str | os.PathLike[str],
    ctx: ScreeningContext,
    opts: ScreeningOptions | None = None,
    progress: Progress | None = None,
    *,
    source_name: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> ScreeningResult:
    """Read and screen one nomination file. Raises :class:`IntakeError` for unreadable files.
    ``on_rows`` is told how many rows the file holds as soon as it is read (a progress display
    then counts the rows of each later stage)."""
    opts = opts or ScreeningOptions()
    started = time.perf_counter()
    report = progress or (lambda stage, fraction: None)
    report("membaca berkas", 0.0)
    noms = read_nominations(
        path,
        sheet=opts.sheet,
        column_map=opts.column_map,
        today=opts.as_of,
        max_bytes=opts.max_bytes,
        display_name=source_name,
    )
    if on_rows is not None:
        on_rows(noms.frame.height)
    report("membaca berkas", 1.0)
    return screen_frame(noms, ctx, opts, report, started=started)


def _occupation_codes(df: pl.DataFrame) -> pl.DataFrame:
    distinct = df.select(pl.col("occupation").drop_nulls().unique())["occupation"].to_list()
    table = pl.DataFrame(
        {"occupation": distinct, "occupation_code": classify_occupations(distinct)},
        schema={"occupation": pl.Utf8, "occupation_code": pl.Utf8},
    )
    return df.join(table, on="occupation", how="left")


def screen_frame(
    noms: Nominations,
    ctx: ScreeningContext,
    opts: ScreeningOptions,
    progress: Progress | None = None,
    *,
    started: float | None = None,
) -> ScreeningResult:
    """Screen an already read batch (see :func:`screen_file`)."""
    from ucjamsostek.core.linkage import link, probability_text  # heavy: loads Splink (and DuckDB), only when screening

    started = time.perf_counter() if started is None else started
    report = progress or (lambda stage, fraction: None)
    df = noms.frame
    if opts.segment is not None:
        df = df.with_columns(pl.coalesce(pl.col("segment"), pl.lit(opts.segment)).alias("segment"))
    df = rules.with_nik_parts(df, opts.as_of)
    df = _occupation_codes(df)

    report("aturan", 0.0)
    found: list[pl.DataFrame] = [
        rules.required_missing(df),
        rules.nik_invalid(df, opts.as_of),
        rules.nik_birthdate_mismatch(df, opts.as_of),
        rules.nik_sex_mismatch(df, opts.as_of),
        rules.age_out_of_range(df, opts.as_of, opts.age_min, opts.age_max),
    ]
    for kind, code in REFERENCE_CODES.items():
        found.append(rules.on_reference(df, ctx.references.get(kind), code))
    report("aturan", 1.0)
    report("wilayah", 0.0)
    resolver = ctx.resolver
    resolved = resolver.resolve_frame(df)
    found.append(rules.region_findings(df, resolved, resolver.names))
    df = df.join(resolved.select("row", "region_code"), on="row", how="left").with_columns(
        pl.col("region_code").replace_strict(resolver.names, default=None, return_dtype=pl.Utf8).alias("village_name"),
        pl.col("region_code")
        .str.extract(r"^(\d+\.\d+\.\d+)", 1)
        .replace_strict(resolver.names, default=None, return_dtype=pl.Utf8)
        .alias("district_name"),
    )
    outside: list[int] = []
    if opts.within:
        region = pl.col("region_code")
        out_q = region.is_not_null() & (region != opts.within) & ~region.str.starts_with(opts.within + ".")
        outside = df.filter(out_q)["row"].to_list()
        if outside:
            df = df.filter(~out_q)
            found = [f.filter(~pl.col("row").is_in(outside)) for f in found]
    report("wilayah", 1.0)

    # ------------------------------------------------------------------ linkage
    batch = df.select(
        "row",
        pl.when(pl.col("nik_problem").is_null()).then(pl.col("nik")).alias("nik"),
        "name",
        "birth_date",
        "sex",
        pl.col("region_code").alias("village_code"),
        pl.col("region_code").str.extract(r"^(\d+\.\d+\.\d+)", 1).alias("district_code"),
    )
    registry = None
    if ctx.registry is not None and ctx.registry.height > 0:
        registry = ctx.registry.select("person_id", "nik", "name", "birth_date", "sex", "village_code")

    def link_progress(stage: str, fraction: float) -> None:
        report("pencocokan", fraction)

    linked = link(batch, registry, progress=link_progress, engine=opts.engine)
    clusters = linked.clusters
    firsts = clusters.filter(pl.col("first")).select("cluster", pl.col("row").alias("first_row"))
    dups = (
        clusters.filter(~pl.col("first"))
        .join(firsts, on="cluster", how="left")
        .select(
            pl.col("row").cast(pl.Int64),
            pl.lit(rc.DUPLICATE).alias("code"),
            pl.when(pl.col("kind") == "exact")
            .then(pl.format("NIK sama dengan baris {}", pl.col("first_row")))
            .otherwise(
                pl.format(
                    "Kemungkinan orang yang sama dengan baris {} (peluang kecocokan {})",
                    pl.col("first_row"),
                    # truncated, never rounded up to a false 100 %
                    pl.col("probability").map_elements(probability_text, return_dtype=pl.Utf8),
                )
            )
            .alias("message"),
            pl.col("kind").alias("dup_kind"),
            "cluster",
        )
    )
    if registry is not None and ctx.registry is not None:
        reg = ctx.registry.select("person_id", "active", "deceased")
        exact = linked.registry_matches.filter(pl.col("kind") == "exact").join(reg, on="person_id", how="inner")
        found.append(
            exact.filter(pl.col("active")).select(
                pl.col("row").cast(pl.Int64), pl.lit(rc.ALREADY_ENROLLED).alias("code"),
                pl.lit("NIK terdaftar sebagai peserta aktif pada register").alias("message"),
            ).unique("row")
        )  # fmt: skip
        found.append(
            exact.filter(pl.col("deceased")).select(
                pl.col("row").cast(pl.Int64), pl.lit(rc.DECEASED).alias("code"),
                pl.lit("Tercatat meninggal dunia pada register").alias("message"),
            ).unique("row")
        )  # fmt: skip

    # ------------------------------------------------------------------ statuses
    severity = {code: rc.SEVERITY[r.status] for code, r in rc.REASONS.items()}
    base = pl.concat([f.select("row", "code", "message") for f in found])
    base = base.with_columns(pl.col("code").replace_strict(severity, default=1, return_dtype=pl.Int8).alias("severity"))
    dup_f = dups.with_columns(
        pl.when(pl.col("dup_kind") == "exact").then(pl.lit(2)).otherwise(pl.lit(1)).cast(pl.Int8).alias("severity")
    )
    kept = _apply_pair_decisions(dup_f, df, linked.pairs, clusters, ctx.decisions)
    if kept.height < dup_f.height:  # rows decided distinct leave their cluster
        dropped = dup_f.join(kept.select("row"), on="row", how="anti").select("row")
        clusters = clusters.join(dropped, on="row", how="anti")
        clusters = clusters.filter(pl.len().over("cluster") > 1)
    dup_f = kept
    findings = pl.concat([base, dup_f.select("row", "code", "message", "severity")])
    order = {code: i for i, code in enumerate(rc.CODE_ORDER)}
    findings = findings.with_columns(
        pl.col("code").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_o")
    ).sort("row", "_o")

    per_row = findings.group_by("row").agg(
        pl.col("code").unique(maintain_order=True).alias("reasons"), pl.col("severity").max().alias("severity")
    )
    df = df.join(per_row, on="row", how="left").join(
        clusters.select(pl.col("row").cast(pl.Int64), "cluster"), on="row", how="left"
    )
    df = df.with_columns(
        pl.col("reasons").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
        pl.col("severity").fill_null(0),
        row_key_expr().alias("row_key"),
    )
    df, review_rejected = _apply_row_decisions(df, ctx.decisions)
    if review_rejected.height:
        findings = pl.concat([findings, review_rejected.with_columns(_o=pl.lit(len(order), dtype=pl.Int32))])
    status_of = {0: rc.Status.ELIGIBLE.value, 1: rc.Status.REVIEW.value, 2: rc.Status.REJECTED.value}
    df = df.with_columns(pl.col("severity").replace_strict(status_of, return_dtype=pl.Utf8).alias("status"))
    rows = df.sort("row").select(
        "row", "status", "reasons", "cluster", "region_code",
        *INPUT_FIELDS, "occupation_code", "village_name", "district_name", "row_key",
    )  # fmt: skip
    findings = findings.sort("row", "_o").select("row", "code", "message")
    pairs = _pairs_with_keys(linked.pairs, df)
    seconds = round(time.perf_counter() - started, 3)
    summary = summarise(rows, noms.source, opts, seconds)
    if opts.within:
        summary["outside_area"] = len(outside)
        summary["outside_rows"] = sorted(outside)[:OUTSIDE_ROWS_LISTED]
    report("selesai", 1.0)
    return ScreeningResult(rows, findings, pairs, summary, noms.source, noms.sheet, noms.columns)


def _pairs_with_keys(pairs: pl.DataFrame, df: pl.DataFrame) -> pl.DataFrame:
    keys = df.select("row", "row_key")
    out = pairs.join(keys.rename({"row": "row_l", "row_key": "key_l"}), on="row_l", how="left").join(
        keys.rename({"row": "row_r", "row_key": "key_r"}), on="row_r", how="left"
    )
    return out.with_columns(pair_key_expr("key_l", "key_r").alias("pair_key"))


def pair_key_expr(left: str, right: str) -> pl.Expr:
    """The two row keys sorted and joined by ``||``."""
    lo = pl.min_horizontal(pl.col(left), pl.col(right))
    hi = pl.max_horizontal(pl.col(left), pl.col(right))
    return pl.concat_str([lo, hi], separator="||")


def _decisions(decisions: pl.DataFrame | None, kind: str) -> pl.DataFrame:
    if decisions is None or decisions.height == 0:
        return pl.DataFrame(schema={"key": pl.Utf8, "decision": pl.Utf8})
    # the latest decision of a key wins when several are stored (rows are in storage order)
    return decisions.filter(pl.col("kind") == kind).select("key", "decision").unique("key", keep="last")


def _apply_pair_decisions(
    dup_f: pl.DataFrame,
    df: pl.DataFrame,
    pairs: pl.DataFrame,
    clusters: pl.DataFrame,
    decisions: pl.DataFrame | None,
) -> pl.DataFrame:
    dec = _decisions(decisions, "pair")
    if dec.height == 0 or dup_f.height == 0:
        return dup_f
    keys = df.select("row", row_key_expr().alias("row_key"))
    cl = clusters.select(pl.col("row").cast(pl.Int64), "cluster")
    # every pair inside a cluster, both ways, with its stored decision
    links = (
        pairs.select("row_l", "row_r")
        .join(cl.rename({"row": "row_l"}), on="row_l")
        .join(cl.rename({"row": "row_r", "cluster": "cluster_r"}), on="row_r")
        .filter(pl.col("cluster") == pl.col("cluster_r"))
        .join(keys.rename({"row": "row_l", "row_key": "key_l"}), on="row_l")
        .join(keys.rename({"row": "row_r", "row_key": "key_r"}), on="row_r")
        .with_columns(pair_key_expr("key_l", "key_r").alias("key"))
        .join(dec, on="key", how="left")
    )
    both = pl.concat(
        [links.select(pl.col("row_l").alias("row"), "decision"), links.select(pl.col("row_r").alias("row"), "decision")]
    )
    per_row = both.group_by("row").agg(
        (pl.col("decision") == "distinct").fill_null(False).all().alias("all_distinct"),
        (pl.col("decision") == "merge").fill_null(False).any().alias("any_merge"),
    )
    out = dup_f.join(per_row, on="row", how="left").with_columns(
        pl.col("all_distinct").fill_null(False), pl.col("any_merge").fill_null(False)
    )
    out = out.filter(~(pl.col("all_distinct") & (pl.col("dup_kind") == "probable"))).with_columns(
        pl.when(pl.col("any_merge")).then(pl.lit(2, dtype=pl.Int8)).otherwise(pl.col("severity")).alias("severity")
    )
    return out.drop("all_distinct", "any_merge")


def _apply_row_decisions(df: pl.DataFrame, decisions: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    empty = pl.DataFrame(schema={"row": pl.Int64, "code": pl.Utf8, "message": pl.Utf8, "severity": pl.Int8})
    dec = _decisions(decisions, "row")
    if dec.height == 0:
        return df, empty
    df = df.join(dec.rename({"key": "row_key", "decision": "_decision"}), on="row_key", how="left")
    accept = (pl.col("_decision") == "accept") & (pl.col("severity") == 1)
    reject = (pl.col("_decision") == "reject") & (pl.col("severity") < 2)
    rejected = df.filter(reject).select(
        pl.col("row"), pl.lit(rc.REVIEW_REJECTED).alias("code"),
        pl.lit(rc.REASONS[rc.REVIEW_REJECTED].text).alias("message"), pl.lit(2, dtype=pl.Int8).alias("severity"),
    )  # fmt: skip
    df = df.with_columns(
        pl.when(accept).then(pl.lit(0)).when(reject).then(pl.lit(2)).otherwise(pl.col("severity"))
        .cast(pl.Int8).alias("severity"),
        pl.when(reject).then(pl.col("reasons").list.concat(pl.lit([rc.REVIEW_REJECTED])))
        .otherwise(pl.col("reasons")).alias("reasons"),
    ).drop("_decision")  # fmt: skip
    return df, rejected


def summarise(rows: pl.DataFrame, source: str, opts: ScreeningOptions, seconds: float) -> dict[str, Any]:
    """``input_rows``, counts per status and per reason, ``seconds`` (DESIGN.md §5.3)."""
    status_counts = dict(rows.group_by("status").len().iter_rows())
    statuses = {s.value: int(status_counts.get(s.value, 0)) for s in rc.Status}
    reason_counts = dict(rows.select(pl.col("reasons").explode().drop_nulls()).group_by("reasons").len().iter_rows())
    ordered = {c: int(reason_counts[c]) for c in (*rc.CODE_ORDER, *sorted(reason_counts)) if c in reason_counts}
    return {
        "source": source,
        "as_of": opts.as_of.isoformat(),
        "age_min": opts.age_min,
        "age_max": opts.age_max,
        "input_rows": rows.height,
        **statuses,
        "status": statuses,
        "reasons": ordered,
        "seconds": seconds,
    }


# ------------------------------------------------------------------------------------------ outputs
def rows_csv_frame(result: ScreeningResult) -> pl.DataFrame:
    return result.rows.select(
        "row",
        "status",
        pl.when(pl.col("reasons").list.len() > 0).then(pl.col("reasons").list.join(";")).alias("reasons"),
        pl.col("cluster").cast(pl.Utf8),
        "region_code",
    )


def write_outputs(
    result: ScreeningResult,
    out_dir: str | os.PathLike[str],
    *,
    source_name: str | None = None,
    report: bool = True,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write ``rows.csv``, ``summary.json`` and (unless ``report=False``) ``hasil-validasi.xlsx``
    into ``out_dir``; all files appear together or none does."""

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".screen-", dir=out))
    try:
        csvout.write_csv(rows_csv_frame(result), tmp / "rows.csv", null_value="")
        summary = dict(result.summary)
        if source_name is not None:
            summary["source"] = source_name
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        names = ["rows.csv", "summary.json"]
        if report:
            write_report(result, tmp / "hasil-validasi.xlsx", source_name=source_name or result.source,
                         progress=progress)  # fmt: skip
            names.append("hasil-validasi.xlsx")
        written = {}
        for name in names:
            os.replace(tmp / name, out / name)
            written[name] = out / name
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
