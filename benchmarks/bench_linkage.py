"""Speed of :func:`ucjamsostek.core.linkage.link` on synthetic rows (default 1 000 000).

    .venv/bin/python benchmarks/bench_linkage.py [--rows N] [--registry M] [--repeat K]

The rows (``linkage_synth``: Indonesian names, NIK rules, ~3 % duplicates with typos, twins) are
generated once into ``bench-out/`` as parquet; each measured run is a fresh process that reads the
parquet and calls ``link`` (so the peak memory is that of read + linkage only), and prints the
seconds of ``link`` (wall and CPU; the machine is shared, so the load average is printed too)
and the peak resident memory, plus pairwise precision/recall/F1 against the
truth. With ``--repeat`` the median is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from linkage_synth import generate, pair_scores, true_pairs  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "bench-out"


def _files(rows: int, registry: int) -> tuple[Path, Path | None]:
    OUT.mkdir(exist_ok=True)
    batch = OUT / f"linkage-{rows}.parquet"
    if not batch.exists():
        generate(rows, seed=3).write_parquet(batch)
    if not registry:
        return batch, None
    reg = OUT / f"linkage-registry-{registry}.parquet"
    if not reg.exists():
        # Registry: the first row of some of the batch's people (so exact and probable hits exist).
        people = pl.read_parquet(batch).unique("person", keep="first", maintain_order=True)
        people = people.sample(n=min(registry, people.height), seed=4)
        people.with_columns(person_id=pl.col("person")).drop("row", "district_code", "person").write_parquet(reg)
    return batch, reg


def _run(batch_path: Path, registry_path: Path | None) -> dict[str, float]:
    from ucjamsostek.core.linkage import link

    batch = pl.read_parquet(batch_path)
    registry = pl.read_parquet(registry_path) if registry_path else None
    start, cpu_start = time.perf_counter(), time.process_time()
    result = link(batch.drop("person"), registry)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cl = result.clusters
    predicted = (
        cl.join(cl, on="cluster", suffix="_r")
        .filter(pl.col("row") < pl.col("row_r"))
        .select(row_l="row", row_r="row_r")
    )
    precision, recall, f1 = pair_scores(predicted, true_pairs(batch))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_average": os.getloadavg()[0],
        "peak_mb": peak_mb,
        "rows": batch.height,
        "clustered_rows": cl.height,
        "registry_matches": result.registry_matches.height,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--registry", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(_run(Path(args.run[0]), Path(args.run[1]) if len(args.run) > 1 else None)))
        return
    batch, reg = _files(args.rows, args.registry)
    runs = []
    for _ in range(args.repeat):
        cmd = [sys.executable, __file__, "--run", str(batch)] + ([str(reg)] if reg else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]))
    print(
        f"median of {len(runs)}: link {statistics.median(r['seconds'] for r in runs):.1f} s "
        f"(cpu {statistics.median(r['cpu_seconds'] for r in runs):.1f} s), "
        f"peak {statistics.median(r['peak_mb'] for r in runs):.0f} MB, "
        f"pairs P={runs[0]['precision']:.4f} R={runs[0]['recall']:.4f} F1={runs[0]['f1']:.4f}"
    )


if __name__ == "__main__":
    main()
