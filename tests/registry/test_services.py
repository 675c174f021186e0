from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.people_fixtures import DESA_A, DESA_A2, person_data
from ucjamsostek.registry import services
from ucjamsostek.registry.models import ChangeLog, Enrollment, Funder, Occupation, Person, Segment


@pytest.mark.django_db
def test_create_person_is_logged_with_who_when_what(users, regions):
    before = timezone.now()
    p = services.create_person(users["dinas"], person_data(DESA_A, 7, occupation_text="Nelayn"), reason="usulan desa")
    log = ChangeLog.objects.get(person=p)
    assert log.action == "create" and log.model == "registry.person"
    assert log.actor == users["dinas"] and log.actor_username == "u_dinas"
    assert log.at >= before
    assert log.changes["name"] == [None, "La Ode Test"]
    assert log.changes["village"] == [None, DESA_A]
    assert log.reason == "usulan desa"
    assert p.occupation_id == "nelayan"  # free text classified on the way in
    assert p.created_by == users["dinas"]


@pytest.mark.django_db
def test_update_person_logs_field_diff(users, people):
    p = people["p_a"]
    services.update_person(users["area"], p, {"phone": "0812 3456 7890", "dtks_decile": 2}, reason="cek KK")
    log = ChangeLog.objects.filter(person=p, action="update").get()
    assert log.changes == {"phone": ["", "081234567890"], "dtks_decile": [None, 2]}
    assert log.actor_username == "u_area" and log.reason == "cek KK"
    p.refresh_from_db()
    assert p.updated_by == users["area"]
    # nothing changed: no entry
    services.update_person(users["area"], p, {"phone": "081234567890"})
    assert ChangeLog.objects.filter(person=p, action="update").count() == 1


@pytest.mark.django_db
def test_nik_change_recorded(users, people):
    p = people["p_a"]
    old = p.nik
    new = old[:-4] + "0099"
    services.update_person(users["dinas"], p, {"nik": new}, reason="salah ketik")
    log = ChangeLog.objects.get(person=p, action="update")
    assert log.changes["nik"] == [old, new]


EDITORS_OF_P_A = {"admin", "dinas", "area", "kec"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "dinas", "area", "kec", "opd", "budget", "bpjs", "leadership", "auditor"])
def test_who_may_change_a_person_in_desa_a(users, people, who):
    p = people["p_a"]
    if who in EDITORS_OF_P_A:
        services.update_person(users[who], p, {"address": f"Jl. {who}"})
        p.refresh_from_db()
        assert p.address == f"Jl. {who}"
    else:
        with pytest.raises(PermissionDenied):
            services.update_person(users[who], p, {"address": "Jl. X"})
        p.refresh_from_db()
        assert p.address == ""
        assert not ChangeLog.objects.filter(person=p, action="update").exists()


@pytest.mark.django_db
def test_desa_operator_cannot_touch_other_desa_or_move_people_out(users, people, regions):
    area = users["area"]
    with pytest.raises(PermissionDenied):
        services.update_person(area, people["p_a2"], {"address": "x"})
    with pytest.raises(PermissionDenied):
        services.update_person(area, people["p_b"], {"address": "x"})
    with pytest.raises(PermissionDenied):
        services.update_person(area, people["p_a"], {"village": regions["desa_b"]})
    with pytest.raises(PermissionDenied):
        services.create_person(area, person_data(DESA_A2, 9))
    created = services.create_person(area, person_data(DESA_A, 9))
    assert created.village_id == DESA_A


@pytest.mark.django_db
def test_opd_operator_works_on_own_staff(users, people, regions, organisations):
    opd = users["opd"]
    services.update_person(opd, people["p_opd"], {"phone": "081200000001"})
    with pytest.raises(PermissionDenied):
        services.update_person(opd, people["p_b"], {"phone": "081200000001"})
    with pytest.raises(PermissionDenied):
        services.update_person(opd, people["p_opd"], {"organisation": organisations["other"].pk})
    p = services.create_person(opd, person_data(regions["desa_b"], 11))
    assert p.organisation_id == organisations["own"].pk


@pytest.mark.django_db
def test_bad_input_gives_indonesian_messages(users, people, regions):
    dinas = users["dinas"]
    with pytest.raises(ValidationError) as e:
        services.create_person(dinas, {**person_data(DESA_A, 12), "nik": "12345"})
    assert "16 digit" in e.value.message_dict["nik"][0]
    with pytest.raises(ValidationError) as e:
        services.create_person(dinas, {**person_data(DESA_A, 12), "nik": people["p_a"].nik})
    assert "sudah terdaftar" in e.value.message_dict["nik"][0]
    with pytest.raises(ValidationError) as e:
        services.create_person(dinas, person_data(regions["outside"], 12))
    assert "luar wilayah" in e.value.message_dict["village"][0]
    with pytest.raises(ValidationError) as e:
        services.create_person(dinas, {**person_data(DESA_A, 12), "sex": "X", "dtks_decile": 11, "phone": "abc"})
    assert set(e.value.message_dict) == {"sex", "dtks_decile", "phone"}
    with pytest.raises(ValidationError) as e:
        services.update_person(dinas, people["p_a"], {"death_date": date(2020, 1, 1)})
    assert "meninggal" in e.value.message_dict["death_date"][0]
    with pytest.raises(ValidationError) as e:
        services.update_person(dinas, people["p_a"], {"birth_date": timezone.localdate() + timedelta(days=2)})
    assert "masa depan" in e.value.message_dict["birth_date"][0]


def _enr(**kw):
    return {"segment": "pekerja_rentan", "funder": "apbd_kab", "coverage_start": date(2026, 1, 1), **kw}


@pytest.mark.django_db
def test_enrollments_by_dinas_with_history_and_overlap_check(users, people):
    p = people["p_a"]
    e = services.create_enrollment(users["dinas"], p, _enr(coverage_end=date(2027, 1, 1)))
    assert e.programmes == ["JKK", "JKM"]
    log = ChangeLog.objects.get(model="registry.enrollment", action="create")
    assert log.person_id == p.pk and log.changes["segment"] == [None, "pekerja_rentan"]
    with pytest.raises(ValidationError, match="bertumpuk"):
        services.create_enrollment(users["dinas"], p, _enr(coverage_start=date(2026, 6, 1)))
    with pytest.raises(ValidationError):
        services.create_enrollment(
            users["dinas"], p, _enr(coverage_start=date(2028, 1, 1), coverage_end=date(2027, 1, 1))
        )
    with pytest.raises(ValidationError):
        services.create_enrollment(users["dinas"], p, _enr(coverage_start=date(2028, 1, 1), jkk=False, jkm=False))
    # after the first ends, the next year is fine
    services.create_enrollment(users["dinas"], p, _enr(coverage_start=date(2027, 1, 1)))
    assert Enrollment.objects.filter(person=p).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["area", "opd", "budget", "leadership", "auditor", "bpjs"])
def test_enrollment_creation_only_admin_dinas(users, people, who):
    with pytest.raises(PermissionDenied):
        services.create_enrollment(users[who], people["p_opd"] if who == "opd" else people["p_a"], _enr())


@pytest.mark.django_db
def test_bpjs_records_kpj_number_only(users, people):
    e = services.create_enrollment(users["dinas"], people["p_a"], _enr(status="submitted"))
    services.update_enrollment(users["bpjs"], e, {"kpj_number": "26012345678", "status": "active"})
    e.refresh_from_db()
    assert (e.kpj_number, e.status) == ("26012345678", "active")
    log = ChangeLog.objects.get(model="registry.enrollment", action="update")
    assert log.actor_username == "u_bpjs" and log.changes["status"] == ["submitted", "active"]
    with pytest.raises(PermissionDenied):
        services.update_enrollment(users["bpjs"], e, {"segment": "non_asn"})


@pytest.mark.django_db
def test_record_export(users):
    log = services.record_export(users["dinas"], "registry.person", 120, reason="daftar usulan")
    assert log.action == "export" and log.count == 120
    with pytest.raises(PermissionDenied):
        services.record_export(users["leadership"], "registry.person", 1)


@pytest.mark.django_db
def test_seed_master_data_is_idempotent():
    first = services.seed_master_data()  # the data migration has loaded the lists already
    Segment.objects.filter(code="bumd").update(name="diubah", active=False)
    assert services.seed_master_data() == {"created": 0, "updated": 1}
    assert Segment.objects.get(code="bumd").active is False  # the admin's flag is kept
    second = services.seed_master_data()
    assert first == second == {"created": 0, "updated": 0}
    assert set(Segment.objects.values_list("code", flat=True)) == {
        "pekerja_rentan",
        "non_asn",
        "perangkat_desa",
        "penyelenggara_pemilu",
        "bumd",
        "lainnya",
    }
    assert set(Funder.objects.values_list("code", flat=True)) == {"apbd_kab", "apbd_prov", "apbdes", "csr", "mandiri"}
    assert Occupation.objects.get(code="nelayan").risk == "high"
    assert Occupation.objects.get(code="buruh_bangunan").risk == "high"
    assert Occupation.objects.get(code="buruh_tani").risk == "high"
    from ucjamsostek.core.occupations import occupation_table

    assert Occupation.objects.count() == len(occupation_table())


@pytest.mark.django_db
def test_person_str_has_no_nik(people):
    p = Person.objects.get(pk=people["p_a"].pk)
    assert p.nik not in str(p)


@pytest.mark.django_db
def test_occupation_code_is_checked_against_occupations_not_villages(users, people):
    p = people["p_a"]
    services.update_person(users["dinas"], p, {"occupation": "nelayan"}, reason="sesuai KK")
    p.refresh_from_db()
    assert p.occupation_id == "nelayan"
    services.update_person(
        users["dinas"], p, {"village": DESA_A2, "occupation": "buruh_bangunan"}, reason="pindah dan ganti pekerjaan"
    )
    p.refresh_from_db()
    assert (p.village_id, p.occupation_id) == (DESA_A2, "buruh_bangunan")
    with pytest.raises(ValidationError) as e:
        services.update_person(users["dinas"], p, {"occupation": "74.13.01.2001"})
    assert e.value.message_dict["occupation"] == ["Kode pekerjaan tidak dikenal."]
