"""Issue 9 §4: the gap report counts deaths on a gap's boundary days, lists apart the people whose
cover ended and never resumed, and `agreement warnings` names a successor PKS that starts late.

The pks fixture: the 2022 PKS covers p_a, p_a2 and p_b until 31-12-2024; its successor starts
14-07-2025 (194 uncovered days) and covers p_a (and p_opd, non-ASN) again. Every case starts
from real files (a Dukcapil deaths list, a BPJS claims file; csv and xlsx), through the commands.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.claims.files import claim, write_claims
from tests.operations.test_deaths import _deaths_list
from tests.operations.test_operations import pks  # noqa: F401
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements import selectors as agr_sel
from ucjamsostek.agreements import services as agr
from ucjamsostek.agreements.models import Agreement
from ucjamsostek.claims import selectors as csel
from ucjamsostek.registry.models import Enrollment

JKM = 42_000_000


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(params=["csv", "xlsx"])
def deaths_in_the_gap(request, pks, people, tmp_path):  # noqa: F811
    """p_a2 died on 1 January 2025, the first uncovered day; p_b on 5 March 2025, inside the gap
    (their successor-PKS enrollment is removed: nobody is enrolled after death). Dukcapil's list
    says so; BPJS paid both JKM claims (incident = day of death) and a JKK for p_a on 13 July 2025,
    the gap's last day; p_a's JKK on 14 July 2025 was covered again."""
    fmt = request.param
    Enrollment.objects.filter(person=people["p_b"], coverage__agreement=pks["new"]).delete()
    other = "xlsx" if fmt == "csv" else "csv"
    deaths = [(people["p_a2"].nik, "01-01-2025"), (people["p_b"].nik, "05-03-2025")]
    _run("reference", "load", "deaths", str(_deaths_list(tmp_path / f"meninggal.{other}", deaths)))
    rows = [
        claim(people["p_a2"].nik, "JKM", date(2025, 1, 1), date(2025, 2, 10), JKM, "Wa Ode Ani"),
        claim(people["p_b"].nik, "JKM", date(2025, 3, 5), date(2025, 4, 1), JKM, "La Ode Amir"),
        claim(people["p_a"].nik, "JKK", date(2025, 7, 13), date(2025, 8, 1), 3_250_000),
        claim(people["p_a"].nik, "JKK", date(2025, 7, 14), date(2025, 8, 1), 1_500_000),
    ]
    said = _run("claims", "import", str(write_claims(tmp_path, "klaim", rows, fmt)))
    assert "tanpa perlindungan pada tanggal kejadian 3" in said
    return fmt


def test_gap_report_counts_deaths_on_the_gaps_boundary_days(deaths_in_the_gap, people, users):
    report = agr_sel.coverage_gaps(users["dinas"])
    found = [(c["nik"], c["type"], c["incident_date"], c["amount"]) for c in report.claims_in_gap]
    assert found == [
        (people["p_a2"].nik, "JKM", date(2025, 1, 1), JKM),  # died on the first uncovered day
        (people["p_b"].nik, "JKM", date(2025, 3, 5), JKM),  # died inside the gap
        (people["p_a"].nik, "JKK", date(2025, 7, 13), 3_250_000),  # the gap's last day
    ]
    jkm = sum(c["amount"] for c in report.claims_in_gap if c["type"] == "JKM")
    assert jkm == 84_000_000
    # `claims summary` counts the same claims as uncovered, to the rupiah
    stats = csel.analytics(SYSTEM)
    assert stats.uncovered == len(report.claims_in_gap) == 3
    said = _run("claims", "summary")
    assert "3 tanpa perlindungan" in said
    gaps_said = _run("agreement", "gaps")
    assert "Klaim dengan tanggal kejadian di masa tanpa perlindungan: 3" in gaps_said
    assert "senilai Rp87.250.000" in gaps_said
    # the uncovered days stop at death: p_b 63 days, p_a2 none at all, p_a the full 194
    days = {r.person_id: r.days for r in agr_sel.coverage_gaps(users["dinas"], as_of=date(2026, 1, 1)).rows}
    assert days == {people["p_b"].pk: 63, people["p_a"].pk: 194}
    # up to a date before the deaths, no death claim is in the report yet
    early = agr_sel.coverage_gaps(users["dinas"], as_of=date(2025, 1, 1))
    assert early.claims_in_gap == []


def test_cover_ended_and_never_resumed_is_listed_apart(deaths_in_the_gap, people, users, client):
    report = agr_sel.coverage_gaps(users["dinas"], as_of=date(2026, 1, 1))
    ended = {r.person_id: (r.last_day, r.days, r.died) for r in report.ended}
    assert ended == {
        people["p_a2"].pk: (date(2024, 12, 31), 0, date(2025, 1, 1)),
        people["p_b"].pk: (date(2024, 12, 31), 63, date(2025, 3, 5)),
    }
    assert (report.ended_people, report.ended_as_of) == (2, date(2026, 1, 1))
    # without a date, up to today; p_a resumed and p_opd is covered: neither is listed
    today = agr_sel.coverage_gaps(users["dinas"], today=date(2026, 6, 1))
    assert {r.person_id for r in today.ended} == {people["p_a2"].pk, people["p_b"].pk}
    # a living person whose cover ended is listed with the days since
    Enrollment.objects.filter(person=people["p_a"], coverage__agreement__number="PKS/2025/001").update(
        coverage_end=date(2025, 10, 1)
    )
    alive = agr_sel.coverage_gaps(users["dinas"], as_of=date(2026, 1, 1))
    assert {r.person_id: r.days for r in alive.ended}[people["p_a"].pk] == 92
    assert alive.ended_people == 3
    said = _run("agreement", "gaps", "--as-of", "2026-01-01")
    assert "Perlindungan berakhir dan tidak dilanjutkan (sampai 01-01-2026): 3 orang." in said
    # the page and its xlsx list them apart
    client.force_login(users["dinas"])
    page = client.get(reverse("agreements:gaps"), {"as_of": "2026-01-01"}).content.decode()
    assert "Perlindungan berakhir dan tidak dilanjutkan" in page
    assert '<strong id="ended-people">3</strong>' in page
    got = client.get(reverse("agreements:gaps"), {"as_of": "2026-01-01", "unduh": "1"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(got.streaming_content) if got.streaming else got.content))
    sheet = book["Berakhir tak dilanjutkan"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Perlindungan berakhir dan tidak dilanjutkan sampai 01-01-2026"
    header = values.index(["NIK", "Nama", "Desa", "Kecamatan", "Terlindungi sampai", "Hari", "Meninggal"])
    assert len(values) - header - 1 == 3


def test_warning_for_a_successor_that_starts_late(pks, users, client, tmp_path):  # noqa: F811
    said = _run("agreement", "warnings", "--today", "2026-06-01")
    assert (
        "PKS PKS/2022/001 berakhir 31-12-2024, PKS lanjutan PKS/2025/001 baru berlaku 14-07-2025: "
        "194 hari tanpa perlindungan." in said
    )
    # a successor ten days late is a warning too; one that starts the day after is none
    later = agr.renew_agreement(
        users["admin"], pks["new"], {"number": "PKS/2027/001", "start": date(2027, 1, 11), "end": date(2028, 1, 1)}
    )
    later.signed_on = date(2026, 12, 1)
    later.save()
    agr.set_status(users["admin"], later, "signed")
    w = agr_sel.warnings(users["dinas"], today=date(2026, 6, 1))
    assert [(e["number"], e["successor"], e["gap_days"]) for e in w.late_successor] == [
        ("PKS/2022/001", "PKS/2025/001", 194),
        ("PKS/2025/001", "PKS/2027/001", 10),
    ]
    Agreement.objects.filter(pk=later.pk).update(start=date(2027, 1, 1))
    w = agr_sel.warnings(users["dinas"], today=date(2026, 6, 1))
    assert [e["number"] for e in w.late_successor] == ["PKS/2022/001"]
    Agreement.objects.filter(pk=later.pk).update(start=date(2027, 1, 11))
    client.force_login(users["dinas"])
    page = client.get(reverse("agreements:index")).content.decode()
    assert (
        "PKS PKS/2025/001 berakhir 31-12-2026, PKS lanjutan PKS/2027/001 baru berlaku 11-01-2027: "
        "10 hari tanpa perlindungan." in page
    )

