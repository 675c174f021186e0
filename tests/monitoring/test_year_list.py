"""The year's list from nomination to BPJS (issue 10 §4) in a real browser: each step with its
count and dates, a step not done shown as not done, each step linking to its records."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.people_fixtures import people  # noqa: F401
from tests.screening.conftest import AS_OF, small_file, villages  # noqa: F401
from ucjamsostek.agreements import services as agr
from ucjamsostek.core.screen import ScreeningOptions, screen_file
from ucjamsostek.registry.models import Enrollment
from ucjamsostek.screening import services as screening
from ucjamsostek.screening.models import DuplicatePair, Nomination, NominationBatch
from ucjamsostek.screening.selectors import screening_context


def _steps(page) -> dict[str, tuple[str, str, str, str]]:
    out = {}
    for row in page.locator("#year-steps tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        out[row.get_attribute("data-step")] = (cells[1], cells[2], cells[3], cells[4])
    return out


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_year_list_shows_each_step_and_what_is_not_done(
    live_server, browser_page, users, people, small_file, tmp_path  # noqa: F811
):
    today = timezone.localdate()
    year = today.year
    batch = screening.save_batch(
        screen_file(small_file, screening_context(AS_OF), ScreeningOptions(as_of=AS_OF)),
        source_name="Desa Wakoila",
        file_path=small_file,
        actor=users["dinas"],
        as_of=AS_OF,
    )
    # a desa's list waits for its own submission (tiered verification, three levels)
    desa_batch = screening.save_batch(
        screen_file(small_file, screening_context(AS_OF), ScreeningOptions(as_of=AS_OF)),
        source_name="Desa Wakoila (desa)",
        file_path=small_file,
        actor=users["area"],
        as_of=AS_OF,
    )
    assert desa_batch.level == NominationBatch.Level.DESA
    admin = users["admin"]
    agreement = agr.create_agreement(
        admin,
        {
            "number": "PKS/TAHUN/001", "signed_on": date(year - 1, 12, 1), "parties": "Pemkab; BPJS TK",
            "start": date(year, 1, 1), "end": date(year + 1, 1, 1), "funder": "apbd_kab",
            "programmes": "JKK+JKM", "value": 1_000_000_000, "quota": 10, "wage_base": 2_552_000,
        },
    )  # fmt: skip
    agr.set_status(admin, agreement, "signed")
    agr.set_status(admin, agreement, "active")
    agr.enroll_people(admin, agreement, [(people[k].pk, "pekerja_rentan") for k in ("p_a", "p_b")])
    assert agr.submit_registration(admin, agreement) == 2

    client = Client()
    client.force_login(users["leadership"])
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("monitoring:index"))
    page.click("text=Daftar tahunan")
    page.wait_for_selector("#year-steps")
    steps = _steps(page)
    assert list(steps) == ["screened", "reviewed", "verified", "selected", "submitted", "answered", "enrolled"]
    stamp = f"{today:%d-%m-%Y}"
    assert steps["screened"][:3] == ("✓ Selesai", "12", "12 baris dari 2 berkas") and steps["screened"][3] == stamp
    assert steps["reviewed"][0] == "Belum selesai" and "6 baris masih menunggu tinjauan" in steps["reviewed"][2]
    # verified: the Dinas's own list approved as stored, the desa's list still waiting at its level
    assert steps["verified"][:2] == ("Belum selesai", "1")
    assert "1 dari 2 berkas disetujui; 1 keputusan verifikasi, 0 dikembalikan" in steps["verified"][2]
    assert "menunggu di tingkat desa/kelurahan: 1" in steps["verified"][2] and steps["verified"][3] == stamp
    link = page.locator("#year-steps tr[data-step=verified] a")
    assert link.get_attribute("href") == reverse("screening:index") + "?tahap=menunggu"
    link.click()
    page.wait_for_selector("#batch-filter")
    files = page.locator("table.list tbody tr").all_inner_texts()
    assert len(files) == 1 and "Desa Wakoila (desa)" in files[0] and "desa/kelurahan" in files[0]
    page.go_back()
    page.wait_for_selector("#year-steps")
    assert steps["selected"][:3] == ("Belum selesai", "—", "Belum ada skenario final.")
    assert steps["submitted"][:3] == ("✓ Selesai", "2", "2 didaftarkan; 0 masih diusulkan")
    assert steps["submitted"][3] == stamp
    assert steps["answered"][0] == "Belum selesai" and "2 menunggu jawaban" in steps["answered"][2]
    assert steps["enrolled"][:2] == ("Belum selesai", "0")
    # each step links to its records; the link of a step not done still leads where it is done
    link = page.locator("#year-steps tr[data-step=selected] a")
    assert link.get_attribute("href") == reverse("budget:index")

    # review every waiting row and pair; BPJS answers: one accepted, one refused
    for stored in (batch, desa_batch):
        rows = {n.row: n for n in Nomination.objects.filter(batch=stored)}
        screening.decide(users["dinas"], rows[6], "accept", "KTP diperiksa")
        screening.decide(users["dinas"], rows[9], "reject", "Data tidak bisa dipastikan")
        screening.decide(users["dinas"], DuplicatePair.objects.get(batch=stored), "merge", "Orang yang sama")
    answer = tmp_path / "jawaban-bpjs.csv"
    answer.write_text(
        "NIK;No KPJ;Status;Keterangan\n"
        f"{people['p_a'].nik};27010000001;Diterima;\n"
        f"{people['p_b'].nik};;Ditolak;NIK tidak sesuai Dukcapil\n",
        encoding="utf-8",
    )
    result = agr.import_registration(users["bpjs"], answer)
    assert (result.accepted, result.rejected) == (1, 1)
    assert Enrollment.objects.get(person=people["p_a"]).status == Enrollment.Status.ACTIVE
    # the desa submits, the kecamatan returns it once with a reason, then it goes up to the Dinas
    screening.verify_batch(users["area"], desa_batch, "forward")
    screening.verify_batch(users["kec"], desa_batch, "return", "Lengkapi alamat")
    screening.verify_batch(users["area"], desa_batch, "forward")
    screening.verify_batch(users["kec"], desa_batch, "forward")
    screening.verify_batch(users["dinas"], desa_batch, "forward")
    page.reload()
    steps = _steps(page)
    assert (
        steps["verified"][:2] == ("✓ Selesai", "2") and "6 keputusan verifikasi, 1 dikembalikan" in steps["verified"][2]
    )
    assert page.locator("#year-steps tr[data-step=verified] a").get_attribute("href").endswith("?tahap=4")
    assert steps["reviewed"][:2] == ("✓ Selesai", "3") and "0 baris masih menunggu" in steps["reviewed"][2]
    assert steps["answered"][:2] == ("✓ Selesai", "2") and steps["answered"][3] == stamp
    assert "1 diterima, 1 ditolak" in steps["answered"][2] and "NIK tidak sesuai Dukcapil: 1" in steps["answered"][2]
    assert steps["enrolled"][:3] == ("✓ Selesai", "1", "1 orang terlindungi")
    assert steps["enrolled"][3] == f"01-01-{year} – 01-01-{year + 1}"
