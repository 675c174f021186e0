"""Cross-funder overlap at province/national size (issue 13 §3): five roster files, N rows in all.

    .venv/bin/python benchmarks/bench_scale.py [--rows 1000000] [--repeat 1] [--engine duckdb|spark]

The rosters are generated once into ``bench-out/scale-N/`` (``linkage_synth``: Indonesian names,
NIK rules, villages of the whole province of Sulawesi Tenggara, twins and namesakes; ~5 % of the
people appear again under another funder, half of them with a mistyped NIK, a name spelling
variant, sometimes a mistyped birth date or another village). Funders: two regencies' APBD, the
province's APBD, APBDes and a CSR; coverage periods start between January 2024 and December 2025
and run 3–24 months or stay open (as of 31 December 2025); 16.800 or 8.400 rupiah a month.

Each measured run is a fresh process doing what ``ucjamsostek crossfund FILE... --out DIR`` does
(``core.crossfund``: read and check every file, link, count the overlapping months, write the csv
and xlsx), so the peak resident memory is that of the comparison alone. Printed: wall and CPU
seconds per stage, peak memory, the load average (the machine is shared), and the people found
against the truth (people with two funders in a shared month, from the generator's person ids).

``--engine spark`` scores the linkage's pairs with Splink on Spark (``UCJAMSOSTEK_SPARK_MASTER``,
default ``local[*]``; ``UCJAMSOSTEK_SPARK_DRIVER_MEMORY``, default 4g); the JVM's start-up is
timed apart (``spark_startup_seconds``) and its CPU seconds and peak memory are added.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from linkage_synth import generate  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "bench-out"
FUNDERS = ("apbd_kab@74.13", "apbd_kab@74.03", "apbd_prov@74", "apbdes@74", "csr@74")
AS_OF = dt.date(2025, 12, 31)


def _rosters(rows: int) -> tuple[Path, int]:
    """The five roster files for ``rows`` rows, and the true number of people funded twice."""
    folder = OUT / f"scale-{rows}"
    truth_file = folder / "truth.json"
    if truth_file.exists():
        return folder, json.loads(truth_file.read_text())["people"]
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    people = generate(rows, seed=5, dup_rate=0.05, twin_rate=0.004, area="74")
    n = people.height
    # each person's first row (in the shuffled order) keeps a random funder; a repeat of the person
    # is paid by another funder than that first row
    first = pl.int_range(pl.len()).over("person") == 0
    frame = (
        people.with_columns(
            f=pl.Series(rng.integers(0, len(FUNDERS), n)), s=pl.Series(rng.integers(1, len(FUNDERS), n))
        )
        .with_columns(first=first)
        .with_columns(
            f=pl.when(pl.col("first"))
            .then(pl.col("f"))
            .otherwise((pl.col("f").filter(pl.col("first")).first().over("person") + pl.col("s")) % len(FUNDERS))
        )
    )
    start_month = rng.integers(0, 24, n)  # 2024-01 .. 2025-12
    length = rng.integers(3, 25, n)
    open_end = rng.random(n) < 0.3
    starts = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(0, 24)]
    ends = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(0, 60)]
    frame = frame.with_columns(
        coverage_start=pl.Series([starts[m] for m in start_month], dtype=pl.Date),
        coverage_end=pl.Series(
            [None if o else ends[m + k] for m, k, o in zip(start_month, length, open_end, strict=True)],
            dtype=pl.Date,
        ),
        monthly_contribution=pl.Series(np.where(rng.random(n) < 0.8, 16_800, 8_400)),
        funder=pl.Series(np.array(FUNDERS)[frame["f"].to_numpy()]),
        segment=pl.lit("pekerja_rentan"),
    )
    cols = ["funder", "nik", "name", "birth_date", "village_code", "segment", "coverage_start", "coverage_end",
            "monthly_contribution"]  # fmt: skip
    who = []
    for k, funder in enumerate(FUNDERS):
        part = frame.filter(pl.col("funder") == funder)
        name = f"roster-{k + 1}-{funder.replace('@', '-')}.csv"
        part.select(cols).write_csv(folder / name, date_format="%Y-%m-%d")
        who.append(part.select(file=pl.lit(name), line=pl.int_range(pl.len(), dtype=pl.Int64) + 2, person="person"))
    pl.concat(who).write_parquet(folder / "truth.parquet")
    truth = _true_people(frame)
    truth_file.write_text(json.dumps({"people": truth, "rows": n}))
    return folder, truth


def _true_people(frame: pl.DataFrame) -> int:
    last = AS_OF.year * 12 + AS_OF.month - 1
    m0 = pl.col("coverage_start").dt.year() * 12 + pl.col("coverage_start").dt.month() - 1
    end = pl.col("coverage_end") - dt.timedelta(days=1)
    m1 = pl.when(pl.col("coverage_end").is_null()).then(last + 1).otherwise(end.dt.year() * 12 + end.dt.month())
    months = (
        frame.filter(pl.col("person").is_duplicated())  # only a person listed twice can be paid twice
        .select("person", "funder", m0=m0.cast(pl.Int32), m1=m1.cast(pl.Int32))
        .with_columns(month=pl.int_ranges("m0", pl.max_horizontal("m0", "m1")))
        .explode("month")
        .drop_nulls("month")
        .unique(["person", "funder", "month"])
    )
    shared = months.group_by("person", "month").agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    return shared["person"].n_unique()


def _precision(folder: Path) -> float:
    """Share of the person-pairs found whose two records are one person of the generator."""
    from ucjamsostek.core import crossfund as cf

    truth = pl.read_parquet(folder / "truth.parquet")
    pairs = pl.read_csv(folder / "out" / cf.PAIRS_CSV, columns=["file_a", "line_a", "file_b", "line_b"])
    joined = pairs.join(truth, left_on=["file_a", "line_a"], right_on=["file", "line"]).join(
        truth, left_on=["file_b", "line_b"], right_on=["file", "line"], suffix="_b"
    )
    return float((joined["person"] == joined["person_b"]).mean() or 0.0) if joined.height else 1.0


def _jvm() -> tuple[float, float]:
    """CPU seconds and peak resident MB of this process's Spark JVM (local mode: all of Spark's work)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None or getattr(gateway, "proc", None) is None:
        return 0.0, 0.0
    proc = Path(f"/proc/{gateway.proc.pid}")
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    status = (proc / "status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), kb / 1024


def _run(folder: Path, engine: str = "duckdb") -> dict[str, Any]:
    from ucjamsostek.core import crossfund as cf

    files = sorted(folder.glob("roster-*.csv"))
    stages: dict[str, float] = {}
    spark: dict[str, float] = {}
    if engine == "spark":
        from ucjamsostek.core.linkage_spark import session

        t = time.perf_counter()
        session().range(1).count()
        spark = {"spark_startup_seconds": time.perf_counter() - t, "jvm_cpu_seconds": _jvm()[0]}
    t0, c0 = time.perf_counter(), time.process_time()
    rosters = cf.read_rosters(files)
    stages["read"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = cf.find_overlaps(rosters, as_of=AS_OF, engine=engine)
    stages["link+overlap"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    cf.write_outputs(result, folder / "out", region_names={})
    stages["write"] = time.perf_counter() - t2
    totals = result.totals()
    if engine == "spark":
        cpu, peak = _jvm()
        spark.update(jvm_cpu_seconds=cpu - spark["jvm_cpu_seconds"], jvm_peak_mb=peak)
    return {
        "engine": engine,
        **spark,
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        **{f"{k}_seconds": v for k, v in stages.items()},
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_average": os.getloadavg()[0],
        "rows": rosters.height,
        "people_found": totals["people"],
        "pairs": totals["pairs"],
        "exact_pairs": int((result.pairs["match"] == "exact").sum()),
        "rupiah_twice": totals["rupiah_twice"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(_run(Path(args.run), args.engine)))
        return
    t = time.perf_counter()
    folder, truth = _rosters(args.rows)
    print(f"rosters in {folder} ({time.perf_counter() - t:.0f} s to make or find); true people funded twice: {truth}")
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--run", str(folder), "--engine", args.engine],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]))
    precision = _precision(folder)
    med = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu_seconds", "peak_mb")}
    found = runs[0]["people_found"]
    print(
        f"{runs[0]['rows']:,} rows, 5 rosters: median of {len(runs)} {med['seconds']:.1f} s "
        f"(cpu {med['cpu_seconds']:.1f} s), peak {med['peak_mb']:.0f} MB; people funded twice found {found:,} "
        f"of {truth:,} true ({found / truth:.3f}); person-pairs that are one person: {precision:.4f}".replace(",", ".")
    )


if __name__ == "__main__":
    main()
