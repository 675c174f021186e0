"""Agreements, registration, billing, claims and assistance through their services and commands."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from ucjamsostek.agreements import selectors as agr_sel
from ucjamsostek.agreements import services as agr
from ucjamsostek.agreements.models import Agreement
from ucjamsostek.assistance import services as asv
from ucjamsostek.billing import selectors as bsel
from ucjamsostek.billing import services as bil
from ucjamsostek.billing.models import Invoice, InvoiceLine
from ucjamsostek.claims import selectors as csel
from ucjamsostek.claims import services as csv_claims
from ucjamsostek.claims.models import Claim
from ucjamsostek.core.rates import monthly_contribution
from ucjamsostek.registry.models import Enrollment
from ucjamsostek.registry.services import seed_master_data

RATE = monthly_contribution("BPU", "public", date(2026, 1, 1))


@pytest.fixture
def pks(people, users):
    seed_master_data()  # a transactional test before this one may have flushed the migrated lists
    admin = users["admin"]
    old = agr.create_agreement(
        admin,
        {
            "number": "PKS/2022/001",
            "signed_on": date(2022, 10, 20),
            "parties": "Pemkab Muna Barat; BPJS TK Raha",
            "start": date(2022, 11, 1),
            "end": date(2024, 11, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "value": 2_000_000_000,
            "quota": 10,
        },
    )
    agr.set_status(admin, old, "signed")
    agr.set_status(admin, old, "active")
    agr.enroll_people(
        admin, old, [(people[k].pk, "pekerja_rentan") for k in ("p_a", "p_a2", "p_b")], status=Enrollment.Status.ACTIVE
    )
    agr.amend(admin, old, {"end": date(2025, 1, 1)}, reason="Perpanjangan sampai 31 Desember 2024")
    agr.amend(admin, old, {"value": "Rp2.100.000.000", "quota": 12}, reason="Tambah kuota", number="ADD/2")
    new = agr.renew_agreement(
        admin,
        old,
        {
            "number": "PKS/2025/001",
            "start": date(2025, 7, 14),
            "end": date(2027, 1, 1),
            "value": 2_016_000_000,
            "wage_base": 2_552_000,
        },
    )
    new.signed_on = date(2025, 7, 10)
    new.save()
    agr.set_status(admin, new, "signed")
    agr.set_status(admin, new, "active")
    agr.enroll_people(
        admin, new, [(people[k].pk, "pekerja_rentan") for k in ("p_a", "p_b")], status=Enrollment.Status.ACTIVE
    )
    agr.enroll_people(admin, new, [(people["p_opd"].pk, "non_asn")], status=Enrollment.Status.ACTIVE)
    return {"old": old, "new": new}


def test_amendment_history_is_kept(pks, people):
    old = Agreement.objects.get(pk=pks["old"].pk)
    history = list(agr_sel.amendments(old).values_list("seq", "changes"))
    assert history == [
        (1, {"end": ["2024-11-01", "2025-01-01"]}),
        (2, {"value": [2_000_000_000, 2_100_000_000], "quota": [10, 12]}),
    ]
    assert (old.value, old.quota, old.end) == (2_100_000_000, 12, date(2025, 1, 1))
    # the coverage periods that ended with the agreement moved with the addendum
    assert set(Enrollment.objects.filter(coverage__agreement=old).values_list("coverage_end", flat=True)) == {
        date(2025, 1, 1)
    }
    assert pks["new"].predecessor_id == old.pk


def test_status_transitions_and_renewal_rules(pks, users):
    with pytest.raises(ValidationError):
        agr.set_status(users["admin"], pks["new"], "draft")
    with pytest.raises(ValidationError, match="sudah diperpanjang"):
        agr.renew_agreement(
            users["admin"], pks["old"], {"number": "X", "start": date(2025, 2, 1), "end": date(2026, 1, 1)}
        )
    with pytest.raises(PermissionDenied):
        agr.create_agreement(users["leadership"], {"number": "Y"})


def test_coverage_gap_report(pks, people, users):
    report = agr_sel.coverage_gaps(users["dinas"])
    rows = {(r.person_id, r.gap_start, r.last_day, r.days, r.open) for r in report.rows}
    assert rows == {
        (people["p_a"].pk, date(2025, 1, 1), date(2025, 7, 13), 194, False),
        (people["p_b"].pk, date(2025, 1, 1), date(2025, 7, 13), 194, False),
    }
    with_open = agr_sel.coverage_gaps(users["dinas"], as_of=date(2026, 1, 1))
    assert {(r.person_id, r.days, r.open) for r in with_open.rows} >= {(people["p_a2"].pk, 365, True)}
    assert sum(v["people"] for v in with_open.by_village) == with_open.people == 3
    # area operator sees only its own desa; leadership sees masked NIKs
    area = agr_sel.coverage_gaps(users["area"])
    assert [r.person_id for r in area.rows] == [people["p_a"].pk]
    lead = agr_sel.coverage_gaps(users["leadership"])
    assert all(people["p_a"].nik != r.nik for r in lead.rows)


def test_warnings(pks, users):
    w = agr_sel.warnings(users["dinas"], today=date(2026, 11, 15))
    assert [e["number"] for e in w.ending] == ["PKS/2025/001"]
    assert w.ending[0]["days_left"] == 47
    assert agr_sel.warnings(users["dinas"], today=date(2026, 6, 1)).ending == []


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_claims_linked_and_flagged_in_gap(pks, people, users, tmp_path):
    a, b = people["p_a"].nik, people["p_b"].nik
    f = _write(
        tmp_path,
        "klaim.csv",
        "NIK;No KPJ;Jenis;Tgl Kejadian;Tgl Pengajuan;Tgl Bayar;Nominal;Status;Nama Ahli Waris\n"
        f"{a};1;JKK;15-03-2024;20-03-2024;30-04-2024;Rp12.500.000;Dibayar;\n"
        f"{b};2;JKM;02-02-2025;10-02-2025;;42.000.000;Proses;Wa Ode\n"
        f"{b};2;Kematian;20-08-2025;25-08-2025;01-10-2025;42.000.000;Dibayar;Wa Ode\n"
        "7413010101909999;;JKK;01-09-2025;;;1.000.000;Proses;\n",
    )
    res = csv_claims.import_claims(users["bpjs"], f)
    assert (res.created, res.uncovered, res.unknown_person) == (4, 2, [5])
    gap_claim = Claim.objects.get(nik=b, incident_date=date(2025, 2, 2))
    assert gap_claim.uncovered and gap_claim.enrollment_id is None
    assert Claim.objects.get(nik=a).enrollment.coverage.agreement_id == pks["old"].pk
    report = agr_sel.coverage_gaps(users["dinas"])
    assert [(c["type"], c["incident_date"]) for c in report.claims_in_gap] == [("JKM", date(2025, 2, 2))]
    stats = csel.analytics(users["dinas"])
    # paid and unflagged: a's JKK; b's second JKM is flagged and apart; two are still in process
    assert (stats.total_claims, stats.total_amount, stats.in_process) == (1, 12_500_000, 1)
    assert (stats.flagged_claims, stats.flagged_amount) == (1, 42_000_000)
    again = csv_claims.import_claims(users["bpjs"], f)
    assert (again.created, again.updated, again.unchanged, Claim.objects.count()) == (0, 0, 4, 4)
    with pytest.raises(PermissionDenied):
        csv_claims.import_claims(users["leadership"], f)


def test_bill_reconciliation_and_outputs(pks, people, users, tmp_path):
    a, a2, b, o = (people[k].nik for k in ("p_a", "p_a2", "p_b", "p_opd"))
    Enrollment.objects.filter(person=people["p_opd"]).update(segment_id="pekerja_rentan")
    f = _write(
        tmp_path,
        "tagihan-2026-01.csv",
        "NIK,No KPJ,Nama,Periode,Program,Iuran\n"
        f"{a},1,A,Januari 2026,JKK+JKM,Rp16.800\n"
        f"{a},1,A,01/2026,JKK+JKM,16.800\n"
        f"{a2},2,B,2026-01,JKK+JKM,16800\n"
        f"{b},3,C,2026-01,JKK+JKM,16000\n"
        "7413010101909999,9,X,2026-01,JKK+JKM,16800\n",
    )
    inv, created = bil.import_bill(users["bpjs"], f)
    assert created
    assert (inv.period, inv.line_count, inv.billed_total) == (date(2026, 1, 1), 5, 16800 * 4 + 16000)
    out = tmp_path / "out"
    call_command("billing", "reconcile", "--period", "2026-01", "--out", str(out))
    with (out / "reconciliation.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "line",
        "nik",
        "class",
        "billed",
        "expected",
        "difference",
        "repeats_period",
        "repeats_number",
        "repeats_line",
    ]
    assert [(r["line"], r["class"]) for r in rows] == [
        ("2", "MATCHED"),
        ("3", "BILLED_TWICE"),
        ("4", "OUTSIDE_COVERAGE"),
        ("5", "AMOUNT_MISMATCH"),
        ("6", "NOT_ON_ROSTER"),
        ("", "NOT_BILLED"),
    ]
    assert rows[-1]["nik"] == o and rows[-1]["expected"] == str(RATE)
    assert (out / "reconciliation.xlsx").stat().st_size > 0
    inv.refresh_from_db()
    assert inv.payable == RATE + RATE  # the matched line and the mismatched line at the rate
    page = bsel.reconciliation_page(users["leadership"], inv, flagged_only=False)
    for k in ("billed", "expected", "difference"):
        assert page.total[k] == sum(r[k] for r in page.lines) == page.line_totals[k]
    assert all(r["nik"] != a for r in page.lines)  # masked for leadership
    # the same file again changes nothing (idempotent by content hash) ...
    assert bil.import_bill(users["bpjs"], f) == (inv, False)  # the same file again: nothing new
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (1, 5)
    # ... another file for the same month needs an explicit replace
    other = _write(tmp_path, "tagihan-2026-01-b.csv", f"NIK,Periode,Iuran\n{a},2026-01,16800\n")
    with pytest.raises(ValidationError, match="sudah ada"):
        bil.import_bill(users["bpjs"], other)
    # a month that no PKS covers cannot be billed
    gap = _write(tmp_path, "tagihan-2030-01.csv", f"NIK,Periode,Iuran\n{a},2030-01,16800\n")
    with pytest.raises(ValidationError, match="tidak ada PKS yang berlaku untuk periode 01/2030"):
        bil.import_bill(users["bpjs"], gap)
    assert Invoice.objects.count() == 1
    with pytest.raises(PermissionDenied):
        bil.import_bill(users["leadership"], f, replace=True)
    bil.record_payment(users["dinas"], inv, sp2d_number="SP2D/0001", paid_on=date(2026, 2, 10), amount=RATE)
    arrears = bsel.arrears_rows(users["dinas"], today=date(2026, 4, 20))
    assert [(r["outstanding"], r["status"]) for r in arrears] == [(RATE, "warning")]


def test_registration_round_trip(pks, people, users, tmp_path):
    admin = users["admin"]
    new = agr.create_agreement(
        admin,
        {
            "number": "PKS/2027/001",
            "start": date(2027, 1, 1),
            "end": date(2028, 1, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
        },
    )
    res = agr.enroll_people(admin, new, [(people[k].pk, "pekerja_rentan") for k in ("p_a", "p_a2", "p_b")])
    assert res.created == 3
    sheet = tmp_path / "daftar.xlsx"
    assert agr.export_registration(admin, new, sheet) == 3
    assert Enrollment.objects.filter(coverage__agreement=new, status="proposed").count() == 3  # a download only
    assert agr.submit_registration(admin, new) == 3
    assert Enrollment.objects.filter(coverage__agreement=new, status="submitted").count() == 3
    answer = _write(
        tmp_path,
        "jawaban.csv",
        "NIK;No KPJ;Status;Keterangan\n"
        f"{people['p_a'].nik};27010000001;Diterima;\n"
        f"{people['p_a2'].nik};;Ditolak;NIK tidak sesuai Dukcapil\n"
        "7413010101909999;27010000009;Diterima;\n",
    )
    result = agr.import_registration(users["bpjs"], answer)
    assert (result.accepted, result.rejected, [r for r, _ in result.unmatched]) == (1, 1, [4])
    e = Enrollment.objects.get(coverage__agreement=new, person=people["p_a"])
    assert (e.status, e.kpj_number) == ("active", "27010000001")
    assert Enrollment.objects.get(coverage__agreement=new, person=people["p_a2"]).reason == "NIK tidak sesuai Dukcapil"


def test_pdf_checks(pks, users):
    old = pks["old"]
    doc = agr.attach_document(users["admin"], old, "pks.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
    assert doc.size == 15
    with pytest.raises(ValidationError, match="PDF"):
        agr.attach_document(users["admin"], old, "pks.exe", io.BytesIO(b"%PDF-1.4"))
    with pytest.raises(ValidationError, match="bukan PDF"):
        agr.attach_document(users["admin"], old, "pks.pdf", io.BytesIO(b"MZ\x90\x00"))
    with pytest.raises(ValidationError, match="terlalu besar"):
        agr.attach_document(users["admin"], old, "pks.pdf", io.BytesIO(b"%PDF-" + b"0" * agr.MAX_PDF_BYTES))


def test_bsu_recipients(pks, people, users, tmp_path):
    Enrollment.objects.filter(person=people["p_opd"]).update(coverage_start=date(2025, 1, 1))
    from ucjamsostek.agreements.models import Agreement as A

    A.objects.filter(pk=pks["new"].pk).update(wage_base=2_552_000)
    f = _write(
        tmp_path,
        "bsu.csv",
        "NIK;Nama;Program;Nominal;Tgl Salur;Status\n"
        f"{people['p_opd'].nik};S;BSU 2025;Rp600.000;01-07-2025;Tersalur\n"
        f"{people['p_a'].nik};A;BSU 2025;600.000;01-07-2025;Tersalur\n"
        f"{people['p_b'].nik};B;BSU 2025;600.000;;Belum\n",
    )
    res = asv.import_recipients(users["bpjs"], f, lists={"asn": {people["p_b"].nik}, "pkh": set()})
    assert (res.lines, res.eligible, res.disbursed_total) == (3, 1, 1_200_000)
    assert res.reasons == {"NOT_ACTIVE": 2, "ASN": 1}


def test_enroll_frozen_list_of_final_scenario(pks, people, users):
    from ucjamsostek.budget.models import BudgetScenario, ScenarioLine

    admin = users["admin"]
    agreement = agr.create_agreement(
        admin,
        {
            "number": "PKS/2027/002",
            "start": date(2027, 1, 1),
            "end": date(2028, 1, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "quota": 2,
        },
    )
    sc = BudgetScenario.objects.create(
        name="Final 2027", year=2027, ceiling=10_000_000, start=date(2027, 2, 1), months=11, status="draft"
    )
    for rank, key in enumerate(("p_a", "p_b", "p_a2"), start=1):
        ScenarioLine.objects.create(
            scenario=sc,
            rank=rank,
            pool_key=f"p{rank}",
            person=people[key],
            segment="pekerja_rentan",
            category="BPU",
            cost=184_800,
            score=1,
        )
    with pytest.raises(ValidationError, match="final"):
        agr.enroll_scenario(admin, agreement, scenario_id=sc.pk)
    BudgetScenario.objects.filter(pk=sc.pk).update(status="final")
    res = agr.enroll_scenario(admin, agreement, year=2027)
    assert (res.created, res.over_quota) == (2, 1)
    enr = Enrollment.objects.filter(coverage__agreement=agreement)
    assert set(enr.values_list("coverage_start", "coverage_end", "status")) == {
        (date(2027, 2, 1), date(2028, 1, 1), "proposed")
    }
    assert set(enr.values_list("coverage__from_scenario", flat=True)) == {sc.pk}
