"""Stored batches: rows, findings and pairs in one transaction; nothing half-written on failure."""

from __future__ import annotations

import time
from datetime import date

import polars as pl
import pytest

from tests.screening.conftest import AS_OF
from ucjamsostek.core.screen import ScreeningOptions, ScreeningResult, screen_file
from ucjamsostek.screening import services
from ucjamsostek.screening.models import DuplicatePair, Finding, Nomination, NominationBatch
from ucjamsostek.screening.selectors import screening_context


def screen(path):
    return screen_file(path, screening_context(AS_OF), ScreeningOptions(as_of=AS_OF))


@pytest.mark.django_db
def test_save_batch_stores_rows_findings_and_pairs(small_file, users):
    result = screen(small_file)
    batch = services.save_batch(
        result, source_name="Desa Wakoila", file_path=small_file, actor=users["dinas"], as_of=AS_OF
    )
    assert (batch.row_count, batch.eligible_count, batch.review_count, batch.rejected_count) == (6, 3, 3, 0)
    assert len(batch.sha256) == 64 and batch.source_key == "desa:desa-wakoila"
    rows = {n.row: n for n in Nomination.objects.filter(batch=batch)}
    assert sorted(rows) == [5, 6, 7, 8, 9, 10]
    assert rows[6].reasons == "NIK_BIRTHDATE_MISMATCH" and rows[6].status == "review"
    assert rows[5].region_id == "74.13.01.2001" and rows[5].birth_date == date(1990, 5, 17)
    assert rows[7].cluster and rows[7].cluster == rows[8].cluster
    assert Finding.objects.filter(nomination__batch=batch).count() == result.findings.height
    pair = DuplicatePair.objects.get(batch=batch)
    assert (pair.left.row, pair.right.row, pair.kind) == (7, 8, "probable")
    assert batch.summary["input_rows"] == 6


@pytest.mark.django_db
def test_area_operator_batch_takes_their_area(small_file, users):
    batch = services.save_batch(
        screen(small_file), source_name="Wakoila", file_path=small_file, actor=users["area"], as_of=AS_OF
    )
    assert batch.region_id == users["area"].area_id and batch.uploaded_by == users["area"]


@pytest.mark.django_db
def test_read_only_role_cannot_store_a_batch(small_file, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_batch(
            screen(small_file), source_name="x", file_path=small_file, actor=users["budget"], as_of=AS_OF
        )
    assert not NominationBatch.objects.exists()


@pytest.mark.django_db
def test_a_failing_save_leaves_nothing(small_file, users, monkeypatch):
    result = screen(small_file)

    real = services.insert_frame

    def broken(model, frame):
        if model is Finding:  # the rows are already in when the findings fail
            raise RuntimeError("disk full")
        real(model, frame)

    monkeypatch.setattr(services, "insert_frame", broken)
    with pytest.raises(RuntimeError):
        services.save_batch(result, source_name="x", file_path=small_file, actor=users["dinas"], as_of=AS_OF)
    assert not NominationBatch.objects.exists()
    assert not Nomination.objects.exists()


def start_headerless_upload(tmp_path, user):
    """A csv without a NIK column, through the upload job (run inline)."""
    bad = tmp_path / "usulan.csv"
    bad.write_text("Nomor,Nama Peserta\n1,Hasna\n", encoding="utf-8")
    stored = services.copy_for_upload(bad)
    job = services.start_upload(
        user, None, source_kind="desa", source_name="Wakoila", segment=None, as_of=AS_OF,
        stored_path=stored, file_name="usulan.csv",
    )  # fmt: skip
    return job, stored


@pytest.mark.django_db
def test_a_failing_upload_job_leaves_no_batch_and_says_where(tmp_path, users, inline_jobs):
    job, _ = start_headerless_upload(tmp_path, users["dinas"])
    assert job.status == "failed"
    assert "usulan.csv" in job.message and "NIK" in job.message
    assert job.result["mapping"]["file_name"] == "usulan.csv"
    assert not NominationBatch.objects.exists()


def fake_result(n: int) -> ScreeningResult:
    rows = pl.DataFrame(
        {
            "row": list(range(2, n + 2)),
            "status": ["eligible", "review", "rejected", "eligible"] * (n // 4),
            "reasons": [[], ["REGION_UNKNOWN"], ["NIK_INVALID", "AGE_OUT_OF_RANGE"], []] * (n // 4),
            "cluster": [None] * n,
            "region_code": ["74.13.01.2001"] * n,
            "nik": [f"74130117059{i:05d}" for i in range(n)],
            "nik_raw": [f"74130117059{i:05d}" for i in range(n)],
            "name": [f"Nama {i}" for i in range(n)],
            "sex": ["L"] * n,
            "birth_place": ["Raha"] * n,
            "birth_date": [date(1990, 5, 17)] * n,
            "address": ["Dusun 1"] * n,
            "village": ["Wakoila"] * n,
            "district": ["Sawerigadi"] * n,
            "occupation": ["Petani"] * n,
            "phone": ["0812"] * n,
            "segment": [None] * n,
            "decile": [3] * n,
        }
    )
    findings = rows.filter(pl.col("status") != "eligible").select(
        "row", pl.lit("REGION_UNKNOWN").alias("code"), pl.lit("Desa tidak dikenal").alias("message")
    )
    pairs = pl.DataFrame({"row_l": [2], "row_r": [6], "probability": [0.97], "kind": ["probable"]})
    return ScreeningResult(rows=rows, findings=findings, pairs=pairs, summary={"input_rows": n})


@pytest.mark.django_db
def test_fourteen_thousand_rows_store_quickly(tmp_path, users):
    path = tmp_path / "besar.csv"
    path.write_text("x", encoding="utf-8")
    result = fake_result(14_000)
    started = time.perf_counter()
    batch = services.save_batch(result, source_name="DTKS", file_path=path, actor=users["dinas"], as_of=AS_OF)
    seconds = time.perf_counter() - started
    assert Nomination.objects.filter(batch=batch).count() == 14_000
    assert Finding.objects.filter(nomination__batch=batch).count() == 7_000
    print(f"save_batch 14000 rows: {seconds:.2f} s")
    assert seconds < 15  # a second or two on a laptop; generous for slow CI machines


@pytest.mark.django_db
def test_failed_job_result_names_no_server_path_and_old_uploads_are_purged(tmp_path, users, settings, inline_jobs):
    import os

    job, stored = start_headerless_upload(tmp_path, users["dinas"])
    assert str(settings.MEDIA_ROOT) not in str(job.result)
    assert services.header_cells(job.result["mapping"]) == ["Nomor", "Nama Peserta"]
    old = stored.stat().st_mtime - 8 * 86400
    os.utime(stored, (old, old))
    assert services.purge_old_uploads() == 1 and not stored.exists()
