"""The budget scenario workbook with hostile names: text stays text (issue 12 §5)."""

import pytest
from django.urls import reverse

from tests.export_checks import xlsx_cells
from ucjamsostek.budget.models import BudgetScenario
from ucjamsostek.registry.models import Person

from .test_views import budget_client, form_data  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = ['=HYPERLINK("http://x","klik")', "+6281234 Amir", "-2+3 Siti", "@SUM(A1) La Ode"]


def test_budget_export_with_hostile_names(budget_client, users):  # noqa: F811
    for person, name in zip(Person.objects.order_by("pk"), HOSTILE_NAMES * 10, strict=False):
        person.name = name
        person.save(update_fields=["name"])
    budget_client.post(reverse("budget:index"), form_data(action="save"))
    sc = BudgetScenario.objects.get()
    for user in ("budget", "admin"):  # masked names for the budget role, full names for the admin
        budget_client.force_login(users[user])
        xlsx = budget_client.get(reverse("budget:export_xlsx", args=[sc.pk]))
        assert xlsx.status_code == 200
        cells = xlsx_cells(xlsx.content)  # fails on any formula cell
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert any(t[:1] in "=+-@" for t in texts), user
