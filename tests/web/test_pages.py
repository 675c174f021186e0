"""Role scoping by page and by direct URL, masking on pages, history on change, language, nav."""

import re

import pytest
from django.urls import reverse

from ucjamsostek.core.nik import mask_nik
from ucjamsostek.registry.models import ChangeLog

ALL = ["admin", "dinas", "area", "opd", "budget", "bpjs", "leadership", "auditor"]


def _edit_payload(p, **over):
    data = {
        "nik": p.nik,
        "name": p.name,
        "sex": p.sex,
        "birth_place": "",
        "birth_date": p.birth_date.isoformat(),
        "village": p.village_id,
        "address": "",
        "occupation": "",
        "occupation_text": "",
        "phone": "",
        "organisation": str(p.organisation_id or ""),
        "dtks_decile": "",
        "death_date": "",
        "reason": "uji",
    }
    data.update(over)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL)
def test_detail_page_by_direct_url(client, users, people, role):
    client.force_login(users[role])
    visible = {"area": {"p_a"}, "opd": {"p_opd"}}.get(role, {"p_a", "p_a2", "p_b", "p_opd"})
    for key, p in people.items():
        r = client.get(reverse("registry:detail", args=[p.pk]))
        assert r.status_code == (200 if key in visible else 404), (role, key)


@pytest.mark.django_db
def test_desa_operator_cannot_read_or_change_other_desa(client, users, people):
    client.force_login(users["area"])
    other = people["p_a2"]  # another desa in the same kecamatan
    assert client.get(reverse("registry:edit", args=[other.pk])).status_code == 404
    r = client.post(reverse("registry:edit", args=[other.pk]), _edit_payload(other, address="Jl. Liar"))
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.address == ""
    assert not ChangeLog.objects.filter(person=other, action="update").exists()
    # not in search results either
    body = client.post(reverse("registry:search"), {"q": other.nik}).content.decode()
    assert "Tidak ada penduduk yang cocok" in body and other.name not in body
    # its own person works
    own = people["p_a"]
    r = client.post(reverse("registry:edit", args=[own.pk]), _edit_payload(own, address="Jl. Poros"))
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.address == "Jl. Poros"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["budget", "bpjs", "leadership", "auditor"])
def test_read_only_roles_get_403_on_edit(client, users, people, role):
    client.force_login(users[role])
    p = people["p_a"]
    assert client.get(reverse("registry:edit", args=[p.pk])).status_code == 403
    assert client.post(reverse("registry:edit", args=[p.pk]), _edit_payload(p, address="x")).status_code == 403
    assert client.get(reverse("registry:create")).status_code == 403
    assert client.get(reverse("registry:enrollment_create", args=[p.pk])).status_code == 403
    body = client.get(reverse("registry:detail", args=[p.pk])).content.decode()
    assert reverse("registry:edit", args=[p.pk]) not in body


@pytest.mark.django_db
def test_edit_page_records_history_shown_on_detail(client, users, people):
    client.force_login(users["dinas"])
    p = people["p_a"]
    r = client.post(
        reverse("registry:edit", args=[p.pk]), _edit_payload(p, phone="081234500001", reason="verifikasi KK")
    )
    assert r.status_code == 302
    log = ChangeLog.objects.get(person=p, action="update")
    assert log.actor_username == "u_dinas" and log.changes["phone"] == ["", "081234500001"]
    body = client.get(reverse("registry:detail", args=[p.pk])).content.decode()
    assert "verifikasi KK" in body and "081234500001" in body and "u_dinas" in body


@pytest.mark.django_db
def test_edit_requires_a_reason_and_shows_service_errors(client, users, people):
    client.force_login(users["dinas"])
    p = people["p_a"]
    r = client.post(reverse("registry:edit", args=[p.pk]), _edit_payload(p, address="Jl. Baru", reason=""))
    assert r.status_code == 200 and "errorlist" in r.content.decode() and "alasan" in r.content.decode().lower()
    r = client.post(reverse("registry:edit", args=[p.pk]), _edit_payload(p, reason=""))  # unchanged: no reason
    assert r.status_code == 302 and not ChangeLog.objects.filter(person=p, action="update").exists()
    r = client.post(reverse("registry:edit", args=[p.pk]), _edit_payload(p, nik="123"))
    assert r.status_code == 200 and "NIK tidak 16 digit" in r.content.decode()


@pytest.mark.django_db
def test_create_person_and_enrollment_pages(client, users, people):
    client.force_login(users["dinas"])
    p = people["p_b"]
    data = _edit_payload(p, nik=p.nik[:-4] + "0123", name="Wa Ode Nuriati", reason="")
    r = client.post(reverse("registry:create"), data)
    assert r.status_code == 302
    new_pk = int(re.search(r"/(\d+)/$", r["Location"]).group(1))
    r = client.post(
        reverse("registry:enrollment_create", args=[new_pk]),
        {
            "segment": "pekerja_rentan",
            "funder": "apbd_kab",
            "jkk": "on",
            "jkm": "on",
            "coverage_start": "2026-01-01",
            "status": "proposed",
        },
    )
    assert r.status_code == 302
    body = client.get(reverse("registry:detail", args=[new_pk])).content.decode()
    assert "Pekerja Rentan" in body and "APBD Kabupaten" in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL)
def test_search_page_masks_nik_per_role(client, users, people, role):
    client.force_login(users[role])
    p = people["p_opd"] if role == "opd" else people["p_a"]
    body = client.post(reverse("registry:search"), {"q": p.nik}).content.decode()
    if role in ("budget", "leadership", "auditor"):
        assert p.nik not in body and mask_nik(p.nik) in body
    else:
        assert p.nik in body
    detail = client.get(reverse("registry:detail", args=[p.pk])).content.decode()
    assert (p.nik in detail) == (role not in ("budget", "leadership", "auditor"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL)
def test_audit_log_page(client, users, people, role):
    client.force_login(users[role])
    r = client.get(reverse("registry:changelog"))
    assert r.status_code == (200 if role in ("admin", "auditor") else 403)


@pytest.mark.django_db
def test_language_switch(client, users):
    client.force_login(users["dinas"])
    body = client.get(reverse("home")).content.decode()
    assert 'lang="id"' in body and "Beranda" in body and "Cari penduduk" in body
    r = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert r.status_code == 302
    r = client.get(r["Location"])
    body = r.content.decode()
    assert 'lang="en"' in body and "Home" in body and "Find a person" in body and "Workflow" in body
    # the header's form sends the path without the language prefix
    assert 'name="next" value="/"' in body
    r = client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert r["Location"] == "/"
    assert "Beranda" in client.get(r["Location"]).content.decode()


@pytest.mark.django_db
def test_navigation_shows_flow_and_greys_missing_pages(client, users):
    client.force_login(users["dinas"])
    body = client.get(reverse("home")).content.decode()
    for label in [
        "Usulan &amp; Validasi",
        "Tinjauan",
        "Seleksi &amp; Anggaran",
        "Kepesertaan &amp; PKS",
        "Tagihan, Klaim, Bantuan",
        "Monitoring",
    ]:
        assert label in body
    assert f'href="{reverse("registry:search")}"' in body
    assert f'href="{reverse("regions:browse")}"' in body
    assert "segera" in body or 'class="soon"' not in body
    # audit log link only for admin/auditor
    assert reverse("registry:changelog") not in body


@pytest.mark.django_db
def test_shell_uses_only_local_assets(client, users):
    client.force_login(users["dinas"])
    body = client.get(reverse("home")).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', body)
    css = client.get("/static/web/app.css")
    assert css.status_code == 200


@pytest.mark.django_db
def test_region_browser_reachable_for_area_operator(client, users):
    client.force_login(users["area"])
    assert client.get(reverse("regions:detail", args=["74.13.01"])).status_code == 200


@pytest.mark.django_db
def test_bpjs_staff_record_kpj_number_on_the_page(client, users, people):
    from ucjamsostek.registry.services import create_enrollment

    p = people["p_a"]
    e = create_enrollment(
        users["dinas"],
        p,
        {"segment": "pekerja_rentan", "funder": "apbd_kab", "coverage_start": "2026-01-01", "status": "submitted"},
    )
    client.force_login(users["bpjs"])
    url = reverse("registry:enrollment_edit", args=[e.pk])
    page = client.get(url).content.decode()
    assert 'name="kpj_number"' in page and 'name="segment"' not in page
    r = client.post(url, {"kpj_number": "26010000001", "status": "active", "reason": "jawaban BPJS"})
    assert r.status_code == 302
    e.refresh_from_db()
    assert (e.kpj_number, e.status, e.segment_id) == ("26010000001", "active", "pekerja_rentan")
    # other read-only roles cannot
    for role in ("budget", "leadership", "auditor"):
        client.force_login(users[role])
        assert client.get(url).status_code == 403
    # the desa operator of another desa does not even find it
    client.force_login(users["opd"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_django_admin_for_master_data(client, users):
    client.force_login(users["admin"])
    for url in [
        "/admin/",
        "/admin/registry/occupation/",
        "/admin/registry/segment/",
        "/admin/registry/funder/",
        "/admin/accounts/user/",
        "/admin/registry/person/",
    ]:
        assert client.get(url).status_code == 200, url
    # people are read-only in the admin: changes go through the services (and the history)
    assert client.get("/admin/registry/person/add/").status_code == 403
    client.force_login(users["dinas"])
    assert client.get("/admin/").status_code == 302
