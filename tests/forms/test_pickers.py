"""The upload form picks, not types (issue 10 §6): the default segment is a select of the active
segments shown by name, the sender field offers the villages of the uploader's area, the OPDs and
earlier senders, and every field has a one-line help."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tests.people_fixtures import DESA_A, DESA_A2, KEC_A, organisations, regions, users  # noqa: F401

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/validasi/unggah/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def _datalist(html: str) -> list[str]:
    block = re.search(r'<datalist id="id_source_name-pilihan">(.*?)</datalist>', html, re.S)
    assert block, "the sender field has its datalist"
    return re.findall(r'<option value="([^"]*)">', block.group(1))


def test_segment_is_a_select_of_names_not_a_code_box(users):  # noqa: F811
    from ucjamsostek.registry.models import Segment

    html = _page(users["dinas"])
    select = re.search(r'<select name="segment"[^>]*>(.*?)</select>', html, re.S)
    assert select, "segment is a select"
    active = Segment.objects.filter(active=True)
    assert active.exists()
    for seg in active:
        assert f'<option value="{seg.code}">{seg.name}</option>' in select.group(1)


def test_the_sender_list_follows_the_uploaders_area(users, regions, organisations):  # noqa: F811
    from ucjamsostek.regions.models import Region

    names = {c: n for c, n in Region.objects.values_list("code", "name")}
    desa = _datalist(_page(users["area"]))
    assert names[DESA_A] in desa and names[DESA_A2] not in desa  # the desa operator: their own village
    kec = _datalist(_page(users["kec"]))
    assert {names[DESA_A], names[DESA_A2]} <= set(kec)
    dinas = _datalist(_page(users["dinas"]))
    assert names[DESA_A] in dinas and organisations["own"].name in dinas
    opd = _datalist(_page(users["opd"]))
    assert opd[:1] == [organisations["own"].name] and names[DESA_A] not in opd
    assert KEC_A not in "".join(dinas)  # names, not codes


def test_every_upload_field_has_a_help_line(users):  # noqa: F811
    from ucjamsostek.screening.forms import UploadForm

    form = UploadForm()
    missing = [name for name, field in form.fields.items() if not field.help_text]
    assert not missing
