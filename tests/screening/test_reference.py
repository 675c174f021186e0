"""Reference lists: versions kept for audit, a bad file loads nothing and says where."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.screening import queries, services
from ucjamsostek.screening.models import ReferenceEntry, ReferenceList

GOOD = "nik,nama,tanggal_lahir\n7413011204967390,La Salim,1996-04-12\n7413086008869586,Wati Saleh,20-08-1986\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_load_and_replace_keeps_the_previous_version(tmp_path):
    first = services.load_reference("asn", write(tmp_path, "asn.csv", GOOD), actor=SYSTEM)
    assert (first.kind, first.version, first.active, first.entry_count) == ("asn", 1, True, 2)
    asn2 = write(tmp_path, "asn2.csv", "NIK;Nama\n7403124502901971;Nur Rahma Latif\n")
    second = services.load_reference("asn", asn2, actor=SYSTEM)
    first.refresh_from_db()
    assert (second.version, second.active, first.active) == (2, True, False)
    # the old version and its entries stay for audit; screening reads only the active one
    assert ReferenceEntry.objects.filter(reference_list=first).count() == 2
    frames = queries.reference_frames()
    assert frames["asn"]["nik"].to_list() == ["7403124502901971"]
    assert frames["deaths"].height == 0
    assert [r.version for r in queries.reference_lists().filter(kind="asn")] == [2, 1]


@pytest.mark.django_db
def test_dates_and_names_are_normalised(tmp_path):
    services.load_reference("deaths", write(tmp_path, "d.csv", GOOD), actor=SYSTEM)
    frame = queries.reference_frames()["deaths"].sort("nik")
    assert frame["birth_date"].cast(str).to_list() == ["1996-04-12", "1986-08-20"]
    assert frame["name"].to_list() == ["La Salim", "Wati Saleh"]


@pytest.mark.django_db
def test_bad_row_loads_nothing_and_names_the_row(tmp_path):
    services.load_reference("deaths", write(tmp_path, "ok.csv", GOOD), actor=SYSTEM)
    bad = write(tmp_path, "meninggal.csv", GOOD + "74130112049673,Salah Digit,1990-01-01\n")
    with pytest.raises(IntakeError) as err:
        services.load_reference("deaths", bad, actor=SYSTEM)
    text = str(err.value)
    assert "meninggal.csv" in text and "baris 4" in text and "'nik'" in text and "16 digit" in text
    assert ReferenceList.objects.filter(kind="deaths").count() == 1
    assert ReferenceList.objects.get(kind="deaths").active
    assert ReferenceEntry.objects.count() == 2


@pytest.mark.django_db
def test_unreadable_birth_date_is_a_bad_row(tmp_path):
    bad = write(tmp_path, "e.csv", "nik,nama,tanggal_lahir\n7413011204967390,A,kemarin\n")
    with pytest.raises(IntakeError, match="baris 2.*tanggal_lahir.*tanggal lahir tidak terbaca"):
        services.load_reference("enrolled", bad, actor=SYSTEM)
    assert not ReferenceList.objects.exists()


@pytest.mark.django_db
def test_xlsx_with_title_rows_and_nik_as_number(tmp_path):
    path = tmp_path / "terdaftar.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Peserta")
    ws.write_string(0, 0, "DAFTAR PESERTA AKTIF BPJS KETENAGAKERJAAN")
    ws.write_row(2, 0, ["No", "NIK", "Nama Lengkap", "Tgl Lahir"])
    ws.write_row(3, 0, [1, "'7413011204967391", "La Ode Saleh", "12-04-1996"])
    ws.write_row(4, 0, [2, 7413011204967392, "Wa Ode Ani", "12 April 1996"])
    wb.close()
    ref = services.load_reference("enrolled", path, actor=SYSTEM)
    assert ref.entry_count == 2
    assert sorted(ReferenceEntry.objects.values_list("nik", flat=True)) == ["7413011204967391", "7413011204967392"]


@pytest.mark.django_db
def test_missing_nik_column_and_unknown_kind(tmp_path):
    with pytest.raises(IntakeError, match="Kolom NIK tidak ditemukan"):
        services.load_reference("asn", write(tmp_path, "x.csv", "nama,alamat\nA,B\n"), actor=SYSTEM)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.load_reference("pensiun", write(tmp_path, "y.csv", GOOD), actor=SYSTEM)


@pytest.mark.django_db
def test_command_loads_and_fails_with_one_message(tmp_path, capsys):
    call_command("reference", "load", "asn", str(write(tmp_path, "asn.csv", GOOD)), "--no-progress")
    assert "versi 1" in capsys.readouterr().out
    bad = write(tmp_path, "asn-rusak.csv", "nik,nama\n12345,X\n")
    with pytest.raises(CommandError) as err:
        call_command("reference", "load", "asn", str(bad), "--no-progress")
    assert err.value.returncode == 2
    assert "asn-rusak.csv" in str(err.value) and "baris 2" in str(err.value)
    call_command("reference", "list")
    assert "asn" in capsys.readouterr().out
    assert ReferenceList.objects.count() == 1


@pytest.mark.slow
def test_console_script_exit_code_and_message(tmp_path):
    """The real console script: exit code 2 and one Indonesian line, no traceback."""
    import os
    import subprocess
    import sys

    bad = write(tmp_path, "asn-rusak.csv", "nik,nama\n12345,X\n")
    env = {**os.environ, "UCJAMSOSTEK_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    exe = Path(sys.executable).with_name("ucjamsostek")
    subprocess.run([str(exe), "migrate", "-v", "0"], env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run(
        [str(exe), "reference", "load", "asn", str(bad), "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "baris 2" in done.stderr and "NIK" in done.stderr
