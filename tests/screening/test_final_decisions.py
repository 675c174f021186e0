"""Review decisions reach every output (issue 10 §1): after an operator accepts a row and merges a
duplicate pair, the batch counts, the web download hasil-validasi.xlsx ("Keputusan akhir" with
who, when and why), the budget pool, the Monev figures and the API read the one final decision
(``screening.models.final_status``); ``screen --out`` files keep the screening-time decision."""

from __future__ import annotations

import io
import itertools
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.screening.conftest import AS_OF
from ucjamsostek.budget import selectors as budget_selectors
from ucjamsostek.core.report import ROWS_SHEET, SUMMARY_SHEET
from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
from ucjamsostek.monitoring import queries as monev_queries
from ucjamsostek.monitoring import services as monev
from ucjamsostek.screening import queries, services
from ucjamsostek.screening.models import DuplicatePair, Nomination, NominationBatch, final_status, final_status_expr
from ucjamsostek.screening.selectors import screening_context

pytestmark = pytest.mark.django_db


def _screen(path):
    return screen_file(path, screening_context(AS_OF), ScreeningOptions(as_of=AS_OF))


@pytest.fixture
def stored(small_file, users, tmp_path):
    """The small file screened, its outputs written and kept as a stored batch (as the upload does)."""
    result = _screen(small_file)
    written = write_outputs(result, tmp_path / "out", source_name=small_file.name)
    return services.save_batch_with_outputs(
        result,
        written.values(),
        source_name="Desa Wakoila",
        file_path=small_file,
        file_name=small_file.name,
        actor=users["dinas"],
        as_of=AS_OF,
    )


def _rows(batch):
    return {n.row: n for n in Nomination.objects.filter(batch=batch).select_related("batch")}


def _review(users, batch):
    """Accept row 6 (NIK/birth date mismatch) and merge the probable duplicate pair 7 ↔ 8."""
    r = _rows(batch)
    assert (r[6].status, r[7].status, r[8].status) == ("review", "eligible", "review")
    services.decide(users["dinas"], r[6], "accept", "Tanggal lahir di KTP sesuai berkas")
    pair = DuplicatePair.objects.get(batch=batch)
    assert (pair.left.row, pair.right.row) == (7, 8)
    services.decide(users["dinas"], pair, "merge", "Orang yang sama, nama salah ketik")
    return r


def _sheet_rows(path_or_bytes, sheet=ROWS_SHEET):
    wb = openpyxl.load_workbook(io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes)
    ws = wb[sheet]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    return values[0], values[1:]


def _download(client, batch) -> bytes:
    response = client.get(reverse("screening:download", args=[batch.pk, "hasil-validasi.xlsx"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_rule_and_its_sql_form_agree(stored):
    """``final_status`` (a loaded row), ``final_status_expr`` (SQL) and ``final_status_is`` (the
    filter) give the same answer for every pair of screening and review decisions."""
    n = Nomination.objects.filter(batch=stored).first()
    statuses = ("eligible", "review", "rejected")
    for status, reviewed in itertools.product(statuses, ("", *statuses)):
        Nomination.objects.filter(pk=n.pk).update(status=status, reviewed_status=reviewed)
        want = final_status(status, reviewed)
        assert want == (reviewed or status)
        assert Nomination.objects.annotate(final=final_status_expr()).get(pk=n.pk).final == want
        assert list(Nomination.objects.filter(pk=n.pk).final_status_is(want).values_list("pk", flat=True)) == [n.pk]
        others = [s for s in statuses if s != want]
        assert not Nomination.objects.filter(pk=n.pk).final_status_is(*others).exists()


def test_counts_page_api_pool_and_monev_follow_the_decisions(stored, users):
    before = (stored.eligible_count, stored.review_count, stored.rejected_count)
    assert before == (3, 3, 0) and queries.screened_counts(stored) == {"eligible": 3, "review": 3, "rejected": 0}
    eligible_before = {n["nik"] for n in budget_selectors._eligible_nominations()}
    r = _review(users, stored)
    stored.refresh_from_db()
    # row 6 accepted (eligible), row 8 merged into row 7 (rejected); row 9 still waits
    assert (stored.eligible_count, stored.review_count, stored.rejected_count) == (4, 1, 1)
    assert queries.final_counts(stored.pk) == {"eligible": 4, "review": 1, "rejected": 1}
    assert stored.status == "screened"
    # the batch page: final counts in the header, the button names the one row still waiting
    client = Client()
    client.force_login(users["dinas"])
    page = client.get(reverse("screening:batch", args=[stored.pk])).content.decode()
    counts = queries.batch_counts(users["dinas"], stored)
    assert [n for _, _, n in counts["status"]] == [4, 1, 1] and counts["pending"] == 1
    assert [n for _, _, n in counts["screened"]] == [3, 3, 0] and counts["changed"]
    assert "Tinjau 1 baris" in page and 'id="screened-counts"' in page
    listing = client.get(reverse("screening:index")).content.decode()
    assert '<td class="num">4</td>\n<td class="num">1</td><td class="num">1</td>' in listing
    # the API: final counts, and the screening-time counts beside them
    _, key = monev.create_api_token(users["dinas"], "uji")
    api = Client().get(f"/monev/api/screening/batches/{stored.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert (api["eligible"], api["review"], api["rejected"]) == (4, 1, 1)
    assert api["screened"] == {"eligible": 3, "review": 3, "rejected": 0}
    # the budget pool: the accepted row joins it, the merged repeat does not
    eligible_after = {n["nik"] for n in budget_selectors._eligible_nominations()}
    assert eligible_after - eligible_before == {r[6].nik} and r[8].nik not in eligible_after
    # Monev: the nominations figure per final decision
    today = timezone.localdate()
    figure = monev_queries.nominations(today, date(today.year + 1, 1, 1))
    per_status: dict[str, int] = {}
    for (_, status), n in figure.items():
        per_status[status] = per_status.get(status, 0) + n
    assert per_status == {"eligible": 4, "review": 1, "rejected": 1}


def test_web_download_has_the_final_decision_with_who_when_and_why(stored, users, tmp_path):
    r = _review(users, stored)
    client = Client()
    client.force_login(users["dinas"])
    header, body = _sheet_rows(_download(client, stored))
    assert header[:7] == [
        "Baris", "Keputusan", "Keputusan akhir", "Tindakan tinjauan", "Ditinjau oleh", "Waktu tinjauan",
        "Alasan tinjauan",
    ]  # fmt: skip
    by_row = {v[0]: v for v in body}
    assert by_row[6][1:3] == ["Perlu ditinjau", "Layak"]
    assert by_row[6][3] == "terima" and by_row[6][4] == users["dinas"].get_username()
    assert by_row[6][6] == "Tanggal lahir di KTP sesuai berkas"
    decided = timezone.localtime(r[6].decisions.get().decided_at)
    assert by_row[6][5] == decided.strftime("%d-%m-%Y %H:%M")
    assert by_row[8][1:5] == ["Perlu ditinjau", "Ditolak", "gabung (orang yang sama)", users["dinas"].get_username()]
    assert by_row[8][6] == "Orang yang sama, nama salah ketik"
    assert by_row[9][1:4] == ["Perlu ditinjau", "Perlu ditinjau", None]  # not decided yet
    assert by_row[5][1:4] == ["Layak", "Layak", None]
    _, summary = _sheet_rows(_download(client, stored), SUMMARY_SHEET)
    at = summary.index(["Keputusan akhir", "Jumlah"] + [None] * (len(summary[0]) - 2))
    assert [s[:2] for s in summary[at + 1 : at + 5]] == [
        ["Layak", 4], ["Perlu ditinjau", 1], ["Ditolak", 1], ["Diputuskan dalam tinjauan", 2],
    ]  # fmt: skip
    # a later decision makes the next download say so (the kept copy is written again)
    services.decide(users["admin"], r[9], "reject", "Orangnya sudah pindah")
    _, body = _sheet_rows(_download(client, stored))
    row9 = {v[0]: v for v in body}[9]
    assert row9[2:5] == ["Ditolak", "tolak", users["admin"].get_username()]


def test_screen_out_files_keep_the_screening_time_decision(stored, users, small_file, tmp_path):
    """The command's files are the screening's (DESIGN.md §5.3): a decision taken in review does
    not rewrite them; a new screening of the same file applies it as a stored decision."""
    _review(users, stored)
    out = tmp_path / "screen-out"
    call_command("screen", str(small_file), "--out", str(out), "--as-of", AS_OF.isoformat(), stdout=io.StringIO())
    header, body = _sheet_rows(out / "hasil-validasi.xlsx")
    assert "Keputusan akhir" not in header and header[:2] == ["Baris", "Keputusan"]
    decisions = {v[0]: v[1] for v in body}
    assert decisions[6] == "Layak" and decisions[8] == "Ditolak"  # applied at screening time, as decisions
    rows_csv = (out / "rows.csv").read_text(encoding="utf-8").splitlines()
    assert rows_csv[0].split(",")[:2] == ["row", "status"]
    # the kept screening outputs of the stored batch are untouched; only the web download changes
    kept = services.outputs_dir(stored.pk) / "hasil-validasi.xlsx"
    header, body = _sheet_rows(kept)
    assert "Keputusan akhir" not in header and {v[0]: v[1] for v in body}[6] == "Perlu ditinjau"
    assert NominationBatch.objects.get(pk=stored.pk).summary["status"]["review"] == 3
