"""Long lists are paginated and searchable (issue 10 §6): more than 50 rows make pages, the
links to the other pages keep the search and the filters, and a search narrows the list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.people_fixtures import organisations, regions, users  # noqa: F401
from ucjamsostek.listing import PER_PAGE


def _rows(html: str, table: str) -> int:
    body = re.search(rf"<table[^>]*{table}.*?<tbody>(.*?)</tbody>", html, re.S)
    assert body, table
    return body.group(1).count("<tr")


@pytest.mark.django_db
def test_the_change_log_is_paged_and_searched_by_user_or_reason(users):  # noqa: F811
    from ucjamsostek.registry.models import ChangeLog
    from ucjamsostek.registry.services import log_change

    for i in range(PER_PAGE + 12):
        reason = "Koreksi alamat" if i % 2 else "Impor tagihan"
        log_change(users["dinas"], ChangeLog.Action.UPDATE, "billing.payment", i + 1, reason=f"{reason} {i}")
    client = Client()
    client.force_login(users["auditor"])
    url = reverse("registry:changelog")
    html = client.get(url).content.decode()
    assert "Halaman 1 dari 2 (62 baris)" in html and 'href="?page=2"' in html
    # an audit object is named in words, the code in the tooltip (no "billing.payment #18" on screen)
    assert 'title="billing.payment">pembayaran</span> #18' in html
    html = client.get(url, {"q": "koreksi", "action": "update"}).content.decode()
    assert "Halaman" not in html  # 31 rows: one page
    assert html.count("Koreksi alamat") == 31 and "Impor tagihan" not in html
    html = client.get(url, {"q": "a", "page": "2"}).content.decode()
    assert 'href="?q=a&amp;page=1"' in html  # the search is kept across pages


@pytest.mark.django_db
def test_the_batch_list_is_searched_by_file_or_sender_and_filtered_by_stage(users):  # noqa: F811
    from ucjamsostek.screening.models import NominationBatch

    for i in range(3):
        NominationBatch.objects.create(
            source_kind="desa", source_name=f"Desa {['Wakoila', 'Lailangga', 'Kasimpa'][i]}",
            file_name=f"usulan-{i}.xlsx", row_count=1, as_of=date(2026, 1, 1),
            level=NominationBatch.Level.APPROVED if i else NominationBatch.Level.DESA,
        )  # fmt: skip
    client = Client()
    client.force_login(users["dinas"])
    url = reverse("screening:index")
    assert _rows(client.get(url).content.decode(), 'class="list"') == 3
    html = client.get(url, {"q": "laila"}).content.decode()
    assert _rows(html, 'class="list"') == 1 and "Desa Lailangga" in html
    html = client.get(url, {"tahap": "menunggu"}).content.decode()
    assert _rows(html, 'class="list"') == 1 and "Desa Wakoila" in html
