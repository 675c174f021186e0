"""Benchmark: the monitoring dashboard and the Rakor Monev PDF at province scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucjamsostek_bench_monev \\
        .venv/bin/python benchmarks/bench_dashboard.py --people 1000000

Builds (once; ``--rebuild`` to start again) a synthetic Muna Barat with ``--people`` residents and
one enrollment each (starting over 24 months, 15 % ended), 24 monthly invoices with their SP2D
payments, ``--claims`` paid claims, one PKS per year and BSU payouts — loaded with COPY. Then
measures:

* ``refresh`` — computing every indicator of the current month from the records (the snapshot);
* the dashboard page (``/monev/``) for leadership and for a desa operator: median and p90 of
  ``--requests`` requests through Django's test client, the whole view and template;
* the PDF report of the current semester.

The acceptance targets are a dashboard median ≤ 300 ms and a PDF ≤ 10 s. ``--bill-lines`` also
loads one invoice line per active person and month (24 M rows at 1 M people); the indicators use
the invoice totals, so the lines change no figure measured here.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date

import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", tempfile.mkdtemp(prefix="ucj-bench-monev-"))

MONTHS = 24
RATE = 16_800


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')


def _copy(table: str, columns: list[str], rows: object) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:  # type: ignore[attr-defined]
            for row in rows:  # type: ignore[attr-defined]
                cp.write_row(row)


def _months(first: date, n: int) -> list[date]:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        out.append(date(y, m, 1))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def build(people: int, claims: int, bill_lines: bool, seed: int = 7) -> None:
    import polars as pl
    from django.core.management import call_command
    from django.db import connection

    from ucjamsostek.core.regiondata import region_table
    from ucjamsostek.regions.models import Region
    from ucjamsostek.regions.services import load_regions

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    load_regions(region_table().filter((pl.col("code") == "74") | pl.col("code").str.starts_with("74.")))
    villages = list(Region.objects.filter(code__startswith="74.13.", level=4).values_list("code", flat=True))
    rng = np.random.default_rng(seed)
    today = date.today()
    months = _months(date(today.year - 2, today.month, 1), MONTHS + 1)[1:]  # the last 24 months incl. this one
    print(f"  regions ready ({time.monotonic() - t0:.1f} s)", flush=True)

    village_idx = rng.integers(0, len(villages), people)
    birth = rng.integers(date(1960, 1, 1).toordinal(), date(2005, 1, 1).toordinal(), people)
    sex = rng.choice(["L", "P"], people)
    now = "2026-01-01 00:00:00+00"

    def person_rows():
        for i in range(people):
            yield (
                f"7413{i:012d}",
                f"Peserta Sintetis {i}",
                sex[i],
                date.fromordinal(int(birth[i])),
                villages[village_idx[i]],
                "",
                "",
                "",
                "",
                False,
                False,
                now,
                now,
            )

    _copy(
        "registry_person",
        [
            "nik",
            "name",
            "sex",
            "birth_date",
            "village_id",
            "birth_place",
            "address",
            "occupation_text",
            "phone",
            "extreme_poor",
            "is_deceased",
            "created_at",
            "updated_at",
        ],
        person_rows(),
    )
    print(f"  {people:,} people ({time.monotonic() - t0:.1f} s)", flush=True)
    first_id = connection.cursor().execute("SELECT min(id) FROM registry_person").fetchone()[0]  # type: ignore[union-attr]
    start_m = rng.integers(0, MONTHS, people)
    ended = rng.random(people) < 0.15
    length = rng.integers(1, MONTHS, people)
    seg = rng.choice(["pekerja_rentan", "non_asn", "perangkat_desa"], people, p=[0.85, 0.1, 0.05])
    fund = np.where(seg == "perangkat_desa", "apbdes", "apbd_kab")

    def enrollment_rows():
        for i in range(people):
            s = months[int(start_m[i])]
            e = None
            status = "active"
            if ended[i]:
                k = int(start_m[i]) + int(length[i])
                e = _months(s, int(length[i]) + 1)[-1] if k < MONTHS else None
                status = "ended" if e else "active"
            yield (first_id + i, seg[i], fund[i], True, True, False, "", s, e, status, "", now, now)

    _copy(
        "registry_enrollment",
        [
            "person_id",
            "segment_id",
            "funder_id",
            "jkk",
            "jkm",
            "jht",
            "kpj_number",
            "coverage_start",
            "coverage_end",
            "status",
            "reason",
            "created_at",
            "updated_at",
        ],
        enrollment_rows(),
    )
    print(f"  {people:,} enrollments ({time.monotonic() - t0:.1f} s)", flush=True)

    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.assistance.models import AssistanceProgramme, Recipient
    from ucjamsostek.billing.models import Invoice, Payment
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.monitoring.models import WorkforceDenominator
    from ucjamsostek.monitoring.services import seed_monitoring

    for y in range(months[0].year, months[-1].year + 1):
        Agreement.objects.get_or_create(
            number=f"PKS-BENCH-{y}",
            defaults={
                "start": date(y, 1, 1),
                "end": date(y + 1, 1, 1),
                "funder_id": "apbd_kab",
                "value": people * RATE * 12,
                "status": "active",
            },
        )
    starts = np.bincount(start_m, minlength=MONTHS)
    active = np.cumsum(starts)
    for k, m in enumerate(months):
        inv = Invoice.objects.create(
            period=m,
            source_name=f"tagihan-{m:%Y-%m}.xlsx",
            sha256=f"{k:064d}",
            line_count=int(active[k]),
            billed_total=int(active[k]) * RATE,
        )
        if k < MONTHS - 2:
            Payment.objects.create(
                invoice=inv,
                sp2d_number=f"SP2D-BENCH-{k}",
                paid_on=m.replace(day=20),
                amount=int(active[k]) * RATE * 9 // 10,
            )
        if bill_lines:
            _copy(
                "billing_invoiceline",
                ["invoice_id", "line", "nik", "kpj", "period", "programme", "amount"],
                ((inv.pk, j + 1, f"7413{j:012d}", "", m, "JKK+JKM", RATE) for j in range(int(active[k]))),
            )
    print(
        f"  {MONTHS} invoices and payments{' with lines' if bill_lines else ''} ({time.monotonic() - t0:.1f} s)",
        flush=True,
    )
    who = rng.choice(people, claims, replace=False)
    kinds = rng.choice(["JKK", "JKM", "BEASISWA"], claims, p=[0.5, 0.35, 0.15])
    amounts = {"JKK": 5_000_000, "JKM": 42_000_000, "BEASISWA": 1_500_000}
    inc = rng.integers(0, MONTHS, claims)
    Claim.objects.bulk_create(
        [
            Claim(
                nik=f"7413{int(p):012d}",
                person_id=first_id + int(p),
                type=str(t),
                incident_date=months[int(m)].replace(day=5),
                paid_on=months[int(m)].replace(day=25),
                amount=amounts[str(t)],
                status="dibayar",
            )
            for p, t, m in zip(who, kinds, inc, strict=True)
        ],
        batch_size=5000,
    )
    prog = AssistanceProgramme.objects.filter(code="BSU2025").first()
    if prog is not None:
        bsu = rng.choice(people, 390, replace=False)
        Recipient.objects.bulk_create(
            [
                Recipient(
                    programme=prog,
                    line=i + 2,
                    nik=f"7413{int(p):012d}",
                    person_id=first_id + int(p),
                    amount=600_000,
                    paid_on=date(2025, 7, 10),
                    status="tersalur",
                    disbursed=True,
                    eligible=True,
                )
                for i, p in enumerate(bsu)
            ]
        )
    for code in Region.objects.filter(code__startswith="74.13.", level=3).values_list("code", flat=True):
        n = int(np.sum([v.startswith(code + ".") for v in villages]))
        WorkforceDenominator.objects.get_or_create(
            area_id=code, year=months[0].year, defaults={"workers": people // 11 + 1000 * n, "source": "sintetis"}
        )
    seed_monitoring()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"  built in {time.monotonic() - t0:.1f} s", flush=True)


def measure(requests: int) -> dict[str, float]:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from ucjamsostek.accounts.models import User
    from ucjamsostek.core import indicators as ind
    from ucjamsostek.monitoring import reports, services
    from ucjamsostek.regions.models import Region

    setup_test_environment()
    month = ind.period_of(date.today()).code
    semester = ind.period_of(date.today(), ind.PeriodKind.SEMESTER).code
    out: dict[str, float] = {}
    t = time.monotonic()
    services.refresh(month)
    out["refresh_month_s"] = time.monotonic() - t
    t = time.monotonic()
    services.refresh(semester)
    out["refresh_semester_s"] = time.monotonic() - t
    leader, _ = User.objects.get_or_create(username="bench-pimpinan", defaults={"role": "leadership"})
    desa = Region.objects.filter(code__startswith="74.13.", level=4).order_by("code").first()
    operator, _ = User.objects.get_or_create(username="bench-desa", defaults={"role": "area", "area": desa})
    for label, user in (("leadership", leader), ("desa", operator)):
        c = Client()
        c.force_login(user)
        times = []
        for i in range(requests + 2):
            t = time.monotonic()
            r = c.get(f"/monev/?period={month}")
            dt = time.monotonic() - t
            assert r.status_code == 200, r.status_code
            if i >= 2:  # two warm-up requests
                times.append(dt * 1000)
        out[f"dashboard_{label}_median_ms"] = statistics.median(times)
        out[f"dashboard_{label}_p90_ms"] = sorted(times)[int(len(times) * 0.9) - 1]
    t = time.monotonic()
    _, pdf = reports.build(semester, "pdf")
    out["report_pdf_s"] = time.monotonic() - t
    out["report_pdf_kb"] = len(pdf) / 1024
    t = time.monotonic()
    reports.build(semester, "xlsx")
    out["report_xlsx_s"] = time.monotonic() - t
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--claims", type=int, default=5_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--bill-lines", action="store_true")
    ap.add_argument("--rebuild", action="store_true", help="drop and rebuild the benchmark database")
    ap.add_argument("--allow-sqlite", action="store_true", help="small runs without PostgreSQL")
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") and not args.allow_sqlite:
        print("DATABASE_URL=postgres://… is required (or --allow-sqlite for a small run)", file=sys.stderr)
        return 2
    if url.startswith("postgres"):
        if args.rebuild:
            import psycopg

            name = url.rsplit("/", 1)[1]
            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        _ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ucjamsostek.registry.models import Person

    have = Person.objects.count()
    if have == 0:
        print(f"building {args.people:,} people …", flush=True)
        build(args.people, args.claims, args.bill_lines)
    elif have != args.people:
        print(f"the database holds {have:,} people, not {args.people:,}: use --rebuild", file=sys.stderr)
        return 2
    results = measure(args.requests)
    buf = io.StringIO()
    for k, v in results.items():
        buf.write(f"{k:32s} {v:10.1f}\n")
    print(buf.getvalue(), end="")
    ok = results["dashboard_leadership_median_ms"] <= 300 and results["report_pdf_s"] <= 10
    print("targets (dashboard median ≤ 300 ms, PDF ≤ 10 s):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
