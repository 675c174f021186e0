"""Pages: upload with progress to the stored batch, downloads recorded, review scoped to the area,
column mapping kept per sender."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.core.nomination_files import write_xlsx
from tests.screening.conftest import AS_OF, rows_for
from ucjamsostek.jobs.models import Job
from ucjamsostek.screening.models import ColumnMapping, Nomination, NominationBatch, ReviewDecision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline(inline_jobs):
    """Uploads run their job at once."""


def upload(client, path, **extra):
    data = {"source_kind": "desa", "source_name": "Desa Wakoila", "segment": "", "as_of": AS_OF.isoformat()}
    data.update(extra)
    with path.open("rb") as fh:
        return client.post(reverse("screening:upload"), {**data, "file": fh})


def test_upload_page_to_stored_batch(client, users, small_file):
    client.force_login(users["dinas"])
    assert client.get(reverse("screening:upload")).status_code == 200
    response = upload(client, small_file)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("screening:upload_status", args=[job.pk])
    assert job.status == "done" and job.progress == 1.0
    batch = NominationBatch.objects.get()
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("screening:batch", args=[batch.pk])
    html = page.content.decode()
    assert "usulan-kecil.xlsx" in html and "NIK_BIRTHDATE_MISMATCH" in html
    assert page.context["counts"]["total"] == 6
    # filter by status and reason
    only_review = client.get(reverse("screening:batch", args=[batch.pk]), {"status": "review"})
    assert {r["n"].row for r in only_review.context["table"]} == {6, 8, 9}
    by_reason = client.get(reverse("screening:batch", args=[batch.pk]), {"reason": "DUPLICATE"})
    assert [r["n"].row for r in by_reason.context["table"]] == [8]
    # job status endpoint
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["result"]["batch_id"] == batch.pk


def test_downloads_are_recorded_and_limited(client, users, small_file):
    from ucjamsostek.registry.models import ChangeLog

    client.force_login(users["dinas"])
    upload(client, small_file)
    batch = NominationBatch.objects.get()
    for name in ("rows.csv", "summary.json", "hasil-validasi.xlsx"):
        response = client.get(reverse("screening:download", args=[batch.pk, name]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body
    assert b"row,status,reasons,cluster,region_code" in b"".join(
        client.get(reverse("screening:download", args=[batch.pk, "rows.csv"])).streaming_content
    )
    assert ChangeLog.objects.filter(action="export").count() == 4
    assert client.get(reverse("screening:download", args=[batch.pk, "secret.txt"])).status_code == 404
    client.force_login(users["leadership"])  # reads, masked; may not export personal data
    page = client.get(reverse("screening:batch", args=[batch.pk]))
    assert page.status_code == 200 and "7413011705900011" not in page.content.decode()
    assert "741301********11" in page.content.decode()
    assert client.get(reverse("screening:download", args=[batch.pk, "rows.csv"])).status_code == 403


def test_bad_file_gives_one_message_and_no_batch(client, users, tmp_path):
    client.force_login(users["dinas"])
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    response = upload(client, bad, source_name="Desa Rusak")
    assert response.status_code == 422  # a damaged workbook is refused before a job is queued
    assert "berkas rusak.xlsx: Berkas Excel rusak" in response.content.decode()
    assert not NominationBatch.objects.exists() and not Job.objects.exists()


def test_unknown_headers_are_mapped_once_per_sender(client, users, tmp_path, villages):
    client.force_login(users["dinas"])
    header = ["No", "Nomor KTP Peserta", "Nama Lengkap", "L/P", "Tempat Lahir", "Tanggal Lahir", "Desa/Kelurahan",
              "Kecamatan"]  # fmt: skip
    path = write_xlsx(tmp_path / "usulan-opd.xlsx", rows_for(villages), header=header)
    response = upload(client, path, source_kind="opd", source_name="Dinas Pertanian")
    failed = Job.objects.get()
    assert failed.status == "failed" and "NIK" in failed.message
    page = client.get(response["Location"])
    mapping_url = reverse("screening:mapping", args=[failed.pk])
    assert mapping_url in page.content.decode()
    form = client.get(mapping_url)
    fields = {f.label: name for name, f in form.context["form"].fields.items()}
    assert form.context["form"].initial.get(fields["Nama Lengkap"]) in (None, "name") or True
    post = {name: form.context["form"].fields[name].initial for name in fields.values()}
    post[fields["Nomor KTP Peserta"]] = "nik"
    response = client.post(mapping_url, post)
    rerun = Job.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == reverse("screening:upload_status", args=[rerun.pk])
    assert rerun.status == "done", rerun.message
    assert list(ColumnMapping.objects.values_list("source_key", "header", "field")) == [
        ("opd:dinas-pertanian", "Nomor KTP Peserta", "nik")
    ]
    # the next file from the same sender (another file: the same one again would be recognised) needs no mapping
    later = write_xlsx(tmp_path / "usulan-opd-2.xlsx", rows_for(villages)[:5], header=header)
    upload(client, later, source_kind="opd", source_name="Dinas Pertanian")
    assert Job.objects.order_by("-id").first().status == "done"
    assert NominationBatch.objects.count() == 2


@pytest.fixture
def stored(client, users, small_file):
    client.force_login(users["dinas"])
    upload(client, small_file)
    client.logout()
    batch = NominationBatch.objects.get()
    rows = {n.row: n for n in Nomination.objects.filter(batch=batch)}
    return batch, rows


def test_review_is_scoped_to_the_operators_desa(client, users, stored):
    batch, rows = stored
    own, other = rows[6], rows[9]  # desa A (the operator's) and desa B
    client.force_login(users["area"])
    queue = client.get(reverse("screening:batch_review", args=[batch.pk]))
    assert queue.status_code == 200
    assert {r["n"].row for r in queue.context["rows"]} == {6}
    assert [(p["p"].left.row, p["p"].right.row) for p in queue.context["pairs"]] == [(7, 8)]
    assert client.get(reverse("screening:review_row", args=[own.pk])).status_code == 200
    # another desa's row: not by the list, not by direct URL, not by POST
    assert client.get(reverse("screening:review_row", args=[other.pk])).status_code == 404
    post = {"decision": "accept", "reason": "KTP sudah dicek"}
    assert client.post(reverse("screening:review_row", args=[other.pk]), post).status_code == 404
    assert not ReviewDecision.objects.exists()
    batch_page = client.get(reverse("screening:batch", args=[batch.pk]))
    assert {r["n"].row for r in batch_page.context["table"]} == {5, 6, 7, 8}
    # own row: decided with who/when/why
    response = client.post(reverse("screening:review_row", args=[own.pk]), post)
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert (decision.decided_by, decision.reason, decision.decision, decision.kind) == (
        users["area"],
        "KTP sudah dicek",
        "accept",
        "row",
    )
    own.refresh_from_db()
    assert own.reviewed_status == "eligible"
    assert client.get(reverse("screening:review")).status_code == 200


def test_reason_is_mandatory_and_read_only_roles_cannot_decide(client, users, stored):
    batch, rows = stored
    client.force_login(users["dinas"])
    page = client.post(reverse("screening:review_row", args=[rows[9].pk]), {"decision": "accept", "reason": ""})
    assert page.status_code == 200 and page.context["form"].errors
    client.force_login(users["auditor"])
    page = client.get(reverse("screening:review_row", args=[rows[9].pk]))
    assert page.status_code == 200 and not page.context["can_decide"]
    post = {"decision": "reject", "reason": "coba"}
    assert client.post(reverse("screening:review_row", args=[rows[9].pk]), post).status_code == 403
    assert not ReviewDecision.objects.exists()


def test_pair_page_compares_side_by_side_and_merges(client, users, stored):
    batch, rows = stored
    client.force_login(users["dinas"])
    queue = client.get(reverse("screening:batch_review", args=[batch.pk]))
    pair = queue.context["pairs"][0]["p"]
    page = client.get(reverse("screening:review_pair", args=[pair.pk]))
    compared = {c.label: c for c in page.context["comparison"]}
    assert compared["Nama"].differs and not compared["Tanggal lahir"].differs
    assert 'class="differs"' in page.content.decode()
    client.post(reverse("screening:review_pair", args=[pair.pk]), {"decision": "merge", "reason": "KTP sama"})
    decision = ReviewDecision.objects.get()
    assert decision.kind == "pair" and decision.key.count("||") == 1
    rows[8].refresh_from_db()
    assert rows[8].reviewed_status == "rejected"
    assert client.get(reverse("screening:batch_review", args=[batch.pk])).context["pairs"] == []


def test_other_users_job_is_hidden(client, users, small_file):
    client.force_login(users["dinas"])
    upload(client, small_file)
    job = Job.objects.get()
    client.force_login(users["area"])
    assert client.get(reverse("jobs:status", args=[job.pk])).status_code == 404
    assert client.get(reverse("screening:upload_status", args=[job.pk])).status_code == 404


def test_admin_lists_open(client, users, stored):
    client.force_login(users["admin"])
    for name in ("nominationbatch", "referencelist", "reviewdecision", "columnmapping"):
        assert client.get(reverse(f"admin:screening_{name}_changelist")).status_code == 200


def test_pages_are_indonesian_with_an_english_translation(client, users):
    client.force_login(users["dinas"])
    assert "Unggah berkas usulan" in client.get(reverse("screening:upload")).content.decode()
    from django.utils import translation

    with translation.override("en"):
        url = reverse("screening:upload")
    assert url.startswith("/en/")
    assert "Upload a nomination file" in client.get(url).content.decode()


def test_reference_page_loads_a_version_and_refuses_bad_files(client, users, tmp_path):
    from ucjamsostek.screening.models import ReferenceList

    good = tmp_path / "asn.csv"
    good.write_text("nik,nama,tanggal_lahir\n7413011204967390,La Salim,1996-04-12\n", encoding="utf-8")
    bad = tmp_path / "asn-rusak.csv"
    bad.write_text("nik,nama\n12345,X\n", encoding="utf-8")
    url = reverse("screening:references")
    client.force_login(users["area"])
    assert client.get(url).status_code == 200
    with good.open("rb") as fh:
        assert client.post(url, {"kind": "asn", "file": fh}).status_code == 403
    client.force_login(users["dinas"])
    with bad.open("rb") as fh:
        page = client.post(url, {"kind": "asn", "file": fh})
    assert page.status_code == 422 and "baris 2" in page.content.decode()
    assert not ReferenceList.objects.exists()
    with good.open("rb") as fh:
        assert client.post(url, {"kind": "asn", "file": fh}).status_code == 302
    ref = ReferenceList.objects.get()
    assert (ref.version, ref.file_name, ref.loaded_by) == (1, "asn.csv", users["dinas"])
    assert "asn.csv" in client.get(url).content.decode()


def test_a_later_file_shows_the_earlier_decision(client, users, stored, tmp_path, villages):
    batch, rows = stored
    client.force_login(users["dinas"])
    client.post(
        reverse("screening:review_row", args=[rows[9].pk]), {"decision": "reject", "reason": "NIK milik orang lain"}
    )
    upload(client, write_xlsx(tmp_path / "usulan-berikutnya.xlsx", rows_for(villages)[:5]))  # the same rows 5–9
    later = NominationBatch.objects.exclude(pk=batch.pk).get()
    again = Nomination.objects.get(batch=later, row=9)
    assert again.status == "rejected" and "REVIEW_REJECTED" in again.reasons
    page = client.get(reverse("screening:review_row", args=[again.pk]))
    assert [d.reason for d in page.context["history"]] == ["NIK milik orang lain"]
    assert "NIK milik orang lain" in page.content.decode()
    queue = client.get(reverse("screening:batch_review", args=[later.pk]))
    assert 9 not in {r["n"].row for r in queue.context["rows"]}


def test_batch_list_links_back_to_a_running_upload(client, users):
    job = Job.objects.create(kind="screening.upload", created_by=users["dinas"], status="running", progress=0.4)
    client.force_login(users["dinas"])
    html = client.get(reverse("screening:index")).content.decode()
    assert reverse("screening:upload_status", args=[job.pk]) in html and "40%" in html
    client.force_login(users["area"])  # another user's job is not shown
    assert (
        reverse("screening:upload_status", args=[job.pk]) not in client.get(reverse("screening:index")).content.decode()
    )


# ------------------------------------------------------------------ ucjamsostek screen --save
def screen_save(path, out, *extra):
    from django.core.management import call_command

    call_command("screen", str(path), "--out", str(out), "--as-of", AS_OF.isoformat(), "--save", "--no-progress",
                 *extra)  # fmt: skip
    return NominationBatch.objects.order_by("-pk").first()


def test_screen_save_offers_the_downloads_on_the_batch_page(client, users, small_file, tmp_path):
    from ucjamsostek.registry.models import ChangeLog

    out = tmp_path / "hasil"
    batch = screen_save(small_file, out)
    assert batch is not None and batch.row_count == 6
    client.force_login(users["dinas"])
    page = client.get(reverse("screening:batch", args=[batch.pk]))
    assert page.context["can_export"]
    assert page.context["outputs"] == ["rows.csv", "summary.json", "hasil-validasi.xlsx"]
    html = page.content.decode()
    for name in page.context["outputs"]:
        url = reverse("screening:download", args=[batch.pk, name])
        assert f'href="{url}"' in html
        response = client.get(url)
        assert response.status_code == 200
        got = b"".join(response.streaming_content)
        if name != "hasil-validasi.xlsx":
            assert got == (out / name).read_bytes()  # the same files as in --out
            continue
        # the report: the --out one plus the final decision after review (issue 10 §1), here
        # nothing reviewed yet, so the final decision is the screening's and no one is named
        web, cli = _report_rows(io.BytesIO(got)), _report_rows(out / name)
        at = web[0].index("Keputusan akhir")
        assert [r[:at] + r[at + 5 :] for r in web] == cli
        assert [r[at] for r in web[1:]] == [r[1] for r in cli[1:]] and {r[at + 2] for r in web[1:]} == {None}
    assert ChangeLog.objects.filter(action="export").count() == 3


def _report_rows(source):
    import openpyxl

    from ucjamsostek.core.report import ROWS_SHEET

    return [[c.value for c in row] for row in openpyxl.load_workbook(source)[ROWS_SHEET].iter_rows()]


def test_screen_save_keeps_only_what_this_run_wrote(client, users, small_file, tmp_path):
    from ucjamsostek.screening import services

    out = tmp_path / "hasil"
    first = screen_save(small_file, out)  # leaves a report in --out
    second = screen_save(small_file, out, "--report", "no")
    assert (out / "hasil-validasi.xlsx").exists()  # the first run's report stays in --out …
    assert services.available_outputs(second) == ["rows.csv", "summary.json"]  # … but is not this batch's
    assert services.available_outputs(first) == ["rows.csv", "summary.json", "hasil-validasi.xlsx"]
    client.force_login(users["dinas"])
    html = client.get(reverse("screening:batch", args=[second.pk])).content.decode()
    assert reverse("screening:download", args=[second.pk, "rows.csv"]) in html
    assert reverse("screening:download", args=[second.pk, "hasil-validasi.xlsx"]) not in html


def test_screen_save_stores_nothing_when_the_downloads_cannot_be_kept(small_file, tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    from ucjamsostek.screening import services

    def broken(batch_id, files, *, move=False):
        services.outputs_dir(batch_id).mkdir(parents=True)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "keep_outputs", broken)
    with pytest.raises(CommandError) as err:
        screen_save(small_file, tmp_path / "hasil")
    assert err.value.returncode == 2 and "No space left" in str(err.value)
    assert not NominationBatch.objects.exists() and not Nomination.objects.exists()
    assert not any(p.name.isdigit() for p in services.outputs_dir(1).parent.iterdir())


def test_mapping_page_of_an_unreadable_file_says_why(users, tmp_path):
    from django.core.exceptions import ValidationError

    from ucjamsostek.screening import services

    stored = services.copy_for_upload(write_bytes(tmp_path / "rusak.xlsx", b"PK\x03\x04 bukan excel"))
    mapping = {"upload": stored.name, "file_name": "rusak.xlsx", "source_kind": "desa", "source_name": "Wakoila"}
    with pytest.raises(ValidationError) as err:
        services.mapping_choices(mapping)
    assert "rusak.xlsx" in " ".join(err.value.messages)


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------ navigation
NAV_REVIEW = {"admin", "dinas", "area", "kec", "opd"}


@pytest.mark.parametrize("who", ["admin", "dinas", "area", "kec", "opd", "budget", "bpjs", "leadership", "auditor"])
def test_navigation_offers_reference_lists_and_review_by_role(client, users, who):
    client.force_login(users[who])
    html = client.get(reverse("home"), follow=True).content.decode()  # leadership lands on the dashboard
    references = reverse("screening:references")
    assert f'href="{references}"' in html  # every role may see the versions of the lists
    assert (f'href="{reverse("screening:review")}"' in html) == (who in NAV_REVIEW)
    page = client.get(references)
    assert page.status_code == 200 and page.context["can_load"] == (who in {"admin", "dinas"})
