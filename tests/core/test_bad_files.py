"""Bad nomination files each give one clear, located message in Bahasa Indonesia (or are handled),
never a crash, and nothing half-written."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ucjamsostek.core.intake import IntakeError, read_nominations
from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, screen_file, write_outputs

from .nomination_files import write_csv, write_encrypted_office, write_xlsx

TODAY = date(2026, 1, 1)
ROW = ["1", "7413011204960001", "La Salim", "L", "Raha", "12-04-1996", "Marobea", "Sawerigadi"]


def error_of(path: Path, **kwargs: object) -> IntakeError:
    with pytest.raises(IntakeError) as err:
        read_nominations(path, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return err.value


def test_empty_file(tmp_path: Path) -> None:
    for name in ("kosong.csv", "kosong.xlsx"):
        (tmp_path / name).write_bytes(b"")
        err = error_of(tmp_path / name)
        assert err.file == name and "kosong" in str(err)


def test_csv_with_only_blank_lines(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "blank.csv", ["", "  ", ""]))
    assert "kosong" in str(err)


def test_no_recognisable_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "judul.xlsx", [["a", "b", "c"]], header=["Kolom 1", "Kolom 2", "Kolom 3"])
    err = error_of(path)
    assert err.sheet == "Usulan" and "judul kolom tidak ditemukan" in str(err)
    assert str(err).startswith("berkas judul.xlsx, lembar 'Usulan'")


def test_missing_required_column_names_the_header_row(tmp_path: Path) -> None:
    header = ["NIK", "Nama", "Desa", "Kecamatan"]
    path = write_xlsx(tmp_path / "tanpa-tgl.xlsx", [["7413011204960001", "A", "Marobea", "Sawerigadi"]], header=header)
    err = error_of(path)
    assert err.row == 4 and "Tanggal Lahir" in str(err) and "baris 4" in str(err)


def test_password_protected_workbook(tmp_path: Path) -> None:
    err = error_of(write_encrypted_office(tmp_path / "rahasia.xlsx"))
    assert "kata sandi" in str(err) and err.file == "rahasia.xlsx"


def test_corrupt_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "baik.xlsx", [ROW])
    truncated = tmp_path / "terpotong.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "rusak" in str(error_of(truncated))
    not_excel = tmp_path / "bukan.xlsx"
    not_excel.write_bytes(b"ini bukan berkas excel\x00\x01\x02")
    assert "rusak" in str(error_of(not_excel))
    wrong_zip = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(wrong_zip, "w") as z:
        z.writestr("hello.txt", "halo")
    assert "rusak" in str(error_of(wrong_zip))


def test_missing_sheet(tmp_path: Path) -> None:
    err = error_of(write_xlsx(tmp_path / "u.xlsx", [ROW]), sheet="Tidak Ada")
    assert "Usulan" in str(err)


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "besar.xlsx"
    with big.open("wb") as fh:  # 200 MB, sparse: the refusal must not read it
        fh.write(b"PK\x03\x04")
        fh.truncate(200 * 1024 * 1024)
    started = time.perf_counter()
    err = error_of(big)
    assert time.perf_counter() - started < 1.0
    assert "terlalu besar" in str(err) and "200 MB" in str(err)
    # the limit is configurable
    small = write_csv(tmp_path / "u.csv", ["NIK,Nama,Tanggal Lahir,Desa", "7413011204960001,A,12-04-1996,Marobea"])
    assert "terlalu besar" in str(error_of(small, max_bytes=10))


def test_windows_1252_csv_is_read(tmp_path: Path) -> None:
    lines = ["NIK;Nama;Tgl Lahir;Desa;Kec", "7413011204960001;Nur’aini Façal;12-04-1996;Marobea;Sawerigadi"]
    noms = read_nominations(write_csv(tmp_path / "win.csv", lines, encoding="cp1252"), today=TODAY)
    assert noms.frame["name"].to_list() == ["Nur’aini Façal"]


def test_sheet_with_100k_empty_formatted_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "format.xlsx", [ROW, ROW], empty_formatted_rows=100_000)
    started = time.perf_counter()
    noms = read_nominations(path, today=TODAY)
    assert noms.frame.height == 2
    assert time.perf_counter() - started < 10


def test_failed_screening_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 rusak")
    ctx = ScreeningContext(regions=region_table(), area_code="74.13")
    out = tmp_path / "out"
    with pytest.raises(IntakeError):
        result = screen_file(bad, ctx, ScreeningOptions(as_of=TODAY))
        write_outputs(result, out)
    assert not out.exists() or not any(out.iterdir())


def test_outputs_appear_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = ScreeningContext(regions=region_table(), area_code="74.13")
    result = screen_file(write_xlsx(tmp_path / "u.xlsx", [ROW]), ctx, ScreeningOptions(as_of=TODAY))
    out = tmp_path / "out"

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ucjamsostek.core.screen.write_report", broken)
    with pytest.raises(OSError):
        write_outputs(result, out)
    assert sorted(p.name for p in out.iterdir()) == []  # no rows.csv without its report
    monkeypatch.undo()
    write_outputs(result, out)
    assert sorted(p.name for p in out.iterdir()) == ["hasil-validasi.xlsx", "rows.csv", "summary.json"]


def test_header_without_data_rows(tmp_path: Path) -> None:
    err = error_of(write_xlsx(tmp_path / "judul-saja.xlsx", []))
    assert err.row == 4 and "Tidak ada baris data" in str(err)
    csv_err = error_of(write_csv(tmp_path / "judul.csv", ["NIK;Nama;Tgl Lahir;Desa", ";;;"]))
    assert csv_err.row == 1 and "Tidak ada baris data" in str(csv_err)
