"""Intake of real xlsx and csv files: header search, column matching, value normalisation."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from ucjamsostek.core.intake import IntakeError, read_nominations
from ucjamsostek.core.normalize import header_key, match_header

from .nomination_files import write_csv, write_xlsx

TODAY = date(2026, 1, 1)


def by_row(frame: pl.DataFrame) -> dict[int, dict[str, object]]:
    return {r["row"]: r for r in frame.iter_rows(named=True)}


def test_header_matching_is_case_and_punctuation_insensitive() -> None:
    assert match_header("No. NIK") == "nik"
    assert match_header("  nomor induk KEPENDUDUKAN ") == "nik"
    assert match_header("Nama Peserta") == "name"
    assert match_header("L / P") == "sex"
    assert match_header("JENIS KELAMIN") == "sex"
    assert match_header("Tgl. Lahir") == "birth_date"
    assert match_header("TTL") == "ttl"
    assert match_header("Desa/Kel") == "village"
    assert match_header("Kec.") == "district"
    assert match_header("No. Telp") == "phone"
    assert match_header("Desil DTKS") == "decile"
    assert match_header("Warna Favorit") is None
    assert match_header("Nama Ibu Kandung") is None  # not the nominee's name
    assert match_header("Tgl. Lahir (dd-mm-yyyy)") == "birth_date"
    assert match_header("NIK (16 digit)") == "nik"
    assert match_header("TEMPAT/TGL LAHIR") == "ttl"
    assert match_header("KTP Peserta", {"ktp peserta": "nik"}) == "nik"
    assert header_key("No. NIK") == "nonik"


def test_xlsx_values_are_normalised(tmp_path: Path) -> None:
    rows = [
        [1, "'7413011204960001", "  La  Salim ", "LAKI-LAKI", "Raha", "12-04-1996", "Ds. Marobea", "Kec. Sawerigadi"],
        [2, "741301 520496 0002", "Wa Ode Sitti", "p", "Lawa", "12/04/1996", "Desa Marobea", "KECAMATAN SAWERIGADI"],
        [3, " 7413.0112.0496.0003 ", "Budi", "Lk", "Raha", "1996-04-12", "Kel. Marobea", "Sawerigadi"],
        [4, 7413011204960000.0, "Nomor Angka", "L", "Raha", 35167.0, "Marobea", "Sawerigadi"],
        [5, "7.41301E+15", "Nomor Ilmiah", "Perempuan", "Raha", datetime(1996, 4, 12), "Marobea", "Sawerigadi"],
        [6, "7413011204960006", "Bulan Indonesia", "PR", "Raha", "12 Agt 1996", "Marobea", "Sawerigadi"],
        [7, "7413011204960007", "Bulan Pendek", "l", "Raha", "12 Peb 1996", "Marobea", "Sawerigadi"],
        [8, "7413011204960008", "Bulan Panjang", "L", "Raha", "12 Desember 1996", "Marobea", "Sawerigadi"],
        [9, "7413011204960009", "Tanggal Rusak", "X", "Raha", "31-02-1996", "Marobea", "Sawerigadi"],
        [10, 7413011204960010.0, "Angka Utuh", "L", "Raha", "12-04-1996", "Marobea", "Sawerigadi"],
    ]
    path = write_xlsx(tmp_path / "usulan.xlsx", rows)
    noms = read_nominations(path, today=TODAY)
    assert noms.header_row == 4  # two title lines and a blank line above it
    assert noms.columns["nik"] == "NIK"
    assert noms.unmatched == ["No"]
    got = by_row(noms.frame)
    assert sorted(got) == list(range(5, 15))  # rows as the user sees them
    assert got[5]["nik"] == "7413011204960001" and got[5]["nik_raw"] == "'7413011204960001"
    assert got[6]["nik"] == "7413015204960002"
    assert got[7]["nik"] == "7413011204960003"
    assert "E+" in str(got[8]["nik"])  # a rounded 16-digit number: its digits are lost
    assert "E+" in str(got[9]["nik"])
    assert got[14]["nik"] == "7413011204960010"  # a number holding all 16 digits is kept
    assert got[5]["name"] == "La Salim"
    assert [got[r]["sex"] for r in range(5, 14)] == ["L", "P", "L", "L", "P", "P", "L", "L", None]
    born = date(1996, 4, 12)
    assert all(got[r]["birth_date"] == born for r in range(5, 10))
    assert got[10]["birth_date"] == date(1996, 8, 12)
    assert got[11]["birth_date"] == date(1996, 2, 12)
    assert got[12]["birth_date"] == date(1996, 12, 12)
    assert got[13]["birth_date"] is None and got[13]["birth_date_raw"] == "31-02-1996"
    assert got[5]["village"] == "Ds. Marobea"  # text kept; prefixes are dropped when resolving


def test_ttl_column_and_offset_sheet(tmp_path: Path) -> None:
    header = ["NIK", "Nama", "JK", "TTL", "Desa", "Kec"]
    rows = [
        ["7413011204960001", "La Salim", "L", "Raha, 12-05-1980", "Marobea", "Sawerigadi"],
        ["7413011204960002", "Wa Ode", "P", "Lawa, 12 Januari 1980", "Marobea", "Sawerigadi"],
        ["7413011204960003", "Tanpa Tempat", "P", "03/11/1974", "Marobea", "Sawerigadi"],
    ]
    path = write_xlsx(tmp_path / "ttl.xlsx", rows, header=header, title=["Judul"], first_row=2, first_col=1)
    noms = read_nominations(path, today=TODAY)
    got = by_row(noms.frame)
    assert noms.header_row == 5 and sorted(got) == [6, 7, 8]
    assert got[6]["birth_place"] == "Raha" and got[6]["birth_date"] == date(1980, 5, 12)
    assert got[7]["birth_place"] == "Lawa" and got[7]["birth_date"] == date(1980, 1, 12)
    assert got[8]["birth_place"] is None and got[8]["birth_date"] == date(1974, 11, 3)


def test_csv_semicolon_with_title_line(tmp_path: Path) -> None:
    lines = [
        "Daftar usulan Desa Marobea;;;;;",
        "No. NIK;Nama Peserta;Jenis Kelamin;Tgl Lahir;Desa/Kel;Kec.",
        "'7413011204960001;La Salim;L;12-04-1996;Marobea;Sawerigadi",
        "7413015204960002;Wa Ode;Perempuan;12/04/1996;Marobea;Sawerigadi",
    ]
    noms = read_nominations(write_csv(tmp_path / "u.csv", lines), today=TODAY)
    got = by_row(noms.frame)
    assert sorted(got) == [3, 4]  # line numbers
    assert got[3]["nik"] == "7413011204960001" and got[4]["sex"] == "P"


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_csv_encodings(tmp_path: Path, encoding: str, bom: bool) -> None:
    lines = [
        "NIK,Nama,JK,Tanggal Lahir,Desa,Kecamatan",
        "7413011204960001,José Ma’ruf,L,12-04-1996,Marobea,Sawerigadi",
    ]
    noms = read_nominations(write_csv(tmp_path / "u.csv", lines, encoding=encoding, bom=bom), today=TODAY)
    assert noms.frame["name"].to_list() == ["José Ma’ruf"]
    assert noms.columns["nik"] == "NIK"


def test_column_map_for_unknown_headers(tmp_path: Path) -> None:
    header = ["Nomor KTP", "Nama", "Lahir Pada", "Kampung", "Kecamatan"]
    rows = [["7413011204960001", "La Salim", "12-04-1996", "Marobea", "Sawerigadi"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, header=header)
    with pytest.raises(IntakeError) as err:
        read_nominations(path, today=TODAY)
    assert "Kolom wajib tidak ditemukan" in str(err.value)
    mapping = {"NOMOR KTP": "nik", "lahir pada": "birth_date", "Kampung": "village"}
    noms = read_nominations(path, column_map=mapping, today=TODAY)
    row = noms.frame.row(0, named=True)
    assert row["nik"] == "7413011204960001" and row["birth_date"] == date(1996, 4, 12)
    assert row["village"] == "Marobea"


def test_empty_rows_inside_the_data_are_skipped(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["1", "7413011204960001", "A", "L", "Raha", "12-04-1996", "Marobea", "Sawerigadi"],
        [None] * 8,
        ["3", "7413011204960003", "B", "L", "Raha", "12-04-1996", "Marobea", "Sawerigadi"],
    ]
    noms = read_nominations(write_xlsx(tmp_path / "gap.xlsx", rows), today=TODAY)
    assert noms.frame["row"].to_list() == [5, 7]


def test_legacy_xls(tmp_path: Path) -> None:
    from .nomination_files import write_xls

    rows: list[list[object]] = [["DAFTAR USULAN"], [], ["No. NIK", "Nama", "JK", "Tgl Lahir", "Desa", "Kec."]]
    rows += [[f"74130112049600{i:02d}", f"Nama {i}", "L", "12-04-1996", "Marobea", "Sawerigadi"] for i in range(1, 80)]
    rows.append([7413011204960080.0, "Angka", "P", 35167.0, "Ds. Marobea", "Sawerigadi"])
    noms = read_nominations(write_xls(tmp_path / "lama.xls", rows), today=TODAY)
    got = by_row(noms.frame)
    assert noms.header_row == 3 and len(got) == 80
    assert got[4]["nik"] == "7413011204960001"
    assert got[83]["nik"] == "7413011204960080" and got[83]["birth_date"] == date(1996, 4, 12)


def test_xls_falls_back_to_xlrd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ucjamsostek.core import intake

    from .nomination_files import write_xls

    rows: list[list[object]] = [["NIK", "Nama", "JK", "Tgl Lahir", "Desa", "Kec."]]
    rows += [[f"74130112049600{i:02d}", f"Nama {i}", "L", "12-04-1996", "Marobea", "Sawerigadi"] for i in range(1, 80)]
    path = write_xls(tmp_path / "lama.xls", rows)

    def broken(*args: object) -> None:
        raise IntakeError("Berkas Excel rusak atau bukan berkas Excel yang sah.", file="lama.xls")

    monkeypatch.setattr(intake, "_calamine_rows", broken)
    noms = read_nominations(path, today=TODAY)
    assert noms.frame.height == 79 and noms.frame["nik"][0] == "7413011204960001"


def test_read_cells_is_the_shared_raw_reader(tmp_path: Path) -> None:
    """Reference lists, BPJS files and the column-mapping page read cells the intake's way."""
    from ucjamsostek.core.intake import cell_text, nik_cell_text, read_cells

    path = write_xlsx(tmp_path / "u.xlsx", [[1, "7413011705900011", "La Ode Amir"]], first_row=3, sheet="Data")
    cells = read_cells(path, kind="reference")
    assert cells.sheet == "Data" and cells.first_row == 4  # leading empty rows are skipped but counted
    assert cells.rows[0][0] == "DAFTAR USULAN CALON PESERTA BPJS KETENAGAKERJAAN"
    assert cells.rows[3][:3] == ["No", "NIK", "Nama Lengkap"]  # the header, row 7 of the sheet
    with pytest.raises(IntakeError, match="Lembar 'Lain' tidak ada"):
        read_cells(path, kind="reference", sheet="Lain")
    csv_path = tmp_path / "u.csv"
    csv_path.write_bytes("NIK;Nama\n7413011705900011;Wa Ode Sitti Nurhaya\n".encode("cp1252"))
    expected = ([["NIK", "Nama"], ["7413011705900011", "Wa Ode Sitti Nurhaya"]], None, 1)
    assert read_cells(csv_path, kind="reference") == expected
    with pytest.raises(IntakeError, match="terlalu besar"):
        read_cells(csv_path, kind="reference", max_bytes=10)
    assert cell_text(12.0) == "12" and cell_text("  ") is None and cell_text(date(2026, 1, 2)) == "2026-01-02"
    assert nik_cell_text(7413011705900000.0).startswith("7.41301170590000")  # Excel lost the serial
