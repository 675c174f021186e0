"""Train the shipped linkage model once: ``python benchmarks/train_linkage_model.py``.

Synthetic rows (``linkage_synth``, 200 000 rows, seeded) with known persons: u by random sampling
(5 million pairs), m from the truth column (what a labelled sample of real duplicates would give),
and a fixed prior. Writes ``src/ucjamsostek/core/data/linkage_model.json``; screening only
predicts with it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))

from linkage_synth import generate  # noqa: E402
from ucjamsostek.core.linkage import model_spec, prepare  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "ucjamsostek" / "core" / "data" / "linkage_model.json"
PRIOR = 1e-7  # about the duplicate rate of a 1M-row file (40k pairs in 5e11); see the report
# Floors: a level never seen in the synthetic truth must still be possible, not a veto (m = 0)
# or a certainty (u = 0).
M_FLOOR = 1e-3
U_FLOOR = 1e-8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    from splink import DuckDBAPI, Linker

    df = generate(args.rows, seed=11)
    prepared = prepare(df, "row").with_columns(person=df["person"])
    con = duckdb.connect()
    con.register("train_arrow", prepared.to_arrow())
    con.execute("CREATE TABLE train AS SELECT * FROM train_arrow")
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("train"), model_spec("dedupe_only"), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_m_from_label_column("person")
    model = linker.misc.save_model_to_json()
    model["probability_two_random_records_match"] = PRIOR
    model.pop("linker_uid", None)
    for comp in model["comparisons"]:
        for lv in comp["comparison_levels"]:
            if not lv.get("is_null_level"):
                lv["m_probability"] = max(lv.get("m_probability", 0.0), M_FLOOR)
                lv["u_probability"] = max(lv.get("u_probability", 0.0), U_FLOOR)
    args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    for comp in model["comparisons"]:
        for lv in comp["comparison_levels"]:
            if not lv.get("is_null_level"):
                print(
                    f"{comp['output_column_name']:12} {lv['label_for_charts']:55} "
                    f"m={lv.get('m_probability', 0):.5f} u={lv.get('u_probability', 0):.7f}"
                )
    print("written", args.out)


if __name__ == "__main__":
    main()
