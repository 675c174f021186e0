"""The budget form explains itself (issue 10 §6): it shows the rate, the months and "kapasitas
pagu ≈ N orang" (recomputed live in the browser), explains each weight, and the 5-year
projection starts from the people the ceiling selects, not from a fixed 10.000."""

import re

import pytest
from django.urls import reverse

from tests.browser_helpers import wait_until
from tests.people_fixtures import PASSWORD
from ucjamsostek.budget import services
from ucjamsostek.budget.models import BudgetScenario

from .test_views import budget_client, form_data  # noqa: F401


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_capacity_rate_and_months_for_the_form_values(budget_client):  # noqa: F811
    page = _text(budget_client.get(reverse("budget:index")).content.decode())
    # the default ceiling Rp2.016.000.000 at Rp16.800 a month for 12 months
    assert "Kapasitas pagu ≈ 10.000 orang: tarif iuran Rp16.800 per orang per bulan × 12 bulan." in page
    posted = _text(budget_client.post(reverse("budget:index"), form_data(months="6")).content.decode())
    assert "Kapasitas pagu ≈ 20 orang: tarif iuran Rp16.800 per orang per bulan × 6 bulan." in posted


@pytest.mark.django_db
def test_each_weight_is_explained(budget_client):  # noqa: F811
    page = _text(budget_client.get(reverse("budget:index")).content.decode())
    for words in ("miskin ekstrem (P3KE)", "desil 1 mendapat poin terbanyak", "tidak terputus"):
        assert words in page


@pytest.mark.django_db
def test_the_projection_starts_from_the_selection_within_the_ceiling(budget_client):  # noqa: F811
    # Rp2.016.000 selects 10 of the 30 candidates: the projection's first year is those 10 people
    page = _text(budget_client.post(reverse("budget:index"), form_data(target="")).content.decode())
    assert "tahun pertama 10 orang, yaitu yang terpilih dalam pagu" in page
    assert "10.000" not in page.split("Proyeksi 5 tahun")[1].split("Daftar terpilih")[0]
    typed = _text(budget_client.post(reverse("budget:index"), form_data(target="500")).content.decode())
    assert "target 500 orang pada tahun pertama" in typed


@pytest.mark.django_db
def test_a_saved_scenario_projects_from_its_own_selection(budget_client):  # noqa: F811
    budget_client.post(reverse("budget:index"), form_data(target="", action="save"))
    sc = BudgetScenario.objects.get()
    page = _text(budget_client.get(reverse("budget:detail", args=[sc.pk])).content.decode())
    assert f"tahun pertama {sc.selected_count} orang" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_capacity_follows_what_the_user_types(live_server, users, regions, browser_page):
    services.seed_rates()
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_budget")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/anggaran/")
    assert "≈ 10.000 orang" in page.inner_text("#capacity")
    page.fill("#id_ceiling", "1.008.000.000")
    wait_until(page, "document.getElementById('capacity').textContent.includes('5.000 orang')")
    page.fill("#id_months", "6")
    wait_until(page, "document.getElementById('capacity').textContent.includes('10.000 orang')")
    assert "× 6 bulan" in page.inner_text("#capacity")
