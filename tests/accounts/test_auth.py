import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.people_fixtures import PASSWORD
from ucjamsostek.accounts.services import DemoUserError, ensure_demo_users


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(regions):
    user = get_user_model().objects.create_user("baru", password="Kata-Sandi-Panjang-1")
    assert user.password.startswith("argon2$")
    assert user.check_password("Kata-Sandi-Panjang-1")


@pytest.mark.django_db
def test_login_and_logout(client, users):
    r = client.post(reverse("login"), {"username": "u_dinas", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    r = client.post(reverse("logout"))
    assert r.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to login


@pytest.mark.django_db
def test_wrong_password_message_is_indonesian(client, users):
    r = client.post(reverse("login"), {"username": "u_dinas", "password": "salah"})
    assert r.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in r.content.decode()


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, users):
    for _ in range(5):
        client.post(reverse("login"), {"username": "u_dinas", "password": "salah"})
    # locked: even the right password is refused now
    r = client.post(reverse("login"), {"username": "u_dinas", "password": PASSWORD})
    assert r.status_code == 429
    page = r.content.decode()
    assert "Akun dikunci sementara" in page and "(5 kali)" in page
    assert client.get(reverse("home")).status_code == 302
    # another user from the same address is not locked (lockout is per user name and address)
    r = client.post(reverse("login"), {"username": "u_budget", "password": PASSWORD})
    assert r.status_code == 302


@pytest.mark.django_db
def test_pages_need_login(client, users, people):
    for url in [reverse("home"), reverse("registry:search"), reverse("registry:detail", args=[people["p_a"].pk])]:
        r = client.get(url)
        assert r.status_code == 302 and reverse("login") in r["Location"]


@pytest.mark.django_db
def test_ensure_demo_users_is_idempotent(regions):
    first = ensure_demo_users("74.13", password="Demo-Sandi-2026")
    second = ensure_demo_users("74.13", password="Demo-Sandi-2026")
    assert first.usernames == second.usernames
    User = get_user_model()
    assert User.objects.count() == 9
    roles = {u.username: u.role for u in User.objects.all()}
    assert sorted(roles.values()) == sorted(
        ["admin", "dinas", "area", "area", "opd", "budget", "bpjs", "leadership", "auditor"]
    )
    kec = User.objects.get(username=first.usernames["area_kecamatan"])
    desa = User.objects.get(username=first.usernames["area"])
    assert kec.area_id == "74.13.01" and desa.area_id.startswith("74.13.01.")
    assert User.objects.get(username=first.usernames["opd"]).organisation.code == first.organisation_code
    assert desa.check_password("Demo-Sandi-2026")
    third = ensure_demo_users("74.13")
    assert third.password != "Demo-Sandi-2026"
    assert desa.__class__.objects.get(pk=desa.pk).check_password(third.password)


@pytest.mark.django_db
def test_ensure_demo_users_hashes_only_when_the_password_changes(regions, monkeypatch):
    from ucjamsostek.accounts import services

    calls = {"make": 0, "check": 0}
    make, check = services.make_password, services.check_password

    def counting_make(*args, **kwargs):
        calls["make"] += 1
        return make(*args, **kwargs)

    def counting_check(*args, **kwargs):
        calls["check"] += 1
        return check(*args, **kwargs)

    monkeypatch.setattr(services, "make_password", counting_make)
    monkeypatch.setattr(services, "check_password", counting_check)
    User = get_user_model()
    first = ensure_demo_users("74.13", password="Demo-Sandi-2026")
    assert calls == {"make": 1, "check": 0}  # nine new users, one hash
    hashes = dict(User.objects.values_list("username", "password"))
    assert all(h.startswith("argon2$") for h in hashes.values())

    calls.update(make=0, check=0)
    ensure_demo_users("74.13", password="Demo-Sandi-2026")
    assert calls == {"make": 0, "check": 1}  # the shared hash verified once, nothing rehashed
    assert dict(User.objects.values_list("username", "password")) == hashes

    # one user's password changed elsewhere: only that one is set again
    admin = User.objects.get(username=first.usernames["admin"])
    admin.set_password("Lain-Sama-Sekali-1")
    admin.save()
    calls.update(make=0, check=0)
    ensure_demo_users("74.13", password="Demo-Sandi-2026")
    assert calls == {"make": 1, "check": 2}
    admin.refresh_from_db()
    assert admin.check_password("Demo-Sandi-2026")
    assert User.objects.get(username=first.usernames["dinas"]).password == hashes[first.usernames["dinas"]]

    calls.update(make=0, check=0)
    ensure_demo_users("74.13", password="Sandi-Baru-2027")
    assert calls["make"] == 1
    assert all(u.check_password("Sandi-Baru-2027") for u in User.objects.all())


@pytest.mark.django_db
def test_ensure_demo_users_needs_regions():
    with pytest.raises(DemoUserError, match="init"):
        ensure_demo_users("74.13")


@pytest.mark.django_db
def test_user_validation_of_role_scope(regions, organisations):
    from django.core.exceptions import ValidationError

    User = get_user_model()
    with pytest.raises(ValidationError) as e:
        User(username="x", role="area").clean()
    assert "area" in e.value.message_dict
    with pytest.raises(ValidationError):
        User(username="x", role="area", area_id="74.13").clean()  # a regency is too wide
    with pytest.raises(ValidationError) as e:
        User(username="x", role="opd").clean()
    assert "organisation" in e.value.message_dict
    User(username="x", role="area", area_id="74.13.01").clean()
    User(username="y", role="opd", organisation=organisations["own"]).clean()
