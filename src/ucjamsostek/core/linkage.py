"""Record linkage: duplicate rows in a nomination batch, and batch rows that are registry people.

Two kinds of link (DESIGN.md §5.3):

* **exact** — two rows carry the same well-formed NIK. Grouped with Polars, not scored.
* **probable** — the same person under a different (mistyped) NIK or a name spelling variant.
  Scored with Splink (Fellegi–Sunter), with fixed parameters trained once and shipped in
  ``core/data/linkage_model.json``: screening only predicts, it never trains.

Two engines run the same model (one settings definition: :func:`model_spec` and the shipped JSON):
``engine="duckdb"`` (the default; an in-process DuckDB) and ``engine="spark"`` (Splink's Spark
backend, :mod:`ucjamsostek.core.linkage_spark`, for rosters beyond one machine). Both give the same
pairs and clusters; only the pair scoring moves to Spark, the rest stays in this process.

Pairs are only generated inside tight blocks, so the number of comparisons grows about linearly
(1M rows of one regency: about 0.6M candidate pairs): same birth date and village; same name key
and birth date; same name key, kecamatan and birth year; same NIK region/date part and village;
same birth date and kecamatan when a village is missing.

Evidence comes from the name (canonical keys of :mod:`ucjamsostek.core.names`; a name of two or
more words besides honorifics weighs more than "La Akbar"), the birth date (a date one digit or a
day/month swap away counts as a typo only when the NIKs do not confirm both dates as typed), the
village and the sex. A NIK that differs in one digit is *not* evidence: people born the same day
in the same kecamatan differ only in the serial (twins often by one), and low serials such as 0001
are shared by many people, so the NIK comparison only knows "identical" or "different".

The shipped parameters come from ``benchmarks/train_linkage_model.py`` (u by random sampling, m
from the truth of seeded synthetic data, prior 1e-7 ≈ the duplicate rate of a million-row file).
A pair is a probable duplicate from :data:`MATCH_THRESHOLD` (0.9): the sample's true pairs score
≥ 0.995 and no other pair of it reaches 0.001; on synthetic data precision is flat from 0.8 up
while recall starts to fall above 0.95.

Exact and probable links are merged into clusters (connected components). Nothing here logs or
prints NIKs or names.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl

from ucjamsostek.core.names import name_keys

# Splink logs table names and timings at INFO; keep it quiet inside screening.
logging.getLogger("splink").setLevel(logging.WARNING)

MODEL_FILE = "linkage_model.json"
#: A pair at or above this match probability is a probable duplicate (DUPLICATE → review).
MATCH_THRESHOLD = 0.9
#: DuckDB's working memory for linkage (1M rows use about 1 GB; beyond this it spills to temp).
DUCKDB_MEMORY_LIMIT = "3GB"
_VALID_NIK = r"^\d{12}(?:[1-9]\d{3}|\d[1-9]\d{2}|\d{2}[1-9]\d|\d{3}[1-9])$"  # 16 digits, serial ≠ 0000

Progress = Callable[[str, float], None]

#: The engines that run Splink's prediction (``link(..., engine=…)``, ``screen --engine``).
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"

CLUSTER_SCHEMA = {
    "row": pl.Int64,
    "cluster": pl.Utf8,
    "kind": pl.Utf8,
    "first": pl.Boolean,
    "probability": pl.Float64,
}
REGISTRY_SCHEMA = {"row": pl.Int64, "person_id": pl.Int64, "kind": pl.Utf8, "probability": pl.Float64}
_SCORED_SCHEMA = {"unique_id_l": pl.Int64, "unique_id_r": pl.Int64, "match_probability": pl.Float64}
PAIR_SCHEMA = {"row_l": pl.Int64, "row_r": pl.Int64, "probability": pl.Float64, "kind": pl.Utf8}


@dataclass(frozen=True)
class LinkageResult:
    """What :func:`link` found; see the module doc and DESIGN.md §5.3."""

    clusters: pl.DataFrame
    registry_matches: pl.DataFrame
    pairs: pl.DataFrame


# --------------------------------------------------------------------------------------------
# Model specification (comparisons and blocking); parameters come from the shipped JSON.


def _level(sql: str, label: str, *, null: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        out["is_null_level"] = True
    return out


def model_spec(link_type: str = "dedupe_only") -> dict[str, Any]:
    """Splink settings (without m/u parameters) over the columns :func:`prepare` makes."""
    comparisons = [
        {
            "output_column_name": "name",
            "comparison_description": "canonical name keys",
            "comparison_levels": [
                _level("name_concat_l IS NULL OR name_concat_r IS NULL", "null", null=True),
                # One-word names ("Lukman", "Titin") are far more common than full names.
                _level(
                    "name_key_l = name_key_r AND contains(name_core_l, ' ')",
                    "same canonical name of two or more words besides honorifics",
                ),
                _level("name_key_l = name_key_r", "same canonical one-word name (La Akbar, Murni)"),
                _level(
                    "name_phon_l = name_phon_r OR name_sorted_l = name_sorted_r",
                    "same phonetic key or same tokens in another order",
                ),
                # One edit on the folded or the typed spelling, not on short names: "Ali"/"Adi".
                _level(
                    "(damerau_levenshtein(name_concat_l, name_concat_r) <= 1 "
                    "OR damerau_levenshtein(name_raw_l, name_raw_r) <= 1) "
                    "AND least(length(name_concat_l), length(name_concat_r)) >= 5",
                    "one edit (folded or as typed) in a name of five letters or more",
                ),
                # No two-edit level: twins' given names differ by two letters as often as not
                # ("Hasan"/"Husen", "Yusuf"/"Yunus"), and a false link costs a clean row its place.
                _level("ELSE", "different"),
            ],
        },
        {
            "output_column_name": "birth_date",
            "comparison_description": "birth date",
            "comparison_levels": [
                _level("dob_l IS NULL OR dob_r IS NULL", "null", null=True),
                _level("dob_l = dob_r", "same date"),
                # A near date is a typo only if a NIK does not confirm both dates as typed.
                _level(
                    "(damerau_levenshtein(dob_l, dob_r) <= 1 "
                    "OR (substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                    "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                    "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2))) "
                    "AND NOT (coalesce(nik_dob_ok_l, false) AND coalesce(nik_dob_ok_r, false))",
                    "one digit or day/month swapped, not both confirmed by the NIK",
                ),
                _level("ELSE", "different"),
            ],
        },
        {
            "output_column_name": "village",
            "comparison_description": "village, then kecamatan",
            "comparison_levels": [
                _level("village_code_l IS NULL OR village_code_r IS NULL", "null", null=True),
                _level("village_code_l = village_code_r", "same village"),
                _level("district_code_l = district_code_r", "same kecamatan"),
                _level("ELSE", "different"),
            ],
        },
        {
            "output_column_name": "sex",
            "comparison_description": "sex",
            "comparison_levels": [
                _level("sex_l IS NULL OR sex_r IS NULL", "null", null=True),
                _level("sex_l = sex_r", "same"),
                _level("ELSE", "different"),
            ],
        },
        {
            "output_column_name": "nik",
            "comparison_description": "NIK: identical or not; a near NIK is no evidence (see module doc)",
            "comparison_levels": [
                _level("nik_l IS NULL OR nik_r IS NULL", "null", null=True),
                _level("nik_l = nik_r", "same NIK"),
                _level("ELSE", "different"),
            ],
        },
    ]
    blocking = [
        # Same birth date and village: any name variant under any NIK.
        {"blocking_rule": "l.dob = r.dob AND l.village_code = r.village_code"},
        # Same name and birth date anywhere (moved, wrong or unresolved village).
        {"blocking_rule": "l.name_phon = r.name_phon AND l.dob = r.dob"},
        # Same name in the kecamatan, same birth year (a mistyped day or month).
        {
            "blocking_rule": "l.name_phon = r.name_phon AND l.district_code = r.district_code "
            "AND l.birth_year = r.birth_year"
        },
        # Same NIK region/date part and village (a mistyped stated birth date, the NIK right).
        {"blocking_rule": "l.nik_head = r.nik_head AND l.village_code = r.village_code"},
        # Same birth date in the kecamatan when one village is missing.
        {
            "blocking_rule": "l.dob = r.dob AND l.district_code = r.district_code "
            "AND (l.village_code IS NULL OR r.village_code IS NULL)"
        },
    ]
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "probability_two_random_records_match": 1e-7,
    }


@lru_cache(maxsize=1)
def _shipped_model_text() -> str:
    return resources.files("ucjamsostek.core").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")


def load_model(link_type: str = "dedupe_only") -> dict[str, Any]:
    """The shipped trained model as a Splink settings dict, set to ``link_type``."""
    return _with_link_type(json.loads(_shipped_model_text()), link_type)


def _with_link_type(model: dict[str, Any], link_type: str) -> dict[str, Any]:
    out = copy.deepcopy(model)
    out["link_type"] = link_type
    out.pop("linker_uid", None)
    return out


# --------------------------------------------------------------------------------------------
# Input preparation


_PERSON_COLUMNS = ("row", "person_id", "nik", "name", "birth_date", "sex", "village_code", "district_code")


def prepare(df: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """The comparison columns of :func:`model_spec` for a batch or registry table.

    Columns beyond the person columns of :func:`link` are carried through unchanged, so a model
    with other comparisons (the FEBRL benchmark's) can use them.
    """
    dob = pl.col("birth_date").cast(pl.Date)
    district = (
        pl.col("district_code").cast(pl.Utf8)
        if "district_code" in df.columns
        else pl.col("village_code").cast(pl.Utf8).str.extract(r"^(\d+\.\d+\.\d+)", 1)
    )
    nik = pl.when(pl.col("nik").str.contains(_VALID_NIK)).then(pl.col("nik")).otherwise(None)
    nik_day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    nik_day = pl.when(nik_day > 40).then(nik_day - 40).otherwise(nik_day)
    base = df.select(
        pl.col(id_column).cast(pl.Int64).alias("unique_id"),
        nik.alias("nik"),
        pl.col("name").cast(pl.Utf8),
        dob.dt.strftime("%Y-%m-%d").alias("dob"),
        dob.dt.year().alias("birth_year"),
        pl.col("sex").cast(pl.Utf8),
        pl.col("village_code").cast(pl.Utf8),
        district.alias("district_code"),
        nik.str.slice(0, 12).alias("nik_head"),
        # The NIK's DDMMYY (day + 40 for women) agrees with the stated birth date.
        (nik_day.cast(pl.Utf8).str.zfill(2) + nik.str.slice(8, 4) == dob.dt.strftime("%d%m%y")).alias("nik_dob_ok"),
        *[pl.col(c) for c in df.columns if c not in _PERSON_COLUMNS],
    )
    keys = name_keys(base["name"])
    return base.join(keys, on="name", how="left", nulls_equal=True).drop("name")


def _new_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills (if ever) to the system temp dir, never to the cwd."""
    con = duckdb.connect(":memory:")
    spill = Path(tempfile.gettempdir()) / "ucjamsostek-linkage"
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    return con


def _store(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Copy a Polars frame into a DuckDB table (Splink reads tables by name)."""
    con.register(f"{name}_arrow", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
    con.unregister(f"{name}_arrow")


def _predict(
    con: duckdb.DuckDBPyConnection,
    tables: list[tuple[str, str]],
    model: dict[str, Any],
    threshold: float,
) -> pl.DataFrame:
    """Scored pairs ≥ ``threshold`` of the stored ``(table, display name)`` inputs.

    Columns: unique_id_l, unique_id_r, match_probability, and source_dataset_l/_r (the display
    names) when linking two tables.
    """
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=con)
    registered = [db_api.register(table, dataset_display_name=display) for table, display in tables]
    linker = Linker(
        registered if len(registered) > 1 else registered[0], model, log_level=None, validate_settings=False
    )
    scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    cols = "unique_id_l, unique_id_r, match_probability"
    if len(tables) > 1:
        cols += ", source_dataset_l, source_dataset_r"
    result = con.sql(f"SELECT {cols} FROM {scored.physical_name}").pl()  # noqa: S608
    linker.table_management.delete_tables_created_by_splink_from_db()
    return result


class _Engine(Protocol):
    """Where Splink predicts: store frames as tables, then score the pairs of stored tables."""

    def store(self, name: str, frame: pl.DataFrame) -> None: ...

    def view(self, name: str, source: str, columns: list[str]) -> None: ...

    def predict(self, tables: list[tuple[str, str]], model: dict[str, Any], threshold: float) -> pl.DataFrame: ...

    def close(self) -> None: ...


class _DuckDBEngine:
    """Splink on the linkage's own in-memory DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def store(self, name: str, frame: pl.DataFrame) -> None:
        _store(self.con, name, frame)

    def view(self, name: str, source: str, columns: list[str]) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT {', '.join(columns)} FROM {source}")  # noqa: S608

    def predict(self, tables: list[tuple[str, str]], model: dict[str, Any], threshold: float) -> pl.DataFrame:
        return _predict(self.con, tables, model, threshold)

    def close(self) -> None:
        """Nothing: the connection is closed by its owner."""


def _engine(engine: str, con: duckdb.DuckDBPyConnection) -> _Engine:
    if engine == "duckdb":
        return _DuckDBEngine(con)
    if engine == "spark":
        from ucjamsostek.core.linkage_spark import SparkEngine  # heavy: starts a JVM, only when asked

        return SparkEngine()
    raise ValueError(f"unknown linkage engine {engine!r} (one of {', '.join(ENGINES)})")


# --------------------------------------------------------------------------------------------
# Clustering


def _components(edges: pl.DataFrame) -> pl.DataFrame:
    """Connected components of undirected ``a``–``b`` edges: ``node``, ``component`` (min node)."""
    both = pl.concat([edges.select("a", "b"), edges.select(a="b", b="a")])
    labels = both.group_by("a").agg(pl.col("b").min()).select(node="a", component=pl.min_horizontal("a", "b"))
    while True:  # labels only decrease, so this ends after at most the longest path's length
        spread = (
            both.join(labels, left_on="b", right_on="node").group_by("a").agg(pl.col("component").min().alias("new"))
        )
        updated = labels.join(spread, left_on="node", right_on="a", how="left").select(
            "node", component=pl.min_horizontal("component", "new")
        )
        updated = updated.sort("node")
        if updated.equals(labels.sort("node")):
            return updated
        labels = updated


def _cluster_ids(con: duckdb.DuckDBPyConnection, members: pl.DataFrame) -> pl.DataFrame:
    """``component`` → stable id "D" + 10 hex of md5 of the smallest member key (order-free)."""
    keys = members.group_by("component").agg(pl.col("member_key").min().alias("key"))
    con.register("cluster_keys", keys.to_arrow())
    ids = con.sql("SELECT component, 'D' || substr(md5(key), 1, 10) AS cluster FROM cluster_keys").pl()
    con.unregister("cluster_keys")
    # Two clusters with the same smallest key can only come from rows without NIK: make them unique.
    return (
        ids.join(members.group_by("component").agg(pl.col("row").min()), on="component")
        .with_columns(
            pl.when(pl.col("cluster").is_duplicated())
            .then(pl.col("cluster") + "-" + pl.col("row").rank("ordinal").over("cluster").cast(pl.Utf8))
            .otherwise(pl.col("cluster"))
            .alias("cluster")
        )
        .select("component", "cluster")
    )


def _empty(schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def link(
    batch: pl.DataFrame,
    registry: pl.DataFrame | None = None,
    *,
    progress: Progress | None = None,
    threshold: float = MATCH_THRESHOLD,
    model: dict[str, Any] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> LinkageResult:
    """Find duplicate clusters in ``batch`` and batch rows that are ``registry`` people.

    ``batch`` has ``row``, ``nik``, ``name``, ``birth_date``, ``sex``, ``village_code`` and
    ``district_code``; ``registry`` has ``person_id`` and the same person columns (its
    ``district_code`` is derived from ``village_code`` when absent). See :class:`LinkageResult`.

    ``threshold`` is the match probability from which a pair is a probable duplicate; ``model`` a
    trained Splink settings dict replacing the shipped one (benchmarks on other data only);
    ``engine`` one of :data:`ENGINES` (``"spark"`` raises
    :class:`ucjamsostek.core.linkage_spark.SparkUnavailable` where Spark cannot start).
    """
    settings = load_model() if model is None else model
    if engine not in ENGINES:
        raise ValueError(f"unknown linkage engine {engine!r} (one of {', '.join(ENGINES)})")

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    report("prepare", 0.0)
    prepared = prepare(batch, "row")
    con = _new_connection()
    eng: _Engine | None = None
    try:
        eng = _engine(engine, con)
        report("exact", 0.1)
        exact_edges = (
            prepared.filter(pl.col("nik").is_not_null())
            .select("unique_id", "nik")
            .with_columns(a=pl.col("unique_id").min().over("nik"))
            .filter(pl.col("unique_id") != pl.col("a"))
            .select("a", b="unique_id")
        )
        report("predict", 0.2)
        eng.store("batch", prepared)
        scored = (
            eng.predict([("batch", "batch")], _with_link_type(settings, "dedupe_only"), threshold)
            if prepared.height > 1
            else pl.DataFrame(schema=_SCORED_SCHEMA)
        )
        nik_of = prepared.select("unique_id", "nik")
        probable = (
            scored.join(nik_of, left_on="unique_id_l", right_on="unique_id")
            .join(nik_of, left_on="unique_id_r", right_on="unique_id", suffix="_r")
            .filter(pl.col("nik").is_null() | pl.col("nik_r").is_null() | (pl.col("nik") != pl.col("nik_r")))
            .select(
                a=pl.min_horizontal("unique_id_l", "unique_id_r"),
                b=pl.max_horizontal("unique_id_l", "unique_id_r"),
                probability=pl.col("match_probability").cast(pl.Float64),
            )
        )
        report("cluster", 0.7)
        clusters = _clusters(con, prepared, exact_edges, probable)
        pairs = pl.concat(
            [
                exact_edges.select(row_l="a", row_r="b", probability=pl.lit(1.0), kind=pl.lit("exact")),
                probable.select(row_l="a", row_r="b", probability="probability", kind=pl.lit("probable")),
            ]
        ).sort("row_l", "row_r")
        report("registry", 0.8)
        matches = (
            _registry_matches(eng, prepared, registry, threshold, settings)
            if registry is not None and registry.height > 0
            else _empty(REGISTRY_SCHEMA)
        )
    finally:
        if eng is not None:
            eng.close()
        con.close()
    report("done", 1.0)
    return LinkageResult(
        clusters=clusters.cast(CLUSTER_SCHEMA),  # type: ignore[arg-type]
        registry_matches=matches.cast(REGISTRY_SCHEMA),  # type: ignore[arg-type]
        pairs=pairs.cast(PAIR_SCHEMA),  # type: ignore[arg-type]
    )


def _clusters(
    con: duckdb.DuckDBPyConnection,
    prepared: pl.DataFrame,
    exact_edges: pl.DataFrame,
    probable: pl.DataFrame,
) -> pl.DataFrame:
    edges = pl.concat([exact_edges.select("a", "b"), probable.select("a", "b")])
    if edges.height == 0:
        return _empty(CLUSTER_SCHEMA)
    comp = _components(edges)
    incident = (
        pl.concat([probable.select(node="a", p="probability"), probable.select(node="b", p="probability")])
        .group_by("node")
        .agg(pl.col("p").max())
    )
    members = (
        comp.join(prepared, left_on="node", right_on="unique_id")
        .join(incident, on="node", how="left")
        .rename({"node": "row"})
        .with_columns(
            member_key=pl.concat_str(
                [pl.col("nik").fill_null(""), pl.col("name_key").fill_null(""), pl.col("dob").fill_null("")],
                separator="|",
            ),
            nik_group=pl.coalesce(pl.col("nik"), pl.col("row").cast(pl.Utf8)),
        )
        .with_columns(
            first=pl.col("row") == pl.col("row").min().over("component"),
            group_rank=pl.col("row").rank("ordinal").over("component", "nik_group"),
            group_size=pl.len().over("component", "nik_group"),
            group_p=pl.col("p").max().over("component", "nik_group"),
        )
        .with_columns(
            kind=pl.when((pl.col("group_rank") > 1) | (pl.col("first") & (pl.col("group_size") > 1)))
            .then(pl.lit("exact"))
            .otherwise(pl.lit("probable")),
        )
        .with_columns(
            probability=pl.when(pl.col("kind") == "exact")
            .then(pl.lit(1.0))
            .otherwise(pl.coalesce("p", "group_p", pl.lit(1.0)))
        )
    )
    ids = _cluster_ids(con, members)
    return members.join(ids, on="component").select("row", "cluster", "kind", "first", "probability").sort("row")


def _registry_matches(
    eng: _Engine,
    prepared: pl.DataFrame,
    registry: pl.DataFrame,
    threshold: float,
    settings: dict[str, Any],
) -> pl.DataFrame:
    reg = prepare(registry, "person_id")
    exact = (
        prepared.filter(pl.col("nik").is_not_null())
        .select("unique_id", "nik")
        .join(reg.select("unique_id", "nik"), on="nik", suffix="_reg")
        .select(row="unique_id", person_id="unique_id_reg", kind=pl.lit("exact"), probability=pl.lit(1.0))
    )
    common = [c for c in prepared.columns if c in reg.columns]
    eng.store("registry", reg.select(common))
    eng.view("batch_common", "batch", common)
    scored = eng.predict(
        [("batch_common", "nomination"), ("registry", "registry_person")],
        _with_link_type(settings, "link_only"),
        threshold,
    )
    left_is_batch = pl.col("source_dataset_l") == "nomination"
    probable = scored.select(
        row=pl.when(left_is_batch).then("unique_id_l").otherwise("unique_id_r"),
        person_id=pl.when(left_is_batch).then("unique_id_r").otherwise("unique_id_l"),
        kind=pl.lit("probable"),
        probability=pl.col("match_probability").cast(pl.Float64),
    ).join(exact.select("row", "person_id"), on=["row", "person_id"], how="anti")
    # A probable match under the same NIK is already listed as exact; a different NIK remains.
    return pl.concat([exact, probable]).sort("row", "person_id")


# --------------------------------------------------------------------------------------------
# One pair explained: the model's evidence and its probability, for the operator who decides


#: NIK digit positions (1-based) and what they encode.
NIK_PARTS: tuple[tuple[range, str], ...] = (
    (range(1, 7), "wilayah"),
    (range(7, 13), "tanggal lahir"),
    (range(13, 17), "nomor urut"),
)


@dataclass(frozen=True)
class FieldEvidence:
    """One comparison of the model on a pair: ``field`` (name, birth_date, village, sex, nik),
    ``level`` the label of the level the pair reached (the model's ``label_for_charts``: "same
    date", "one edit …", "different", "null"), ``agrees`` True for an agreeing level, False for
    "different", None when a side is empty; ``bayes_factor`` m/u of the level (1 when empty)."""

    field: str
    level: str
    agrees: bool | None
    bayes_factor: float


@dataclass(frozen=True)
class PairEvidence:
    """Why the model scores a pair as it does: ``probability`` (the model's, not rounded),
    ``match_weight`` (log2 of the posterior odds: a weight stays finite where the probability
    rounds to 1), the per-field evidence and the NIK digits (1-based) that differ."""

    probability: float
    match_weight: float
    fields: list[FieldEvidence]
    nik_digits: list[int]


def nik_differences(a: str | None, b: str | None) -> list[int]:
    """1-based positions where two NIKs of the same length differ (empty when either is missing
    or their lengths differ)."""
    if not a or not b or len(a) != len(b):
        return []
    return [i + 1 for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def nik_part(position: int) -> str:
    """What a NIK digit position encodes ("wilayah", "tanggal lahir", "nomor urut")."""
    return next((name for span, name in NIK_PARTS if position in span), "")


def explain_pair(left: dict[str, Any], right: dict[str, Any], model: dict[str, Any] | None = None) -> PairEvidence:
    """The shipped model's comparison of two people (``nik``, ``name``, ``birth_date``, ``sex``,
    ``village_code``; ``district_code`` derived when absent): the level each comparison reaches,
    its Bayes factor and the match probability computed as Splink computes it (prior odds times
    the product of the Bayes factors), so the page shows the model's own number and evidence."""
    settings = load_model() if model is None else model
    columns = ("nik", "name", "birth_date", "sex", "village_code")
    frame = pl.DataFrame(
        [{"row": i, **{c: side.get(c) for c in columns}} for i, side in ((1, left), (2, right))],
        schema={"row": pl.Int64, "nik": pl.Utf8, "name": pl.Utf8, "birth_date": pl.Date, "sex": pl.Utf8,
                "village_code": pl.Utf8},
    )  # fmt: skip
    prepared = prepare(frame, "row")
    con = _new_connection()
    try:
        _store(con, "pair", prepared)
        cols = [c for c in prepared.columns if c != "unique_id"]
        select = ", ".join([f"l.{c} AS {c}_l" for c in cols] + [f"r.{c} AS {c}_r" for c in cols])
        con.execute(
            f"CREATE TABLE sides AS SELECT {select} FROM pair l, pair r "  # noqa: S608
            "WHERE l.unique_id = 1 AND r.unique_id = 2"
        )
        cases = []
        for comparison in settings["comparisons"]:
            levels = comparison["comparison_levels"]
            whens = [
                f"WHEN {lv['sql_condition']} THEN {i}" for i, lv in enumerate(levels) if lv["sql_condition"] != "ELSE"
            ]
            cases.append(f"CASE {' '.join(whens)} ELSE {len(levels) - 1} END")
        reached = con.execute(f"SELECT {', '.join(cases)} FROM sides").fetchone()  # noqa: S608
    finally:
        con.close()
    assert reached is not None
    prior = float(settings["probability_two_random_records_match"])
    weight = math.log2(prior / (1 - prior))
    fields = []
    for comparison, index in zip(settings["comparisons"], reached, strict=True):
        level = comparison["comparison_levels"][index]
        if level.get("is_null_level"):
            bf, agrees = 1.0, None
        else:
            m, u = float(level["m_probability"]), float(level["u_probability"])
            bf = math.inf if u == 0 else m / u
            agrees = level["sql_condition"] != "ELSE"
        weight += math.log2(bf) if bf > 0 else -math.inf
        fields.append(FieldEvidence(comparison["output_column_name"], level["label_for_charts"], agrees, bf))
    probability = 1.0 if weight == math.inf else 2**weight / (1 + 2**weight)
    return PairEvidence(probability, weight, fields, nik_differences(left.get("nik"), right.get("nik")))


def probability_text(p: float) -> str:
    """A match probability as a percentage in Indonesian notation, truncated (never rounded up):
    with as many decimals as it takes for what is left to 100 % to show (0,93 → "93%",
    0,9951 → "99,5%", 0,99958 → "99,95%"); a probability that a float cannot tell from 1 is "> 99,9999%"."""
    digits = 4
    percent = round(p * 100, 9)
    left = 100 - percent
    if left <= 10**-digits:
        return "> 99," + "9" * digits + "%"
    decimals = min(digits, max(0, math.ceil(-math.log10(left))))
    shown = math.floor(percent * 10**decimals) / 10**decimals
    text = f"{shown:.{decimals}f}".replace(".", ",")
    return f"{text}%"
