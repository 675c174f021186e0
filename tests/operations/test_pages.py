"""Operations pages: render for every role, uploads by BPJS staff only, reconciliation totals."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.operations.test_operations import pks  # noqa: F401
from tests.people_fixtures import ROLES
from ucjamsostek.accounts.permissions import SYSTEM

PAGES = ("agreements:index", "agreements:gaps", "billing:index", "claims:index", "assistance:index")


def _bill(people) -> bytes:
    a, a2 = people["p_a"].nik, people["p_a2"].nik
    return (
        "NIK,No KPJ,Nama,Periode,Program,Iuran\n"
        f"{a},1,A,Januari 2026,JKK+JKM,Rp16.800\n"
        f"{a},1,A,01/2026,JKK+JKM,16.800\n"
        f"{a2},2,B,2026-01,JKK+JKM,=1+2\n"
    ).encode()


@pytest.mark.parametrize("role", ROLES)
def test_pages_render_for_every_role(client, users, pks, role):  # noqa: F811
    client.force_login(users[role])
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("agreements:detail", args=[pks["old"].pk])).status_code == 200


def test_bad_bill_upload_shows_located_message_and_writes_nothing(client, users, people, pks):  # noqa: F811
    client.force_login(users["bpjs"])
    r = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", _bill(people))}, follow=True)
    text = r.content.decode()
    assert "baris 4" in text and "Iuran" in text
    from ucjamsostek.billing.selectors import invoices

    assert invoices(SYSTEM).count() == 0


def test_upload_reconcile_page_totals(client, users, people, pks):  # noqa: F811
    client.force_login(users["bpjs"])
    data = _bill(people).replace(b"=1+2", b"16800")
    r = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", data)})
    assert r.status_code == 302
    url = r["Location"]
    client.force_login(users["auditor"])
    page = client.get(url + "?semua=1")
    ctx = page.context["page"]
    for k in ("billed", "expected", "difference"):
        assert ctx.total[k] == sum(r[k] for r in ctx.summary) == sum(r[k] for r in ctx.lines)
    assert people["p_a"].nik not in page.content.decode()  # auditor sees masked NIKs
    xlsx = client.get(url + "rekonsiliasi.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from ucjamsostek.registry.models import ChangeLog

    def cells(content: bytes) -> set[str]:
        import python_calamine as pc

        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(content))
        return {str(c) for row in book.get_sheet_by_name("Rincian").to_python() for c in row}

    assert people["p_a"].nik not in cells(xlsx.content)  # auditor: masked, not an export of personal data
    assert not ChangeLog.objects.filter(action="export", model="billing.reconciliation").exists()
    client.force_login(users["dinas"])
    assert people["p_a"].nik in cells(client.get(url + "rekonsiliasi.xlsx").content)
    assert ChangeLog.objects.filter(action="export", model="billing.reconciliation", actor=users["dinas"]).exists()
    # leadership may read but not upload
    client.force_login(users["leadership"])
    r = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", data), "replace": "1"}, follow=True)
    assert "tidak berwenang" in r.content.decode()


def test_gap_page_lists_people(client, users, people, pks):  # noqa: F811
    client.force_login(users["leadership"])
    assert client.get(reverse("agreements:gaps") + "?unduh=1").status_code == 403
    client.force_login(users["dinas"])
    xlsx = client.get(reverse("agreements:gaps") + "?unduh=1&as_of=2026-01-01")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    text = client.get(reverse("agreements:gaps")).content.decode()
    assert re.search(r"01-01-2025</td><td>13-07-2025</td><td class=\"num\">194", text)


def test_agreement_actions(client, users, pks):  # noqa: F811
    client.force_login(users["dinas"])
    url = reverse("agreements:action", args=[pks["new"].pk])
    r = client.post(url, {"action": "amend", "quota": "20", "reason": "Tambah kuota"}, follow=True)
    assert "Addendum dicatat" in r.content.decode()
    pdf = SimpleUploadedFile("pks.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    r = client.post(url, {"action": "attach", "file": pdf, "title": "PKS 2025"}, follow=True)
    assert "Dokumen dilampirkan" in r.content.decode()
    fake = SimpleUploadedFile("pks.pdf", b"<html>", content_type="application/pdf")
    r = client.post(url, {"action": "attach", "file": fake}, follow=True)
    assert "bukan PDF" in r.content.decode()
    assert date.today()  # page round-trip done


def test_long_reconciliation_is_cut_on_the_page_but_totals_cover_every_line(client, users, people, pks, monkeypatch):  # noqa: F811
    from ucjamsostek.billing import selectors as bsel

    client.force_login(users["bpjs"])
    data = _bill(people).replace(b"=1+2", b"16800")
    url = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", data)})["Location"]
    full = client.get(url + "?semua=1").context["page"]
    assert not full.truncated and full.selected == len(full.lines) > 2
    monkeypatch.setattr(bsel, "PAGE_LINES", 2)
    r = client.get(url + "?semua=1")
    cut = r.context["page"]
    assert cut.truncated and len(cut.lines) == 2 and cut.selected == full.selected
    assert cut.line_totals == full.line_totals == {k: sum(x[k] for x in full.lines) for k in full.line_totals}
    text = r.content.decode()
    assert f"Ditampilkan 2 baris pertama dari {full.selected}" in text
    assert f"Jumlah semua {full.selected} baris terpilih" in text


def test_uploading_the_same_bill_again_changes_nothing_and_says_so(client, users, people, pks):  # noqa: F811
    from ucjamsostek.billing.models import Invoice, InvoiceLine

    client.force_login(users["bpjs"])
    data = _bill(people).replace(b"=1+2", b"16800")
    first = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", data)})
    counts = (Invoice.objects.count(), InvoiceLine.objects.count())
    again = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("lagi.csv", data)}, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "sudah diimpor" in again.content.decode()
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == counts
