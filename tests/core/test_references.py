"""The one reader of reference lists (DESIGN.md §5.2), without Django: what ``reference load``
stores and what ``ScreeningContext.from_reference_files`` screens against."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from ucjamsostek.core.intake import IntakeError
from ucjamsostek.core.references import DIED_UNDATED, earliest_deaths, read_reference_list
from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.screen import ScreeningContext

GOOD = "nik,nama,tanggal_lahir\n7413011204967390,La Salim,1996-04-12\n7413086008869586,Wati Saleh,20-08-1986\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_csv_gives_row_nik_name_and_date(tmp_path: Path) -> None:
    frame = read_reference_list(write(tmp_path, "asn.csv", GOOD))
    assert frame.columns == ["row", "nik", "name", "birth_date", "death_date"]
    assert frame["row"].to_list() == [2, 3]
    assert frame["nik"].to_list() == ["7413011204967390", "7413086008869586"]
    assert frame["birth_date"].to_list() == [date(1996, 4, 12), date(1986, 8, 20)]


@pytest.mark.parametrize(
    "header",
    ["nik;name;birth_date", "NIK;Nama Lengkap;Tgl. Lahir", "No. NIK;Nama;TANGGAL LAHIR", "nik;nama;tgl_lahir"],
)
def test_headers_by_field_name_or_accepted_header(tmp_path: Path, header: str) -> None:
    text = f"{header}\n7413011204967390;La Salim;12 April 1996\n"
    frame = read_reference_list(write(tmp_path, "x.csv", text, "cp1252"))
    assert frame.row(0) == (2, "7413011204967390", "La Salim", date(1996, 4, 12), None)


def test_nik_only_list(tmp_path: Path) -> None:
    frame = read_reference_list(write(tmp_path, "d.csv", "NIK\n7413011204967390\n\n7413086008869586\n"))
    assert frame["nik"].to_list() == ["7413011204967390", "7413086008869586"]
    assert frame["name"].null_count() == 2 and frame["birth_date"].null_count() == 2


def test_xlsx_under_title_rows_with_nik_as_number(tmp_path: Path) -> None:
    path = tmp_path / "meninggal.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_string(0, 0, "DAFTAR PENDUDUK MENINGGAL")
    ws.write_row(2, 0, ["No", "NIK", "Nama", "Tanggal Lahir"])
    ws.write_row(3, 0, [1, 7413011204967390, "La Salim", "12-04-1996"])
    ws.write_row(4, 0, [2, "7413.0860.0886.9586", "Wati Saleh", "20/08/1986"])
    wb.close()
    frame = read_reference_list(path)
    assert frame["row"].to_list() == [4, 5]  # as the user sees it in the sheet
    assert frame["nik"].to_list() == ["7413011204967390", "7413086008869586"]


def test_bad_rows_load_nothing_and_are_located(tmp_path: Path) -> None:
    bad = write(tmp_path, "meninggal.csv", GOOD + "74130112049673,Salah Digit,1990-01-01\n7413011204967391,X,kemarin\n")
    with pytest.raises(IntakeError) as err:
        read_reference_list(bad)
    text = str(err.value)
    assert err.value.file == "meninggal.csv" and err.value.row == 4 and err.value.column == "nik"
    assert "16 digit" in text and "Ada 2 baris bermasalah" in text and "tidak dimuat" in text


def test_unreadable_birth_date_names_its_column(tmp_path: Path) -> None:
    bad = write(tmp_path, "e.csv", "NIK,Nama,Tgl Lahir\n7413011204967390,A,kemarin\n")
    with pytest.raises(IntakeError, match="baris 2, kolom 'Tgl Lahir': tanggal lahir tidak terbaca"):
        read_reference_list(bad, display_name="terdaftar.csv")


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("kosong.csv", b"", "kosong"),
        ("tanpa-nik.csv", b"nama,alamat\nA,B\n", "Kolom NIK tidak ditemukan"),
        ("judul-saja.csv", b"nik,nama\n", "tidak berisi data"),
        ("rusak.xlsx", b"PK\x03\x04 bukan excel", "rusak"),
    ],
)
def test_files_that_cannot_be_used(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IntakeError) as err:
        read_reference_list(path)
    assert words in str(err.value) and name in str(err.value)


def test_screening_context_reads_files_with_the_same_reader(tmp_path: Path) -> None:
    ctx = ScreeningContext.from_reference_files(region_table(), "74.13", {"asn": write(tmp_path, "asn.csv", GOOD)})
    assert ctx.references["asn"].columns == ["nik", "name", "birth_date"]
    assert ctx.references["asn"].schema["birth_date"] == pl.Date
    with pytest.raises(IntakeError, match="baris 2"):
        ScreeningContext.from_reference_files(region_table(), "74.13", {"asn": write(tmp_path, "b.csv", "nik\n1\n")})


# ------------------------------------------------------------------ deaths lists and the one death rule
@pytest.mark.parametrize("header", ["tanggal_meninggal", "Tgl Meninggal", "TGL. MENINGGAL", "Tanggal Kematian"])
def test_a_deaths_list_carries_the_date_of_death(tmp_path: Path, header: str) -> None:
    text = (
        f"NIK;Nama;Tanggal Lahir;{header}\n"
        "7413011204967390;La Salim;12-04-1996;05-11-2025\n"
        "7413086008869586;Wati;;\n"
    )
    frame = read_reference_list(write(tmp_path, "meninggal.csv", text), today=date(2026, 1, 1))
    assert frame.select("nik", "birth_date", "death_date").rows() == [
        ("7413011204967390", date(1996, 4, 12), date(2025, 11, 5)),
        ("7413086008869586", None, None),  # listed without a date: deceased for every month
    ]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("31-02-2025", "tanggal meninggal tidak terbaca"),
        ("01-02-2026", "tanggal meninggal di masa depan"),
        ("01-01-1980", "tanggal meninggal sebelum tanggal lahir"),
    ],
)
def test_a_bad_date_of_death_is_refused_with_its_row(tmp_path: Path, cell: str, words: str) -> None:
    text = (
        "nik,tanggal_lahir,Tgl Meninggal\n"
        "7413011204967390,1996-04-12,05-11-2025\n"
        f"7413086008869586,1986-08-20,{cell}\n"
    )
    with pytest.raises(IntakeError) as err:
        read_reference_list(write(tmp_path, "m.csv", text), today=date(2026, 1, 1))
    assert words in str(err.value) and "baris 3" in str(err.value) and "Tgl Meninggal" in str(err.value)


def test_earliest_deaths_takes_the_first_date_from_any_source() -> None:
    registry = pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5, 6, 7],
            "nik": ["a", "b", "c", "d", "e", "f", "g"],
            "death_date": [date(2025, 6, 1), None, date(2025, 6, 1), None, None, None, None],
            "is_deceased": [True, False, True, True, False, False, True],
        }
    )
    listed = pl.DataFrame(
        {
            "nik": ["a", "b", "b", "c", "x", "f", "g"],
            "death_date": [
                date(2025, 9, 1),
                date(2025, 3, 1),
                date(2025, 2, 1),
                None,
                date(2025, 1, 1),
                None,
                date(2024, 5, 2),
            ],
        }
    )
    assert earliest_deaths(registry, listed).rows() == [
        (1, "a", date(2025, 6, 1)),  # the registry's date is earlier than the list's
        (2, "b", date(2025, 2, 1)),  # only on lists (twice): the earliest
        (3, "c", date(2025, 6, 1)),  # listed without a date: the registry's date stands
        (4, "d", DIED_UNDATED),  # marked deceased in the registry without a date
        (6, "f", DIED_UNDATED),  # only listed, without a date: deceased for every month
        (7, "g", date(2024, 5, 2)),  # deceased in the registry without a date, the list has one
    ]  # e: alive everywhere; x: a listed NIK the registry does not hold
