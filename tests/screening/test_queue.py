"""One review work queue across files (issue 10 §2): filters, risk order, "Simpan & berikutnya",
bulk decisions confirmed with their count, each decision attributable; pair pages show the
model's probability (never a false 100 %) and its evidence."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.screening.queue_files import two_files
from ucjamsostek.screening.models import DuplicatePair, Nomination, NominationBatch, ReviewDecision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline(inline_jobs):
    """Uploads run their job at once."""


@pytest.fixture
def files(client, users, villages, tmp_path):
    two_files(client, users["dinas"], villages, tmp_path)
    return {b.source_name: b for b in NominationBatch.objects.all()}


def _keys(page):
    return [r["item"].key for r in page.context["items"]]


def _codes(page):
    return [tuple(r["item"].codes) for r in page.context["items"]]


def test_one_queue_across_files_in_risk_order(client, users, files):
    client.force_login(users["dinas"])
    page = client.get(reverse("screening:review"))
    assert page.status_code == 200
    work = page.context["work"]
    assert work.total == 5 == len(page.context["items"])  # 3 rows + 1 pair of Wakoila, 2 rows of Lailangga
    assert _codes(page) == [
        ("DUPLICATE",),
        ("NIK_BIRTHDATE_MISMATCH",),  # the older file first
        ("NIK_BIRTHDATE_MISMATCH",),
        ("NIK_SEX_MISMATCH",),
        ("REGION_UNKNOWN",),
    ]
    first = page.context["items"][1]["item"]
    assert first.batch.source_name == "Desa Wakoila"
    assert "5</strong> menunggu keputusan di 2 berkas" in page.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"alasan": "NIK_BIRTHDATE_MISMATCH"}, 2),
        ({"alasan": "DUPLICATE"}, 1),
        ({"pengirim": "Desa Lailangga"}, 2),
        ({"kecamatan": "__B__"}, 1),  # desa B's kecamatan: the sex mismatch only
        ({"desa": "__A__", "alasan": "NIK_BIRTHDATE_MISMATCH"}, 2),
    ],
)
def test_filters(client, users, files, villages, query, expected):
    query = {
        k: v.replace("__B__", villages["b"].parent_id).replace("__A__", villages["a"].code) for k, v in query.items()
    }
    client.force_login(users["dinas"])
    page = client.get(reverse("screening:review"), query)
    assert len(page.context["items"]) == expected
    assert page.context["work"].total == 5


def test_filter_by_file(client, users, files):
    client.force_login(users["dinas"])
    batch = files["Desa Lailangga"]
    page = client.get(reverse("screening:review"), {"berkas": batch.pk})
    assert {r["item"].batch.pk for r in page.context["items"]} == {batch.pk}
    assert "Sesuai saringan: <strong>2</strong>" in page.content.decode()


def test_the_area_operator_sees_only_their_desa(client, users, files):
    client.force_login(users["area"])
    page = client.get(reverse("screening:review"))
    assert "NIK_SEX_MISMATCH" not in {c for codes in _codes(page) for c in codes}  # desa B's row
    # desa A's birth-date rows and pair; the unknown desa follows its regency-wide file: not theirs
    assert page.context["work"].total == 3


def test_save_and_next_opens_the_next_item_of_the_same_filters(client, users, files):
    client.force_login(users["dinas"])
    page = client.get(reverse("screening:review"), {"alasan": "NIK_BIRTHDATE_MISMATCH"})
    first, second = page.context["items"]
    opened = client.get(first["url"])
    assert opened.context["queue_position"] == 1 and opened.context["queue_count"] == 2
    assert 'data-shortcut="ctrl+enter"' in opened.content.decode()
    saved = client.post(first["url"], {"decision": "accept", "reason": "KTP dicek", "next": "1"})
    assert saved.status_code == 302 and saved["Location"] == second["url"]
    done = client.post(second["url"], {"decision": "reject", "reason": "NIK orang lain", "next": "1"})
    assert done["Location"] == reverse("screening:review") + "?alasan=NIK_BIRTHDATE_MISMATCH"
    decided = ReviewDecision.objects.order_by("id")
    assert [(d.decision, d.decided_by.username, d.reason) for d in decided] == [
        ("accept", "u_dinas", "KTP dicek"),
        ("reject", "u_dinas", "NIK orang lain"),
    ]
    assert client.get(reverse("screening:review")).context["work"].total == 3


def test_bulk_decision_is_confirmed_with_its_count_and_each_row_attributed(client, users, files):
    client.force_login(users["dinas"])
    query = {"alasan": "NIK_BIRTHDATE_MISMATCH"}
    page = client.get(reverse("screening:review"), query)
    assert page.context["bulk_rows"] == 2
    post = {**query, "decision": "accept", "reason": "Dicek dengan KTP di kantor desa"}
    confirm = client.post(reverse("screening:review_bulk"), post)
    assert confirm.status_code == 200 and not ReviewDecision.objects.exists()  # nothing before the confirmation
    text = re.sub(r"<[^>]+>", "", confirm.content.decode())
    assert "Terima (layak): 2 baris dengan alasan tinjauan “Tanggal lahir beda dengan NIK”" in text
    stale = client.post(reverse("screening:review_bulk"), {**post, "confirm": "1", "expected": "3"})
    assert stale.status_code == 302 and not ReviewDecision.objects.exists()  # the count changed: refused
    client.post(reverse("screening:review_bulk"), {**post, "confirm": "1", "expected": "2"})
    made = list(ReviewDecision.objects.all())
    assert len(made) == 2 and {(d.decided_by.username, d.decision, d.kind) for d in made} == {
        ("u_dinas", "accept", "row")
    }
    assert {d.nomination.batch.source_name for d in made} == {"Desa Wakoila", "Desa Lailangga"}
    assert set(Nomination.objects.filter(reviewed_status="eligible").values_list("pk", flat=True)) == {
        d.nomination_id for d in made
    }


def test_read_only_roles_get_no_bulk_form_and_cannot_post_one(client, users, files):
    client.force_login(users["auditor"])
    page = client.get(reverse("screening:review"), {"alasan": "NIK_BIRTHDATE_MISMATCH"})
    assert page.context["bulk_rows"] == 0
    post = {"alasan": "NIK_BIRTHDATE_MISMATCH", "decision": "accept", "reason": "coba", "confirm": "1", "expected": "2"}
    assert client.post(reverse("screening:review_bulk"), post).status_code == 403
    assert not ReviewDecision.objects.exists()


def test_pair_page_shows_the_models_probability_and_evidence(client, users, files):
    client.force_login(users["dinas"])
    pair = DuplicatePair.objects.get()
    assert 0.9 < pair.probability < 1
    page = client.get(reverse("screening:review_pair", args=[pair.pk]))
    ev = page.context["evidence"]
    html = page.content.decode()
    assert "100%" not in html
    shown = float(ev.probability.rstrip("%").replace(",", "."))
    assert shown <= pair.probability * 100 < shown + 1  # truncated, not rounded up
    by_field = {str(r.label): r for r in ev.rows}
    assert by_field["Tanggal lahir"].agrees and by_field["NIK"].agrees is False
    assert by_field["NIK"].factor.startswith("×0,")  # a different NIK weakens the match
    assert [(p, str(part)) for p, part in ev.nik_positions] == [(16, "nomor urut")]
    assert "digit ke-16" in html and "<mark>" in html
    # the counts-only role sees which digit differs, not the digits
    client.force_login(users["leadership"])
    masked = client.get(reverse("screening:review_pair", args=[pair.pk]))
    if masked.status_code == 200:
        assert masked.context["evidence"].nik_digits == [] and "<mark>" not in masked.content.decode()


def test_a_replaced_file_waits_for_nothing(client, users, files):
    files["Desa Wakoila"].status = NominationBatch.BatchStatus.ARCHIVED
    files["Desa Wakoila"].save(update_fields=["status"])
    client.force_login(users["dinas"])
    page = client.get(reverse("screening:review"))
    assert page.context["work"].total == 2 and {r["item"].batch.source_name for r in page.context["items"]} == {
        "Desa Lailangga"
    }
    assert "2</strong> menunggu keputusan di 1 berkas" in page.content.decode()


def test_the_start_pages_count_is_the_queues_total_for_every_role(client, users, files):
    """``waiting_total`` (the start page's task count, read cheaply) counts what ``work_queue``
    lists, for every role and after a row and a pair are decided."""
    from ucjamsostek.screening import queue

    def totals() -> dict[str, tuple[int, int]]:
        return {name: (queue.work_queue(u).total, queue.waiting_total(u)) for name, u in users.items()}

    assert all(a == b for a, b in totals().values()) and totals()["dinas"] == (5, 5)
    client.force_login(users["dinas"])
    row = client.get(reverse("screening:review"), {"alasan": "NIK_BIRTHDATE_MISMATCH"}).context["items"][0]
    client.post(row["url"], {"decision": "accept", "reason": "KTP dicek"})
    pair = client.get(reverse("screening:review"), {"alasan": "DUPLICATE"}).context["items"][0]
    client.post(pair["url"], {"decision": "distinct", "reason": "Orang berbeda"})
    after = totals()
    assert all(a == b for a, b in after.values()) and after["dinas"] == (3, 3)
