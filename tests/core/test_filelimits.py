"""Limits per import kind (issue 15): sizes on disk, what an xlsx expands to (streamed out of its
zip before any parser sees it), rows, columns and characters per cell; csv encodings and line ends."""

from __future__ import annotations

import dataclasses
import shutil
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.security.badfiles import lie_about_sizes, row_xml, table_rows, write_bomb, write_sheet_xlsx
from ucjamsostek.core import filelimits
from ucjamsostek.core.bpjsfiles import BILL, read_bpjs_file
from ucjamsostek.core.intake import IntakeError, read_cells, read_nominations, read_records
from ucjamsostek.core.references import read_reference_list

TODAY = date(2026, 1, 1)
HEADER = ["NIK", "Nama", "Tanggal Lahir", "Desa", "Kecamatan"]
ROW = ["7413011204960001", "La Salim", "12-04-1996", "Marobea", "Sawerigadi"]
NOMS = filelimits.limits_for(filelimits.NOMINATIONS)


def refusal(fn, *args, **kwargs) -> IntakeError:  # type: ignore[no-untyped-def]
    with pytest.raises(IntakeError) as err:
        fn(*args, **kwargs)
    return err.value


def test_every_kind_has_limits_and_a_label():
    assert set(filelimits.IMPORT_KINDS) >= {"nominations", "reference", "bill", "claims", "assistance", "registration"}
    for kind in filelimits.IMPORT_KINDS.values():
        assert kind.workbook_bytes <= 64 * filelimits.MB  # the CLI refuses what the web refuses
        assert kind.cell_chars == filelimits.EXCEL_CELL_CHARS and kind.columns and kind.rows and kind.label
    with pytest.raises(ValueError):
        filelimits.limits_for("nope")


def test_a_bomb_declaring_its_size_is_refused_before_inflating(tmp_path: Path):
    path = write_bomb(tmp_path / "bom.xlsx", HEADER, ROW, rows=20_000)
    small = dataclasses.replace(NOMS, uncompressed_bytes=1 * filelimits.MB)
    started = time.perf_counter()
    err = refusal(filelimits.check_workbook, path, "bom.xlsx", small)
    assert time.perf_counter() - started < 0.5
    assert (
        err.file == "bom.xlsx" and "terlalu besar setelah dibuka" in str(err) and "batas berkas usulan 1 MB" in str(err)
    )


def test_a_bomb_lying_about_its_size_is_measured_by_inflating_it(tmp_path: Path):
    path = lie_about_sizes(write_bomb(tmp_path / "bohong.xlsx", HEADER, ROW, rows=20_000))
    small = dataclasses.replace(NOMS, uncompressed_bytes=1 * filelimits.MB)
    err = refusal(filelimits.check_workbook, path, "bohong.xlsx", small)
    assert "terlalu besar setelah dibuka" in str(err) and err.sheet == "Data"
    # the declared size would have let it through
    filelimits.check_workbook(path, "bohong.xlsx", dataclasses.replace(small, uncompressed_bytes=10 * filelimits.MB))


def test_rows_are_counted_while_streaming_and_reading_stops_at_the_limit(tmp_path: Path, monkeypatch):
    path = lie_about_sizes(write_bomb(tmp_path / "baris.xlsx", HEADER, ROW, rows=50_000))
    blocks: list[int] = []
    real = filelimits._inflate

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        for block in real(*args, **kwargs):
            blocks.append(len(block))
            yield block

    monkeypatch.setattr(filelimits, "_inflate", counted)
    monkeypatch.setattr(filelimits, "BLOCK", 64 * 1024)
    err = refusal(filelimits.check_workbook, path, "baris.xlsx", dataclasses.replace(NOMS, rows=1_000))
    assert "lebih dari 1.000 baris" in str(err) and err.sheet == "Data"
    assert sum(blocks) < 500_000  # stopped near row 1.000, not after 50.000 rows (≈ 6 MB)


def test_the_three_million_row_bomb_is_refused_fast_and_small(tmp_path: Path):
    """The red team's file: 3.000.000 rows in a few MB, as every reader gets it."""
    path = write_bomb(tmp_path / "bom.xlsx", HEADER, ROW)
    assert path.stat().st_size < 16 * filelimits.MB
    for lying in (False, True):
        if lying:
            lie_about_sizes(path)
        tracemalloc.start()
        started = time.perf_counter()
        err = refusal(read_nominations, path, today=TODAY)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert seconds <= 5 and peak < 50 * filelimits.MB, (lying, seconds, peak)
        assert err.file == "bom.xlsx" and ("baris" in err.message or "terlalu besar" in err.message)


def test_cells_are_counted_too(tmp_path: Path):
    empty_cells = (b'<row r="%d">' % r + b"<c/>" * 200 + b"</row>" for r in range(1, 1_001))
    path = lie_about_sizes(write_sheet_xlsx(tmp_path / "sel.xlsx", empty_cells))
    err = refusal(filelimits.check_workbook, path, "sel.xlsx", dataclasses.replace(NOMS, rows=1_500))
    assert "lebih dari 96.000 sel" in err.message


def test_a_member_compressed_otherwise_than_excel_does_is_damaged(tmp_path: Path):
    path = tmp_path / "bz.xlsx"
    with zipfile.ZipFile(write_sheet_xlsx(tmp_path / "u.xlsx", table_rows(HEADER, [ROW]))) as src:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
    assert "rusak" in str(refusal(read_nominations, path))
    half = tmp_path / "separuh.xlsx"
    half.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "rusak" in str(refusal(read_nominations, half))


def test_an_xlsx_cell_longer_than_excel_allows_is_refused_with_its_place(tmp_path: Path):
    rows = [row_xml(1, HEADER), row_xml(2, ROW), row_xml(3, [ROW[0], "x" * 200_000, *ROW[2:]])]
    path = write_sheet_xlsx(tmp_path / "panjang.xlsx", rows)
    for reader in (read_nominations, read_reference_list):
        err = refusal(reader, path)
        assert (err.sheet, err.row, err.column) == ("Data", 3, "B") and "200.000 karakter" in str(err)


def test_fifty_thousand_columns_are_refused(tmp_path: Path):
    wide = [*HEADER, *(f"x{i}" for i in range(50_000))]
    path = write_sheet_xlsx(tmp_path / "lebar.xlsx", [row_xml(1, wide), row_xml(2, ROW)])
    err = refusal(read_nominations, path)
    assert err.row == 1 and "terlalu banyak kolom" in str(err) and "batas berkas usulan 500 kolom" in str(err)
    csv_path = tmp_path / "lebar.csv"
    csv_path.write_text(",".join(wide) + "\n" + ",".join(ROW) + "\n")
    assert "terlalu banyak kolom" in str(refusal(read_nominations, csv_path))
    assert "terlalu banyak kolom" in str(refusal(read_cells, csv_path, kind="claims"))


@pytest.mark.parametrize("size", [200_000, 10 * 1024 * 1024])
def test_a_long_csv_cell_is_refused_with_its_line_not_a_traceback(tmp_path: Path, size: int):
    path = tmp_path / "sel.csv"
    lines = [",".join(HEADER), *[",".join(ROW)] * 3, ",".join([ROW[0], "A" * size, *ROW[2:]]), ",".join(ROW)]
    path.write_text("\n".join(lines) + "\n")
    for err in (
        refusal(read_nominations, path),
        refusal(read_reference_list, path),
        refusal(read_bpjs_file, path, BILL),
        refusal(read_records, path, kind="workforce"),
    ):
        assert err.row == 5 and "Isi sel terlalu panjang" in str(err) and "32.767" in str(err)


def test_an_unclosed_quote_is_refused_as_a_long_cell(tmp_path: Path):
    path = tmp_path / "kutip.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(ROW) + '\n7413011204960002,"La Ode\n' + "x," * 40_000 + "\n")
    err = refusal(read_nominations, path)
    assert err.row == 3 and "terlalu panjang" in str(err)


def test_utf16_csv_is_recognised_by_its_bom(tmp_path: Path):
    text = "\t".join(HEADER) + "\r\n" + "\t".join([ROW[0], "Nur’aini Façal", *ROW[2:]]) + "\r\n"
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(
            ("\ufeff" + text).encode(encoding.replace("utf-16", "utf-16-le") if encoding == "utf-16" else encoding)
        )
        assert read_nominations(path, today=TODAY).frame["name"].to_list() == ["Nur’aini Façal"]
        assert read_reference_list(path)["name"].to_list() == ["Nur’aini Façal"]


def test_lone_cr_line_ends_keep_every_row(tmp_path: Path):
    rows = [[f"74130112049600{i:02d}", f"Orang {i}", "12-04-1996", "Marobea", "Sawerigadi"] for i in range(1, 21)]
    path = tmp_path / "mac.csv"
    path.write_bytes(("\r".join(",".join(r) for r in [HEADER, *rows]) + "\r").encode("cp1252"))
    frame = read_nominations(path, today=TODAY).frame
    assert frame.height == 20 and frame["row"].to_list() == list(range(2, 22))
    assert read_reference_list(path).height == 20


def test_cp1252_csv_is_read(tmp_path: Path):
    path = tmp_path / "win.csv"
    path.write_bytes(
        (";".join(HEADER) + "\r\n" + ";".join([ROW[0], "Nur’aini Façal", *ROW[2:]]) + "\r\n").encode("cp1252")
    )
    assert read_nominations(path, today=TODAY).frame["name"].to_list() == ["Nur’aini Façal"]
    assert read_records(path, kind="reference")[0]["Nama"] == "Nur’aini Façal"


def test_duplicate_headers_are_refused_in_every_reader(tmp_path: Path):
    path = tmp_path / "ganda.csv"
    path.write_text(
        "NIK,Nama,Tanggal Lahir,Desa,NIK,Periode,Iuran\n" + ",".join([*ROW[:4], ROW[0], "2026-01", "16800"]) + "\n"
    )
    for err in (
        refusal(read_nominations, path),
        refusal(read_reference_list, path),
        refusal(read_bpjs_file, path, BILL),
    ):
        assert err.row == 1 and "'NIK' muncul lebih dari sekali (kolom A dan E)" in str(err)


def test_workbooks_over_64_mb_are_refused_by_every_reader(tmp_path: Path):
    big = tmp_path / "besar.xlsx"
    with big.open("wb") as fh:  # sparse: the refusal must not read it
        fh.write(b"PK\x03\x04")
        fh.truncate(65 * filelimits.MB)
    for err in (
        refusal(read_nominations, big),
        refusal(read_reference_list, big),
        refusal(read_bpjs_file, big, BILL),
        refusal(read_records, big, kind="quotas"),
    ):
        assert "terlalu besar (65 MB" in str(err)


def test_a_bill_with_a_header_and_no_line_is_refused(tmp_path: Path):
    path = tmp_path / "kosong.csv"
    path.write_text("NIK,Periode,Iuran\n,,\n")
    err = refusal(read_bpjs_file, path, BILL)
    assert err.row == 1 and "Tidak ada baris data" in str(err)


def test_read_records_keys_rows_by_the_header(tmp_path: Path):
    path = tmp_path / "kuota.csv"
    path.write_text("\nkode;kuota\n74.13.01;10\n\n74.13.02;\n")
    assert read_records(path, kind="quotas") == [{"kode": "74.13.01", "kuota": "10"}, {"kode": "74.13.02", "kuota": ""}]
    shutil.copy(path, tmp_path / "kosong.csv")
    (tmp_path / "kosong.csv").write_text("\n\n")
    assert "kosong" in str(refusal(read_records, tmp_path / "kosong.csv", kind="quotas"))
