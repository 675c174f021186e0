"""Speed of the claims import when NIKs repeat (issue 15: 20.000 rows with repeated unregistered
NIKs were 11× slower than 20.000 distinct ones; the import must be set-based).

    .venv/bin/python benchmarks/bench_claims_import.py [--rows 20000] [--runs 3] [--db sqlite|postgres]
                                                       [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Three claims files of ``--rows`` lines each (csv as BPJS sends it, no personal data: made-up
Muna NIKs that nobody in the registry holds, so every line is flagged NOT_IN_REGISTRY):

* ``distinct``: every line another NIK;
* ``repeated``: 1.000 NIKs, each on ``rows/1000`` lines (other incident dates);
* ``few``: 10 NIKs on every line (one person's claims repeated over and over, most of them
  duplicates of each other).

Each is imported with ``claims.services.import_claims`` into an empty claims table of a fresh
database (SQLite file under ``bench-out/claims/`` or a new PostgreSQL database, dropped at the
end); the median of ``--runs`` is printed per file with the ratio to ``distinct``. The flags
are checked (every line NOT_IN_REGISTRY; the expected number of DUPLICATE lines), so the figure
is of a right answer. Run from the repository root; the machine is shared, so the load average
is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out" / "claims"


def _nik(i: int) -> str:
    # 74.03.01 (Muna), a birth date in 1970–1999, serial from i: valid, and nobody's in the registry
    born = date(1970, 1, 1) + timedelta(days=i % 10_000)
    return f"740301{born:%d%m%y}{i // 10_000 + 1:04d}"


def _write(path: Path, niks: list[str]) -> Path:
    lines = ["NIK;No KPJ;Jenis;Tgl Kejadian;Tgl Pengajuan;Tgl Bayar;Nominal;Status;Nama Ahli Waris"]
    for k, nik in enumerate(niks):
        day = date(2023, 1, 1) + timedelta(days=k % 700)
        paid = day + timedelta(days=30)
        lines.append(
            f"{nik};;JKK;{day:%d-%m-%Y};{day:%d-%m-%Y};{paid:%d-%m-%Y};Rp{1_000 * (k % 97 + 1):,};Dibayar;".replace(
                ",", "."
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    n = args.rows
    files = {
        "distinct": _write(OUT / "distinct.csv", [_nik(i) for i in range(n)]),
        "repeated": _write(OUT / "repeated.csv", [_nik(i % 1_000) for i in range(n)]),
        "few": _write(OUT / "few.csv", [_nik(i % 10) for i in range(n)]),
    }
    pg_name = f"ucj_bench_claims_{os.getpid()}"
    tmp = tempfile.mkdtemp(prefix="ucj-bench-claims-")
    os.environ["UCJAMSOSTEK_DATA_DIR"] = tmp
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{OUT / f'bench-{os.getpid()}.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = args.pg_url.rsplit("/", 1)[0] + "/" + pg_name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from ucjamsostek.accounts.permissions import SYSTEM
        from ucjamsostek.claims import services
        from ucjamsostek.claims.models import Claim

        call_command("migrate", verbosity=0)
        print(f"{n} rows, {args.db}, load average {os.getloadavg()[0]:.1f}")
        medians: dict[str, float] = {}
        for name, path in files.items():
            times = []
            for _ in range(args.runs):
                Claim.objects.all().delete()
                t0 = time.perf_counter()
                res = services.import_claims(SYSTEM, path)
                times.append(time.perf_counter() - t0)
                distinct_keys = Claim.objects.values("nik", "type", "incident_date").distinct().count()
                assert len(res.flagged_rows.get("NOT_IN_REGISTRY", [])) == n, "every NIK is unregistered"
                assert len(res.flagged_rows.get("DUPLICATE", [])) == n - distinct_keys, "duplicates"
            medians[name] = statistics.median(times)
            ratio = medians[name] / medians["distinct"]
            print(f"  {name:9s} median {medians[name]:6.2f} s  (×{ratio:.2f} of distinct)  runs {times}")
    finally:
        if args.db == "sqlite":
            Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
