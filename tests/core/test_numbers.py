"""Numbers as Indonesians write them (issue 9 §6): one reader for every amount and count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucjamsostek.core.bpjsfiles import ASSISTANCE, BILL, CLAIMS, read_bpjs_file
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.core.money import MoneyError, parse_count, parse_rupiah, rupiah_expr
from ucjamsostek.core.xlsxout import new_workbook


@pytest.mark.parametrize(
    "text", ["16.800,-", "Rp 16.800,00", "Rp16.800", "16800", "16.800", "rp. 16.800", "16.800,0", " 16 800 "]
)
def test_every_way_of_writing_sixteen_thousand_eight_hundred(text: str) -> None:
    assert parse_rupiah(text) == 16_800


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("16,000", "koma adalah tanda desimal"),
        ("2016000,000", "koma adalah tanda desimal"),
        ("16,5", "Rupiah bulat"),
        ("16.800,50", "Rupiah bulat"),
        ("16.80", "tidak terbaca"),
        ("1.2.3", "tidak terbaca"),
        ("abc", "tidak terbaca"),
        ("", "kosong"),
    ],
)
def test_amounts_that_are_not_whole_rupiah_are_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(MoneyError, match=why):
        parse_rupiah(text)


def test_the_label_is_in_front_of_the_message() -> None:
    with pytest.raises(MoneyError, match=r"^--ceiling: Jumlah uang '2016000,000' tidak jelas"):
        parse_rupiah("2016000,000", label="--ceiling")


def test_counts() -> None:
    assert parse_count("1.234") == 1234
    assert parse_count("12") == 12
    for bad in ("12,5", "1,000", "abc", "", "Rp12"):
        with pytest.raises(MoneyError):
            parse_count(bad)


_piece = st.sampled_from(["", "Rp", "rp.", "Rp ", "-", "1", "16", "800", ".", ",", ",00", ",-", "000", " ", "5", ",0"])


@given(st.lists(_piece, max_size=7).map("".join))
def test_the_column_reader_agrees_with_the_value_reader(text: str) -> None:
    try:
        expected: int | None = parse_rupiah(text)
    except MoneyError:
        expected = None
    assert pl.select(rupiah_expr(pl.lit(text, dtype=pl.Utf8))).item() == expected


def _bill_csv(path: Path, amounts: list[str], extra: str = "") -> Path:
    lines = ["No;NIK;Nama;Periode;Iuran"]
    lines += [f"{i};74130101019000{i:02d};Nama {i};01/2026;{a}" for i, a in enumerate(amounts, start=1)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_a_bill_with_a_thousands_comma_is_refused_with_row_and_column(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "tagihan.csv", ["16.800", "16,800"])
    with pytest.raises(IntakeError) as err:
        read_bpjs_file(p, BILL)
    text = str(err.value)
    assert text.startswith("berkas tagihan.csv") and "baris 3" in text and "kolom 'Iuran/Nominal'" in text
    assert "koma adalah tanda desimal" in text


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A bill as Excel keeps it: numbers as numbers (16800.0 is a float cell), text as text."""
    wb = new_workbook(path)
    ws = wb.add_worksheet("Tagihan")
    for i, row in enumerate([["NIK", "Periode", "Iuran"], *rows]):
        for j, v in enumerate(row):
            if isinstance(v, int | float):
                ws.write_number(i, j, v)
            elif v is not None:
                ws.write_string(i, j, str(v))
    wb.close()
    return path


def test_a_bill_in_xlsx_reads_numbers_and_texts_alike(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["7413010101900001", "01/2026", 16800],
        ["7413010101900002", "01/2026", "16.800,-"],
        ["7413010101900003", "01/2026", "Rp 16.800,00"],
        ["7413010101900004", "01/2026", 16800.0],
    ]
    p = _xlsx(tmp_path / "tagihan.xlsx", rows)
    assert read_bpjs_file(p, BILL).frame["amount"].to_list() == [16_800] * 4
    # 16.800 typed into an English-locale Excel is the number 16,8: not sixteen rupiah, refused
    _xlsx(p, [*rows, ["7413010101900005", "01/2026", 16.8]])
    with pytest.raises(IntakeError, match="lembar 'Tagihan', baris 6.*tidak terbaca: '16.8'"):
        read_bpjs_file(p, BILL)


def test_claims_and_assistance_amounts_use_the_same_reader(tmp_path: Path) -> None:
    claims = tmp_path / "klaim.csv"
    claims.write_text("NIK;Jenis;Tgl Kejadian;Nominal\n7413010101900001;JKM;03-02-2025;42,000,000\n")
    with pytest.raises(IntakeError, match="baris 2.*koma adalah tanda desimal"):
        read_bpjs_file(claims, CLAIMS)
    bsu = tmp_path / "bsu.csv"
    bsu.write_text("NIK;Program;Nominal\n7413010101900001;BSU 2025;Rp600.000,-\n")
    assert read_bpjs_file(bsu, ASSISTANCE).frame["amount"].to_list() == [600_000]


def test_a_trailing_total_row_is_checked_and_left_out(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "t.csv", ["16.800", "16.800", "16.800"], extra=";JUMLAH;;;50.400\n")
    table = read_bpjs_file(p, BILL)
    assert table.frame.height == 3 and table.total_row == 5
    assert int(table.frame["amount"].sum()) == 50_400


def test_a_bare_amount_on_the_last_row_is_a_total_row(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "t.csv", ["16.800", "16.800"], extra=";;;;Rp33.600,00\n")
    table = read_bpjs_file(p, BILL)
    assert (table.frame.height, table.total_row) == (2, 4)


def test_a_total_row_that_disagrees_is_refused_saying_by_how_much(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "t.csv", ["16.800", "16.800", "16.800"], extra="Total;;;;67.200\n")
    with pytest.raises(IntakeError) as err:
        read_bpjs_file(p, BILL)
    text = str(err.value)
    assert "baris 5" in text and "Rp67.200" in text and "Rp50.400" in text and "selisih Rp16.800" in text


def test_a_total_row_without_a_readable_amount_is_refused(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "t.csv", ["16.800"], extra="Jumlah;;;;50,400\n")
    with pytest.raises(IntakeError, match="baris 3.*Baris total tagihan.*koma"):
        read_bpjs_file(p, BILL)
    p = _bill_csv(tmp_path / "t.csv", ["16.800"], extra=";Jumlah;;;\n")
    with pytest.raises(IntakeError, match="baris 3.*tidak berisi jumlah"):
        read_bpjs_file(p, BILL)


def test_a_total_row_in_xlsx(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["7413010101900001", "01/2026", 16800],
        ["7413010101900002", "01/2026", 16800],
        ["TOTAL", None, 33600],
    ]
    table = read_bpjs_file(_xlsx(tmp_path / "tagihan.xlsx", rows), BILL)
    assert table.frame["nik"].to_list() == ["7413010101900001", "7413010101900002"]
    assert table.total_row == 4


def test_a_last_line_missing_its_nik_is_still_a_located_error(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "t.csv", ["16.800"], extra="2;;Nama 2;01/2026;16.800\n")
    with pytest.raises(IntakeError, match="baris 3.*NIK"):
        read_bpjs_file(p, BILL)


def test_periods_are_unaffected(tmp_path: Path) -> None:
    p = _bill_csv(tmp_path / "t.csv", ["16.800"])
    assert read_bpjs_file(p, BILL).frame["period"].to_list() == [date(2026, 1, 1)]
