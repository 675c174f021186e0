"""One linkage, two engines (issue 13 §1): the same screening on DuckDB and on Spark, compared.

    .venv/bin/python benchmarks/bench_engines.py [--rows 200000] [--engines duckdb,spark]
                                                 [--master local[2]] [--driver-memory 4g]

A nomination file of ``--rows`` rows is generated once by the demo generator
(:func:`ucjamsostek.demo.generator.write_nomination_file`, with its reference lists: duplicates
under mistyped NIKs and name variants, twins, deaths, …) into ``bench-out/engines-N/``. Each
engine screens it in a fresh process (``core.screen.screen_file`` with ``engine=…``, as
``ucjamsostek screen FILE --engine …`` does) and writes its ``rows.csv``. Printed per engine: the
seconds of the screening (wall, and of its linkage stage; for Spark the session start-up is timed
apart), the CPU seconds of the Python process and, for Spark in local mode, of its JVM (on a
shared machine the CPU time says more than the wall time), the peak memory of each, and the load
average.

Then the two results are compared row by row: status, reason codes and duplicate cluster must
be the same; the pairs of rows put in one cluster are compared as a pairs F1 (acceptance ≥ 0.999).
Every row that differs is listed (row number, both statuses, reasons and clusters; no NIK or
name), so a difference can be explained.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
AS_OF = dt.date(2026, 1, 1)
KINDS = ("enrolled", "deaths", "asn")


def _file(rows: int) -> Path:
    folder = OUT / f"engines-{rows}"
    path = folder / f"usulan-{rows}.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # in a child: a parent grown by the generator would inflate the measured children's peaks
        subprocess.run([sys.executable, __file__, "--make", str(rows), str(path)], check=True)
    return path


def _make(rows: int, path: Path) -> None:
    from ucjamsostek.demo.generator import write_nomination_file

    write_nomination_file(path, rows, seed=17)


def _jvm() -> tuple[float, float]:
    """CPU seconds and peak resident MB of this process's Spark JVM (local mode: all of Spark's work)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None or getattr(gateway, "proc", None) is None:
        return 0.0, 0.0
    proc = Path(f"/proc/{gateway.proc.pid}")
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    status = (proc / "status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return cpu, kb / 1024


def _run(path: Path, engine: str, out: Path) -> dict[str, Any]:
    from ucjamsostek.core.regiondata import region_table
    from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, screen_file, write_outputs

    startup, jvm_cpu0 = 0.0, 0.0
    if engine == "spark":
        from ucjamsostek.core.linkage_spark import session

        t = time.perf_counter()
        spark = session()
        spark.range(1).count()  # the JVM and its executor up
        startup = time.perf_counter() - t
        jvm_cpu0 = _jvm()[0]
    ctx = ScreeningContext.from_reference_files(
        region_table(), "74.13", {k: path.parent / f"{path.stem}-referensi-{k}.csv" for k in KINDS}
    )
    stages: dict[str, float] = {}
    since: dict[str, float] = {}  # the current stage and when it began

    def progress(stage: str, fraction: float) -> None:
        now = time.perf_counter()
        for name, began in since.items():
            stages[name] = stages.get(name, 0.0) + now - began
        since.clear()
        if stage:
            since[stage] = now

    t0, c0 = time.perf_counter(), time.process_time()
    result = screen_file(path, ctx, ScreeningOptions(as_of=AS_OF, engine=engine), progress=progress)
    progress("", 1.0)
    seconds = time.perf_counter() - t0
    jvm_cpu, jvm_peak = _jvm() if engine == "spark" else (0.0, 0.0)
    write_outputs(result, out, source_name=path.name, report=False)
    return {
        "engine": engine,
        "rows": result.rows.height,
        "seconds": round(seconds, 1),
        "linkage_seconds": round(stages.get("pencocokan", 0.0), 1),
        "python_cpu_seconds": round(time.process_time() - c0, 1),
        "spark_startup_seconds": round(startup, 1),
        "python_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "jvm_cpu_seconds": round(jvm_cpu - jvm_cpu0, 1),
        "jvm_peak_mb": round(jvm_peak),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _pairs(rows: pl.DataFrame) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for members in rows.filter(pl.col("cluster").is_not_null()).group_by("cluster").agg("row")["row"].to_list():
        out |= set(itertools.combinations(sorted(members), 2))
    return out


def compare(a: pl.DataFrame, b: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Rows whose status, reasons or cluster differ between two rows.csv, and the pairs F1."""
    cols = ["row", "status", "reasons", "cluster"]
    joined = a.select(cols).join(b.select(cols), on="row", how="full", coalesce=True, suffix="_b")
    differ = joined.filter(
        pl.any_horizontal(
            pl.col(c).fill_null("").ne_missing(pl.col(f"{c}_b").fill_null("")) for c in ("status", "reasons", "cluster")
        )
    )
    pa, pb = _pairs(a), _pairs(b)
    f1 = 2 * len(pa & pb) / (len(pa) + len(pb)) if pa or pb else 1.0
    return differ, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--master", help="UCJAMSOSTEK_SPARK_MASTER for the Spark run (default: as set, else local[*])")
    parser.add_argument("--driver-memory", default="4g", help="UCJAMSOSTEK_SPARK_DRIVER_MEMORY (default 4g)")
    parser.add_argument("--make", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--run", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        _make(int(args.make[0]), Path(args.make[1]))
        return
    if args.run:
        print(json.dumps(_run(Path(args.run[0]), args.run[1], Path(args.run[2]))))
        return
    t = time.perf_counter()
    path = _file(args.rows)
    print(f"{path} ({time.perf_counter() - t:.0f} s to make or find)", flush=True)
    env = {**os.environ, "UCJAMSOSTEK_SPARK_DRIVER_MEMORY": args.driver_memory}
    if args.master:
        env["UCJAMSOSTEK_SPARK_MASTER"] = args.master
    engines = args.engines.split(",")
    results: dict[str, dict[str, Any]] = {}
    for engine in engines:
        out = path.parent / engine
        done = subprocess.run(
            [sys.executable, __file__, "--run", str(path), engine, str(out)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(results[engine]), flush=True)
    if len(engines) < 2:
        return
    a, b = (pl.read_csv(path.parent / e / "rows.csv", infer_schema=False) for e in engines[:2])
    a, b = (f.with_columns(pl.col("row").cast(pl.Int64)) for f in (a, b))
    differ, f1 = compare(a, b)
    ratio = float(results[engines[1]]["seconds"]) / max(float(results[engines[0]]["seconds"]), 1e-9)
    print(
        f"{a.height} rows: {engines[0]} {results[engines[0]]['seconds']} s, {engines[1]} "
        f"{results[engines[1]]['seconds']} s (ratio {ratio:.1f}); rows that differ in status, reasons or "
        f"cluster: {differ.height}; pairs F1 between the engines: {f1:.6f}"
    )
    if differ.height:
        with pl.Config(tbl_rows=50, tbl_width_chars=200, fmt_str_lengths=60):
            print(differ.head(50))


if __name__ == "__main__":
    main()
