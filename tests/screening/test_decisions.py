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


ROLES = ("admin", "dinas", "area", "kec", "opd", "budget", "bpjs", "leadership", "auditor")


@pytest.mark.parametrize("who", ROLES)
def test_every_caller_agrees_on_scope_and_review_rights(batch, users, small_file, who):
    """The page queries (``nominations_q``), the row checks and ``decide`` follow the one rule of
    ``accounts.permissions``: area operators their area's rows (an unresolved row follows its
    batch), OPD operators their OPD's lists, read-only roles see all and decide nothing."""
    from ucjamsostek.accounts import permissions as perms
    from ucjamsostek.screening import queries

    opd_batch = services.save_batch(
        screen(small_file), source_name="Disnaker", file_path=small_file, actor=users["opd"], as_of=AS_OF
    )
    Nomination.objects.filter(batch=batch, row=10).update(region=None)  # desa B, now unresolved …
    type(batch).objects.filter(pk=batch.pk).update(region_id="74.13.01.2001")  # … in a batch of desa A
    everything = list(Nomination.objects.select_related("batch").order_by("batch_id", "row"))
    label = {n.pk: ("opd" if n.batch_id == opd_batch.pk else "dinas", n.row) for n in everything}
    area_rows = {("dinas", r) for r in (5, 6, 7, 8, 10)} | {("opd", r) for r in (5, 6, 7, 8)}
    expected_visible = {
        "area": area_rows,
        "kec": area_rows,
        "opd": {("opd", r) for r in range(5, 11)},
    }.get(who, set(label.values()))
    user = users[who]
    listed = {label[pk] for pk in queries.nominations_for(user).values_list("pk", flat=True)}
    assert listed == expected_visible
    assert {label[n.pk] for n in everything if perms.can_view_nomination(user, n)} == expected_visible
    reviewable = {label[n.pk] for n in everything if perms.can_review_nominations(user, [n])}
    assert reviewable == (expected_visible if who in ("admin", "dinas", "area", "kec", "opd") else set())
    # decide() refuses exactly what the rule refuses
    target = next(n for n in everything if label[n.pk] == ("opd", 6))
    if ("opd", 6) in reviewable:
        services.decide(user, target, "accept", "KTP diperiksa operator")
        assert ReviewDecision.objects.get().decided_by == user
    else:
        with pytest.raises(PermissionDenied):
            services.decide(user, target, "accept", "KTP diperiksa operator")
