"""Write a realistic nomination file (the demo's generator) and its truth, for the screening benchmarks.

    python benchmarks/make_nominations.py --rows 1000000 --fmt csv --out bench-out/

writes ``bench-out/usulan-<rows>.<fmt>``, its truth ``usulan-<rows>.expected.csv`` (``row, status,
reasons, group, region_code, defect, person``; DESIGN.md §5.3) and the reference lists the truth
depends on (``usulan-<rows>-referensi-{enrolled,deaths,asn}.csv``), and prints the seconds taken.
No NIK or name is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ucjamsostek.demo.generator import write_nomination_file, write_truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000, help="data rows (10000, 100000, 1000000 …)")
    parser.add_argument("--fmt", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--clean", action="store_true", help="no defects, no noise (all rows eligible)")
    parser.add_argument("--name", default=None, help="file stem (default usulan-<rows>)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.name or f"usulan-{args.rows}"
    path = args.out / f"{stem}.{args.fmt}"
    started = time.perf_counter()
    truth = write_nomination_file(path, args.rows, seed=args.seed, fmt=args.fmt, defects=not args.clean)
    written = time.perf_counter() - started
    write_truth(truth, args.out / f"{stem}.expected.csv")
    total = time.perf_counter() - started
    counts = dict(truth.group_by("status").len().sort("status").iter_rows())
    size = path.stat().st_size / 1e6
    print(f"{path}: {args.rows} baris, {size:.1f} MB, {written:.1f} s (+ kunci {total - written:.1f} s)")
    print("status: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"seconds={total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
