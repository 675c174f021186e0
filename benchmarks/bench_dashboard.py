"""Benchmark: the monitoring dashboard and the Rakor Monev PDF at province scale (issue 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucjamsostek_bench_monev \\
        .venv/bin/python benchmarks/bench_dashboard.py

The dataset of the acceptance criterion, built once into its own PostgreSQL database and kept
(``--rebuild`` to start again):

* 1.000.000 people (``--people``) in the 86 desa of Kabupaten Muna Barat, one enrollment each:
  95 % covered from the first of the 24 months, the rest joining month by month, 4 % ending;
* 24 monthly BPJS bills (``billing_invoiceline``), one line per person covered in that month —
  about 23 M lines, loaded with ``COPY … FROM STDIN (FORMAT csv)``, the table's secondary indexes
  and constraints dropped during the load and rebuilt after it; the invoice totals are the lines'
  sums; 22 SP2D payments (the last two bills still unpaid);
* 5.000 paid claims (``--claims``; JKM claimants die and their coverage ends), one PKS a year,
  390 BSU payouts, a workforce denominator per kecamatan.

Every build step commits with a marker in ``bench_state``, so an interrupted build resumes where it
stopped (each bill's lines are one step). The 24 months end with the month of the first build; the
measured periods are that month and its semester, so reruns on later days measure the same data.

Measured, in this order:

* ``monev refresh`` (the snapshot every dashboard request reads) for the month and the semester;
* the dashboard page ``/monev/?period=…`` through Django's test client (middleware, view,
  template), logged in as leadership and as a desa operator: median and p90 of ``--requests``
  requests after two warm-up requests; the same through real HTTP (``--http``, Django's threaded
  WSGI server in this process);
* ``ucjamsostek report monev --period <semester> --out … .pdf`` (``call_command``), median of
  ``--pdf-runs``; and once as a whole new process (Python and Django start-up included);
* checks: the dashboard's headline equals direct SQL over the records (active enrollments on the
  last day; billed = sum of the bill lines of the semester).

Targets: dashboard median ≤ 300 ms, PDF ≤ 10 s. ``uptime`` load is printed before and after.

Measured on 2026-11-30 on the project's 2-core machine (PostgreSQL 15, default settings, others'
tests running: load 3.5–4.5): build 219 s (4,9 GB, 22.913.716 bill lines); refresh 3,0 s per
period; dashboard median 19 ms (p90 34) for leadership, 8 ms for a desa operator, 25 ms through
real HTTP; PDF 0,06 s median of 3 with the snapshot, 2,8 s with ``--refresh``, 2,0 s as a new
process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", tempfile.mkdtemp(prefix="ucj-bench-monev-"))

REPO = Path(__file__).resolve().parents[1]
MONTHS = 24
RATE = 16_800
SHARE_FROM_START = 0.95
SHARE_ENDING = 0.04
CLAIM_AMOUNT = {"JKK": 5_000_000, "JKM": 42_000_000, "BEASISWA": 1_500_000}
BSU_PAYOUTS = 390
LINES_TABLE = "billing_invoiceline"
PASSWORD = "Bench-Monev-2026!"  # noqa: S105 - a throwaway benchmark user


# --------------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    base, name = url.rsplit("/", 1)
    return base + "/postgres", name.split("?")[0]


def _ensure_database(url: str, rebuild: bool) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as con:
        if rebuild:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')


def _sql(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall()) if cur.description else []


def _state_get(key: str) -> str | None:
    rows = _sql("SELECT value FROM bench_state WHERE key = %s", (key,))
    return rows[0][0] if rows else None


def _state_set(key: str, value: str = "done") -> None:
    _sql(
        "INSERT INTO bench_state (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (key, value),
    )


def _step(key: str, fn: Callable[[], None], t0: float) -> None:
    """Run ``fn`` and its marker in one transaction, unless the marker says it already ran."""
    from django.db import transaction

    if _state_get(key) is not None:
        return
    t = time.monotonic()
    with transaction.atomic():
        fn()
        _state_set(key, f"{time.monotonic() - t:.1f}")
    print(f"  {key:28s} {time.monotonic() - t:7.1f} s   (build {time.monotonic() - t0:7.1f} s)", flush=True)


def _copy_csv(table: str, columns: list[str], frame: Any) -> None:
    """COPY a Polars frame into ``table`` as CSV, in 32 MB pieces; a ``nik`` column is written
    encrypted, as the app stores it (``nikcrypt``)."""
    from django.db import connection

    from ucjamsostek.nikcrypt import encrypt_series

    if "nik" in frame.columns:
        frame = frame.with_columns(encrypt_series(frame["nik"]))
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, quote_style="non_numeric")  # "" stays "", null stays NULL
    data = buf.getvalue()
    with connection.cursor() as cur:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
        with cur.cursor.copy(sql) as cp:  # type: ignore[attr-defined]
            step = 32 << 20
            for i in range(0, len(data), step):
                cp.write(data[i : i + step])


def _months(first: date, n: int) -> list[date]:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        out.append(date(y, m, 1))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


# --------------------------------------------------------------------------------------------------
# The synthetic province
# --------------------------------------------------------------------------------------------------


class Synth:
    """Every random choice of the dataset, drawn up front from one seed: a resumed build draws
    the same numbers and so writes the rows an interrupted run would have written."""

    def __init__(self, people: int, claims: int, seed: int, villages: list[str], last_month: date) -> None:
        rng = np.random.default_rng(seed)
        self.people = people
        self.villages = np.array(villages)
        self.months = _months(date(last_month.year - 2, last_month.month, 1), MONTHS + 1)[1:]
        self.village_idx = rng.integers(0, len(villages), people)
        self.birth = rng.integers(date(1961, 1, 1).toordinal(), date(2006, 1, 1).toordinal(), people)
        self.sex = rng.choice(np.array(["L", "P"]), people)
        joins_later = rng.random(people) >= SHARE_FROM_START
        self.start_m = np.where(joins_later, rng.integers(1, MONTHS, people), 0)
        # end_m: first month no longer covered (MONTHS = still covered at the end)
        self.end_m = np.full(people, MONTHS)
        ending = (rng.random(people) < SHARE_ENDING) & (self.start_m < MONTHS - 1)
        span = MONTHS - 1 - self.start_m
        self.end_m[ending] = (self.start_m + 1 + (rng.random(people) * span).astype(np.int64))[ending]
        self.segment = rng.choice(
            np.array(["pekerja_rentan", "non_asn", "perangkat_desa"]), people, p=[0.85, 0.1, 0.05]
        )
        self.funder = np.where(self.segment == "perangkat_desa", "apbdes", "apbd_kab")
        # claims: distinct people, incident while covered and before the last month (paid by now)
        can_claim = np.flatnonzero(self.start_m < MONTHS - 1)
        self.claim_who = rng.choice(can_claim, claims, replace=False)
        self.claim_kind = rng.choice(np.array(["JKK", "JKM", "BEASISWA"]), claims, p=[0.5, 0.35, 0.15])
        s = self.start_m[self.claim_who]
        last = np.minimum(self.end_m[self.claim_who], MONTHS - 1) - 1
        self.claim_month = s + (rng.random(claims) * (last - s + 1)).astype(np.int64)
        self.deceased = np.zeros(people, dtype=bool)
        self.death_month = np.full(people, -1)
        jkm = self.claim_who[self.claim_kind == "JKM"]
        self.deceased[jkm] = True
        self.death_month[jkm] = self.claim_month[self.claim_kind == "JKM"]
        self.end_m[jkm] = np.minimum(self.end_m[jkm], self.death_month[jkm] + 1)
        self.bsu_who = rng.choice(people, BSU_PAYOUTS, replace=False)

    def nik(self, idx: Any) -> Any:
        import polars as pl

        return pl.format("7413{}", pl.lit(pl.Series(idx)).cast(pl.String).str.zfill(12))

    def covered_in(self, k: int) -> np.ndarray:
        return np.flatnonzero((self.start_m <= k) & (self.end_m > k))


def build(args: argparse.Namespace) -> float:
    import polars as pl
    from django.core.management import call_command
    from django.db import connection

    from ucjamsostek.core.regiondata import region_table
    from ucjamsostek.regions.models import Region
    from ucjamsostek.regions.services import load_regions

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    _sql("CREATE TABLE IF NOT EXISTS bench_state (key text PRIMARY KEY, value text NOT NULL)")
    params = {"people": args.people, "claims": args.claims, "seed": args.seed, "months": MONTHS}
    stored = _state_get("params")
    if stored is None:
        params["last_month"] = date.today().replace(day=1).isoformat()
        _state_set("params", json.dumps(params))
    else:
        old = json.loads(stored)
        if {k: old.get(k) for k in ("people", "claims", "seed", "months")} != {
            k: params[k] for k in ("people", "claims", "seed", "months")
        }:
            raise SystemExit(f"the benchmark database was built with {old}; use --rebuild")
        params = old
    if _state_get("complete"):
        return 0.0
    print(f"building {args.people:,} people, {MONTHS} months of bills, {args.claims:,} claims …", flush=True)
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")

    def regions() -> None:
        load_regions(region_table().filter((pl.col("code") == "74") | pl.col("code").str.starts_with("74.")))

    _step("regions", regions, t0)
    villages = sorted(Region.objects.filter(code__startswith="74.13.", level=4).values_list("code", flat=True))
    syn = Synth(args.people, args.claims, args.seed, villages, date.fromisoformat(params["last_month"]))
    months = syn.months
    now = "2026-01-01 00:00:00+00"
    n = args.people

    def people() -> None:
        births = [date.fromordinal(int(o)) for o in syn.birth]
        death = [months[int(m)] + timedelta(days=4) if m >= 0 else None for m in syn.death_month]
        frame = pl.DataFrame(
            {
                "id": np.arange(1, n + 1),
                "nik": pl.select(syn.nik(np.arange(n))).to_series(),
                "name": pl.Series([f"Peserta Sintetis {i}" for i in range(n)]),
                "sex": syn.sex,
                "birth_date": pl.Series(births, dtype=pl.Date),
                "village_id": syn.villages[syn.village_idx],
                "birth_place": "",
                "address": "",
                "occupation_text": "",
                "phone": "",
                "extreme_poor": False,
                "is_deceased": syn.deceased,
                "death_date": pl.Series(death, dtype=pl.Date),
                "created_at": now,
                "updated_at": now,
            }
        )
        _copy_csv("registry_person", frame.columns, frame)
        _sql("SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", (n,))

    _step("people", people, t0)

    def enrollments() -> None:
        mstart = np.array(months + [_months(months[-1], 2)[1]], dtype="datetime64[D]")
        starts = mstart[syn.start_m]
        ends = np.where(syn.end_m < MONTHS, mstart[np.minimum(syn.end_m, MONTHS)], np.datetime64("NaT"))
        ended = syn.end_m < MONTHS
        frame = pl.DataFrame(
            {
                "id": np.arange(1, n + 1),
                "person_id": np.arange(1, n + 1),
                "segment_id": syn.segment,
                "funder_id": syn.funder,
                "jkk": True,
                "jkm": True,
                "jht": False,
                "kpj_number": pl.Series([f"13{i:09d}" for i in range(n)]),
                "coverage_start": pl.Series(starts).cast(pl.Date),
                "coverage_end": pl.Series(ends).cast(pl.Date),
                "status": np.where(ended, "ended", "active"),
                "reason": np.where(syn.deceased, "meninggal dunia", np.where(ended, "berhenti", "")),
                "created_at": now,
                "updated_at": now,
            }
        )
        _copy_csv("registry_enrollment", frame.columns, frame)
        _sql("SELECT setval(pg_get_serial_sequence('registry_enrollment', 'id'), %s)", (n,))

    _step("enrollments", enrollments, t0)

    def operations() -> None:
        from ucjamsostek.agreements.models import Agreement
        from ucjamsostek.assistance.models import AssistanceProgramme, Recipient
        from ucjamsostek.billing.models import Invoice, Payment
        from ucjamsostek.claims.models import Claim
        from ucjamsostek.monitoring.models import WorkforceDenominator
        from ucjamsostek.monitoring.services import seed_monitoring

        for y in range(months[0].year, months[-1].year + 1):
            Agreement.objects.create(
                number=f"PKS-BENCH-{y}",
                start=date(y, 1, 1),
                end=date(y + 1, 1, 1),
                funder_id="apbd_kab",
                value=n * RATE * 12,
                status="active",
            )
        for k, m in enumerate(months):
            count = int(syn.covered_in(k).size)
            inv = Invoice.objects.create(
                period=m,
                number=f"TAG-BENCH-{m:%Y%m}",
                source_name=f"tagihan-{m:%Y-%m}.csv",
                sha256=f"{k:064d}",
                line_count=count,
                billed_total=count * RATE,
            )
            if k < MONTHS - 2:  # the last two bills are not paid yet
                Payment.objects.create(
                    invoice=inv,
                    sp2d_number=f"SP2D-BENCH-{m:%Y%m}",
                    paid_on=_months(m, 2)[1].replace(day=20),
                    amount=count * RATE,
                )
        Claim.objects.bulk_create(
            [
                Claim(
                    nik=f"7413{int(p):012d}",
                    person_id=int(p) + 1,
                    kpj=f"13{int(p):09d}",
                    type=str(t),
                    incident_date=months[int(m)] + timedelta(days=4),
                    submitted_on=months[int(m)] + timedelta(days=9),
                    paid_on=months[int(m)] + timedelta(days=24),
                    amount=CLAIM_AMOUNT[str(t)],
                    status="dibayar",
                )
                for p, t, m in zip(syn.claim_who, syn.claim_kind, syn.claim_month, strict=True)
            ],
            batch_size=5000,
        )
        prog, _ = AssistanceProgramme.objects.get_or_create(
            code="BSU2025",
            defaults={
                "name": "BSU 2025",
                "amount_per_month": 300_000,
                "months": 2,
                "category": "PU",
                "legal_basis": "Permenaker 5/2025",
            },
        )
        Recipient.objects.bulk_create(
            [
                Recipient(
                    programme=prog,
                    line=i + 2,
                    nik=f"7413{int(p):012d}",
                    person_id=int(p) + 1,
                    amount=600_000,
                    paid_on=date(2025, 7, 10),
                    status="tersalur",
                    disbursed=True,
                    eligible=True,
                )
                for i, p in enumerate(syn.bsu_who)
            ]
        )
        per_kec: dict[str, int] = {}
        for v, c in zip(*np.unique(syn.villages[syn.village_idx], return_counts=True), strict=True):
            per_kec[str(v)[:8]] = per_kec.get(str(v)[:8], 0) + int(c)
        for kec, people_n in sorted(per_kec.items()):
            WorkforceDenominator.objects.create(
                area_id=kec, year=months[0].year, workers=int(people_n * 1.6), source="sintetis (benchmark)"
            )
        seed_monitoring()

    _step("operations", operations, t0)

    # ---- the bill lines: drop secondary indexes and constraints, COPY 24 bills, rebuild them
    def drop_line_indexes() -> None:
        cons = _sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            (LINES_TABLE,),
        )
        idx = _sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            (LINES_TABLE, LINES_TABLE),
        )
        _state_set("line_ddl", json.dumps({"constraints": cons, "indexes": idx}))
        for name, _ in cons:
            _sql(f'ALTER TABLE {LINES_TABLE} DROP CONSTRAINT "{name}"')
        for name, _ in idx:
            _sql(f'DROP INDEX "{name}"')

    if _state_get("line_indexes_restored") is None:
        _step("line_indexes_dropped", drop_line_indexes, t0)
    invoices = dict(_sql("SELECT period, id FROM billing_invoice"))
    for k, m in enumerate(months):

        def lines(k: int = k, m: date = m) -> None:
            who = syn.covered_in(k)
            frame = pl.DataFrame(
                {
                    "invoice_id": invoices[m],
                    "line": np.arange(2, who.size + 2),  # row 1 of the bill file is its header
                    "nik": pl.select(syn.nik(who)).to_series(),
                    "kpj": pl.select(
                        pl.format("13{}", pl.lit(pl.Series(who)).cast(pl.String).str.zfill(9))
                    ).to_series(),
                    "period": m,
                    "programme": "JKK+JKM",
                    "amount": RATE,
                }
            )
            _copy_csv(LINES_TABLE, frame.columns, frame)

        _step(f"lines {m:%Y-%m}", lines, t0)

    def restore_line_indexes() -> None:
        ddl = json.loads(_state_get("line_ddl") or "{}")
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in ddl.get("indexes", []):
            _sql(definition)
        for name, definition in ddl.get("constraints", []):
            _sql(f'ALTER TABLE {LINES_TABLE} ADD CONSTRAINT "{name}" {definition}')

    _step("line_indexes_restored", restore_line_indexes, t0)
    _sql(
        "SELECT setval(pg_get_serial_sequence('billing_invoiceline', 'id'), "
        "(SELECT coalesce(max(id), 1) FROM billing_invoiceline))"
    )

    if _state_get("analyzed") is None:
        t = time.monotonic()
        _sql("VACUUM (ANALYZE)")  # autocommit: outside any transaction
        _state_set("analyzed", f"{time.monotonic() - t:.1f}")
        print(f"  {'vacuum analyze':28s} {time.monotonic() - t:7.1f} s   (build {time.monotonic() - t0:7.1f} s)")
    _state_set("complete")
    return build_seconds()


def build_seconds() -> float:
    """The build's time: the sum of its steps (a resumed build adds up the runs)."""
    skip = ("params", "line_ddl", "complete")
    return sum(float(v) for k, v in _sql("SELECT key, value FROM bench_state") if k not in skip)


# --------------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _stats(times_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(times_ms)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.9 + 0.5) - 1)]


class _Server:
    """Django's threaded WSGI server in a thread of this process, on a free port."""

    def __enter__(self) -> str:
        from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = WSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=True)
        self.httpd.set_app(get_internal_wsgi_application())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _users() -> tuple[Any, Any]:
    from ucjamsostek.accounts.models import User
    from ucjamsostek.regions.models import Region

    leader, _ = User.objects.get_or_create(username="bench-pimpinan", defaults={"role": "leadership"})
    desa = Region.objects.filter(code__startswith="74.13.", level=4).order_by("code").first()
    operator, _ = User.objects.get_or_create(username="bench-desa", defaults={"role": "area", "area": desa})
    return leader, operator


def measure(args: argparse.Namespace, month: str, semester: str) -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from ucjamsostek.core import indicators as ind
    from ucjamsostek.monitoring import selectors, services

    out: dict[str, Any] = {}
    out["refresh_month_s"], _ = _timed(lambda: services.refresh(month))
    out["refresh_semester_s"], _ = _timed(lambda: services.refresh(semester))
    leader, operator = _users()

    setup_test_environment()  # the test client's "testserver" host
    for label, user in (("leadership", leader), ("desa", operator)):
        c = Client()
        c.force_login(user)
        times = []
        for i in range(args.requests + 2):
            dt, r = _timed(lambda c=c: c.get(f"/monev/?period={month}"))
            assert r.status_code == 200, r.status_code
            if i >= 2:  # two warm-up requests
                times.append(dt * 1000)
        out[f"dashboard_{label}_ms"] = _stats(times)
        if label == "leadership":
            dt_sem, r = _timed(lambda c=c: c.get(f"/monev/?period={semester}"))
            times = [_timed(lambda c=c: c.get(f"/monev/?period={semester}"))[0] * 1000 for _ in range(args.requests)]
            out["dashboard_leadership_semester_ms"] = _stats(times)

        if label == "leadership":  # a period nobody computed yet: the first request computes its snapshot
            from ucjamsostek.monitoring.models import Snapshot

            year = str(ind.parse_period(month).year)
            Snapshot.objects.filter(period=year).delete()
            dt, r = _timed(lambda c=c, year=year: c.get(f"/monev/?period={year}"))
            assert r.status_code == 200, r.status_code
            out["dashboard_cold_s"] = (year, dt)

    if args.http:
        with _Server() as base:
            for label, user in (("leadership", leader),):
                c = Client()
                c.force_login(user)
                jar = CookieJar()
                opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
                cookie = f"sessionid={c.cookies['sessionid'].value}"
                times = []
                for i in range(args.requests + 2):
                    req = urllib.request.Request(  # noqa: S310 - our own http:// server
                        f"{base}/monev/?period={month}", headers={"Cookie": cookie}
                    )
                    t = time.perf_counter()
                    with opener.open(req, timeout=60) as resp:
                        body = resp.read()
                        assert resp.status == 200 and b'data-testid="active"' in body, resp.status
                    if i >= 2:
                        times.append((time.perf_counter() - t) * 1000)
                out[f"http_dashboard_{label}_ms"] = _stats(times)

    tmp = Path(tempfile.mkdtemp(prefix="ucj-bench-pdf-"))
    runs = []
    for i in range(args.pdf_runs):
        pdf = tmp / f"laporan-{i}.pdf"
        dt, _ = _timed(
            lambda pdf=pdf: call_command(
                "report", "monev", "--period", semester, "--out", str(pdf), stdout=io.StringIO()
            )
        )
        runs.append(dt)
    out["pdf_s"] = (statistics.median(runs), max(runs))
    dt, _ = _timed(
        lambda: call_command(
            "report", "monev", "--period", semester, "--refresh", "--out", str(tmp / "r.pdf"), stdout=io.StringIO()
        )
    )
    out["pdf_refresh_s"] = dt
    out["pdf_kb"] = (tmp / "laporan-0.pdf").stat().st_size / 1024
    dt, _ = _timed(
        lambda: call_command(
            "report", "monev", "--period", semester, "--out", str(tmp / "l.xlsx"), stdout=io.StringIO()
        )
    )
    out["xlsx_s"] = dt
    exe = REPO / ".venv" / "bin" / "ucjamsostek"
    if exe.exists():
        cli_pdf = tmp / "laporan-cli.pdf"
        dt, proc = _timed(
            lambda: subprocess.run(
                [str(exe), "report", "monev", "--period", semester, "--out", str(cli_pdf)],
                capture_output=True,
                text=True,
                check=False,
            )
        )
        assert proc.returncode == 0, proc.stderr
        out["pdf_cli_process_s"] = dt

    # ---- the figures are the records' (direct SQL)
    p_month, p_sem = ind.parse_period(month), ind.parse_period(semester)
    checks: list[tuple[str, Any, Any]] = []
    for per in (p_month, p_sem):
        d = selectors.dashboard(leader, per.code)
        direct = _sql(
            "SELECT count(*) FROM registry_enrollment WHERE status IN ('active', 'ended') AND coverage_start <= %s "
            "AND (coverage_end IS NULL OR coverage_end > %s)",
            (per.last_day, per.last_day),
        )[0][0]
        checks.append((f"active {per.code}: dashboard = SQL", d.headline["active"], direct))
    d = selectors.dashboard(leader, p_sem.code)
    lines_sum = _sql(
        "SELECT coalesce(sum(amount), 0), count(*) FROM billing_invoiceline WHERE period >= %s AND period < %s",
        (p_sem.start, p_sem.end),
    )[0]
    checks.append((f"billed {p_sem.code}: dashboard = sum of bill lines", d.budget["billed"], int(lines_sum[0])))
    out["semester_bill_lines"] = int(lines_sum[1])
    if (tool := shutil_which("pdftotext")) is not None:
        text = " ".join(
            subprocess.run(
                [tool, str(tmp / "laporan-0.pdf"), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        from ucjamsostek.core.money import format_number

        want = f"Peserta aktif {format_number(d.headline['active'])}"
        checks.append(("PDF shows the dashboard's active total", want in text, True))
    out["checks"] = checks
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return out


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--claims", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--requests", type=int, default=30, help="dashboard requests per user (after 2 warm-ups)")
    ap.add_argument("--pdf-runs", type=int, default=3)
    ap.add_argument("--no-http", dest="http", action="store_false", help="skip the real HTTP measurement")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--rebuild", action="store_true", help="drop and rebuild the benchmark database")
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL=postgres://…/ucjamsostek_bench_monev is required (its own database)", file=sys.stderr)
        return 2
    _ensure_database(url, args.rebuild)
    import django

    django.setup()
    before = _uptime()
    t0 = time.monotonic()
    build(args)
    this_run = time.monotonic() - t0
    counts = dict(
        _sql(
            "SELECT 'people', count(*) FROM registry_person UNION ALL "
            "SELECT 'enrollments', count(*) FROM registry_enrollment UNION ALL "
            "SELECT 'bills', count(*) FROM billing_invoice UNION ALL "
            "SELECT 'bill lines', count(*) FROM billing_invoiceline UNION ALL "
            "SELECT 'payments', count(*) FROM billing_payment UNION ALL "
            "SELECT 'claims', count(*) FROM claims_claim"
        )
    )
    size = _sql("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
    print("dataset: " + ", ".join(f"{k} {v:,}".replace(",", ".") for k, v in counts.items()) + f"; {size}")
    print(f"dataset build: {build_seconds():.0f} s in total (this run {this_run:.0f} s)")
    declared = _sql("SELECT coalesce(sum(line_count), 0) FROM billing_invoice")[0][0]
    if declared != counts["bill lines"]:
        print(f"the bills declare {declared:,} lines but {counts['bill lines']:,} are stored: use --rebuild")
        return 2
    if args.build_only:
        return 0
    from ucjamsostek.core import indicators as ind

    last_month = date.fromisoformat(json.loads(_state_get("params") or "{}")["last_month"])
    month = ind.period_of(last_month).code
    semester = ind.period_of(last_month, ind.PeriodKind.SEMESTER).code
    print(f"load before: {before}")
    r = measure(args, month, semester)
    after = _uptime()

    def ms(key: str) -> str:
        med, p90 = r[key]
        return f"{med:8.1f} ms (p90 {p90:.1f})"

    rows = [
        (f"monev refresh {month} (snapshot)", f"{r['refresh_month_s']:8.2f} s", "—"),
        (f"monev refresh {semester} (snapshot)", f"{r['refresh_semester_s']:8.2f} s", "—"),
        (f"dashboard {month}, leadership, test client, n={args.requests}", ms("dashboard_leadership_ms"), "≤ 300 ms"),
        (f"dashboard {semester}, leadership, test client", ms("dashboard_leadership_semester_ms"), "≤ 300 ms"),
        (f"dashboard {month}, desa operator, test client", ms("dashboard_desa_ms"), "≤ 300 ms"),
    ]
    year, cold = r["dashboard_cold_s"]
    rows.append((f"dashboard {year}, first request, no snapshot yet (computes it)", f"{cold:8.2f} s", "—"))
    if "http_dashboard_leadership_ms" in r:
        rows.append((f"dashboard {month}, leadership, real HTTP", ms("http_dashboard_leadership_ms"), "≤ 300 ms"))
    med, worst = r["pdf_s"]
    rows += [
        (f"report monev {semester} PDF, median of {args.pdf_runs}", f"{med:8.2f} s (max {worst:.2f})", "≤ 10 s"),
        ("  with --refresh (snapshot recomputed first)", f"{r['pdf_refresh_s']:8.2f} s", "≤ 10 s"),
        (
            "  whole new process (ucjamsostek report monev)",
            f"{r.get('pdf_cli_process_s', float('nan')):8.2f} s",
            "≤ 10 s",
        ),
        (f"report monev {semester} xlsx", f"{r['xlsx_s']:8.2f} s", "—"),
    ]
    width = max(len(a) for a, _, _ in rows)
    print()
    print(f"{'measure':{width}s} | {'figure':28s} | target")
    print(f"{'-' * width}-+-{'-' * 28}-+-------")
    for a, b, c in rows:
        print(f"{a:{width}s} | {b:28s} | {c}")
    print(f"\nPDF size {r['pdf_kb']:.0f} KB; bill lines in {semester}: {r['semester_bill_lines']:,}".replace(",", "."))
    ok_checks = True
    for label, got, want in r["checks"]:
        ok = got == want
        ok_checks &= ok
        print(f"check {label}: {got} vs {want} {'ok' if ok else 'DIFFERENT'}")
    print(f"load after:  {after}")
    ok = r["dashboard_leadership_ms"][0] <= 300 and r["dashboard_desa_ms"][0] <= 300 and med <= 10
    print("targets (dashboard median ≤ 300 ms, PDF ≤ 10 s):", "met" if ok else "NOT met")
    return 0 if ok and ok_checks else 1


if __name__ == "__main__":
    sys.exit(main())
