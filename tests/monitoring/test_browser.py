"""Monitoring in a real browser (Chromium through Playwright) on the demo data.

* leadership logs in and sees the dashboard with the numbers the database gives;
* a desa operator sees only that desa;
* a nomination file is uploaded and its progress followed to the result, which then shows on the
  dashboard;
* the Rakor Monev PDF is downloaded, renders with pdftoppm, and its totals equal the dashboard's.

Screenshots of the dashboard (desktop and phone) and of the report's first pages are left in
``test-artifacts/``.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browser_helpers import record_job_polls
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.money import format_number, format_rupiah
from ucjamsostek.screening.selectors import died_by_q

PASSWORD = "Monev-Uji-2026!"  # noqa: S105
#: The demo registry is covered 2022–2024 (the PKS ended in December 2024).
PERIOD = "2024-12"
#: Monthly bills (and their SP2D payments) start in December 2025.
BILLED_PERIOD = "2026-S1"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command(
        "demo", "--no-serve", "--nominations", "400", "--registry", "600", "--no-progress", "--seed", "11", stdout=out
    )
    from ucjamsostek.accounts.models import User

    users = {}
    for key, username in (("leadership", "pimpinan"), ("dinas", "dinas")):
        users[key] = User.objects.get(username=username)
    users["desa"] = User.objects.filter(role="area", area__level=4).order_by("username").first()
    for u in users.values():
        u.set_password(PASSWORD)
        u.save()
    return {"users": users, "dir": tmp_path / "demo"}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def _direct_active(day: date, within: str) -> int:
    from ucjamsostek.monitoring import queries

    return sum(n for (village, _, _), n in queries.active_on(day).items() if village.startswith(within))


def _db_figures(period: str) -> dict[str, int]:
    """The period's figures straight from the records with the ORM (not through the monitoring
    queries or snapshots): what the dashboard must show."""
    from django.db.models import Count, Q, Sum

    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.billing.models import Invoice, Payment
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.registry.models import Enrollment

    p = ind.parse_period(period)
    day = p.last_day
    active = Enrollment.objects.filter(
        Q(coverage_end__isnull=True) | Q(coverage_end__gt=day),
        status__in=("active", "ended"),
        coverage_start__lte=day,
        person__village__code__startswith="74.13.",
    ).exclude(died_by_q(day, "person__")).count()  # nobody is active once dead, by any source (issue 9 §2)
    y0, y1 = date(p.year, 1, 1), date(p.year + 1, 1, 1)
    allocated = 0
    for a in Agreement.objects.exclude(status="draft").filter(start__lt=y1, end__gt=y0):
        allocated += a.value * (min(a.end, y1) - max(a.start, y0)).days // (a.end - a.start).days
    in_period = {"period__gte": p.start, "period__lt": p.end}
    billed = Invoice.objects.filter(**in_period).aggregate(s=Sum("billed_total"))["s"] or 0
    paid = (
        Payment.objects.filter(invoice__period__gte=p.start, invoice__period__lt=p.end).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    claims = Claim.objects.filter(paid_on__isnull=False, paid_on__lt=p.end).aggregate(n=Count("pk"), s=Sum("amount"))
    return {
        "active": active,
        "allocated": allocated,
        "billed": billed,
        "paid": paid,
        "claims_count": claims["n"],
        "claims_amount": claims["s"] or 0,
    }


def _no_external(page: Any, base: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda req: seen.append(req.url) if not req.url.startswith(base) else None)
    return seen


@pytest.mark.django_db(transaction=True)
def test_monitoring_on_the_demo_data(live_server, jobs_worker, browser_page, artifacts_dir, demo):
    """One demo build (a few minutes) serves both users."""
    _leadership_dashboard_equals_the_database_and_report_downloads(live_server.url, browser_page, artifacts_dir, demo)
    browser_page.context.clear_cookies()
    _desa_operator_sees_only_the_desa_and_follows_an_upload(live_server.url, browser_page, artifacts_dir, demo)


def _leadership_dashboard_equals_the_database_and_report_downloads(base, page, artifacts_dir, demo):
    from ucjamsostek.monitoring import selectors

    external = _no_external(page, base)
    leader = demo["users"]["leadership"]
    _login(page, base, leader.username)
    page.goto(f"{base}{reverse('monitoring:index')}?period={PERIOD}")
    page.wait_for_selector("[data-testid=active]")

    last_day = ind.parse_period(PERIOD).last_day
    expected = _direct_active(last_day, "74.13")
    assert expected > 0
    assert page.inner_text("[data-testid=active]") == format_number(expected)
    assert page.inner_text("[data-testid=area-name]") == "Kabupaten Muna Barat"
    # every kecamatan row equals a direct count
    page.click("details summary")
    rows = page.locator("[data-testid=ranking] tbody tr")
    assert rows.count() == 11
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        href = cells.nth(0).locator("a").get_attribute("href") or ""
        code = href.split("area=")[1]
        assert cells.nth(1).inner_text() == format_number(_direct_active(last_day, code + "."))
    # the gap after the PKS expired shows in January 2025
    d = selectors.dashboard_for_area("74.13", "2025-01", compute=True)
    assert d.headline["active"] == _direct_active(date(2025, 1, 31), "74.13")
    # charts are interactive: a tooltip appears on a data point
    page.hover(".chart-line circle.mark >> nth=-1")
    assert page.locator("#tip").is_visible()
    assert "peserta aktif" in page.inner_text("#tip")
    page.screenshot(path=str(artifacts_dir / "monev-dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("[data-testid=active]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the dashboard scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(artifacts_dir / "monev-dashboard-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # a period with monthly bills (they start in December 2025): the money and claims figures
    # equal the records, read with the ORM (not the monitoring queries or the snapshot)
    page.goto(f"{base}{reverse('monitoring:index')}?period={BILLED_PERIOD}")
    page.wait_for_selector("[data-testid=active]")
    db = _db_figures(BILLED_PERIOD)
    assert db["billed"] > 0 and db["paid"] > 0 and db["claims_count"] > 0, db
    shown = {  # without the " · lihat" trace links
        k: page.inner_text(f"[data-testid={k}]").split(" · ")[0]
        for k in ("active", "coverage", "budget-allocated", "budget-billed", "budget-paid", "claims-amount", "gap")
    }
    shown["claims-sentence"] = page.inner_text("[data-testid=claims-sentence]").split(" · ")[0]
    assert shown["active"] == format_number(db["active"])
    assert shown["budget-allocated"] == format_rupiah(db["allocated"])
    assert shown["budget-billed"] == format_rupiah(db["billed"])
    assert shown["budget-paid"] == format_rupiah(db["paid"])
    assert shown["claims-amount"] == ind.format_rupiah_words(db["claims_amount"])
    assert shown["claims-sentence"] == ind.claims_sentence(db["claims_count"], db["claims_amount"])
    page.screenshot(path=str(artifacts_dir / "monev-dashboard-2026-S1.png"), full_page=True)

    # the report of that period: a background job, then the PDF download
    with page.expect_download(timeout=120_000) as info:
        page.click("[data-testid=report-pdf]")
    pdf = artifacts_dir / "monev-laporan.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes()[:4] == b"%PDF"
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm is missing (poppler-utils)"
    for old in artifacts_dir.glob("monev-laporan-*.png"):
        old.unlink()
    subprocess.run([exe, "-r", "60", "-png", str(pdf), str(artifacts_dir / "monev-laporan")], check=True, timeout=120)
    pages = sorted(artifacts_dir.glob("monev-laporan-*.png"))
    assert len(pages) >= 3
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Semester I 2026" in text
    # the report's totals are the ones the dashboard showed in the browser
    assert f"Peserta aktif {shown['active']}" in text
    assert f"Cakupan kepesertaan {shown['coverage']}" in text
    assert f"Anggaran dialokasikan {shown['budget-allocated']}" in text
    assert f"Iuran ditagihkan {shown['budget-billed']}" in text
    assert f"Iuran dibayar {shown['budget-paid']}" in text
    claims_row = f"{format_number(db['claims_count'])} klaim, {format_rupiah(db['claims_amount'])}"
    assert f"Klaim sejak program berjalan {claims_row}" in text
    assert shown["claims-sentence"] in text
    assert f"Terpapar kesenjangan perlindungan {shown['gap']}" in text
    assert not external, f"requests left the app: {external}"


def _desa_operator_sees_only_the_desa_and_follows_an_upload(base, page, artifacts_dir, demo):
    from ucjamsostek.regions.models import Region

    desa_user = demo["users"]["desa"]
    desa = Region.objects.get(code=desa_user.area_id)
    _login(page, base, desa_user.username)
    page.goto(f"{base}{reverse('monitoring:index')}?period={PERIOD}&area=74.13")
    page.wait_for_selector("[data-testid=active]")
    assert page.inner_text("[data-testid=area-name]") == desa.name
    expected = _direct_active(ind.parse_period(PERIOD).last_day, desa.code)
    assert page.inner_text("[data-testid=active]") == format_number(expected)
    assert page.locator("[data-testid=ranking]").count() == 0
    other = Region.objects.filter(level=3, code__startswith="74.13.").exclude(code=desa.parent_id).first()
    assert other is not None and other.name not in page.inner_text("main")
    page.screenshot(path=str(artifacts_dir / "monev-dashboard-desa.png"), full_page=True)
    # a trace outside the desa is refused
    r = page.goto(f"{base}{reverse('monitoring:trace')}?indicator=ACTIVE&period={PERIOD}&area=74.13")
    assert r is not None and r.status == 403

    # upload the desa's own nomination file and watch it to the result
    files = sorted((demo["dir"] / "usulan").glob(f"*{desa.name.lower().replace(' ', '')}*"))
    if not files:
        files = sorted((demo["dir"] / "usulan").glob("*"))
    today = ind.period_of(date.today()).code
    page.goto(base + reverse("screening:upload"))
    page.fill("input[name=source_name]", desa.name)
    page.fill("input[name=as_of]", date.today().isoformat())
    # the demo already uploaded this file for the desa, and an identical file lands on the stored list:
    # send the same rows as a new workbook, which is screened again
    again = artifacts_dir / f"ulang-{files[0].stem}.xlsx"
    if files[0].suffix == ".xlsx":
        openpyxl.load_workbook(files[0]).save(again)
    else:
        with files[0].open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(again)
    page.set_input_files("input[name=file]", str(again))
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    polled = record_job_polls(page)
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".job-progress", state="attached")
    page.screenshot(path=str(artifacts_dir / "monev-upload-progress.png"), full_page=True)
    try:
        page.wait_for_url("**/validasi/berkas/*/", timeout=300_000)
    except Exception:
        from ucjamsostek.jobs.models import Job

        page.screenshot(path=str(artifacts_dir / "monev-upload-stuck.png"), full_page=True)
        jobs = list(Job.objects.order_by("-id").values_list("pk", "kind", "status", "stage", "message")[:3])
        raise AssertionError(f"upload did not finish: {page.url} {jobs}") from None
    # the browser went through the job's progress page before landing on the result
    assert any("/validasi/unggah/" in u and u.rstrip("/").split("/")[-1].isdigit() for u in visited), visited
    # the page polled the job while it ran and the bar only moved forward
    assert polled, "the progress page never asked for the job's status"
    percents = [p["percent"] for p in polled]
    assert percents == sorted(percents) and all(0 <= p <= 100 for p in percents), percents
    assert page.locator("#counts").count() == 1
    page.screenshot(path=str(artifacts_dir / "monev-upload-result.png"), full_page=True)
    # the data changed: the dashboard recomputes this month by itself (issue 11 §1; a desa operator
    # has no "Hitung ulang"), the job page it links to follows the job, then returns to the dashboard
    page.goto(f"{base}{reverse('monitoring:index')}?period={today}")
    assert page.locator("[data-testid=recompute]").count() == 0
    if page.locator("[data-testid=updating-job]").count():
        page.click("[data-testid=updating-job]")
        page.wait_for_url(f"**/monev/?period={today}", timeout=120_000)
    page.wait_for_selector("[data-testid=nominations]")
    from django.db.models import Q

    from ucjamsostek.screening.models import Nomination

    in_desa = Q(region__code=desa.code) | Q(region__isnull=True, batch__region__code=desa.code)
    expected_noms = (
        Nomination.objects.filter(in_desa, batch__created_at__date__gte=ind.parse_period(today).start)
        .exclude(batch__status="archived")
        .count()
    )
    assert expected_noms > 0
    assert page.inner_text("[data-testid=nominations]").split(" ")[0] == format_number(expected_noms)
