"""A real browser edits a person with every field of the form filled, saves, and the stored
record holds exactly what was typed (issue 15: the form could not save with an occupation)."""

from datetime import date

import pytest

from tests.people_fixtures import DESA_A2, KEC_A, PASSWORD
from ucjamsostek.core.nik import make_nik

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_edit_and_save_a_person_with_every_field_filled(live_server, users, people, organisations, browser_page):
    from ucjamsostek.registry.models import ChangeLog, Person
    from ucjamsostek.registry.services import seed_master_data

    seed_master_data()  # a transactional test before this one may have flushed the migrated lists
    page = browser_page
    person = people["p_a"]
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_dinas")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/penduduk/{person.pk}/ubah/")
    new_nik = make_nik(KEC_A, date(1984, 7, 9), "P", 17)
    page.fill("#id_nik", new_nik)
    page.fill("#id_name", "Wa Ode Siti Aminah Baru")
    page.select_option("#id_sex", "P")
    page.fill("#id_birth_place", "Raha")
    page.fill("#id_birth_date", "1984-07-09")
    page.select_option("#id_village", DESA_A2)
    page.fill("#id_address", "Jl. Poros Laworo No. 3, RT 02/RW 01")
    page.select_option("#id_occupation", "nelayan")
    page.fill("#id_occupation_text", "Nelayan tangkap")
    page.fill("#id_phone", "0812-3456-7890")
    page.select_option("#id_organisation", str(organisations["own"].pk))
    page.fill("#id_dtks_decile", "2")
    page.check("#id_extreme_poor")
    page.check("#id_is_deceased")
    page.fill("#id_death_date", "2025-11-30")
    page.fill("#id_reason", "pemutakhiran data KK")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/penduduk/{person.pk}/")
    assert "Perubahan tersimpan" in page.content()

    stored = Person.objects.get(pk=person.pk)
    assert {
        "nik": stored.nik,
        "name": stored.name,
        "sex": stored.sex,
        "birth_place": stored.birth_place,
        "birth_date": stored.birth_date,
        "village": stored.village_id,
        "address": stored.address,
        "occupation": stored.occupation_id,
        "occupation_text": stored.occupation_text,
        "phone": stored.phone,
        "organisation": stored.organisation_id,
        "dtks_decile": stored.dtks_decile,
        "extreme_poor": stored.extreme_poor,
        "is_deceased": stored.is_deceased,
        "death_date": stored.death_date,
    } == {
        "nik": new_nik,
        "name": "Wa Ode Siti Aminah Baru",
        "sex": "P",
        "birth_place": "Raha",
        "birth_date": date(1984, 7, 9),
        "village": DESA_A2,
        "address": "Jl. Poros Laworo No. 3, RT 02/RW 01",
        "occupation": "nelayan",
        "occupation_text": "Nelayan tangkap",
        "phone": "081234567890",
        "organisation": organisations["own"].pk,
        "dtks_decile": 2,
        "extreme_poor": True,
        "is_deceased": True,
        "death_date": date(2025, 11, 30),
    }
    log = ChangeLog.objects.get(person=stored, action="update")
    assert log.reason == "pemutakhiran data KK" and log.changes["occupation"] == [None, "nelayan"]
