"""Tiered verification (issue 10 §3): a desa submits its list, the kecamatan verifies it, the Dinas
approves it (levels configurable 1–3); every decision kept; a list returned with a reason goes back
a level; rows of other villages in a desa operator's file are not processed (and join nobody's
pool); the very same file uploaded again is recognised."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.people_fixtures import DESA_A
from tests.screening.conftest import AS_OF, rows_for
from ucjamsostek.core import verification as tiers
from ucjamsostek.screening import services
from ucjamsostek.screening.models import Nomination, NominationBatch, Verification


# ------------------------------------------------------------------------------------------ core
def test_levels_in_use_and_where_a_decision_sends_a_list():
    assert tiers.active_levels(3) == (1, 2, 3)
    assert tiers.active_levels(2) == (2, 3)
    assert tiers.active_levels(1) == (3,)
    with pytest.raises(ValueError, match="1, 2 atau 3"):
        tiers.active_levels(4)
    # three levels: a desa list waits for the desa's submission, then the kecamatan, then the Dinas
    assert tiers.initial_level(tiers.DESA, 3) == tiers.DESA
    assert [tiers.next_level(level, 3) for level in (1, 2, 3)] == [2, 3, tiers.APPROVED]
    assert tiers.return_level(tiers.DINAS, tiers.DESA, 3) == tiers.KECAMATAN
    assert tiers.return_level(tiers.KECAMATAN, tiers.DESA, 3) == tiers.DESA
    assert tiers.return_level(tiers.DESA, tiers.DESA, 3) is None  # its sender's level: nowhere lower
    # two levels: the desa's upload is its submission to the kecamatan; a return goes back to it
    assert tiers.initial_level(tiers.DESA, 2) == tiers.KECAMATAN
    assert tiers.return_level(tiers.KECAMATAN, tiers.DESA, 2) == tiers.DESA
    assert tiers.return_level(tiers.DINAS, tiers.DESA, 2) == tiers.KECAMATAN
    # one level: straight to the Dinas, and back to the sender
    assert tiers.initial_level(tiers.DESA, 1) == tiers.initial_level(tiers.KECAMATAN, 1) == tiers.DINAS
    assert tiers.return_level(tiers.DINAS, tiers.KECAMATAN, 1) == tiers.KECAMATAN
    # the Dinas's own list is approved as it is stored
    assert tiers.initial_level(tiers.DINAS, 3) == tiers.APPROVED
    assert tiers.return_level(tiers.APPROVED, tiers.DESA, 3) is None


# ----------------------------------------------------------------------------------- the service
def _upload(user, path, source="Desa Wakoila"):
    stored = services.copy_for_upload(path)
    job = services.start_upload(
        user, None, source_kind="desa", source_name=source, segment=None, as_of=AS_OF, stored_path=stored,
        file_name=path.name,
    )  # fmt: skip
    assert job.status == "done", job.message
    return job, NominationBatch.objects.get(pk=job.result["batch_id"])


def _pool_niks() -> set[str]:
    from ucjamsostek.budget.selectors import _eligible_nominations

    return {n["nik"] for n in _eligible_nominations()}


@pytest.mark.django_db
def test_a_desa_list_goes_up_three_levels_comes_back_with_a_reason_and_joins_the_pool_when_approved(
    users, villages, tmp_path, inline_jobs, settings
):
    settings.VERIFICATION_LEVELS = 3
    rows = rows_for(villages)
    path = tmp_path / "usulan-wakoila.xlsx"
    from tests.core.nomination_files import write_xlsx

    write_xlsx(path, rows)
    desa, kec, dinas = users["area"], users["kec"], users["dinas"]
    job, batch = _upload(desa, path)

    # rows 5 and 6 live in desa B: not processed, stored nowhere, said with the count
    assert "2 baris di luar wilayah Anda tidak diproses" in job.message
    assert job.result["outside_area"] == 2
    assert batch.row_count == 4 and batch.summary["outside_area"] == 2
    stored_rows = sorted(Nomination.objects.filter(batch=batch).values_list("row", flat=True))
    assert batch.summary["outside_rows"] == [stored_rows[-1] + 1, stored_rows[-1] + 2]  # the file's last two
    outside_niks = {r[1] for r in rows[4:]}
    assert not Nomination.objects.filter(nik__in=outside_niks).exists()
    assert {n.region_id for n in Nomination.objects.filter(batch=batch)} == {DESA_A}

    eligible_nik = rows[0][1]
    assert batch.level == tiers.DESA and batch.sender_level == tiers.DESA
    assert eligible_nik not in _pool_niks()  # waiting for the desa's own submission

    # only the level the list waits at decides
    for who in (kec, dinas, users["opd"], users["budget"]):
        with pytest.raises(PermissionDenied):
            services.verify_batch(who, batch, "forward")
    services.verify_batch(desa, batch, "forward", "sudah diperiksa")
    batch.refresh_from_db()
    assert batch.level == tiers.KECAMATAN
    with pytest.raises(PermissionDenied):
        services.verify_batch(desa, batch, "forward")

    # the kecamatan returns it: a reason is required; it goes back to the desa
    with pytest.raises(ValidationError, match="Alasan"):
        services.verify_batch(kec, batch, "return", " ")
    services.verify_batch(kec, batch, "return", "Baris 3 dan 4 orang yang sama, periksa")
    batch.refresh_from_db()
    assert batch.level == tiers.DESA
    with pytest.raises(ValidationError, match="tidak dapat dikembalikan"):
        services.verify_batch(desa, batch, "return", "coba")

    services.verify_batch(desa, batch, "forward", "sudah diperbaiki")
    services.verify_batch(kec, batch, "forward", "")
    batch.refresh_from_db()
    assert batch.level == tiers.DINAS and eligible_nik not in _pool_niks()
    services.verify_batch(dinas, batch, "return", "Lampirkan surat pengantar")
    batch.refresh_from_db()
    assert batch.level == tiers.KECAMATAN
    services.verify_batch(kec, batch, "forward", "surat dilampirkan")
    services.verify_batch(dinas, batch, "forward", "")
    batch.refresh_from_db()
    assert batch.level == tiers.APPROVED
    assert eligible_nik in _pool_niks()
    assert not outside_niks & _pool_niks()

    # every level's decisions are kept, in order, with who and why
    history = list(Verification.objects.filter(batch=batch).order_by("id"))
    assert [(v.level, v.action, v.to_level, v.decided_by.username) for v in history] == [
        (1, "submit", 2, "u_area"),
        (2, "return", 1, "u_kec"),
        (1, "submit", 2, "u_area"),
        (2, "verify", 3, "u_kec"),
        (3, "return", 2, "u_dinas"),
        (2, "verify", 3, "u_kec"),
        (3, "approve", 4, "u_dinas"),
    ]
    assert history[1].reason == "Baris 3 dan 4 orang yang sama, periksa"
    with pytest.raises(PermissionDenied):  # approved: nobody's turn any more
        services.verify_batch(dinas, batch, "forward")


@pytest.mark.django_db
def test_the_same_file_again_is_recognised_and_not_screened_again(users, villages, tmp_path, inline_jobs):
    from tests.core.nomination_files import write_xlsx
    from ucjamsostek.jobs.models import Job

    path = write_xlsx(tmp_path / "usulan.xlsx", rows_for(villages))
    _, batch = _upload(users["area"], path)
    copy = tmp_path / "usulan-lagi.xlsx"
    copy.write_bytes(path.read_bytes())
    stored = services.copy_for_upload(copy)
    with pytest.raises(services.SameFileUploaded) as caught:
        services.start_upload(
            users["area"], None, source_kind="desa", source_name="Desa Wakoila", segment=None, as_of=AS_OF,
            stored_path=stored, file_name=copy.name,
        )  # fmt: skip
    assert caught.value.batch == batch
    assert f"#{batch.pk}" in caught.value.messages[0] and "tidak diproses ulang" in caught.value.messages[0]
    assert Job.objects.count() == 1 and NominationBatch.objects.count() == 1
    # another sender's identical file is theirs to send
    _upload(users["kec"], copy, source="Kecamatan")
    assert NominationBatch.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [1, 2])
def test_fewer_levels_make_the_upload_the_submission(users, villages, tmp_path, inline_jobs, settings, levels):
    from tests.core.nomination_files import write_xlsx

    settings.VERIFICATION_LEVELS = levels
    _, batch = _upload(users["area"], write_xlsx(tmp_path / "u.xlsx", rows_for(villages)))
    first = tiers.active_levels(levels)[0]
    assert batch.level == first
    made = Verification.objects.get(batch=batch)
    assert (made.level, made.action, made.to_level) == (tiers.DESA, "submit", first)
    # a return from the lowest level in use goes back to the sender, who submits again
    returner = users["kec"] if first == tiers.KECAMATAN else users["dinas"]
    services.verify_batch(returner, batch, "return", "data belum lengkap")
    batch.refresh_from_db()
    assert batch.level == tiers.DESA
    services.verify_batch(users["area"], batch, "forward", "")
    batch.refresh_from_db()
    assert batch.level == first


@pytest.mark.django_db
def test_a_dinas_list_is_approved_as_it_is_stored(users, villages, tmp_path, inline_jobs, settings):
    from tests.core.nomination_files import write_xlsx

    settings.VERIFICATION_LEVELS = 3
    _, batch = _upload(users["dinas"], write_xlsx(tmp_path / "u.xlsx", rows_for(villages)), source="DTKS")
    assert batch.level == tiers.APPROVED and batch.row_count == 6  # the Dinas's list: every village
    made = Verification.objects.get(batch=batch)
    assert (made.level, made.action, made.to_level) == (tiers.DINAS, "approve", tiers.APPROVED)
    assert rows_for(villages)[0][1] in _pool_niks()


# ------------------------------------------------------------------------------------ the browser
def _login(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    page.context.add_cookies([cookie])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tiered_verification_in_the_browser(live_server, jobs_worker, browser_page, artifacts_dir, users, villages,
                                            tmp_path, settings):  # fmt: skip
    from tests.core.nomination_files import write_xlsx

    settings.VERIFICATION_LEVELS = 3
    path = write_xlsx(tmp_path / "usulan-wakoila.xlsx", rows_for(villages))
    page = browser_page

    # the desa operator uploads: rows of another desa are not processed, said with the count
    _login(page, live_server, users["area"])
    page.goto(live_server.url + reverse("screening:upload"))
    page.fill("input[name=as_of]", "2026-01-01")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/validasi/berkas/*/", timeout=120_000)
    assert "2 baris di luar wilayah Anda tidak diproses" in page.inner_text("#outside-area")
    assert page.inner_text("#verification-level") == "desa/kelurahan"
    page.screenshot(path=str(artifacts_dir / "verification-desa.png"), full_page=True)
    batch_url = page.url
    page.fill("#verify-reason", "sudah diperiksa")
    page.click("#verify-form button[value=forward]")
    page.wait_for_selector(".messages .success")
    assert page.inner_text("#verification-level") == "kecamatan/OPD"
    assert page.locator("#verify-form").count() == 0  # no longer the desa's turn

    # the same file again: recognised, the operator lands on the list already sent
    page.goto(live_server.url + reverse("screening:upload"))
    page.fill("input[name=as_of]", "2026-01-01")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(batch_url)
    assert "tidak diproses ulang" in page.inner_text(".messages")
    assert NominationBatch.objects.count() == 1

    # the kecamatan finds it waiting and returns it with a reason
    _login(page, live_server, users["kec"])
    page.goto(live_server.url + reverse("screening:index"))
    page.click("#to-verify a")
    page.click("#verify-form button[value=return]")  # without a reason: refused, said why
    assert "Alasan pengembalian wajib diisi" in page.inner_text(".messages")
    page.fill("#verify-reason", "Nama baris 3 dan 4 sama, periksa")
    page.click("#verify-form button[value=return]")
    page.wait_for_selector(".messages .success")
    assert page.inner_text("#verification-level") == "desa/kelurahan"

    # the desa sees the reason, submits again; the kecamatan verifies; the Dinas approves
    _login(page, live_server, users["area"])
    page.goto(batch_url)
    assert "Nama baris 3 dan 4 sama, periksa" in page.inner_text("#verification-history")
    page.click("#verify-form button[value=forward]")
    page.wait_for_selector(".messages .success")
    _login(page, live_server, users["kec"])
    page.goto(batch_url)
    page.click("#verify-form button[value=forward]")
    page.wait_for_selector(".messages .success")
    _login(page, live_server, users["dinas"])
    page.goto(live_server.url + reverse("screening:index"))
    assert "usulan-wakoila.xlsx" in page.inner_text("#to-verify")
    page.goto(batch_url)
    assert page.inner_text("#verify-form button[value=forward]") == "Setujui"
    page.click("#verify-form button[value=forward]")
    page.wait_for_selector(".messages .success")
    assert page.inner_text("#verification-level") == "disetujui"
    history = page.inner_text("#verification-history")
    for word in ("diajukan", "dikembalikan", "diverifikasi", "disetujui", "u_area", "u_kec", "u_dinas"):
        assert word in history
    page.screenshot(path=str(artifacts_dir / "verification-approved.png"), full_page=True)
    assert NominationBatch.objects.get().level == tiers.APPROVED
