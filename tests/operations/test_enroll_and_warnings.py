"""Enrolling a final scenario's frozen list from the CLI and the agreement page; the warning for an
agreement that has already ended says how long ago, never a negative day count; the assistance
programmes come back with ``init``'s seed after a flush."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.operations.test_operations import pks  # noqa: F401
from ucjamsostek.agreements import selectors as agr_sel
from ucjamsostek.agreements import services as agr
from ucjamsostek.registry.models import Enrollment


def _final_scenario(people, year: int, keys: tuple[str, ...], *, final: bool = True):
    from ucjamsostek.budget.models import BudgetScenario, ScenarioLine

    sc = BudgetScenario.objects.create(
        name=f"Final {year}",
        year=year,
        ceiling=10_000_000,
        start=date(year, 1, 1),
        months=12,
        status="final" if final else "draft",
    )
    for rank, key in enumerate(keys, start=1):
        ScenarioLine.objects.create(
            scenario=sc,
            rank=rank,
            pool_key=f"p{rank}",
            person=people[key],
            segment="pekerja_rentan",
            category="BPU",
            cost=201_600,
            score=1,
        )
    return sc


def _agreement(users, number: str, year: int, quota: int = 0):
    return agr.create_agreement(
        users["admin"],
        {
            "number": number,
            "start": date(year, 1, 1),
            "end": date(year + 1, 1, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "quota": quota,
        },
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_enroll_command_with_scenario_and_agreement_options(pks, people, users):  # noqa: F811
    agreement = _agreement(users, "PKS/2027/010", 2027)
    draft = _final_scenario(people, 2027, ("p_a",), final=False)
    with pytest.raises(CommandError, match="final"):
        _run("agreement", "enroll", "--scenario", str(draft.pk), "--agreement", agreement.number)
    sc = _final_scenario(people, 2028, ("p_a", "p_b", "p_a2"))
    sc.start = date(2027, 3, 1)  # a final list may start later than the agreement
    sc.save()
    said = _run("agreement", "enroll", "--scenario", str(sc.pk), "--agreement", agreement.number)
    assert "3 kepesertaan dibuat di bawah PKS PKS/2027/010" in said
    enr = Enrollment.objects.filter(coverage__agreement=agreement)
    assert set(enr.values_list("coverage_start", "coverage_end", "status", "coverage__from_scenario")) == {
        (date(2027, 3, 1), date(2028, 1, 1), "proposed", sc.pk)
    }
    # again: nothing twice, all already covered
    again = _run("agreement", "enroll", "--scenario", str(sc.pk), "--agreement", agreement.number)
    assert "0 kepesertaan dibuat" in again and "sudah terlindungi 3" in again
    assert enr.count() == 3
    with pytest.raises(CommandError, match="tidak ditemukan"):
        _run("agreement", "enroll", "--scenario", str(sc.pk), "--agreement", "PKS/TIDAK/ADA")


def test_enroll_button_on_the_agreement_page(client, pks, people, users):  # noqa: F811
    agreement = _agreement(users, "PKS/2027/011", 2027, quota=2)
    url = reverse("agreements:action", args=[agreement.pk])
    client.force_login(users["dinas"])
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert 'value="enroll"' in page and 'name="year" inputmode="numeric" value="2027"' in page
    r = client.post(url, {"action": "enroll", "year": "2027"}, follow=True)
    assert "Belum ada skenario anggaran final untuk tahun 2027" in r.content.decode()
    _final_scenario(people, 2027, ("p_a", "p_b", "p_a2"))
    r = client.post(url, {"action": "enroll", "year": "dua ribu"}, follow=True)
    assert "Tahun skenario harus angka" in r.content.decode()
    r = client.post(url, {"action": "enroll", "year": "2027"}, follow=True)
    assert "2 kepesertaan dibuat dari daftar final" in r.content.decode()
    assert "melebihi kuota 1" in r.content.decode()
    assert Enrollment.objects.filter(coverage__agreement=agreement).count() == 2
    # roles that may not manage agreements cannot press it either
    client.force_login(users["leadership"])
    client.post(url, {"action": "enroll", "year": "2027"})
    assert Enrollment.objects.filter(coverage__agreement=agreement).count() == 2


def test_expired_agreement_warning_counts_days_since_it_ended(client, users):
    today = date.today()
    expired = agr.create_agreement(
        users["admin"],
        {
            "number": "PKS/LAMA/001",
            "signed_on": today - timedelta(days=1200),
            "start": today - timedelta(days=1100),
            "end": today - timedelta(days=691),  # exclusive: the last day was 692 days ago
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
        },
    )
    for status in ("signed", "active", "ended"):
        expired = agr.set_status(users["admin"], expired, status)
    (e,) = agr_sel.warnings(users["dinas"], today=today).ending
    assert (e["days_left"], e["ended"], e["days_ago"]) == (-691, True, 692)
    # ends tomorrow (last day today): still "1 day", not ended
    (soon,) = agr_sel.warnings(users["dinas"], today=expired.end - timedelta(days=1)).ending
    assert (soon["days_left"], soon["ended"], soon["days_ago"]) == (1, False, 0)
    (first_day_after,) = agr_sel.warnings(users["dinas"], today=expired.end).ending
    assert (first_day_after["ended"], first_day_after["days_ago"]) == (True, 1)

    client.force_login(users["dinas"])
    page = client.get(reverse("agreements:index")).content.decode()
    last_day = expired.end - timedelta(days=1)
    assert f"PKS PKS/LAMA/001 sudah berakhir {last_day:%d-%m-%Y} (692 hari lalu)" in page
    assert "-691" not in page and "-692" not in page
    said = _run("agreement", "warnings")
    assert f"PKS PKS/LAMA/001 sudah berakhir {last_day:%d-%m-%Y} (692 hari lalu) tanpa PKS lanjutan." in said


@pytest.mark.django_db
def test_seed_programmes_restores_the_shipped_programmes_and_writes_nothing_twice():
    from ucjamsostek.assistance.models import AssistanceProgramme
    from ucjamsostek.assistance.services import seed_programmes

    shipped = AssistanceProgramme.objects.count()  # loaded by the data migration
    assert shipped >= 1 and seed_programmes() == {"created": 0, "updated": 0}
    AssistanceProgramme.objects.filter(code="BSU2025").update(amount_per_month=1)
    assert seed_programmes() == {"created": 0, "updated": 1}
    AssistanceProgramme.objects.all().delete()  # as 'demo --reset' flushes the database
    assert seed_programmes() == {"created": shipped, "updated": 0}
    bsu = AssistanceProgramme.objects.get(code="BSU2025")
    assert (bsu.amount_per_month, bsu.months, bsu.category) == (300_000, 2, "PU")
