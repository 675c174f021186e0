import pytest
from django.urls import reverse

from tests.people_fixtures import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "dinas", "area", "opd", "budget", "bpjs", "leadership", "auditor"])
def test_pages_render_for_every_role(client, users, people, role):
    client.force_login(users[role])
    for url in [reverse("home"), reverse("registry:search") + "?q=La", reverse("regions:browse")]:
        r = client.get(url, follow=True)  # leadership's start page is the dashboard
        assert r.status_code == 200, (url, r.status_code)


@pytest.mark.django_db
def test_login_page(client, users):
    r = client.get(reverse("login"))
    assert r.status_code == 200
    r = client.post(reverse("login"), {"username": "u_dinas", "password": PASSWORD})
    assert r.status_code == 302
