"""The upload page in a real browser: upload the shared sample, watch the progress bar, land on
the stored result."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser_helpers import record_job_polls, wait_until
from tests.screening.conftest import sample_path
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.screening import services
from ucjamsostek.screening.models import NominationBatch


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_upload_sample_shows_progress_then_result(
    live_server, jobs_worker, browser_page, artifacts_dir, users, villages
):
    sample = sample_path()
    if sample is None:
        pytest.skip("../shared/samples/usulan-contoh.xlsx is not beside the repository")
    for kind in ("enrolled", "deaths", "asn"):
        services.load_reference(kind, sample.parent / f"referensi-{kind}.csv", actor=SYSTEM)
    client = Client()
    client.force_login(users["dinas"])
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    polled = record_job_polls(page)
    page.goto(live_server.url + reverse("screening:upload"))
    page.fill("input[name=source_name]", "Dinas Sosial (DTKS)")
    page.select_option("select[name=source_kind]", "dtks")
    page.fill("input[name=as_of]", "2026-01-01")
    page.set_input_files("input[name=file]", str(sample))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".job-progress", state="attached")
    page.screenshot(path=str(artifacts_dir / "screening-upload-progress.png"), full_page=True)
    wait_until(
        page,
        "location.pathname.includes('/berkas/') || "
        "document.querySelector('.job-progress')?.getAttribute('data-status') === 'failed'",
        timeout=180,
    )
    from ucjamsostek.jobs.models import Job

    job = Job.objects.get()
    assert job.status == "done", f"{job.status}: {job.message}"
    page.wait_for_url("**/validasi/berkas/*/")
    page.wait_for_selector("#counts")
    page.screenshot(path=str(artifacts_dir / "screening-upload-result.png"), full_page=True)

    batch = NominationBatch.objects.get()
    assert batch.row_count == 600 and batch.source_kind == "dtks"
    assert batch.eligible_count + batch.review_count + batch.rejected_count == 600
    assert "600" in page.inner_text("#counts")
    assert page.inner_text("h1") == "usulan-contoh.xlsx"
    # the page polled the job while it ran, the bar moved forward, then the page went to the result
    assert polled and all(p["id"] == polled[0]["id"] for p in polled)
    percents = [p["percent"] for p in polled]
    assert percents == sorted(percents) and all(0 <= p <= 100 for p in percents)
    assert any(p["status"] == "running" and p["stage"] for p in polled)
    # the review queue opens from the result
    page.goto(live_server.url + reverse("screening:batch_review", args=[batch.pk]))
    assert page.locator("#review-rows tbody tr").count() >= 1
    page.screenshot(path=str(artifacts_dir / "screening-review.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_unknown_header_is_mapped_in_the_browser(
    live_server, jobs_worker, browser_page, artifacts_dir, users, villages, tmp_path
):
    from tests.core.nomination_files import write_xlsx
    from tests.screening.conftest import rows_for

    header = ["No", "No. Identitas", "Nama Lengkap", "L/P", "Tempat Lahir", "Tanggal Lahir", "Desa/Kelurahan",
              "Kecamatan"]  # fmt: skip
    path = write_xlsx(tmp_path / "usulan-desa.xlsx", rows_for(villages), header=header)
    client = Client()
    client.force_login(users["area"])
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("screening:upload"))
    assert page.input_value("input[name=source_name]")  # the operator's desa is the default sender
    page.fill("input[name=as_of]", "2026-01-01")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#job-error", timeout=120_000)
    assert "usulan-desa.xlsx" in page.inner_text("#job-error")
    page.screenshot(path=str(artifacts_dir / "screening-mapping-needed.png"), full_page=True)
    page.click("a[href$='/pemetaan-kolom/']")
    page.select_option("select >> nth=1", "nik")  # the second column, "No. Identitas"
    page.screenshot(path=str(artifacts_dir / "screening-mapping.png"), full_page=True)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/validasi/berkas/*/", timeout=120_000)
    assert "usulan-desa.xlsx" in page.inner_text("h1")
    batch = NominationBatch.objects.get()
    assert batch.region_id == users["area"].area_id
    # the desa operator sees the rows of their own desa only
    assert "4" in page.inner_text("#counts")
