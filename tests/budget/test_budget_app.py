import json
from datetime import date
from io import StringIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from ucjamsostek.budget import selectors, services
from ucjamsostek.budget.models import BudgetScenario, ContributionRate
from ucjamsostek.claims.selectors import claim_history
from ucjamsostek.core.budget import BudgetInputError
from ucjamsostek.core.nik import make_nik

VILLAGES = ("74.13.01.2001", "74.13.01.2002")


def make_people(n: int, *, village_split: int | None = None, names=None, **extra) -> list:
    """``n`` registry people (bulk), born 1980–1999, alternating between two villages."""
    from ucjamsostek.registry.models import Person

    rows = []
    for i in range(n):
        born = date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
        village = VILLAGES[0] if village_split is None or i < village_split else VILLAGES[1]
        rows.append(
            Person(
                nik=make_nik("74.13.01", born, "L", 1 + i // 6720 * 0 + (i % 9999)),
                name=(names[i] if names and i < len(names) else f"Warga {i}"),
                sex="L",
                birth_date=born,
                village_id=village,
                dtks_decile=1 + i % 10,
                **extra,
            )
        )
    return Person.objects.bulk_create(rows, batch_size=2000)


@pytest.fixture
def seeded(regions):
    services.seed_rates()
    return regions


# ------------------------------------------------------------------------------------ rates


def test_seed_rates_is_idempotent(db):
    first = services.seed_rates()
    second = services.seed_rates()
    assert first["created"] >= 7 and first["updated"] == 0
    assert second == {"created": 0, "updated": 0}  # nothing changed, nothing written
    assert ContributionRate.objects.count() == first["created"]
    # a row edited since is put back, and only that one
    ContributionRate.objects.filter(programme="JKM", category="BPU", payer="*").update(amount=7_000, note="x")
    assert services.seed_rates() == {"created": 0, "updated": 1}
    assert ContributionRate.objects.get(programme="JKM", category="BPU", payer="*").amount == 6_800
    ContributionRate.objects.filter(programme="JKM", category="BPU", payer="*").delete()
    assert services.seed_rates() == {"created": 1, "updated": 0}


def test_rate_table_from_database_keeps_the_rules(db):
    services.seed_rates()
    table = selectors.rate_table()
    assert table.monthly_contribution("BPU", "public", date(2026, 1, 1)) == 16_800
    assert table.monthly_contribution("BPU", "other", date(2026, 1, 1)) == 8_400
    assert table.monthly_contribution("BPU", "other", date(2027, 4, 1)) == 16_800
    # the database is the source once seeded: an edited row changes the result
    ContributionRate.objects.filter(programme="JKM", category="BPU", payer="*").update(amount=7_000)
    assert selectors.rate_table().monthly_contribution("BPU", "public", date(2026, 1, 1)) == 17_000


# -------------------------------------------------------------------------------------- pool


def test_eligible_pool_from_registry(seeded):
    people = make_people(5)
    from ucjamsostek.registry.models import Enrollment, Person

    Person.objects.filter(pk=people[0].pk).update(is_deceased=True)
    Person.objects.filter(pk=people[1].pk).update(birth_date=date(1950, 1, 1))  # 76 in 2026
    # covered last year by the APBD: continuing
    Enrollment.objects.create(
        person_id=people[2].pk,
        segment_id="pekerja_rentan",
        funder_id="apbd_kab",
        coverage_start=date(2025, 1, 1),
        coverage_end=date(2026, 1, 1),
        status="ended",
    )
    # covered in 2026 by CSR: not eligible for an APBD scenario
    Enrollment.objects.create(
        person_id=people[3].pk,
        segment_id="pekerja_rentan",
        funder_id="csr",
        coverage_start=date(2026, 1, 1),
        status="active",
    )
    pool = selectors.eligible_pool(2026, funder_code="apbd_kab")
    assert sorted(pool["person_pk"].to_list()) == [people[2].pk, people[4].pk]
    row = pool.filter(pool["person_pk"] == people[2].pk).row(0, named=True)
    assert row["covered_last_year"] is True
    assert row["category"] == "BPU" and row["segment"] == "pekerja_rentan"
    assert len(row["tiebreak"]) == 16


def test_eligible_pool_includes_screened_nominations(seeded):
    from ucjamsostek.screening.models import Nomination, NominationBatch

    people = make_people(1)
    batch = NominationBatch.objects.create(
        source_name="Desa Uji",
        source_key="desa uji",
        file_name="usulan.xlsx",
        sha256="0" * 64,
        as_of=date(2025, 11, 1),
        segment="pekerja_rentan",
    )
    born = date(1990, 5, 5)
    common = {"batch": batch, "birth_date": born, "region_id": VILLAGES[0], "region_code": VILLAGES[0]}
    Nomination.objects.create(row=2, status="eligible", nik=make_nik("74.13.01", born, "L", 77), name="A", **common)
    Nomination.objects.create(
        row=3, status="review", reviewed_status="eligible", nik=make_nik("74.13.01", born, "L", 78), name="B", **common
    )
    Nomination.objects.create(
        row=4,
        status="eligible",
        reviewed_status="rejected",
        nik=make_nik("74.13.01", born, "L", 79),
        name="C",
        **common,
    )
    Nomination.objects.create(row=5, status="rejected", nik=make_nik("74.13.01", born, "L", 80), name="D", **common)
    # the registry person nominated again: counted once, as the registry person
    Nomination.objects.create(row=6, status="eligible", nik=people[0].nik, name="E", **common)
    pool = selectors.eligible_pool(2026)
    assert pool.height == 3
    assert sorted(pool["name"].to_list()) == ["A", "B", "Warga 0"]
    assert pool["person_id"].n_unique() == 3


# ----------------------------------------------------------------------------- acceptance


def test_acceptance_counts_on_a_registry_pool(seeded):
    make_people(10_050)
    out = StringIO()
    call_command("budget", "--year", "2026", "--ceiling", "2016000000", "--json", "--no-xlsx", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["selected"], data["cost"], data["remaining"]) == (10_000, 2_016_000_000, 0)

    out = StringIO()
    call_command("budget", "--year", "2026", "--ceiling", "2015999999", "--json", "--no-xlsx", stdout=out)
    assert json.loads(out.getvalue())["selected"] == 9_999

    out = StringIO()
    call_command(
        "budget",
        "--year",
        "2026",
        "--ceiling",
        "2.016.000.000",
        "--start",
        "2026-07-01",
        "--months",
        "6",
        "--json",
        "--no-xlsx",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["selected"] == 10_050  # min(20.000, pool)
    assert data["remaining"] == 2_016_000_000 - 10_050 * 6 * 16_800


def test_command_prints_and_writes_a_safe_xlsx(seeded, tmp_path):
    make_people(6, names=['=HYPERLINK("http://x")', "+62 811", "-1+1", "@SUM(A1)", "Wa Ode", "La Ode"])
    target = tmp_path / "pilih.xlsx"
    out = StringIO()
    call_command(
        "budget",
        "--year",
        "2026",
        "--ceiling",
        str(4 * 201_600),
        "--out",
        str(target),
        stdout=out,
    )
    text = out.getvalue()
    assert "Terpilih: 4 orang" in text and "Biaya: Rp806.400" in text and "Sisa pagu: Rp0" in text
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Ringkasan", "Terpilih", "Per wilayah", "Tidak terpilih"]
    cells = [c for row in wb["Terpilih"].iter_rows(min_row=2) for c in row] + [
        c for row in wb["Tidak terpilih"].iter_rows(min_row=2) for c in row
    ]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert len(risky) == 4
    assert all(c.data_type == "s" for c in risky)
    reasons = {c.value for c in wb["Tidak terpilih"]["J"][1:]}
    assert reasons == {"di luar pagu"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["--ceiling", "0"], "Pagu harus lebih dari nol"),
        (["--ceiling", "-5"], "Pagu harus lebih dari nol"),
        (["--ceiling", "dua miliar"], "Pagu .*tidak terbaca"),
        (["--ceiling", "2016000,000"], "koma adalah tanda desimal"),
        (["--pu-wage", "abc"], "Upah PU .*tidak terbaca"),
        (["--year", "0"], "Tahun anggaran tidak wajar"),
        (["--months", "13"], "1 sampai 12"),
        (["--months", "0"], "1 sampai 12"),
        (["--start", "2025-12-01"], "di luar tahun anggaran 2026"),
        (["--start", "2026-13-01"], "YYYY-MM-DD"),
        (["--quota-by", "rt"], "desa' atau 'kecamatan"),
    ],
)
def test_command_bad_input_in_indonesian(seeded, args, message):
    make_people(3)
    base = {"--year": "2026", "--ceiling": "2016000000"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = [x for pair in base.items() for x in pair] + ["--no-xlsx"]
    with pytest.raises(CommandError, match=message):
        call_command("budget", *argv, stdout=StringIO())


def test_command_empty_pool(seeded):
    with pytest.raises(CommandError, match="kosong"):
        call_command("budget", "--year", "2026", "--ceiling", "2016000000", "--no-xlsx", stdout=StringIO())


def test_command_quotas_over_ceiling(seeded, tmp_path):
    make_people(20)
    quota_file = tmp_path / "kuota.csv"
    quota_file.write_text(f"kode,kuota\n{VILLAGES[0]},8000\n{VILLAGES[1]},3000\n")
    with pytest.raises(CommandError, match="melebihi pagu Rp2.016.000.000"):
        call_command(
            "budget",
            "--year",
            "2026",
            "--ceiling",
            "2016000000",
            "--quota-by",
            "desa",
            "--quotas",
            str(quota_file),
            "--no-xlsx",
            stdout=StringIO(),
        )


def test_fixed_quotas_from_file(seeded, tmp_path):
    make_people(20, village_split=10)
    quota_file = tmp_path / "kuota.csv"
    quota_file.write_text(f"kode,kuota\n{VILLAGES[0]},3\n{VILLAGES[1]},5\n")
    out = StringIO()
    call_command(
        "budget",
        "--year",
        "2026",
        "--ceiling",
        "2016000000",
        "--quota-by",
        "desa",
        "--quotas",
        str(quota_file),
        "--json",
        "--no-xlsx",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["selected"] == 8
    assert data["left_out"] == {"QUOTA_FULL": 12}


# ------------------------------------------------------------------------------ scenarios


def test_save_and_finalize_freezes_the_list(seeded, users):
    make_people(30)
    params = services.ScenarioParams(year=2026, ceiling=10 * 201_600)
    sel = services.compute(params)
    draft = services.save_scenario(users["budget"], "Draf A", params, sel)
    assert draft.status == "draft" and draft.lines.count() == 10
    assert list(draft.lines.values_list("rank", flat=True)) == list(range(1, 11))
    line = draft.lines.first()
    assert line.cost == 201_600 and set(line.score_parts) >= {"score_decile", "score_age"}

    services.finalize_scenario(users["budget"], draft)
    assert selectors.participant_list(2026).count() == 10

    other = services.save_scenario(users["budget"], "Draf B", params, sel)
    with pytest.raises(BudgetInputError, match="sudah memiliki skenario final"):
        services.finalize_scenario(users["dinas"], other)
    with pytest.raises(BudgetInputError, match="dibekukan"):
        services.delete_scenario(users["admin"], draft)
    services.delete_scenario(users["admin"], other)
    assert BudgetScenario.objects.count() == 1


def test_only_budget_roles_save(seeded, users):
    make_people(3)
    params = services.ScenarioParams(year=2026, ceiling=201_600)
    sel = services.compute(params)
    with pytest.raises(PermissionDenied):
        services.save_scenario(users["leadership"], "x", params, sel)


def test_command_save_final(seeded):
    make_people(12)
    out = StringIO()
    call_command(
        "budget",
        "--year",
        "2026",
        "--ceiling",
        str(5 * 201_600),
        "--save",
        "Final 2026",
        "--final",
        "--json",
        "--no-xlsx",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["status"] == "final"
    assert selectors.final_scenario(2026).selected_count == 5


def test_last_years_participants_after_a_gap(seeded):
    """No PKS in 2025: the 2024 participants are the ones who keep their place in 2026."""
    from ucjamsostek.registry.models import Enrollment

    people = make_people(3)
    assert selectors.last_covered_year(2026) is None
    Enrollment.objects.create(
        person_id=people[0].pk,
        segment_id="pekerja_rentan",
        funder_id="apbd_kab",
        coverage_start=date(2022, 11, 1),
        coverage_end=date(2025, 1, 1),
        status="ended",
    )
    assert selectors.last_covered_year(2026) == 2024
    pool = selectors.eligible_pool(2026)
    flags = dict(zip(pool["person_pk"].to_list(), pool["covered_last_year"].to_list(), strict=True))
    assert flags == {people[0].pk: True, people[1].pk: False, people[2].pk: False}
    sel = services.compute(services.ScenarioParams(year=2026, ceiling=201_600, continuity=True))
    assert sel.selected["person_pk"].to_list() == [people[0].pk]


@pytest.mark.parametrize("kind", ["deaths", "asn", "enrolled"])
def test_the_budget_excludes_people_on_each_reference_list(seeded, kind):
    """Deaths, ASN and enrolled elsewhere: each active list keeps its people out of the pool."""
    from ucjamsostek.screening.models import ReferenceEntry, ReferenceList

    people = make_people(2)
    ref = ReferenceList.objects.create(kind=kind, version=1, file_name=f"{kind}.csv", sha256="0" * 64)
    ReferenceEntry.objects.create(reference_list=ref, nik=people[0].nik)
    assert selectors.eligible_pool(2026)["person_pk"].to_list() == [people[1].pk]


def test_a_submitted_enrollment_counts_as_last_years_participant(seeded):
    """ENROLLED_STATUSES: the Pemda's list sent to BPJS keeps its continuity before BPJS answers."""
    from ucjamsostek.registry.models import Enrollment

    people = make_people(2)
    Enrollment.objects.create(
        person_id=people[0].pk, segment_id="pekerja_rentan", funder_id="apbd_kab",
        coverage_start=date(2025, 7, 1), coverage_end=date(2026, 1, 1), status="submitted",
    )  # fmt: skip
    assert selectors.last_covered_year(2026) == 2025
    pool = selectors.eligible_pool(2026)
    flags = dict(zip(pool["person_pk"].to_list(), pool["covered_last_year"].to_list(), strict=True))
    assert flags == {people[0].pk: True, people[1].pk: False}


def test_claims_exposure_counts_covered_enrollments_only(seeded):
    """COVERED_STATUSES: a registration BPJS has not accepted is no participant-month (the copy in
    the budget once counted it and so understated the claim rate)."""
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.registry.models import Enrollment

    people = make_people(2)
    for p, status in zip(people, ("ended", "submitted"), strict=True):
        Enrollment.objects.create(
            person_id=p.pk, segment_id="pekerja_rentan", funder_id="apbd_kab",
            coverage_start=date(2024, 1, 1), coverage_end=date(2025, 1, 1), status=status,
        )  # fmt: skip
    Claim.objects.create(nik=people[0].nik, type="JKM", incident_date=date(2024, 5, 1), amount=42_000_000)
    assert [e.participant_months for e in claim_history(as_of=date(2026, 1, 1))] == [12]


def test_people_on_active_reference_lists_are_not_eligible(seeded):
    from ucjamsostek.screening.models import ReferenceEntry, ReferenceList

    people = make_people(4)
    for kind, person in (("deaths", people[0]), ("asn", people[1])):
        ref = ReferenceList.objects.create(kind=kind, version=1, file_name=f"{kind}.csv", sha256="0" * 64)
        ReferenceEntry.objects.create(reference_list=ref, nik=person.nik)
    old = ReferenceList.objects.create(kind="enrolled", version=1, file_name="e.csv", sha256="1" * 64, active=False)
    ReferenceEntry.objects.create(reference_list=old, nik=people[2].nik)  # an inactive version: ignored
    pool = selectors.eligible_pool(2026)
    assert sorted(pool["person_pk"].to_list()) == [people[2].pk, people[3].pk]


def test_claim_history_from_claims_and_enrollments(seeded):
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.registry.models import Enrollment

    people = make_people(10)
    for p in people:
        Enrollment.objects.create(
            person_id=p.pk,
            segment_id="pekerja_rentan",
            funder_id="apbd_kab",
            coverage_start=date(2024, 1, 1),
            coverage_end=date(2025, 1, 1),
            status="ended",
        )
    Claim.objects.create(nik=people[0].nik, type="JKM", incident_date=date(2024, 5, 1), amount=42_000_000)
    Claim.objects.create(nik=people[1].nik, type="JKK", incident_date=date(2024, 6, 1), amount=0)  # not paid
    history = claim_history(as_of=date(2026, 1, 1))
    assert [(e.claim_type, e.claims, e.paid, e.participant_months) for e in history] == [("JKM", 1, 42_000_000, 120)]
    from ucjamsostek.core.projection import claims_for_contributions

    outlook = claims_for_contributions(2_016_000_000, 16_800, history)
    assert outlook.participant_months == 120_000
    assert outlook.claims == 1_000 and outlook.amount == 42_000_000_000
