"""Review decisions: who/when/why kept, the previous one kept inactive, reused by later screenings."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.screening.conftest import AS_OF
from ucjamsostek.core.screen import ScreeningOptions, screen_file
from ucjamsostek.screening import services
from ucjamsostek.screening.models import DuplicatePair, Nomination, ReviewDecision
from ucjamsostek.screening.selectors import screening_context

pytestmark = pytest.mark.django_db


def screen(path):
    return screen_file(path, screening_context(AS_OF), ScreeningOptions(as_of=AS_OF))


@pytest.fixture
def batch(small_file, users):
    return services.save_batch(
        screen(small_file), source_name="Wakoila", file_path=small_file, actor=users["dinas"], as_of=AS_OF
    )


def rows(batch):
    return {n.row: n for n in Nomination.objects.filter(batch=batch).select_related("batch")}


def test_decisions_are_reused_by_the_next_screening_of_the_same_people(batch, users, small_file):
    r = rows(batch)
    services.decide(users["dinas"], r[6], "accept", "Tanggal lahir di KTP sesuai berkas")
    services.decide(users["dinas"], r[9], "reject", "Data tidak bisa dipastikan")
    pair = DuplicatePair.objects.get(batch=batch)
    services.decide(users["dinas"], pair, "distinct", "Dua orang berbeda, KTP berbeda")
    ctx = screening_context(AS_OF)
    assert ctx.decisions is not None
    assert sorted(ctx.decisions["decision"].to_list()) == ["accept", "distinct", "reject"]
    assert f"{r[6].nik}|1988-03-02" in ctx.decisions["key"].to_list()
    again = screen(small_file).rows
    status = dict(zip(again["row"].to_list(), again["status"].to_list(), strict=True))
    assert status[6] == "eligible"  # accepted before
    assert status[9] == "rejected"  # rejected before
    assert status[8] == "eligible"  # the pair was decided distinct: no DUPLICATE any more
    reasons = dict(zip(again["row"].to_list(), again["reasons"].to_list(), strict=True))
    assert "REVIEW_REJECTED" in reasons[9] and "DUPLICATE" not in reasons[8]


def test_deciding_again_keeps_the_old_decision_for_audit(batch, users):
    r = rows(batch)
    first = services.decide(users["dinas"], r[6], "accept", "KTP dicek")
    second = services.decide(users["admin"], r[6], "reject", "Ternyata KTP palsu")
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert ReviewDecision.objects.filter(key=first.key).count() == 2
    r[6].refresh_from_db()
    assert r[6].reviewed_status == "rejected"
    assert second.decided_by == users["admin"] and second.decided_at and second.batch == batch


def test_permissions_and_mandatory_reason(batch, users):
    r = rows(batch)
    for role in ("budget", "leadership", "auditor", "bpjs"):
        with pytest.raises(PermissionDenied):
            services.decide(users[role], r[6], "accept", "alasan cukup")
    with pytest.raises(PermissionDenied):  # the desa operator of desa A, row 9 lives in desa B
        services.decide(users["area"], r[9], "accept", "alasan cukup")
    with pytest.raises(PermissionDenied):  # an OPD operator, not their OPD's file
        services.decide(users["opd"], r[6], "accept", "alasan cukup")
    with pytest.raises(ValidationError):
        services.decide(users["dinas"], r[6], "accept", "  ")
    with pytest.raises(ValidationError):
        services.decide(users["dinas"], r[6], "merge", "baris bukan pasangan")
    assert not ReviewDecision.objects.exists()
    services.decide(users["kec"], r[6], "accept", "Operator kecamatan memeriksa")  # the kecamatan of desa A
    assert ReviewDecision.objects.count() == 1


def test_batch_is_reviewed_when_nothing_waits(batch, users):
    r = rows(batch)
    services.decide(users["dinas"], r[6], "accept", "KTP dicek")
    services.decide(users["dinas"], r[9], "accept", "KTP dicek")
    batch.refresh_from_db()
    assert batch.status == "screened"
    services.decide(users["dinas"], DuplicatePair.objects.get(batch=batch), "merge", "Orang yang sama")
    batch.refresh_from_db()
    assert batch.status == "reviewed"
