"""Dashboard, checklist and meeting pages; the reports (PDF renders with pdftoppm, xlsx opens)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tests.people_fixtures import DESA_A
from ucjamsostek.monitoring import presenters, reports, selectors, services
from ucjamsostek.monitoring.models import ActionItem, FollowUp


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_dashboard_page_for_leadership(dataset, users, inline_jobs):
    r = _client(users["leadership"]).get("/monev/?period=2025-S1")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="active">5<' in html
    assert "Kabupaten Muna Barat" in html
    assert "tidak ada data" in html  # kecamatan B has no workers figure
    assert "<svg" in html and "cdn" not in html.lower()


@pytest.mark.django_db
def test_dashboard_page_for_desa_operator_shows_only_the_desa(dataset, users, inline_jobs):
    r = _client(users["area"]).get("/monev/?period=2025-S1&area=74.13")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="active">3<' in html
    assert DESA_A in html
    assert "Barangka" not in html  # another kecamatan's name never appears


@pytest.mark.django_db
def test_trace_page(dataset, users):
    services.refresh("2025-S1")
    r = _client(users["dinas"]).get(f"/monev/asal-data/?indicator=ACTIVE&period=2025-S1&area={DESA_A}")
    assert r.status_code == 200
    assert r.content.decode().count("<tr>") >= 4
    r = _client(users["area"]).get("/monev/asal-data/?indicator=ACTIVE&period=2025-S1&area=74.13")
    assert r.status_code == 403


@pytest.mark.django_db
def test_checklist_seeded_and_editable_by_dinas_only(dataset, users):
    assert ActionItem.objects.filter(year=date.today().year).count() == 5
    item = ActionItem.objects.filter(year=date.today().year, number=1).get()
    assert _client(users["leadership"]).get(f"/monev/rencana-aksi/{item.pk}/").status_code == 403
    c = _client(users["dinas"])
    r = c.post(
        f"/monev/rencana-aksi/{item.pk}/",
        {
            "status": "done",
            "evidence_url": "https://jdih.munabarat.go.id/perbup-1-2023",
            "apbd_line": "5.1.02",
            "notes": "Perbup terbit",
            "due_date": "2026-06-30",
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.apbd_line) == ("done", "5.1.02")
    assert "Perbup terbit" in c.get("/monev/rencana-aksi/").content.decode()


@pytest.mark.django_db
def test_follow_ups_are_carried_to_the_next_meeting(dataset, users):
    dinas = users["dinas"]
    m1 = services.create_meeting(dinas, date(2025, 7, 10), "2025-S1")
    a = services.add_follow_up(dinas, m1, "Validasi data pekerja rentan", "Disnaker", date(2025, 9, 30))
    b = services.add_follow_up(dinas, m1, "Usulkan APBD 2026", "BPKAD")
    services.set_follow_up_status(dinas, b, "done")
    m2 = services.create_meeting(dinas, date(2026, 1, 15), "2025-S2")
    carried = list(m2.follow_ups.all())
    assert [f.action for f in carried] == ["Validasi data pekerja rentan"]
    assert carried[0].carried_from_id == a.pk
    assert FollowUp.objects.get(pk=a.pk).status == "carried"
    assert [f.action for f in selectors.open_follow_ups()] == ["Validasi data pekerja rentan"]
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        services.create_meeting(users["leadership"], date(2026, 2, 1))


def _pdftoppm(pdf: Path, out: Path) -> list[Path]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.fail("pdftoppm is missing (poppler-utils)")
    subprocess.run([exe, "-r", "50", "-png", str(pdf), str(out / "page")], check=True, timeout=120)
    return sorted(out.glob("page*.png"))


@pytest.mark.django_db
def test_pdf_report_renders_and_totals_equal_the_dashboard(dataset, users, tmp_path):
    dinas = users["dinas"]
    m = services.create_meeting(dinas, date(2025, 7, 10), "2025-S1")
    services.add_follow_up(dinas, m, "Validasi data", "Disnaker", date(2025, 9, 30))
    out = tmp_path / "laporan.pdf"
    stdout = StringIO()
    call_command("report", "monev", "--period", "2025-S1", "--out", str(out), stdout=stdout)
    assert out.stat().st_size > 2000
    pages = _pdftoppm(out, tmp_path)
    assert len(pages) >= 3
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    d = selectors.dashboard(users["leadership"], "2025-S1")
    assert "Kabupaten Muna Barat".upper() in text
    assert "Semester I 2025" in text
    flat = " ".join(text.split())
    assert f"Peserta aktif {d.headline['active']}" in flat
    t = presenters.texts(d)
    assert f"Iuran dibayar {t['paid']}" in flat and t["paid"] == "Rp50.400"
    assert f"Anggaran dialokasikan {t['allocated']}" in flat
    assert f"Tunggakan {t['arrears']}" in flat
    c = d.claims["cumulative"]
    assert f"Klaim sejak program berjalan {c['count']} klaim, Rp48.500.000" in flat
    assert "Validasi data" in text


@pytest.mark.django_db
def test_xlsx_reports(dataset, tmp_path):
    import openpyxl

    services.refresh("2025-S1")
    for kind in ("xlsx", "inpres"):
        name, data = reports.build("2025-S1", kind)
        wb = openpyxl.load_workbook(BytesIO(data))
        assert "Rencana aksi Inpres" in wb.sheetnames
    wb = openpyxl.load_workbook(BytesIO(reports.build("2025-S1", "xlsx")[1]))
    seg = {r[0]: r[1] for r in wb["Segmen"].iter_rows(min_row=2, values_only=True)}
    assert seg == {"Pekerja Rentan": 4, "Tenaga Non-ASN": 1}


@pytest.mark.django_db
def test_report_command_errors_are_one_line(dataset, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Periode"):
        call_command("report", "monev", "--period", "2025-S3", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="akhiran"):
        call_command("report", "monev", "--period", "2025-S1", "--out", str(tmp_path / "x.doc"))


@pytest.mark.django_db
def test_workforce_file_loads_and_bad_rows_stop_everything(dataset, tmp_path):
    from ucjamsostek.monitoring.models import WorkforceDenominator

    good = tmp_path / "pekerja.csv"
    good.write_text("kode_wilayah,tahun,jumlah_pekerja,sumber\n74.13.03,2025,1.200,Data desa 2025\n", encoding="utf-8")
    out = StringIO()
    call_command("monev", "workforce", str(good), stdout=out)
    assert WorkforceDenominator.objects.get(area_id="74.13.03", year=2025).workers == 1200
    bad = tmp_path / "salah.csv"
    bad.write_text("kode_wilayah,tahun,jumlah_pekerja,sumber\n74.13.04,2025,10,x\n99.99,2025,5,x\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="baris 3"):
        call_command("monev", "workforce", str(bad))
    assert not WorkforceDenominator.objects.filter(area_id="74.13.04").exists()


def test_svg_charts_escape_text_and_have_tooltips():
    from ucjamsostek.core import svgcharts

    svg = svgcharts.bar_chart(
        [("Desa <b>", None, "tidak ada data", ""), ("A&B", 50.0, "50,0%", "/x?a=1&b=2")], title="t"
    )
    assert "<b>" not in svg and "Desa &lt;b&gt;" in svg and "A&amp;B" in svg
    assert svg.count("data-tip=") == 2 and 'href="/x?a=1&amp;b=2"' in svg
    line = svgcharts.line_chart(
        [("Jan 25", 3, "Januari 2025: 3"), ("Feb 25", 5, "Februari 2025: 5")],
        title="tren",
        target=10,
        target_label="target 10",
    )
    assert line.count("<circle") == 2 and "target 10" in line


@pytest.mark.django_db
def test_inputs_page_sets_targets_and_denominators_for_dinas_only(dataset, users):
    from ucjamsostek.monitoring.models import Target, WorkforceDenominator

    c = _client(users["dinas"])
    r = c.post(
        "/monev/target/",
        {"workforce": "1", "w-area": "74.13.05", "w-year": "2025", "w-workers": "900", "w-source": "BPS 2025"},
    )
    assert r.status_code == 302
    assert WorkforceDenominator.objects.get(area_id="74.13.05", year=2025).workers == 900
    r = c.post(
        "/monev/target/",
        {
            "target": "1",
            "t-indicator": "ACTIVE",
            "t-year": "2026",
            "t-area": "74.13.05",
            "t-breakdown": "segment:pekerja_rentan",
            "t-value": "700",
        },
    )
    assert r.status_code == 302
    assert Target.objects.get(area_id="74.13.05", year=2026).value == 700
    r = c.post(
        "/monev/target/", {"target": "1", "t-indicator": "ACTIVE", "t-year": "2026", "t-area": "99.99", "t-value": "1"}
    )
    # the area is a picker of known areas: an unknown code is refused by the form, nothing stored
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert not Target.objects.filter(area_id="99.99").exists()
    leader = _client(users["leadership"])
    assert leader.get("/monev/target/").status_code == 200
    r = leader.post(
        "/monev/target/", {"workforce": "1", "w-area": "74.13.05", "w-year": "2025", "w-workers": "1", "w-source": "x"}
    )
    assert r.status_code == 403


@pytest.mark.django_db
def test_kecamatan_operator_sees_its_desa(dataset, users):
    from tests.people_fixtures import KEC_A

    services.refresh("2025-S1")
    d = selectors.dashboard(users["kec"], "2025-S1", area="74.13")
    assert d.area_code == KEC_A and d.headline["active"] == 4
    assert {b.code for b in d.ranking} == {c for c in {b.code for b in d.ranking} if c.startswith(KEC_A + ".")}
    assert len(d.ranking) > 2


@pytest.mark.django_db
def test_demo_content_is_idempotent_and_carries_follow_ups(dataset):
    from ucjamsostek.demo.monev import DEMO_SOURCE, seed_demo_monev
    from ucjamsostek.monitoring.models import Meeting, WorkforceDenominator

    seed_demo_monev()
    seed_demo_monev()
    assert Meeting.objects.count() == 2
    assert [f.action[:20] for f in selectors.open_follow_ups()] == [
        "Selesaikan validasi ",
        "Usulkan anggaran iur",
        "Siapkan PKS baru den",
    ]
    # every desa (86) and the kecamatan (11) but the 2 that already had a figure
    assert WorkforceDenominator.objects.filter(source=DEMO_SOURCE).count() == 86 + 9


@pytest.mark.django_db
def test_opd_operator_updates_only_its_checklist_items(dataset, users, organisations):
    item = ActionItem.objects.filter(year=date.today().year, number=3).get()
    dinas = _client(users["dinas"])
    r = dinas.post(
        f"/monev/rencana-aksi/{item.pk}/",
        {"organisation_id": str(organisations["own"].pk), "responsible": "DPMPTSP", "status": "in_progress"},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.organisation_id == organisations["own"].pk
    opd = _client(users["opd"])  # the operator of organisations["own"]
    r = opd.post(
        f"/monev/rencana-aksi/{item.pk}/",
        {"status": "done", "notes": "Syarat izin usaha berlaku", "organisation_id": str(organisations["other"].pk)},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.organisation_id) == ("done", organisations["own"].pk)  # the OPD cannot reassign
    other = ActionItem.objects.filter(year=date.today().year, number=4).get()
    assert opd.get(f"/monev/rencana-aksi/{other.pk}/").status_code == 403


@pytest.mark.django_db
def test_xlsx_reports_keep_hostile_text_as_text(dataset):
    from tests.export_checks import HOSTILE, xlsx_texts

    services.refresh("2025-S1")
    year = date.today().year
    ActionItem.objects.filter(year=2025).delete()
    ActionItem.objects.filter(year=year).update(year=2025)  # the checklist of the report's year
    items = list(ActionItem.objects.filter(year=2025).order_by("number"))
    assert items
    for i, item in enumerate(items):
        item.notes = HOSTILE[i % len(HOSTILE)]
        item.apbd_line = HOSTILE[(i + 1) % len(HOSTILE)]
        item.save()
    for kind in ("xlsx", "inpres"):
        texts = xlsx_texts(reports.build("2025-S1", kind)[1])
        assert texts & set(HOSTILE), kind  # the hostile texts are there, as text
