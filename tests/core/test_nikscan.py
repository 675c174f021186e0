"""Which NIKs a file discloses (core/nikscan.py): the access log's subjects of every download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ucjamsostek.core import csvout, nikscan, xlsxml, xlsxout
from ucjamsostek.core.nik import keyed_nik_hash, mask_nik

A, B, C = "7413015203850001", "7413011203850002", "7403060101900003"


def _scan(path: Path) -> nikscan.Disclosed:
    with path.open("rb") as fh:
        return nikscan.scan(fh)


def test_csv_rows_and_niks(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "nik": [A, B, A, mask_nik(C), None],
            "nama": ["Wa Ode", "=HYPERLINK(1)", "La Ode", "Masked", "Tanpa NIK"],
            "iuran": [16800, 16800, 16800, 16800, 1234567890123456789],  # 19 digits: not a NIK
        }
    )
    path = csvout.write_csv(frame, tmp_path / "a.csv")
    assert _scan(path) == nikscan.Disclosed(rows=3, niks=frozenset({A, B}))


def test_a_row_with_two_niks_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(f"kiri,kanan\n{A},{B}\n{C},x\n")
    assert _scan(path) == nikscan.Disclosed(rows=2, niks=frozenset({A, B, C}))


def test_longer_or_shorter_digit_runs_are_not_niks() -> None:
    data = f"1{A}\n{A[:-1]}\n{A}0\nNIK {A}, lainnya\n".encode()
    assert nikscan.scan_bytes(data) == nikscan.Disclosed(rows=1, niks=frozenset({A}))


@pytest.mark.parametrize("constant_memory", [False, True])
def test_xlsxwriter_shared_strings(tmp_path: Path, constant_memory: bool) -> None:
    path = tmp_path / "a.xlsx"
    wb = xlsxout.new_workbook(path, constant_memory=constant_memory)
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["NIK", "Nama"])
    ws.write_row(1, 0, [A, "Wa Ode"])
    ws.write_row(2, 0, [B, "La Ode"])
    ws.write_row(3, 0, [A, "lagi"])  # the same shared string again
    ws.write_row(4, 0, [mask_nik(C), "masked"])
    other = wb.add_worksheet("Ringkasan")
    other.write_row(0, 0, ["Jumlah", 3])
    other.write_row(1, 0, [f"catatan {C}"])  # a NIK inside a text
    wb.close()
    assert _scan(path) == nikscan.Disclosed(rows=4, niks=frozenset({A, B, C}))


def test_fast_writer_inline_strings(tmp_path: Path) -> None:
    frame = pl.DataFrame({"nik": [A, B, "x"], "n": [1, 2, 3]})
    sheet = xlsxml.Sheet("Data", ["NIK", "N"], frame=frame, kinds=(xlsxml.TEXT, xlsxml.INT))
    xlsxml.write_workbook(tmp_path / "a.xlsx", [sheet])
    assert _scan(tmp_path / "a.xlsx") == nikscan.Disclosed(rows=2, niks=frozenset({A, B}))


def test_other_zip_members_and_binary_files() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.csv", f"{A}\n{B}\n")
        zf.writestr("b.txt", f"x {C}\n")
    assert nikscan.scan_bytes(buf.getvalue()) == nikscan.Disclosed(rows=3, niks=frozenset({A, B, C}))
    assert nikscan.scan_bytes(b"%PDF-1.4\n\x00\x01stream\x9c\xff") == nikscan.Disclosed(0, frozenset())
    assert nikscan.scan_bytes(b"PK\x03\x04 not a zip " + A.encode()) == nikscan.Disclosed(1, frozenset({A}))


def test_reads_from_the_current_position_and_leaves_the_file_open() -> None:
    fh = io.BytesIO(f"{B}\n{A}\n".encode())
    fh.seek(17)
    assert nikscan.scan(fh) == nikscan.Disclosed(1, frozenset({A}))
    assert not fh.closed


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.lists(st.sampled_from([A, B, C, "x", "12", A + "9", mask_nik(A), ""]), max_size=4), max_size=40
    ),
    block=st.integers(min_value=1, max_value=64),
)
def test_agrees_with_the_oracle_at_any_block_size(lines: list[list[str]], block: int) -> None:
    """Blocks cut anywhere (even inside a NIK) give what reading line by line gives."""
    text = "\n".join(",".join(fields) for fields in lines)
    per_line = [{f for f in fields if len(f) == 16 and f.isdigit()} for fields in lines]
    expected = nikscan.Disclosed(sum(1 for s in per_line if s), frozenset().union(*per_line))
    old = nikscan.BLOCK
    nikscan.BLOCK = block
    try:
        assert nikscan.scan_bytes(text.encode()) == expected
    finally:
        nikscan.BLOCK = old


def test_xlsx_at_a_tiny_block_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.xlsx"
    wb = xlsxout.new_workbook(path)
    ws = wb.add_worksheet("Data")
    for i, nik in enumerate([A, B, C, A]):
        ws.write_row(i, 0, [nik, f"orang {i}"])
    wb.close()
    monkeypatch.setattr(nikscan, "BLOCK", 7)
    assert _scan(path) == nikscan.Disclosed(rows=4, niks=frozenset({A, B, C}))


def test_keyed_hash_depends_on_the_key_and_the_cleaned_nik() -> None:
    h = keyed_nik_hash(A, b"k" * 32)
    assert len(h) == 32 and A not in h
    assert keyed_nik_hash(f" {A[:6]}.{A[6:]} ", b"k" * 32) == h
    assert keyed_nik_hash(A, b"j" * 32) != h
    assert keyed_nik_hash(B, b"k" * 32) != h
