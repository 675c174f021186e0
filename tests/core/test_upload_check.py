"""The quick check of a nomination file's head before an upload is queued (issue 10 §7, issue 15):
``check_nominations`` refuses with the message the full read would give, reading only the head."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.security.badfiles import row_xml, write_sheet_xlsx
from ucjamsostek.core.filelimits import limits_for
from ucjamsostek.core.intake import ColumnsNotFound, IntakeError, check_nominations, read_nominations
from ucjamsostek.core.sheethead import head_rows

from .nomination_files import HEADER, write_csv, write_xlsx

ROW = ["1", "7413011204960001", "La Ode Uji", "L", "Raha", "12-04-1996", "Wakoila", "Tiworo Kepulauan"]


def refusal(path: Path, **kw) -> str:
    with pytest.raises(IntakeError) as caught:
        check_nominations(path, **kw)
    return str(caught.value)


def test_a_good_file_passes_in_every_format(tmp_path):
    check_nominations(write_xlsx(tmp_path / "a.xlsx", [ROW, [None] * 8, ROW]))
    check_nominations(write_xlsx(tmp_path / "b.xlsx", [[*ROW[:5], datetime(1996, 4, 12), *ROW[6:]]], first_row=3,
                                 first_col=2))  # fmt: skip
    check_nominations(write_csv(tmp_path / "c.csv", [",".join(HEADER), ",".join(ROW)]))
    check_nominations(write_csv(tmp_path / "d.csv", [";".join(HEADER), ";".join(ROW)], encoding="utf-16"))


def test_the_refusals_are_located_as_the_full_read_locates_them(tmp_path):
    header_only = write_xlsx(tmp_path / "judul.xlsx", [], empty_formatted_rows=5)
    assert (
        refusal(header_only)
        == "berkas judul.xlsx, lembar 'Usulan', baris 4: Tidak ada baris data di bawah baris judul kolom."
    )
    with pytest.raises(IntakeError) as full:
        read_nominations(header_only)
    assert str(full.value) == refusal(header_only)
    dup = write_csv(tmp_path / "ganda.csv", [",".join([*HEADER, "NIK"]), ",".join([*ROW, "1"])])
    assert refusal(dup).startswith("berkas ganda.csv, baris 1: Judul kolom 'NIK' muncul lebih dari sekali")
    long = write_csv(tmp_path / "panjang.csv", [",".join(HEADER), ",".join(ROW), ",".join([*ROW[:2], "x" * 40_000])])
    assert "baris 3" in refusal(long) and "terlalu panjang" in refusal(long)


def test_wrong_columns_can_be_mapped(tmp_path):
    header = ["No", "Nomor KTP Peserta", *HEADER[2:]]
    path = write_xlsx(tmp_path / "opd.xlsx", [ROW], header=header)
    with pytest.raises(ColumnsNotFound) as caught:
        check_nominations(path)
    assert caught.value.row == 4 and caught.value.sheet == "Usulan" and "NIK" in caught.value.message
    check_nominations(path, column_map={"Nomor KTP Peserta": "nik"})
    none = write_csv(tmp_path / "lain.csv", ["a,b,c", "1,2,3"])
    with pytest.raises(ColumnsNotFound):
        check_nominations(none)


def test_only_the_head_of_a_big_sheet_is_read(tmp_path):
    """200.000 rows under a header of the wrong columns: refused after reading the head."""
    rows = (row_xml(i, ["x", str(i), "y"]) if i > 1 else row_xml(1, ["Nomor", "Nama Peserta", "Kode"])
            for i in range(1, 200_002))  # fmt: skip
    path = write_sheet_xlsx(tmp_path / "besar.xlsx", rows)
    name, stream = head_rows(path, "besar.xlsx", limits_for("nominations"))
    first = [next(stream) for _ in range(3)]
    assert name == "Data" and first[0] == (1, ["Nomor", "Nama Peserta", "Kode"]) and first[2][0] == 3


def test_shared_strings_inline_strings_and_prefixes_are_read(tmp_path):
    sst = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<si><t>NIK</t></si><si><r><t>Na</t></r><r><t>ma &amp; gelar</t></r></si><si/></sst>')  # fmt: skip
    rows = [
        b'<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="s"><v>2</v></c>'
        b'<c r="E2" t="inlineStr"><is><t xml:space="preserve">Tgl Lahir</t></is></c><c r="F2"/></row>',
        b'<row r="5"><c r="B5"><v>7413011204960001</v></c><c r="E5" t="b"><v>1</v></c></row>',
    ]
    path = write_sheet_xlsx(tmp_path / "s.xlsx", rows, shared_strings=sst)
    _, stream = head_rows(path, "s.xlsx", limits_for("nominations"))
    assert list(stream) == [
        (2, [None, "NIK", "Nama & gelar", None, "Tgl Lahir", None]),
        (5, [None, "7413011204960001", None, None, "TRUE"]),
    ]


def test_a_first_data_row_beyond_the_head_is_left_to_the_full_read(tmp_path):
    blank = ",,,,,,,"
    far = write_csv(tmp_path / "jauh.csv", [",".join(HEADER), *[blank] * 1500, ",".join(ROW)])
    check_nominations(far)  # not refused: the head does not hold the first data row, the file does
    only_blank = write_csv(tmp_path / "kosong.csv", [",".join(HEADER), *[blank] * 20])
    assert "Tidak ada baris data" in refusal(only_blank)
