"""End-to-end speed of ``ucjamsostek screen`` (DESIGN.md §7), with two reference points.

    .venv/bin/python benchmarks/bench_screen.py [--rows 10000 100000 1000000] [--xlsx 10000]
                                                [--repeat 3] [--repeat-large 1] [--no-floors]

For every size a nomination file is made once by the demo generator
(:func:`ucjamsostek.demo.generator.write_nomination_file`, with its reference lists) into
``bench-out/``. A throw-away database (``bench-out/screen-db``) is migrated and the file's
reference lists are loaded with ``ucjamsostek reference load``; then each measured run is a fresh
process ``.venv/bin/ucjamsostek screen FILE --out DIR --as-of 2026-01-01`` (the console script,
end to end: start-up, context from the database, intake, rules, linkage, outputs). For each case
the median wall time and the peak resident memory of the run (``os.wait4`` rusage) are printed,
with the ratio against:

* **floor** — a fresh process that reads the same file (DuckDB ``read_csv``; calamine for xlsx)
  and groups it by NIK;
* **splink** — a fresh process that runs :func:`ucjamsostek.core.linkage.link` (exact NIK groups +
  Splink prediction with the shipped model and the module's own blocking rules, see
  :func:`ucjamsostek.core.linkage.model_spec`) on the same rows, already normalised (parquet).

Acceptance (issue 3): 1 000 000 csv rows in ≤ 60 s median with ≤ 6 GB peak; 10 000 xlsx rows in
≤ 5 s including the report. Results also go to ``bench-out/bench_screen.json``. The machine is
shared: figures taken under load are noted with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
UCJ = ROOT / ".venv" / "bin" / "ucjamsostek"
PY = ROOT / ".venv" / "bin" / "python"
AS_OF = "2026-01-01"
KINDS = ("enrolled", "deaths", "asn")


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  ! {' '.join(cmd[:3])} … exited {code}: {err.strip()[-500:]}", file=sys.stderr)
    return seconds, usage.ru_maxrss / 1024, code


def measure(cmd: list[str], repeat: int, env: dict[str, str] | None = None) -> dict[str, float]:
    runs = [run(cmd, env) for _ in range(repeat)]
    return {
        "median_s": round(statistics.median(r[0] for r in runs), 2),
        "min_s": round(min(r[0] for r in runs), 2),
        "peak_mb": round(max(r[1] for r in runs)),
        "runs": len(runs),
        "ok": all(r[2] == 0 for r in runs),
    }


def in_child(*args: str) -> None:
    """Run one of this script's helper steps in a child process. Linux carries a process's peak
    RSS over fork and exec, so a parent that had grown (generating a 1M-row file) would inflate
    every later child's measured peak; the parent therefore never loads the big data itself."""
    subprocess.run([str(PY), __file__, *args], check=True)


def make_file(rows: int, fmt: str) -> Path:
    path = OUT / f"usulan-{fmt}-{rows}.{fmt}"
    refs = [path.parent / f"{path.stem}-referensi-{k}.csv" for k in KINDS]
    if not path.exists() or not all(r.exists() for r in refs):
        print(f"  membuat {path.name} …", file=sys.stderr)
        in_child("--internal-make", str(rows), str(path))
    return path


def _make(rows: int, path: Path) -> None:
    from ucjamsostek.demo.generator import write_nomination_file

    write_nomination_file(path, rows, seed=11)


def prepare_db(env: dict[str, str]) -> None:
    subprocess.run([str(UCJ), "migrate", "-v0"], env=env, check=True, stdout=subprocess.DEVNULL)


def load_references(path: Path, env: dict[str, str]) -> None:
    for kind in KINDS:
        ref = path.parent / f"{path.stem}-referensi-{kind}.csv"
        subprocess.run(
            [str(UCJ), "reference", "load", kind, str(ref), "--no-progress"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def floor_cmd(path: Path) -> list[str]:
    if path.suffix == ".csv":
        from ucjamsostek.core.intake import HEADER_SEARCH_ROWS, _find_header, sniff_delimiter

        head = path.read_text(encoding="utf-8", errors="replace")[: 256 * 1024].splitlines()[:HEADER_SEARCH_ROWS]
        delim = sniff_delimiter(head)
        import csv

        found = _find_header([list(r) for r in csv.reader(head, delimiter=delim)], None)
        assert found is not None
        h, fields = found
        nik_col = next(j for j, f in fields.items() if f == "nik")
        code = (
            "import duckdb,sys;"  # noqa: S608 - our own generated file, not user input
            f"r=duckdb.sql(\"select column{nik_col:02d} as nik, count(*) n from read_csv('{path}', header=false, "
            f"skip={h + 1}, all_varchar=true, delim='{delim}', null_padding=true) group by 1\").fetchall();"
            "print(len(r))"
        )
    else:
        code = (
            "import polars as pl, python_calamine as pc;"
            f"rows=pc.CalamineWorkbook.from_path('{path}').get_sheet_by_index(0).to_python();"
            "df=pl.DataFrame({'nik':[str(r[1]) for r in rows[3:]]});"
            "print(df.group_by('nik').len().height)"
        )
    return [str(PY), "-c", code]


def splink_input(path: Path) -> Path:
    """The linkage input of ``screen`` for this file (normalised rows with resolved villages)."""
    target = OUT / f"{path.stem}.{path.suffix.lstrip('.')}.linkage.parquet"
    if not target.exists():
        in_child("--internal-splink-input", str(path), str(target))
    return target


def _splink_input(path: Path, target: Path) -> None:
    import polars as pl

    from ucjamsostek.core.intake import read_nominations
    from ucjamsostek.core.regiondata import region_table
    from ucjamsostek.core.rules import RegionResolver, with_nik_parts

    as_of = date.fromisoformat(AS_OF)
    df = with_nik_parts(read_nominations(path, today=as_of).frame, as_of)
    resolved = RegionResolver(region_table(), "74.13").resolve_frame(df)
    df.join(resolved, on="row").select(
        "row",
        pl.when(pl.col("nik_problem").is_null()).then(pl.col("nik")).alias("nik"),
        "name",
        "birth_date",
        "sex",
        pl.col("region_code").alias("village_code"),
        pl.col("region_code").str.extract(r"^(\d+\.\d+\.\d+)", 1).alias("district_code"),
    ).write_parquet(target)


def splink_cmd(parquet: Path) -> list[str]:
    code = (
        "import polars as pl;from ucjamsostek.core.linkage import link;"
        f"r=link(pl.read_parquet('{parquet}'));print(r.clusters.height)"
    )
    return [str(PY), "-c", code]


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--internal-make":
        _make(int(sys.argv[2]), Path(sys.argv[3]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "--internal-splink-input":
        _splink_input(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000, 1_000_000], help="csv sizes")
    parser.add_argument("--xlsx", type=int, nargs="*", default=[10_000], help="xlsx sizes (report included)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case below 1M rows (median)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per case at 1M rows (shared CPU)")
    parser.add_argument("--no-floors", action="store_true", help="skip the DuckDB floor and Splink-alone runs")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    env = dict(os.environ)
    env["UCJAMSOSTEK_DATA_DIR"] = str(OUT / "screen-db")
    Path(env["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    prepare_db(env)

    cases = [(n, "csv") for n in args.rows] + [(n, "xlsx") for n in args.xlsx]
    results = []
    for rows, fmt in cases:
        path = make_file(rows, fmt)
        load_references(path, env)
        repeat = args.repeat_large if rows >= 1_000_000 else args.repeat
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp:
            cmd = [str(UCJ), "screen", str(path), "--out", tmp, "--as-of", AS_OF, "--no-progress"]
            screen = measure(cmd, repeat, env)
        entry: dict[str, object] = {"rows": rows, "format": fmt, "load_avg": round(load, 1), "screen": screen}
        if not args.no_floors:
            floor = measure(floor_cmd(path), repeat)
            splink = measure(splink_cmd(splink_input(path)), repeat)
            entry |= {
                "floor": floor,
                "splink": splink,
                "ratio_floor": round(screen["median_s"] / max(floor["median_s"], 1e-9), 1),
                "ratio_splink": round(screen["median_s"] / max(splink["median_s"], 1e-9), 2),
            }
        results.append(entry)
        line = (
            f"{rows:>9,} {fmt:<4}  screen {screen['median_s']:7.2f} s  peak {screen['peak_mb']:6.0f} MB"
            f"  (runs {screen['runs']}, load {load:.1f})"
        )
        if "floor" in entry:
            line += (
                f"  | floor {entry['floor']['median_s']:6.2f} s ×{entry['ratio_floor']}"  # type: ignore[index]
                f"  | splink {entry['splink']['median_s']:6.2f} s ×{entry['ratio_splink']}"  # type: ignore[index]
            )
        print(line.replace(",", "."), flush=True)
    (OUT / "bench_screen.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
