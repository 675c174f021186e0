"""Roster export and the cross-funder comparison from the console and the page (issue 13 §2)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ucjamsostek.accounts.models import AccessLog
from ucjamsostek.core import crossfund as cf
from ucjamsostek.crossfund.models import CrossfundRun
from ucjamsostek.registry.models import ChangeLog, Enrollment

pytestmark = pytest.mark.django_db

PROV = "apbd_prov@74"


def _enrol(person, start, end=None, funder="apbd_kab", status="active"):
    return Enrollment.objects.create(
        person=person, segment_id="pekerja_rentan", funder_id=funder, coverage_start=start, coverage_end=end,
        status=status,
    )  # fmt: skip


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def exported(people, tmp_path) -> Path:
    """This regency's roster: p_a paid by the APBD all 2025, p_a2 by a CSR (its rate halves in
    2026), p_b only proposed (not covered, not exported)."""
    _enrol(people["p_a"], date(2025, 1, 1), date(2026, 1, 1), status="ended")
    _enrol(people["p_a2"], date(2025, 11, 14), funder="csr")
    _enrol(people["p_b"], date(2025, 1, 1), status="proposed")
    path = tmp_path / "roster-7413.csv"
    assert "4 baris daftar peserta ditulis" in _run("roster", "export", "--out", str(path))
    return path


def _province_roster(tmp_path: Path, people) -> Path:
    """The province's own roster: p_a again (same NIK) from July 2025, someone else besides."""
    p = people["p_a"]
    lines = [
        ",".join(cf.ROSTER_COLUMNS),
        f"{PROV},{p.nik},{p.name},{p.birth_date:%Y-%m-%d},{p.village_id},pekerja_rentan,2025-07-01,,16800",
        f"{PROV},7403061203850001,Orang Lain,1985-03-12,74.03.06.2001,pekerja_rentan,2025-07-01,,16800",
    ]
    path = tmp_path / "roster-prov.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_roster_export_lists_every_covered_enrollment_cut_at_rate_changes(exported, people):
    rows = cf.read_roster(exported).select(cf.ROSTER_COLUMNS)
    got = rows.select("funder", "nik", "coverage_start", "coverage_end", "monthly_contribution").rows()
    assert got == [
        ("apbd_kab@74.13", people["p_a"].nik, date(2025, 1, 1), date(2026, 1, 1), 16_800),
        ("csr@74.13", people["p_a2"].nik, date(2025, 11, 14), date(2026, 1, 1), 16_800),
        ("csr@74.13", people["p_a2"].nik, date(2026, 1, 1), date(2027, 4, 1), 8_400),  # PP 50/2025
        ("csr@74.13", people["p_a2"].nik, date(2027, 4, 1), None, 16_800),
    ]
    first = rows.row(0, named=True)
    assert (first["name"], first["village_code"], first["segment"]) == (
        "Wa Ode Siti Aminah", people["p_a"].village_id, "pekerja_rentan"
    )  # fmt: skip
    assert ChangeLog.objects.filter(action="export", model="crossfund.roster", count=4).exists()


def test_crossfund_command_writes_the_outputs_and_saves_the_run(exported, people, tmp_path):
    prov = _province_roster(tmp_path, people)
    out = tmp_path / "hasil"
    text = _run("crossfund", str(exported), str(prov), "--out", str(out), "--as-of", "2025-12-31", "--save",
                "--no-progress")  # fmt: skip
    assert "1 orang dibiayai lebih dari satu sumber dana" in text and "Rp100.800" in text
    pairs = pl.read_csv(out / cf.PAIRS_CSV, infer_schema=False)
    assert pairs.select("funder_a", "funder_b", "nik_a", "months", "rupiah_twice").rows() == [
        ("apbd_kab@74.13", PROV, people["p_a"].nik, "6", "100800")
    ]
    run = CrossfundRun.objects.get()
    assert (run.people, run.months, run.rupiah_twice, run.files) == (1, 6, 100_800, [exported.name, prov.name])
    assert run.summary[0]["region"] == "74.13"


def test_a_bad_roster_stops_with_one_located_line_exit_2_and_no_output(exported, tmp_path):
    bad = tmp_path / "rusak.csv"
    bad.write_text(",".join(cf.ROSTER_COLUMNS) + f"\n{PROV},123,X,1985-03-12,,,2025-01-01,,16800\n", encoding="utf-8")
    out = tmp_path / "hasil"
    with pytest.raises(CommandError) as err:  # the console script prints it as one line, exit code 2
        _run("crossfund", str(exported), str(bad), "--out", str(out), "--no-progress")
    assert err.value.returncode == 2
    assert str(err.value) == "berkas rusak.csv, baris 2, kolom 'nik': NIK tidak 16 digit."
    assert not out.exists() and not CrossfundRun.objects.exists()


def test_roster_export_needs_export_rights(people, tmp_path):
    from django.core.exceptions import PermissionDenied

    from ucjamsostek.crossfund import services

    with pytest.raises(PermissionDenied):
        services.export_roster(None, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_province_page_compares_uploads_masks_the_list_and_logs_the_download(
    client, users, people, exported, tmp_path, inline_jobs
):
    prov = _province_roster(tmp_path, people)
    url = reverse("crossfund:index")
    client.force_login(users["dinas"])
    assert client.get(url).status_code == 403  # the Dinas exports its roster; the province compares

    client.force_login(users["province"])
    assert client.get(url).status_code == 200
    files = [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv") for p in (exported, prov)]
    answer = client.post(url, {"files": files, "as_of": "2025-12-31"})
    assert answer.status_code == 302
    run = CrossfundRun.objects.get()
    page = client.get(reverse("crossfund:detail", args=[run.pk])).content.decode()
    assert "Rp100.800" in page and "apbd_kab@74.13" in page and PROV in page
    nik = people["p_a"].nik
    assert nik not in page and f"{nik[:6]}********{nik[-2:]}" in page  # masked for a monitor
    assert "Wa Ode Siti Aminah" not in page

    before = AccessLog.objects.filter(kind="download").count()
    download = client.get(reverse("crossfund:download", args=[run.pk, cf.PAIRS_CSV]))
    assert download.status_code == 200 and nik in b"".join(download.streaming_content).decode()
    assert AccessLog.objects.filter(kind="download").count() == before + 1


def test_a_bad_upload_is_refused_on_the_page_and_nothing_is_stored(client, users, exported, tmp_path, inline_jobs):
    bad = tmp_path / "rusak.csv"
    bad.write_text("NIK,Nama\n7413011203850001,X\n", encoding="utf-8")
    client.force_login(users["province"])
    files = [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv") for p in (exported, bad)]
    answer = client.post(reverse("crossfund:index"), {"files": files}, follow=True)
    assert "berkas rusak.csv, baris 1: Bukan daftar peserta" in answer.content.decode()
    assert not CrossfundRun.objects.exists()
