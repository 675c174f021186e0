"""Speed of the BPJS bill reconciliation (DESIGN.md §5.4; issue 5: 1.000.000 lines ≤ 30 s).

    .venv/bin/python benchmarks/bench_reconcile.py [--sizes 10000,100000,1000000] [--runs 3]
                                                   [--db postgres|sqlite] [--format csv|xlsx]
                                                   [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
                                                   [--phases] [--keep-db]

For every size N a synthetic roster of N people (one accepted enrollment each, under a BPU PKS
or, for one in twenty, a PU non-ASN PKS with a wage base) and a monthly bill of N lines for
January 2026 are generated (no personal data; Muna Barat NIK prefixes, made-up names). The bill
is mostly right, with each discrepancy class of §5.4 sprinkled in at a realistic rate: NIKs not
on the roster, a person billed twice, people billed after their death, people billed outside
their coverage (ended in 2025 or starting in February), amounts at the wrong rate (the PP 50/2025
discount that does not apply to APBD payers), and roster people BPJS did not bill. The bill is
written as the file ``ucjamsostek billing import`` reads (``NIK, No KPJ, Nama, Periode, Program,
Iuran`` with Indonesian thousands dots), shuffled, into ``bench-out/reconcile/``.

Two things are timed, each as the median of ``--runs``:

* **core** — :func:`ucjamsostek.core.reconcile.reconcile` on in-memory frames (a child process
  that reads the frames from parquet, untimed, then reconciles; its peak RSS is reported);
* **end to end** — what a user runs, as two fresh processes of the console script against a
  database holding the N-person roster: ``ucjamsostek billing import FILE`` (read, validate,
  store the bill and its lines) then ``ucjamsostek billing reconcile --period 2026-01 --out DIR``
  (roster and bill from the database, reconcile, store the payable amount and summary, write
  ``reconciliation.csv`` and ``reconciliation.xlsx`` — the rows the reconciliation page and its
  xlsx download show). The bill of the period is deleted (untimed) before each run, so every
  run is a first import. Peak RSS is the larger of the two processes'.

The cross-bill ledger (DESIGN.md §5.4, issue 9 §1) is on by default: before the runs, a December
2025 bill of the same N people is imported (untimed) and stays stored; the January bill then
carries, for one person in five hundred, a back-bill line for December — a month the December
bill already billed — which must come out BILLED_TWICE across bills. ``billing reconcile`` reads
the earlier bills' lines that the January bill repeats from the database (the ledger query over
the December bill's N lines) on every run; the core timing gets the same ledger frame. Only the
January bill is deleted between runs. ``--no-ledger`` measures a lone bill, as before.

The class counts of ``reconciliation.csv`` are checked against what was generated, so the
benchmark fails loudly if the fast path ever stops giving the right answer.

The database is created and dropped by the benchmark: on PostgreSQL (default, the production
database) a fresh ``ucj_bench_reconcile_<pid>`` database on the server of ``--pg-url`` (the
maintenance database; or ``$BENCH_PG_URL``), on SQLite a file under ``bench-out/reconcile/``.
``--phases`` adds an in-process breakdown of one end-to-end run (read, store, roster, reconcile,
csv, xlsx). Results also go to ``bench-out/bench_reconcile.json``. The machine is shared: the
load average at the start of each size is printed with its figures.
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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out" / "reconcile"
UCJ = ROOT / ".venv" / "bin" / "ucjamsostek"
PY = ROOT / ".venv" / "bin" / "python"
PERIOD = date(2026, 1, 1)
EARLIER_PERIOD = date(2025, 12, 1)  # the bill already stored when the ledger is on
TARGET_S = 30.0
SEED = 2026

# Shares of the bill / roster (realistic for a monthly BPJS bill of a Pemda-paid programme).
SHARE_NOT_ON_ROSTER = 0.004  # bill lines whose NIK is on no roster
SHARE_TWICE = 0.002  # extra lines for a person already billed this month
SHARE_REBILL = 0.002  # with the ledger: back-bill lines for December, which the December bill billed
SHARE_DEAD = 0.003  # roster people who died before the month (still billed)
SHARE_OUTSIDE = 0.003  # roster people whose coverage does not include the month (still billed)
SHARE_MISMATCH = 0.005  # lines at the wrong amount
SHARE_PU = 0.05  # PU non-ASN (wage-based contribution) instead of BPU pekerja rentan
WAGE_BASE = 3_073_551  # PU wage base of the non-ASN PKS (UMP Sulawesi Tenggara 2025)

BPU_START, PU_START, PKS_END = date(2025, 7, 14), date(2025, 1, 1), date(2027, 1, 1)
FIRST_NAMES = (
    "La Ode Wa Ode Muhammad Siti Nur Andi Sitti Hasan Rahman Hamid Ayu Dewi Sri Agus Budi Rina Yusuf Ismail Fitri "
    "Rahmat Asrul Hasrul Jumriati Nurhayati Salmia Harun Sukri Arman Irwan Darmin Samsul Ramli Sahrul Marwah"
).split()
LAST_NAMES = (
    "Rahim Saleh Idris Hamzah Sabara Kaimuddin Manarfa Halim Sani Tamburaka Rauf Baharuddin Latif Umar Daud Safiu "
    "Husein Majid Naim Wahid Bakri Jafar Lambae Laode Sapii Arifin Masud Taufik Gafur Muis"
).split()
NIK_PREFIXES = (
    "741301 741302 741303 741304 741305 741306 741307 741308 741309 741310 741311 740201 740202"
).split()  # Muna Barat kecamatan, and two of Muna (registered before the regency was formed)
BIRTH_DAYS = 50 * 365  # birth dates over 50 years from 1961-01-01


# ----------------------------------------------------------------------------------- generation
def niks(index: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Distinct, well-formed NIKs for distinct indices (prefix, DDMMYY with +40 for women, serial)."""
    n_pref = len(NIK_PREFIXES)
    rest = index // n_pref
    birth = np.datetime64("1961-01-01") + (rest % BIRTH_DAYS).astype("timedelta64[D]")
    serial = rest // BIRTH_DAYS + 1
    female = rng.random(index.size) < 0.5
    f = pl.DataFrame(
        {
            "prefix": np.array(NIK_PREFIXES)[index % n_pref],
            "birth": birth.astype("datetime64[D]"),
            "serial": serial,
            "female": female,
        }
    ).with_columns(pl.col("birth").cast(pl.Date))
    day = pl.col("birth").dt.day() + pl.when(pl.col("female")).then(40).otherwise(0)
    return f.select(
        pl.format(
            "{}{}{}{}{}",
            "prefix",
            day.cast(pl.Utf8).str.zfill(2),
            pl.col("birth").dt.month().cast(pl.Utf8).str.zfill(2),
            (pl.col("birth").dt.year() % 100).cast(pl.Utf8).str.zfill(2),
            pl.col("serial").cast(pl.Utf8).str.zfill(4),
        ).alias("nik")
    )["nik"]


def names(n: int, rng: np.random.Generator) -> np.ndarray:
    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
    return np.char.add(np.char.add(first.astype("U"), " "), last.astype("U"))


def rupiah_text(col: str) -> pl.Expr:
    """16800 → ``16.800`` (amounts below Rp1.000.000, as on a monthly bill)."""
    a = pl.col(col)
    return (
        pl.when(a >= 1000)
        .then(pl.format("{}.{}", (a // 1000).cast(pl.Utf8), (a % 1000).cast(pl.Utf8).str.zfill(3)))
        .otherwise(a.cast(pl.Utf8))
    )


def generate(n: int, villages: list[str], ledger: bool = True) -> dict[str, Any]:
    """Roster people and enrollments, the bill, the core's input frames and the expected class
    counts; with ``ledger`` also the earlier (December) bill and back-bill lines repeating it."""
    from ucjamsostek.core.rates import load_rate_table

    rates = load_rate_table()
    bpu = rates.monthly_contribution("BPU", "public", PERIOD, ["JKK", "JKM"])
    bpu_wrong = rates.monthly_contribution("BPU", "other", PERIOD, ["JKK", "JKM"])  # discount wrongly applied
    pu = rates.monthly_contribution("PU", "public", PERIOD, ["JKK", "JKM"], WAGE_BASE)

    rng = np.random.default_rng(SEED + n)
    n_extra, n_twice = round(n * SHARE_NOT_ON_ROSTER), round(n * SHARE_TWICE)
    n_dead, n_outside, n_mismatch = round(n * SHARE_DEAD), round(n * SHARE_OUTSIDE), round(n * SHARE_MISMATCH)
    n_rebill = round(n * SHARE_REBILL) if ledger else 0
    n_unbilled = n_extra + n_twice + n_rebill  # so that the bill has exactly n lines
    order = rng.permutation(n)
    dead = order[:n_dead]
    outside = order[n_dead : n_dead + n_outside]
    unbilled = order[n_dead + n_outside : n_dead + n_outside + n_unbilled]
    normal = order[n_dead + n_outside + n_unbilled :]
    mismatch = normal[:n_mismatch]
    twice = normal[n_mismatch : n_mismatch + n_twice]
    rebill = normal[n_mismatch + n_twice : n_mismatch + n_twice + n_rebill]

    ids = np.arange(1, n + 1)
    is_pu = rng.random(n) < SHARE_PU
    death = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    # died Aug–Dec 2025: billed in January after death
    death[dead] = np.datetime64("2025-08-01") + rng.integers(0, 150, n_dead).astype("timedelta64[D]")
    start = np.where(is_pu, np.datetime64(PU_START), np.datetime64(BPU_START)).astype("datetime64[D]")
    end = np.full(n, np.datetime64(PKS_END), dtype="datetime64[D]")
    status = np.full(n, "active", dtype=object)
    half = n_outside // 2  # half ended in 2025, half start in February 2026
    end[outside[:half]] = np.datetime64("2025-12-01")
    status[outside[:half]] = "ended"
    start[outside[half:]] = np.datetime64("2026-02-01")

    nik = niks(ids - 1, rng)
    people = pl.DataFrame(
        {
            "id": ids,
            "nik": nik,
            "name": names(n, rng),
            "sex": np.where(nik.str.slice(6, 2).cast(pl.Int32).to_numpy() > 40, "P", "L"),
            "birth_date": np.datetime64("1961-01-01")
            + ((ids - 1) // len(NIK_PREFIXES) % BIRTH_DAYS).astype("timedelta64[D]"),
            "village_id": np.array(villages)[rng.integers(0, len(villages), n)],
            "is_deceased": ~np.isnat(death),
            "death_date": death,
        }
    ).with_columns(pl.col("birth_date", "death_date").cast(pl.Date))
    enrollments = pl.DataFrame(
        {
            "id": ids,
            "person_id": ids,
            "segment_id": np.where(is_pu, "non_asn", "pekerja_rentan"),
            "funder_id": "apbd_kab",
            "kpj_number": (25_000_000_000 + ids).astype(str),
            "coverage_start": start,
            "coverage_end": end,
            "status": status.astype(str),
            "agreement_id": np.where(is_pu, 2, 1),
        }
    ).with_columns(pl.col("coverage_start", "coverage_end").cast(pl.Date))

    # the bill: every roster person but the unbilled, twice for some, plus strangers
    billed = np.setdiff1d(ids - 1, unbilled)
    amount = np.where(is_pu, pu, bpu)
    wrong = amount.copy()
    wrong[mismatch] = np.where(is_pu[mismatch], pu + 100, bpu_wrong)
    rows = np.concatenate([billed, twice, rebill])
    own = pl.DataFrame(
        {
            "nik": nik.gather(rows),
            "kpj": (25_000_000_000 + rows + 1).astype(str),
            "name": people["name"].gather(rows),
            "amount": np.concatenate([wrong[billed], wrong[twice], amount[rebill]]),
            "period": [PERIOD] * (billed.size + twice.size) + [EARLIER_PERIOD] * rebill.size,
        }
    )
    strangers = pl.DataFrame(
        {
            "nik": niks(np.arange(2 * n, 2 * n + n_extra), rng),
            "kpj": (26_000_000_000 + np.arange(n_extra)).astype(str),
            "name": names(n_extra, rng),
            "amount": np.full(n_extra, bpu, dtype=np.int64),
            "period": [PERIOD] * n_extra,
        }
    )
    bill = (
        pl.concat([own, strangers])
        .with_columns(pl.Series("_order", rng.permutation(n)))
        .sort("_order")
        .drop("_order")
        .with_columns(pl.int_range(2, n + 2, dtype=pl.Int64).alias("line"))  # header is line 1
    )
    assert bill.height == n
    file_frame = bill.select(
        pl.col("nik").alias("NIK"),
        pl.col("kpj").alias("No KPJ"),
        pl.col("name").alias("Nama"),
        pl.col("period").dt.strftime("%Y-%m").alias("Periode"),
        pl.lit("JKK+JKM").alias("Program"),
        rupiah_text("amount").alias("Iuran"),
    )
    core_bill = bill.select("line", "nik", pl.col("period").cast(pl.Date), pl.col("amount").cast(pl.Int64))
    # the earlier bill: December 2025, every person covered then (not those starting in February)
    in_december = np.flatnonzero(start <= np.datetime64(EARLIER_PERIOD))
    earlier = pl.DataFrame(
        {
            "nik": nik.gather(in_december),
            "kpj": (25_000_000_000 + in_december + 1).astype(str),
            "name": people["name"].gather(in_december),
            "amount": amount[in_december],
        }
    ).with_columns(pl.int_range(2, in_december.size + 2, dtype=pl.Int64).alias("line"))
    earlier_file = earlier.select(
        pl.col("nik").alias("NIK"),
        pl.col("kpj").alias("No KPJ"),
        pl.col("name").alias("Nama"),
        pl.lit(f"{EARLIER_PERIOD:%Y-%m}").alias("Periode"),
        pl.lit("JKK+JKM").alias("Program"),
        rupiah_text("amount").alias("Iuran"),
    )
    # what billing.services.earlier_lines returns for the January bill: the December lines of
    # the people and months the January bill bills (the back-bills)
    core_earlier = (
        earlier.select(
            "nik",
            pl.lit(EARLIER_PERIOD).alias("period"),
            pl.lit(1, dtype=pl.Int64).alias("bill"),
            pl.lit(EARLIER_PERIOD).alias("bill_period"),
            pl.lit("").alias("bill_number"),
            "line",
        )
        .join(core_bill.select("nik", "period").unique(), on=["nik", "period"], how="semi")
        .sort("line")
    )
    core_roster = enrollments.join(people.select("id", "nik", "death_date"), left_on="person_id", right_on="id").select(
        pl.col("id").alias("enrollment_id"),
        "nik",
        pl.col("coverage_start").alias("start"),
        pl.col("coverage_end").alias("end"),
        pl.when(pl.col("segment_id") == "non_asn").then(pl.lit("PU")).otherwise(pl.lit("BPU")).alias("category"),
        pl.lit("public").alias("payer"),
        pl.lit("JKK+JKM").alias("programmes"),
        pl.when(pl.col("segment_id") == "non_asn").then(pl.lit(WAGE_BASE)).cast(pl.Int64).alias("wage"),
        "death_date",
    )
    expected = {
        "MATCHED": n - n_extra - n_twice - n_rebill - n_dead - n_outside - n_mismatch,
        "NOT_ON_ROSTER": n_extra,
        "BILLED_TWICE": n_twice + n_rebill,
        "BILLED_AFTER_DEATH": n_dead,
        "OUTSIDE_COVERAGE": n_outside,
        "AMOUNT_MISMATCH": n_mismatch,
        "NOT_BILLED": n_unbilled,
    }
    return {
        "people": people,
        "enrollments": enrollments,
        "file": file_frame,
        "core_bill": core_bill,
        "core_roster": core_roster,
        "core_earlier": core_earlier,
        "earlier_file": earlier_file,
        "expected": expected,
    }


def write_bill(frame: pl.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.write_csv(path)
        return
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("Tagihan")
    for j, h in enumerate(frame.columns):
        ws.write_string(0, j, h)
    for i, row in enumerate(frame.iter_rows(), start=1):
        for j, v in enumerate(row):
            ws.write_string(i, j, v)
    wb.close()


def prepare_files(n: int, fmt: str, villages: list[str], ledger: bool = True) -> dict[str, Any]:
    """Generate (or reuse) the size's files under bench-out/reconcile/."""
    tag = f"{n}-ledger" if ledger else str(n)
    paths = {
        "people": OUT / f"people-{tag}.parquet",
        "enrollments": OUT / f"enrollments-{tag}.parquet",
        "core_bill": OUT / f"core-bill-{tag}.parquet",
        "core_roster": OUT / f"core-roster-{tag}.parquet",
        "core_earlier": OUT / f"core-earlier-{tag}.parquet",
        "expected": OUT / f"expected-{tag}.json",
        "bill": OUT / f"tagihan-{tag}.{fmt}",
        "earlier_bill": OUT / f"tagihan-{tag}-{EARLIER_PERIOD:%Y-%m}.{fmt}",
    }
    if not all(p.exists() for p in paths.values()):
        print(f"  membuat data {n:,} …".replace(",", "."), file=sys.stderr, flush=True)
        data = generate(n, villages, ledger)
        for key in ("people", "enrollments", "core_bill", "core_roster", "core_earlier"):
            data[key].write_parquet(paths[key])
        paths["expected"].write_text(json.dumps(data["expected"]), encoding="utf-8")
        write_bill(data["file"], paths["bill"])
        write_bill(data["earlier_file"], paths["earlier_bill"])
    return {"paths": paths, "expected": json.loads(paths["expected"].read_text(encoding="utf-8"))}


# ------------------------------------------------------------------------------------- database
class BenchDb:
    """A throw-away database: created, migrated and initialised (``ucjamsostek init``), dropped at the end."""

    def __init__(self, kind: str, pg_url: str, keep: bool) -> None:
        self.kind, self.keep = kind, keep
        self.pg_admin = pg_url
        if kind == "postgres":
            base = pg_url.rsplit("/", 1)[0]
            self.name = f"ucj_bench_reconcile_{os.getpid()}"
            self.url = f"{base}/{self.name}"
        else:
            self.name = str(OUT / "bench.sqlite3")
            self.url = f"sqlite:///{self.name}"
        self.env = dict(os.environ) | {
            "DATABASE_URL": self.url,
            "UCJAMSOSTEK_DATA_DIR": str(OUT / "data"),
            "DJANGO_SETTINGS_MODULE": "ucjamsostek.settings",
        }

    def create(self) -> None:
        (OUT / "data").mkdir(parents=True, exist_ok=True)
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                conn.execute(f'CREATE DATABASE "{self.name}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)
        subprocess.run([str(UCJ), "init", "--no-progress", "-v0"], env=self.env, check=True)
        os.environ.update(self.env)
        import django

        django.setup()
        self._agreements()

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.keep:
            print(f"database kept: {self.url}", file=sys.stderr)
            return
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)

    def _agreements(self) -> None:
        from ucjamsostek.agreements.models import Agreement

        common = {"funder_id": "apbd_kab", "end": PKS_END, "status": Agreement.Status.ACTIVE, "jkk": True, "jkm": True}
        Agreement.objects.create(id=1, number="PKS/BENCH/BPU", start=BPU_START, value=10**12, **common)
        Agreement.objects.create(
            id=2, number="PKS/BENCH/PU", start=PU_START, value=10**11, wage_base=WAGE_BASE, **common
        )

    def load_roster(self, people: pl.DataFrame, enrollments: pl.DataFrame) -> float:
        """Replace the roster by ``people``/``enrollments`` (bulk, untimed set-up); seconds taken."""
        from django.db import connection, transaction

        started = time.perf_counter()
        now = datetime.now(UTC)
        person = people.with_columns(
            birth_place=pl.lit(""),
            address=pl.lit(""),
            occupation_text=pl.lit(""),
            phone=pl.lit(""),
            extreme_poor=pl.lit(False),
            created_at=pl.lit(now),
            updated_at=pl.lit(now),
        )
        enrollment = enrollments.drop("agreement_id").with_columns(
            jkk=pl.lit(True),
            jkm=pl.lit(True),
            jht=pl.lit(False),
            reason=pl.lit(""),
            created_at=pl.lit(now),
            updated_at=pl.lit(now),
        )
        coverage = enrollments.select(
            pl.col("id"), pl.col("id").alias("enrollment_id"), "agreement_id", created_at=pl.lit(now)
        )
        tables = [("registry_person", person), ("registry_enrollment", enrollment), ("agreements_coverage", coverage)]
        with transaction.atomic(), connection.cursor() as cur:
            self.clear(cur)
            for table, frame in tables:
                self._insert(cur, table, frame)
        with connection.cursor() as cur:
            for table, _ in tables:
                if self.kind == "postgres":
                    seq = f"pg_get_serial_sequence('{table}', 'id')"
                    cur.execute(f"SELECT setval({seq}, (SELECT max(id) FROM {table}))")  # noqa: S608 - fixed names
                    cur.execute(f"ANALYZE {table}")
            if self.kind == "sqlite":
                cur.execute("ANALYZE")
        return time.perf_counter() - started

    def clear(self, cur: Any) -> None:
        tables = (
            "billing_payment billing_invoiceline billing_invoice agreements_coverage registry_enrollment "
            "registry_changelog registry_person"
        ).split()
        if self.kind == "postgres":
            cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")  # a fresh database: only bench rows
        else:
            for t in tables:
                cur.execute(f"DELETE FROM {t}")  # noqa: S608 - fixed table names

    def clear_bills(self, keep_earlier: bool = False) -> None:
        """Delete every bill (untimed), so that the next import is a first import; with
        ``keep_earlier`` only the bill of :data:`PERIOD` (the ledger's earlier bill stays)."""
        from django.db import connection

        with connection.cursor() as cur:
            if keep_earlier:
                bills = "SELECT id FROM billing_invoice WHERE period = %s"
                for t in ("billing_payment", "billing_invoiceline"):
                    cur.execute(f"DELETE FROM {t} WHERE invoice_id IN ({bills})", [PERIOD])  # noqa: S608
                cur.execute("DELETE FROM billing_invoice WHERE period = %s", [PERIOD])
                if self.kind == "postgres":  # as a database that has seen a month of bills
                    cur.execute("VACUUM ANALYZE billing_invoice, billing_invoiceline")
                return
            if self.kind == "postgres":
                cur.execute("TRUNCATE billing_payment, billing_invoiceline, billing_invoice")
            else:
                for t in ("billing_payment", "billing_invoiceline", "billing_invoice"):
                    cur.execute(f"DELETE FROM {t}")  # noqa: S608 - fixed table names

    def _insert(self, cur: Any, table: str, frame: pl.DataFrame) -> None:
        from ucjamsostek.nikcrypt import encrypt_series

        if "nik" in frame.columns:  # stored encrypted, as the app stores it (nikcrypt)
            frame = frame.with_columns(encrypt_series(frame["nik"]))
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        if self.kind == "postgres":
            text_cols = [c for c, t in frame.schema.items() if t == pl.Utf8]
            not_null = f", FORCE_NOT_NULL ({', '.join(text_cols)})" if text_cols else ""
            raw = cur.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv{not_null})") as copy:
                for chunk in frame.iter_slices(200_000):
                    copy.write(chunk.write_csv(include_header=False, datetime_format="%Y-%m-%d %H:%M:%S%.f+00:00"))
        else:
            marks = ", ".join("?" for _ in frame.columns)
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 - fixed table names
            for chunk in frame.iter_slices(50_000):
                cur.executemany(sql.replace("?", "%s"), chunk.rows())


# ---------------------------------------------------------------------------------------- runs
#: CPU seconds (user + system, ``os.wait4`` rusage) of the last :func:`run_measured` child: on a
#: shared machine the wall time follows the load, the CPU time much less.
LAST_CPU_S = [0.0]


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB, ``os.wait4`` rusage) and stdout of one child process (its CPU
    seconds in :data:`LAST_CPU_S`); exits on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        LAST_CPU_S[0] = usage.ru_utime + usage.ru_stime
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            sys.exit(f"{' '.join(cmd[:3])} … exited {code}: {err.read().decode(errors='replace')[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode(errors="replace")


def core_child(tag: str, runs: int) -> None:
    """In the child: reconcile the size's frames ``runs`` times; print the seconds as JSON."""
    from ucjamsostek.core.rates import load_rate_table
    from ucjamsostek.core.reconcile import reconcile

    bill = pl.read_parquet(OUT / f"core-bill-{tag}.parquet")
    roster = pl.read_parquet(OUT / f"core-roster-{tag}.parquet")
    earlier = pl.read_parquet(OUT / f"core-earlier-{tag}.parquet")
    rates = load_rate_table()
    times, counts = [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        result = reconcile(bill, roster, rates, PERIOD, earlier=earlier)
        times.append(time.perf_counter() - t0)
        counts = dict(result.group_by("class").len().iter_rows())
    print(json.dumps({"times": times, "counts": counts}))


def phases_child(bill: str, out_dir: str) -> None:
    """In the child: one end-to-end run in process, timed per phase (seconds as JSON)."""
    import django

    django.setup()
    from ucjamsostek.accounts.permissions import SYSTEM
    from ucjamsostek.billing import services
    from ucjamsostek.core import bpjsfiles
    from ucjamsostek.core import reconcile as rc

    t: dict[str, float] = {}
    cpu: dict[str, float] = {}
    c0 = time.process_time()

    def done(name: str, since: float) -> None:
        nonlocal c0
        t[name] = time.perf_counter() - since
        cpu[name] = time.process_time() - c0
        c0 = time.process_time()

    t0, c0 = time.perf_counter(), time.process_time()
    bpjsfiles.read_bpjs_file(bill, bpjsfiles.BILL, max_bytes=1 << 30)
    done("read file (part of import)", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    inv, _ = services.import_bill(SYSTEM, bill)
    done("import (read + store)", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    b = services.bill_frame(inv)
    done("bill lines from db", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    r = services.roster_frame()
    done("roster from db", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    e = services.earlier_lines(inv)
    done("ledger (earlier lines) from db", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    rc.reconcile(b, r, services.rate_table(), inv.period, earlier=e)
    done("core reconcile", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    rec = services.reconcile_invoice(inv)
    done("reconcile_invoice (db + core + store)", t0)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    services.write_reconciliation_xlsx(rec, out / "reconciliation.xlsx")
    done("write xlsx", t0)
    t0, c0 = time.perf_counter(), time.process_time()
    services.write_reconciliation(rec, out)
    done("write csv + xlsx + export log", t0)
    print(json.dumps({k: [t[k], cpu[k]] for k in t}))


def check_counts(csv_path: Path, expected: dict[str, int]) -> str:
    got = dict(pl.read_csv(csv_path, schema_overrides={"nik": pl.Utf8}).group_by("class").len().iter_rows())
    bad = {k: (got.get(k, 0), v) for k, v in expected.items() if got.get(k, 0) != v}
    extra = set(got) - set(expected)
    if bad or extra:
        return f"WRONG classes (got, expected): {bad} {sorted(extra)}"
    return "classes OK"


def bench_size(n: int, args: argparse.Namespace, db: BenchDb, villages: list[str]) -> dict[str, Any]:
    ledger = not args.no_ledger
    files = prepare_files(n, args.format, villages, ledger)
    paths, expected = files["paths"], files["expected"]
    tag = f"{n}-ledger" if ledger else str(n)
    load = os.getloadavg()
    entry: dict[str, Any] = {
        "size": n,
        "ledger": ledger,
        "load_avg_start": [round(x, 2) for x in load],
        "expected": expected,
    }

    # (a) core
    seconds, peak, out = run_measured([str(PY), __file__, "--child", "core", "--n", tag, "--runs", str(args.runs)])
    core = json.loads(out.strip().splitlines()[-1])
    core_ok = all(core["counts"].get(k, 0) == v for k, v in expected.items())
    entry["core"] = {
        "median_s": round(statistics.median(core["times"]), 3),
        "min_s": round(min(core["times"]), 3),
        "peak_mb": round(peak),
        "runs": len(core["times"]),
        "ok": core_ok,
    }

    # (b) end to end, against the database roster
    people, enrollments = pl.read_parquet(paths["people"]), pl.read_parquet(paths["enrollments"])
    entry["roster_load_s"] = round(db.load_roster(people, enrollments), 1)
    del people, enrollments
    if ledger:  # the earlier bill, imported once (untimed) and kept
        t_earlier, _, _ = run_measured([str(UCJ), "billing", "import", str(paths["earlier_bill"])], db.env)
        entry["earlier_bill_import_s"] = round(t_earlier, 1)
    walls, imports, recs, peaks, verdicts, cpus = [], [], [], [], [], []
    for i in range(args.runs):
        db.clear_bills(keep_earlier=ledger)
        out_dir = OUT / f"out-{n}"
        t_imp, p_imp, _ = run_measured([str(UCJ), "billing", "import", str(paths["bill"])], db.env)
        cpu_imp = LAST_CPU_S[0]
        t_rec, p_rec, _ = run_measured(
            [str(UCJ), "billing", "reconcile", "--period", f"{PERIOD:%Y-%m}", "--out", str(out_dir)], db.env
        )
        walls.append(t_imp + t_rec)
        cpus.append((cpu_imp, LAST_CPU_S[0]))
        imports.append(t_imp)
        recs.append(t_rec)
        peaks.append(max(p_imp, p_rec))
        if i == 0:
            verdicts.append(check_counts(out_dir / "reconciliation.csv", expected))
    entry["e2e"] = {
        "median_s": round(statistics.median(walls), 2),
        "min_s": round(min(walls), 2),
        "cpu_median_s": round(statistics.median(a + b for a, b in cpus), 2),
        "cpu_import_median_s": round(statistics.median(a for a, _ in cpus), 2),
        "cpu_reconcile_median_s": round(statistics.median(b for _, b in cpus), 2),
        "import_median_s": round(statistics.median(imports), 2),
        "reconcile_median_s": round(statistics.median(recs), 2),
        "peak_mb": round(max(peaks)),
        "runs": len(walls),
        "check": verdicts[0],
    }
    entry["ratio"] = round(entry["e2e"]["median_s"] / max(entry["core"]["median_s"], 1e-9), 1)
    if args.phases:
        db.clear_bills(keep_earlier=ledger)
        _, peak, out = run_measured(
            [str(PY), __file__, "--child", "phases", "--bill", str(paths["bill"]), "--out", str(OUT / f"phases-{n}")],
            db.env,
        )
        entry["phases"] = {k: [round(x, 2) for x in v] for k, v in json.loads(out.strip().splitlines()[-1]).items()}
        entry["phases_peak_mb"] = round(peak)
    entry["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated bill lines = roster people")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (median)")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="bill file format")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="maintenance database of the PostgreSQL server (the benchmark creates and drops its own)",
    )
    parser.add_argument("--phases", action="store_true", help="also time the phases of one run in process")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the benchmark database")
    parser.add_argument(
        "--no-ledger", action="store_true", help="a lone bill: no earlier bill stored, no back-bill lines"
    )
    parser.add_argument("--child", choices=["core", "phases"], help=argparse.SUPPRESS)
    parser.add_argument("--n", help=argparse.SUPPRESS)
    parser.add_argument("--bill", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "core":
        core_child(args.n, args.runs)
        return 0
    if args.child == "phases":
        phases_child(args.bill, args.out)
        return 0

    sizes = [int(s.replace(".", "").replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    from ucjamsostek.core.regiondata import LEVEL_VILLAGE, area_table

    villages = area_table("74.13").filter(pl.col("level") == LEVEL_VILLAGE)["code"].to_list()
    db = BenchDb(args.db, args.pg_url, args.keep_db)
    ledger = "off" if args.no_ledger else f"on (a {EARLIER_PERIOD:%m/%Y} bill stored, back-bills for it)"
    print(
        f"database: {args.db}, bill file: {args.format}, runs: {args.runs}, ledger: {ledger}, load: {os.getloadavg()}",
        flush=True,
    )
    results = []
    try:
        db.create()
        for n in sizes:
            entry = bench_size(n, args, db, villages)
            results.append(entry)
            c, e = entry["core"], entry["e2e"]
            verdict = "OK" if e["median_s"] <= TARGET_S else "TOO SLOW"
            print(
                (
                    f"{f'{n:,}'.replace(',', '.'):>9}  core {c['median_s']:7.2f} s  peak {c['peak_mb']:5.0f} MB"
                    f"  | end to end {e['median_s']:7.2f} s (import {e['import_median_s']:.2f} + reconcile "
                    f"{e['reconcile_median_s']:.2f}; CPU {e['cpu_median_s']:.2f} s = {e['cpu_import_median_s']:.2f} + "
                    f"{e['cpu_reconcile_median_s']:.2f})  peak {e['peak_mb']:5.0f} MB  ×{entry['ratio']} core"
                    f"  | {e['check']}{'' if c['ok'] else ', core classes WRONG'}"
                    f"  | load {entry['load_avg_start'][0]:.1f}→{entry['load_avg_end'][0]:.1f}"
                )
                + (f"  [{verdict} ≤ {TARGET_S:.0f} s]" if n >= 1_000_000 else ""),
                flush=True,
            )
            for k, (wall, cpu) in entry.get("phases", {}).items():
                print(f"           {k:<40} {wall:7.2f} s  (CPU {cpu:6.2f} s)")
    finally:
        db.drop()
    (OUT.parent / "bench_reconcile.json").write_text(
        json.dumps({"db": args.db, "format": args.format, "ledger": not args.no_ledger, "results": results}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    bad = any(not r["core"]["ok"] or r["e2e"]["check"] != "classes OK" for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
