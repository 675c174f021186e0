"""The area rule on rows known only by their NIK: bill and reconciliation lines (page and xlsx),
aid recipients. A kecamatan operator sees the lines of the people living in the kecamatan, with
totals of those lines; a NIK the registry does not hold is nobody's area; the Dinas sees all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse

from tests.operations.test_operations import pks  # noqa: F401
from tests.people_fixtures import organisations, people, regions, users  # noqa: F401
from ucjamsostek.assistance import selectors as asel
from ucjamsostek.assistance import services as asv
from ucjamsostek.billing import selectors as bsel
from ucjamsostek.billing import services as bil
from ucjamsostek.registry.selectors import scope_nik_frame, visible_niks

UNKNOWN = "7413010101909999"  # a NIK the registry does not hold


def _niks(people, *keys):  # noqa: F811
    return {people[k].nik for k in keys}


@pytest.fixture
def bill(pks, people, users, tmp_path):  # noqa: F811
    lines = (
        "".join(f"{people[k].nik},2026-01,16800\n" for k in ("p_a", "p_a2", "p_b", "p_opd"))
        + f"{UNKNOWN},2026-01,16800\n"
    )
    path = tmp_path / "tagihan-2026-01.csv"
    path.write_text("NIK,Periode,Iuran\n" + lines, encoding="utf-8")
    inv, _ = bil.import_bill(users["bpjs"], path)
    return inv


@pytest.mark.django_db
def test_visible_niks_follow_the_people_rule(users, people):  # noqa: F811
    assert visible_niks(users["dinas"]) is None and visible_niks(users["leadership"]) is None
    assert visible_niks(users["kec"]) == _niks(people, "p_a", "p_a2")
    assert visible_niks(users["area"]) == _niks(people, "p_a")
    assert visible_niks(users["opd"]) == _niks(people, "p_opd")
    assert visible_niks(None) == frozenset()
    import polars as pl

    frame = pl.DataFrame({"nik": [people["p_a"].nik, people["p_b"].nik, UNKNOWN]})
    assert scope_nik_frame(users["kec"], frame)["nik"].to_list() == [people["p_a"].nik]
    assert scope_nik_frame(users["dinas"], frame).height == 3


@pytest.mark.django_db
def test_reconciliation_page_shows_only_the_operators_lines(bill, users, people):  # noqa: F811
    everyone = bsel.reconciliation_page(users["dinas"], bill, flagged_only=False)
    assert {r["nik"] for r in everyone.lines} == _niks(people, "p_a", "p_a2", "p_b", "p_opd") | {UNKNOWN}
    page = bsel.reconciliation_page(users["kec"], bill, flagged_only=False)
    assert {r["nik"] for r in page.lines} == _niks(people, "p_a", "p_a2")
    for k in ("billed", "expected", "difference"):  # the totals are those of the operator's lines
        assert page.total[k] == sum(r[k] for r in page.summary) == sum(r[k] for r in page.lines)
    assert page.total["lines"] == 2 < everyone.total["lines"]
    opd = bsel.reconciliation_page(users["opd"], bill, flagged_only=False)
    assert {r["nik"] for r in opd.lines} == _niks(people, "p_opd")


@pytest.mark.django_db
def test_reconciliation_xlsx_holds_only_the_operators_lines(bill, users, people, client):  # noqa: F811
    import openpyxl

    def niks(user) -> set[str]:
        client.force_login(user)
        response = client.get(reverse("billing:invoice_xlsx", args=[bill.pk]))
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return {str(row[1]) for row in book["Rincian"].iter_rows(min_row=2, values_only=True) if row[1]}

    assert niks(users["kec"]) == _niks(people, "p_a", "p_a2")
    assert niks(users["dinas"]) == _niks(people, "p_a", "p_a2", "p_b", "p_opd") | {UNKNOWN}


@pytest.mark.django_db
def test_recipient_rows_are_scoped(pks, people, users, tmp_path: Path):  # noqa: F811
    path = tmp_path / "bsu.csv"
    path.write_text(
        "NIK;Nama;Program;Nominal;Tgl Salur;Status\n"
        + "".join(f"{people[k].nik};N;BSU 2025;600.000;01-08-2025;Tersalur\n" for k in ("p_a", "p_b", "p_opd"))
        + f"{UNKNOWN};N;BSU 2025;600.000;01-08-2025;Tersalur\n",
        encoding="utf-8",
    )
    res = asv.import_recipients(users["bpjs"], path, lists={"asn": set(), "pkh": set()})
    programme = asel.get_programme(users["kec"], res.programme.pk)
    assert programme is not None  # a regency-wide programme opens for every role ...
    assert {r["nik"] for r in asel.recipient_rows(users["kec"], programme)} == _niks(
        people, "p_a"
    )  # ... its rows do not
    assert {r["nik"] for r in asel.recipient_rows(users["opd"], programme)} == _niks(people, "p_opd")
    assert len(asel.recipient_rows(users["dinas"], programme)) == 4
