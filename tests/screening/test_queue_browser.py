"""The review work queue in a real browser, as the Dinas operator works it: two files in one
queue, a filter, "Simpan & berikutnya" by Ctrl+Enter, a pair decided from the model's evidence, a
bulk decision confirmed with its count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.screening.queue_files import two_files
from ucjamsostek.screening.models import ReviewDecision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_work_the_queue(live_server, inline_jobs, browser_page, artifacts_dir, users, villages, tmp_path):
    client = Client()
    two_files(client, users["dinas"], villages, tmp_path)
    client.force_login(users["dinas"])
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("screening:review"))
    assert "5 menunggu keputusan di 2 berkas" in page.inner_text("#queue-total")
    assert page.locator("#queue tbody tr").count() == 5
    first = page.locator("#queue tbody tr").first
    assert "Ganda" in first.inner_text() and "100%" not in first.inner_text()
    page.screenshot(path=str(artifacts_dir / "review-queue.png"), full_page=True)

    # the pair first: the model's probability and its evidence, the NIK digit that differs
    page.click("#queue-start")
    page.wait_for_selector("#evidence")
    probability = page.inner_text("#pair-probability")
    assert probability.startswith("99,") and probability != "100%"
    assert "digit ke-16 (nomor urut)" in page.inner_text("#nik-digits")
    assert page.locator(".nik-diff mark").count() == 2
    page.screenshot(path=str(artifacts_dir / "review-pair-evidence.png"), full_page=True)
    page.check("input[name=decision][value=distinct]")
    page.fill("textarea[name=reason]", "Kembar: KTP berbeda")
    page.locator("textarea[name=reason]").press("Control+Enter")
    page.wait_for_url("**/usulan/*/tinjauan/?antrean=1")
    assert "Antrean: 1 dari 4" in page.inner_text("#queue-place")

    # filtered to one reason: Ctrl+Enter saves and opens the next row of the same filter
    page.goto(live_server.url + reverse("screening:review") + "?alasan=NIK_BIRTHDATE_MISMATCH")
    assert page.locator("#queue tbody tr").count() == 2
    page.click("#queue-start")
    page.wait_for_selector("#queue-place")
    assert "Antrean: 1 dari 2" in page.inner_text("#queue-place")
    url = page.url
    page.check("input[name=decision][value=accept]")
    page.fill("textarea[name=reason]", "KTP dicek di kantor desa")
    page.keyboard.press("Control+Enter")
    # a Python predicate: wait_for_function would eval JavaScript, which the CSP refuses
    page.wait_for_url(lambda now: now != url)
    assert "alasan=NIK_BIRTHDATE_MISMATCH" in page.url
    assert "Antrean: 1 dari 1" in page.inner_text("#queue-place")

    # the rest of that reason in one bulk decision, after a confirmation naming the count
    page.goto(live_server.url + reverse("screening:review") + "?alasan=NIK_BIRTHDATE_MISMATCH")
    page.check("#bulk input[name=decision][value=reject]")
    page.fill("#bulk textarea[name=reason]", "NIK milik orang lain (cek Dukcapil)")
    page.click("#bulk button[type=submit]")
    page.wait_for_selector("#bulk-confirm")
    assert "1 baris" in page.inner_text("#bulk-summary")
    page.screenshot(path=str(artifacts_dir / "review-bulk-confirm.png"), full_page=True)
    page.click("#bulk-confirm button[type=submit]")
    page.wait_for_selector("#queue")
    assert "1 baris diputuskan" in page.inner_text("body")

    decisions = list(ReviewDecision.objects.order_by("id").values_list("kind", "decision", "decided_by__username"))
    assert decisions == [("pair", "distinct", "u_dinas"), ("row", "accept", "u_dinas"), ("row", "reject", "u_dinas")]
    page.goto(live_server.url + reverse("screening:review"))
    assert "2 menunggu keputusan" in page.inner_text("#queue-total")
