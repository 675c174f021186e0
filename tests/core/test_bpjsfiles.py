from datetime import date
from pathlib import Path

import pytest

from ucjamsostek.core.bpjsfiles import BILL, CLAIMS, REGISTRATION, parse_period, read_bpjs_file
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.core.xlsxout import Sheet, write_workbook


@pytest.mark.parametrize("text", ["2026-01", "01/2026", "Januari 2026", "1/2026", "jan 2026", "2026-01-31"])
def test_periods(text: str) -> None:
    assert parse_period(text) == date(2026, 1, 1)


def test_bad_period() -> None:
    with pytest.raises(UserError, match="Periode"):
        parse_period("2026")


def test_bill_csv_with_title_rows_and_rupiah_forms(tmp_path: Path) -> None:
    p = tmp_path / "tagihan.csv"
    p.write_text(
        "TAGIHAN IURAN BPJS KETENAGAKERJAAN\n\nNo;NIK;No. KPJ;Nama;Periode;Program;Iuran\n"
        "1;'7413010101900001;KPJ1;A;01/2026;JKK+JKM;Rp16.800\n"
        "2;7413010101900002;;B;Januari 2026;JKK+JKM;16.800\n"
        "3;7413010101900003;;C;2026-01;JKK+JKM;16800\n",
        encoding="utf-8",
    )
    t = read_bpjs_file(p, BILL)
    assert t.frame.select("row", "amount", "period").rows() == [
        (4, 16800, date(2026, 1, 1)),
        (5, 16800, date(2026, 1, 1)),
        (6, 16800, date(2026, 1, 1)),
    ]
    assert t.header_row == 3


def test_bad_amount_is_located(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("NIK,Periode,Iuran\n7413010101900001,01/2026,16800\n7413010101900002,01/2026,enam belas\n")
    with pytest.raises(IntakeError) as err:
        read_bpjs_file(p, BILL)
    assert "baris 3" in str(err.value) and "Iuran" in str(err.value)


def test_negative_amount_is_refused_and_located(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("NIK,Periode,Iuran\n7413010101900001,01/2026,16800\n7413010101900002,01/2026,-16.800\n")
    with pytest.raises(IntakeError) as err:
        read_bpjs_file(p, BILL)
    text = str(err.value)
    assert "baris 3" in text and "Iuran" in text and "negatif" in text


def test_column_order_and_extra_columns_do_not_matter(tmp_path: Path) -> None:
    plain = tmp_path / "a.csv"
    plain.write_text("NIK,Periode,Iuran\n7413010101900001,01/2026,16800\n")
    shuffled = tmp_path / "b.csv"
    shuffled.write_text("Keterangan,Iuran,Kantor Cabang,Periode,NIK\nx,16800,Raha,01/2026,7413010101900001\n")
    cols = ["row", "nik", "period", "amount"]
    assert read_bpjs_file(shuffled, BILL).frame.select(cols).rows() == read_bpjs_file(plain, BILL).frame.select(
        cols
    ).rows()


def test_missing_column(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("NIK,Nama\n7413010101900001,A\n")
    with pytest.raises(IntakeError, match="Periode"):
        read_bpjs_file(p, BILL)


def test_xlsx_claims_and_registration(tmp_path: Path) -> None:
    p = tmp_path / "klaim.xlsx"
    write_workbook(
        p,
        [
            Sheet(
                "Klaim",
                [
                    "NIK",
                    "No KPJ",
                    "Jenis",
                    "Tgl Kejadian",
                    "Tgl Pengajuan",
                    "Tgl Bayar",
                    "Nominal",
                    "Status",
                    "Nama Ahli Waris",
                ],
                [
                    [
                        "7413010101900001",
                        "1",
                        "JKM",
                        date(2025, 2, 3),
                        "05-02-2025",
                        "",
                        "Rp42.000.000",
                        "Dibayar",
                        "=cmd",
                    ]
                ],
            )
        ],
    )
    t = read_bpjs_file(p, CLAIMS)
    row = t.frame.row(0, named=True)
    assert (row["incident_date"], row["submitted_date"], row["amount"], row["heir"]) == (
        date(2025, 2, 3),
        date(2025, 2, 5),
        42_000_000,
        "=cmd",
    )
    r = tmp_path / "jawaban.csv"
    r.write_text("NIK;No KPJ;Status;Keterangan\n7413010101900001;25012345678;Diterima;\n")
    assert read_bpjs_file(r, REGISTRATION).frame.select("kpj", "status").rows() == [("25012345678", "Diterima")]


# A csv without quote characters is split column-wise by Polars (``intake.CellColumns``); with a
# quote anywhere, by the csv module. Both must give the same lines, rows and located refusals.
_PLAIN_BILL = (
    "TAGIHAN IURAN\n"
    "\n"
    "NIK;No KPJ;Nama;Periode;Program;Iuran;Catatan\n"
    "7413010101900001;KPJ 1;  La  Ode ;01/2026;JKK+JKM;Rp16.800;x\n"
    " \u3000 ;;\t;;;;\n"
    "\n"
    "7413010101900002;;B\u00a0;Januari 2026;;16800\n"
    "7413010101900003;;C;2026-01;JKK+JKM;16.800,-;;extra;cells\n"
    "7413010101900001;;A;12/2025;JKK+JKM;16800\n"
    ";;Jumlah;;;67.200\n"
    "\n\n"
)


def _quoted(text: str) -> str:
    """The same table with the first name quoted (the csv module's path): same cells."""
    return text.replace("  La  Ode ", '"  La  Ode "')


def test_plain_and_quoted_csv_read_alike(tmp_path: Path) -> None:
    plain, quoted = tmp_path / "plain.csv", tmp_path / "quoted.csv"
    plain.write_text(_PLAIN_BILL, encoding="utf-8")
    quoted.write_text(_quoted(_PLAIN_BILL), encoding="utf-8")
    a, b = read_bpjs_file(plain, BILL), read_bpjs_file(quoted, BILL)
    assert a.frame.equals(b.frame) and a.frame.schema == b.frame.schema
    assert (a.header_row, a.total_row, a.columns, a.unmatched) == (b.header_row, b.total_row, b.columns, b.unmatched)
    assert a.frame.select("row", "nik", "kpj", "name", "amount").rows() == [
        (4, "7413010101900001", "KPJ1", "La Ode", 16800),
        (7, "7413010101900002", None, "B", 16800),
        (8, "7413010101900003", None, "C", 16800),
        (9, "7413010101900001", None, "A", 16800),
    ]
    assert a.total_row == 10 and a.unmatched == ["Catatan"]


def test_plain_csv_lone_cr_and_cp1252_read_alike(tmp_path: Path) -> None:
    text = "NIK,Nama,Periode,Iuran\r7413010101900001,Nurâini Ç,2026-01,16800\r7413010101900002,B,2026-01,16800\r"
    plain, quoted = tmp_path / "mac.csv", tmp_path / "mac-q.csv"
    plain.write_bytes(text.encode("cp1252"))
    quoted.write_bytes(text.replace("B,", '"B",').encode("cp1252"))
    a, b = read_bpjs_file(plain, BILL), read_bpjs_file(quoted, BILL)
    assert a.frame.equals(b.frame)
    assert a.frame.select("row", "name").rows() == [(2, "Nurâini Ç"), (3, "B")]


@pytest.mark.parametrize("quote", [False, True])
def test_long_cell_and_wide_row_are_located_alike(tmp_path: Path, quote: bool) -> None:
    head = "NIK,Nama,Periode,Iuran\n7413010101900001,A,2026-01,16800\n"
    name = '"B"' if quote else "B"
    p = tmp_path / "panjang.csv"
    p.write_text(head + f"7413010101900002,{name},2026-01,16800,{'x' * 40_000}\n")
    with pytest.raises(IntakeError) as err:
        read_bpjs_file(p, BILL)
    assert "baris 3" in str(err.value) and "kolom 'E'" in str(err.value) and "40.000 karakter" in str(err.value)
    p.write_text(head + f"7413010101900002,{name},2026-01,16800" + ",x" * 600 + "\n")
    with pytest.raises(IntakeError) as err:
        read_bpjs_file(p, BILL)
    assert "baris 3" in str(err.value) and "terlalu banyak kolom" in str(err.value)
