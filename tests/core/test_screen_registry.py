"""Registry people matched by NIK: active → ALREADY_ENROLLED, deceased → DECEASED, ended → nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from ucjamsostek.core import reasons as rc
from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, screen_file

from .nomination_files import write_xlsx

HEADER = ["NIK", "Nama", "JK", "Tanggal Lahir", "Desa", "Kecamatan"]
ROWS = [
    ["7413011204960001", "La Aktif", "L", "12-04-1996", "Marobea", "Sawerigadi"],
    ["7413011305960002", "La Wafat", "L", "13-05-1996", "Marobea", "Sawerigadi"],
    ["7413011406960003", "La Berhenti", "L", "14-06-1996", "Marobea", "Sawerigadi"],
    ["7413011507960004", "La Baru", "L", "15-07-1996", "Marobea", "Sawerigadi"],
]


def test_registry_matches(tmp_path: Path) -> None:
    registry = pl.DataFrame(
        {
            "person_id": [1, 2, 3],
            "nik": ["7413011204960001", "7413011305960002", "7413011406960003"],
            "name": ["La Aktif", "La Wafat", "La Berhenti"],
            "birth_date": [date(1996, 4, 12), date(1996, 5, 13), date(1996, 6, 14)],
            "sex": ["L", "L", "L"],
            "village_code": ["74.13.01.2001"] * 3,
            "active": [True, False, False],
            "deceased": [False, True, False],
        }
    )
    ctx = ScreeningContext(regions=region_table(), area_code="74.13", registry=registry)
    result = screen_file(
        write_xlsx(tmp_path / "u.xlsx", ROWS, header=HEADER), ctx, ScreeningOptions(as_of=date(2026, 1, 1))
    )
    reasons = dict(zip(result.rows["row"].to_list(), result.rows["reasons"].to_list(), strict=True))
    assert reasons == {5: [rc.ALREADY_ENROLLED], 6: [rc.DECEASED], 7: [], 8: []}
    assert result.rows["status"].to_list() == ["rejected", "rejected", "eligible", "eligible"]
