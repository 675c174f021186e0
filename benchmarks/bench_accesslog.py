"""Cost of recording a download in the access log (issue 12 §4): what every export pays.

    .venv/bin/python benchmarks/bench_accesslog.py [--sizes 10000,100000] [--runs 3]
                                                    [--db sqlite|postgres]
                                                    [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

``accounts.middleware.AccessLogMiddleware`` reads each download before it leaves
(``core.nikscan.scan``: the NIKs and the rows holding them) and appends the entry with one keyed
hash per person (``accounts.services.record_access``: HMAC-SHA256, bulk insert). For every size N
(rows of people with a distinct NIK each, made-up names, no personal data) this times, as the
median of ``--runs``:

* **write** — the file itself, as the app writes its exports, for scale: the fast writer
  (``core/xlsxml.py``, inline strings: screening report, reconciliation), XlsxWriter
  (``core/xlsxout.py``, shared strings: budget, agreements) and csv (``core/csvout.py``);
* **scan** — :func:`ucjamsostek.core.nikscan.scan` of that file (checked: N rows, N NIKs);
* **record** — ``record_access`` of the N NIKs into a throw-away database (SQLite file under
  ``bench-out/accesslog/`` or a fresh PostgreSQL database, dropped at the end).

The load average at the start of each size is printed with its figures (the machine is shared).
Results also go to ``bench-out/bench_accesslog.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out" / "accesslog"


def _median(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def frame(n: int) -> pl.DataFrame:
    """N people: distinct 16-digit NIKs (Muna Barat prefix), a name, a class, two amounts."""
    classes = ("MATCHED", "NOT_BILLED", "AMOUNT_MISMATCH")
    return pl.DataFrame(
        {
            "nik": [f"741301{1_000_000_000 + k}" for k in range(n)],
            "nama": [f"Orang Uji {k}" for k in range(n)],
            "kelas": [classes[k % 3] for k in range(n)],
            "tagihan": [(k % 7) * 16_800 for k in range(n)],
            "seharusnya": [16_800] * n,
        }
    )


def writers(data: pl.DataFrame) -> dict[str, Callable[[Path], None]]:
    from ucjamsostek.core import csvout, xlsxml, xlsxout

    header = ["NIK", "Nama", "Kelas", "Tagihan", "Seharusnya"]

    def fast(path: Path) -> None:
        kinds = (xlsxml.TEXT, xlsxml.TEXT, xlsxml.TEXT, xlsxml.INT, xlsxml.INT)
        xlsxml.write_workbook(path, [xlsxml.Sheet("Data", header, frame=data, kinds=kinds)])

    def shared(path: Path) -> None:
        xlsxout.write_workbook(path, [xlsxout.Sheet("Data", header, data.iter_rows())])

    def csv(path: Path) -> None:
        csvout.write_csv(data, path)

    return {"xlsx (xlsxml, inline strings)": fast, "xlsx (XlsxWriter, shared strings)": shared, "csv": csv}


class Db:
    """A throw-away database with the accounts tables (``migrate accounts``)."""

    def __init__(self, kind: str, pg_url: str) -> None:
        self.kind, self.pg_admin = kind, pg_url
        if kind == "postgres":
            self.name = f"ucj_bench_accesslog_{os.getpid()}"
            self.url = f"{pg_url.rsplit('/', 1)[0]}/{self.name}"
        else:
            self.name = str(OUT / "bench.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def create(self) -> None:
        (OUT / "data").mkdir(parents=True, exist_ok=True)
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                conn.execute(f'CREATE DATABASE "{self.name}"')
        else:
            Path(self.name).unlink(missing_ok=True)
        os.environ.update(
            DATABASE_URL=self.url, UCJAMSOSTEK_DATA_DIR=str(OUT / "data"), DJANGO_SETTINGS_MODULE="ucjamsostek.settings"
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", "accounts", verbosity=0)

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)


def bench_size(n: int, runs: int) -> dict[str, Any]:
    from ucjamsostek.accounts import permissions as perm
    from ucjamsostek.accounts import services
    from ucjamsostek.accounts.models import AccessLog
    from ucjamsostek.core import nikscan

    data = frame(n)
    entry: dict[str, Any] = {"size": n, "load_avg_start": [round(x, 2) for x in os.getloadavg()], "files": {}}
    for label, write in writers(data).items():
        path = OUT / f"export-{n}{'.csv' if label == 'csv' else '.xlsx'}"
        write_s, _ = _median(lambda write=write, path=path: write(path), runs)

        def scan(path: Path = path) -> nikscan.Disclosed:
            with path.open("rb") as fh:
                return nikscan.scan(fh)

        scan_s, found = _median(scan, runs)
        if (found.rows, len(found.niks)) != (n, n):
            raise SystemExit(f"{label}: found {found.rows} rows, {len(found.niks)} NIKs, expected {n}")
        entry["files"][label] = {"bytes": path.stat().st_size, "write_s": round(write_s, 3), "scan_s": round(scan_s, 3)}
        path.unlink()
    niks = data["nik"].to_list()

    def record() -> AccessLog:
        return services.record_access(perm.SYSTEM, AccessLog.Kind.DOWNLOAD, "bench", niks=niks)

    record_s, _ = _median(record, runs)
    entry["record_s"] = round(record_s, 3)
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db = Db(args.db, args.pg_url)
    db.create()
    results = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            entry = bench_size(n, args.runs)
            results.append(entry)
            print(f"N={n:>9,} load {entry['load_avg_start']}  record ({args.db}) {entry['record_s']:.3f} s")
            for label, f in entry["files"].items():
                print(
                    f"    {label:34} {f['bytes'] / 1e6:7.1f} MB  write {f['write_s']:7.3f} s  scan {f['scan_s']:7.3f} s"
                )
            sys.stdout.flush()
    finally:
        db.drop()
    (OUT.parent / "bench_accesslog.json").write_text(json.dumps({"db": args.db, "results": results}, indent=2))


if __name__ == "__main__":
    main()
