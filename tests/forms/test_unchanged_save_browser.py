"""Each edit form, opened in Chromium by the demo role that uses it and saved unchanged, leaves
its object exactly as it was (issue 10 §6: an Inpres action item lost its deadline because the
pre-filled date arrived empty in Chrome).

The list of edit forms is derived: every form class of the project (``project_forms``) is either
an edit form with a page below, or named in ``NOT_EDIT_FORMS`` with the reason; a new form fails
:func:`test_every_form_is_classified` until it is placed in one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from tests.demo_fixture import login, small_demo  # noqa: F401
from tests.forms.project_forms import form_name, project_forms

pytestmark = [pytest.mark.browser]

#: Forms that edit no stored object, with the reason.
NOT_EDIT_FORMS = {
    "accounts.forms.LoginForm": "logs in",
    "billing.forms._Form": "base class of the billing forms (their errors on one line)",
    "billing.forms.PaymentForm": "records a new SP2D payment",
    "billing.forms.CreditForm": "sets a credit against a later bill (a new record)",
    "accounts.forms.AccessLogFilterForm": "filters the access log",
    "screening.forms.UploadForm": "uploads a new nomination file",
    "screening.forms.ReferenceForm": "uploads a new version of a reference list",
    "screening.forms.DecisionForm": "records a new review decision (kept beside the earlier ones)",
    "screening.forms.MappingForm": "maps the columns of a file being uploaded (a step of the upload job)",
    "monitoring.views.MeetingForm": "creates a meeting",
    "monitoring.views.FollowUpForm": "adds a follow-up to a meeting",
    "monitoring.views.TargetForm": "adds a target (a new row per year, area and breakdown)",
    "monitoring.views.WorkforceForm": "adds a workforce denominator with its source",
}


@dataclass(frozen=True)
class EditCase:
    form: str  # form_name of the form class
    role: str  # the demo role that does it
    url: Callable[[dict[str, Any]], str]
    submit: str  # selector of the save button
    snapshot: Callable[[dict[str, Any]], Any]  # the stored object as plain values


def _row(model_path: str, pk: int) -> dict[str, Any]:
    from django.apps import apps

    app, name = model_path.split(".")
    return dict(apps.get_model(app, name).objects.filter(pk=pk).values().get())


def _scenario_params(objs: dict[str, Any]) -> Any:
    """A copy of the scenario saved unchanged has the same parameters; compare the newest one."""
    from ucjamsostek.budget.models import BudgetScenario

    newest = BudgetScenario.objects.order_by("-pk").first()
    keys = ("year", "ceiling", "start", "months", "funder_id", "segments", "quota_by", "quota_mode", "quotas",
            "continuity", "policy", "objective", "pu_wage")  # fmt: skip
    return {k: getattr(newest, k) for k in keys}


SAVE = "main form button[type=submit]"
CASES = (
    EditCase("registry.forms.PersonForm", "area", lambda o: f"/penduduk/{o['person']}/ubah/", SAVE,
             lambda o: _row("registry.Person", o["person"])),
    EditCase("registry.forms.EnrollmentForm", "dinas", lambda o: f"/penduduk/kepesertaan/{o['enrollment']}/ubah/",
             SAVE, lambda o: _row("registry.Enrollment", o["enrollment"])),
    EditCase("registry.forms.EnrollmentForm", "bpjs", lambda o: f"/penduduk/kepesertaan/{o['enrollment']}/ubah/",
             SAVE, lambda o: _row("registry.Enrollment", o["enrollment"])),
    EditCase("monitoring.views.ActionForm", "dinas", lambda o: f"/monev/rencana-aksi/{o['action']}/", SAVE,
             lambda o: _row("monitoring.ActionItem", o["action"])),
    EditCase("monitoring.views.ActionForm", "opd", lambda o: f"/monev/rencana-aksi/{o['action']}/", SAVE,
             lambda o: _row("monitoring.ActionItem", o["action"])),
    EditCase("monitoring.views.ReportSetupForm", "dinas", lambda o: "/monev/laporan/pengaturan/", SAVE,
             lambda o: {k: v for k, v in _row("monitoring.ReportSetup", o["report_setup"]).items()
                        if k != "updated_at"}),
    EditCase("budget.forms.ScenarioForm", "budget", lambda o: f"/anggaran/?from={o['scenario']}",
             "button[name=action][value=save]", _scenario_params),
)  # fmt: skip


def test_every_form_is_classified():
    edit = {c.form for c in CASES}
    unknown = [form_name(c) for c in project_forms() if form_name(c) not in edit | set(NOT_EDIT_FORMS)]
    assert not unknown, f"new forms: add an edit case or a reason in NOT_EDIT_FORMS: {unknown}"
    gone = (edit | set(NOT_EDIT_FORMS)) - {form_name(c) for c in project_forms()}
    assert not gone, f"forms that no longer exist: {gone}"


def _objects(demo: Any) -> dict[str, Any]:
    """One object per edit form with EVERY field filled, so a field that a save blanks shows."""
    from ucjamsostek.accounts.models import Organisation
    from ucjamsostek.budget.models import BudgetScenario
    from ucjamsostek.monitoring.models import ActionItem, ReportSetup
    from ucjamsostek.monitoring.services import report_setup_row
    from ucjamsostek.registry.models import Enrollment, Occupation, Person

    desa = demo.user("area").area_id
    opd = demo.user("opd").organisation
    person = Person.objects.filter(village_id=desa).order_by("pk").first()
    assert person is not None, "the demo has people in the desa operator's village"
    Person.objects.filter(pk=person.pk).update(
        birth_place="Laworo",
        address="Jl. Poros Laworo No. 3",
        occupation=Occupation.objects.filter(active=True).order_by("code").first(),
        occupation_text="Nelayan tangkap",
        phone="081234567890",
        organisation=Organisation.objects.get(pk=opd.pk),
        dtks_decile=3,
        extreme_poor=True,
        is_deceased=True,
        death_date=date(2025, 11, 30),
    )
    enrollment = Enrollment.objects.filter(coverage_end__isnull=False).order_by("pk").first()
    assert enrollment is not None
    Enrollment.objects.filter(pk=enrollment.pk).update(
        jht=True, kpj_number="22010000123", reason="pendaftaran PKS 2022", coverage_start=date(2022, 11, 1),
        coverage_end=date(2025, 1, 1),
    )  # fmt: skip
    item = ActionItem.objects.order_by("year", "number").first()
    assert item is not None
    ActionItem.objects.filter(pk=item.pk).update(
        organisation=opd,
        responsible="Kepala Dinas Tenaga Kerja",
        status="in_progress",
        due_date=date(2025, 12, 31),
        evidence_url="https://jdih.munabaratkab.go.id/perbup-uc-jamsostek",
        apbd_line="1.02.01.2.01 Belanja iuran jaminan sosial",
        notes="Rancangan Perbup di Bagian Hukum",
    )
    scenario = BudgetScenario.objects.order_by("pk").first()
    assert scenario is not None and scenario.start is not None
    setup = report_setup_row()
    ReportSetup.objects.filter(pk=setup.pk).update(
        government="Pemerintah Kabupaten Muna Barat", office="Dinas Tenaga Kerja dan Transmigrasi",
        address="Jl. Poros Laworo, Sawerigadi", place="Laworo", number_format="500.15/{urut}/Monev-UC/{tahun}",
        leader_title="Bupati Muna Barat", leader_name="La Ode Darwin", head_title="Kepala Dinas Tenaga Kerja",
        head_name="Wa Ode Sitti", head_nip="197001012000031001", logo="kop.png",
    )  # fmt: skip
    return {"person": person.pk, "enrollment": enrollment.pk, "action": item.pk, "scenario": scenario.pk,
            "report_setup": setup.pk}  # fmt: skip


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_each_edit_form_saved_unchanged_changes_nothing(live_server, chromium_browser, small_demo):  # noqa: F811
    objs = _objects(small_demo)
    failures = []
    for case in CASES:
        before = case.snapshot(objs)
        context = chromium_browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            login(page, live_server.url, small_demo.usernames[case.role])
            page.goto(live_server.url + case.url(objs))
            empty = page.eval_on_selector_all(
                "main input[type=date]", "els => els.filter(e => e.defaultValue && !e.value).map(e => e.name)"
            )
            assert not empty, f"dates the browser shows empty: {empty}"
            dates = page.eval_on_selector_all("main input[type=date]", "els => els.map(e => [e.name, e.value])")
            with page.expect_navigation():
                page.click(case.submit)
            assert "errorlist" not in page.content(), f"{case.form} as {case.role} refused the unchanged form"
            after = case.snapshot(objs)
            if after != before:
                changed = {k: (before.get(k), after.get(k)) for k in set(before) | set(after)
                           if before.get(k) != after.get(k)}  # fmt: skip
                failures.append(f"{case.form} as {case.role}: {changed} (dates shown: {dates})")
        finally:
            context.close()
    assert not failures, "\n".join(failures)
