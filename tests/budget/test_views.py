import pytest
from django.urls import reverse

from ucjamsostek.budget import services
from ucjamsostek.budget.models import BudgetScenario

from .test_budget_app import make_people


@pytest.fixture
def budget_client(client, users, regions):
    services.seed_rates()
    make_people(30)
    client.force_login(users["budget"])
    return client


def form_data(**extra):
    data = {
        "name": "Uji",
        "year": "2026",
        "ceiling": "2.016.000",
        "months": "12",
        "funder": "apbd_kab",
        "segments": ["pekerja_rentan"],
        "quota_by": "",
        "quota_mode": "pool",
        "objective": "count",
        "extreme_poverty_points": "40",
        "decile_step": "3",
        "continuity_points": "25",
        "growth": "10",
        "target": "10000",
        "action": "preview",
    }
    data.update(extra)
    return data


def test_index_and_preview(budget_client):
    assert budget_client.get(reverse("budget:index")).status_code == 200
    response = budget_client.post(reverse("budget:index"), form_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hasil perhitungan" in html
    assert "Rp2.016.000" in html  # cost of 10 people
    assert "<svg" in html
    assert "Proyeksi 5 tahun" in html
    assert BudgetScenario.objects.count() == 0  # preview does not save


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"ceiling": "0"}, "Pagu harus lebih dari nol"),
        ({"months": "13"}, "1 sampai 12"),
        ({"start": "2025-06-01"}, "di luar tahun anggaran 2026"),
        ({"quota_by": "desa", "quota_mode": "fixed", "quotas": "74.13.01.2001,500"}, "melebihi pagu"),
        ({"segments": ["lainnya"]}, "kosong"),
    ],
)
def test_bad_input_shows_indonesian_message(budget_client, extra, message):
    response = budget_client.post(reverse("budget:index"), form_data(**extra))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_save_detail_exports_compare_finalize(budget_client):
    response = budget_client.post(reverse("budget:index"), form_data(action="save"))
    sc = BudgetScenario.objects.get()
    assert response.status_code == 302 and response.url == reverse("budget:detail", args=[sc.pk])
    assert sc.selected_count == 10 and sc.status == "draft"
    html = budget_client.get(reverse("budget:detail", args=[sc.pk])).content.decode()
    assert "Biaya per kecamatan" in html and "<svg" in html
    # the budget role sees masked NIKs
    assert "******" in html

    xlsx = budget_client.get(reverse("budget:export_xlsx", args=[sc.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = budget_client.get(reverse("budget:export_pdf", args=[sc.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"

    budget_client.post(reverse("budget:index"), form_data(action="save", name="Kedua", ceiling="1.008.000"))
    ids = list(BudgetScenario.objects.values_list("pk", flat=True))
    compare = budget_client.get(reverse("budget:compare"), {"ids": ids}).content.decode()
    assert "Kedua" in compare and "Uji" in compare

    budget_client.post(reverse("budget:finalize", args=[sc.pk]))
    sc.refresh_from_db()
    assert sc.status == "final"
    budget_client.post(reverse("budget:delete", args=[sc.pk]))
    assert BudgetScenario.objects.filter(pk=sc.pk).exists()


def test_roles_without_budget_access_are_refused(client, users, regions):
    client.force_login(users["area"])
    assert client.get(reverse("budget:index")).status_code == 403


def test_leadership_reads_but_cannot_save(client, users, regions):
    services.seed_rates()
    make_people(5)
    client.force_login(users["leadership"])
    assert client.get(reverse("budget:index")).status_code == 200
    response = client.post(reverse("budget:index"), form_data(action="save"))
    assert response.status_code == 403
    assert BudgetScenario.objects.count() == 0


def test_admin_lists_rates_and_scenarios(client, users, regions):
    services.seed_rates()
    client.force_login(users["admin"])
    rates = client.get("/admin/budget/contributionrate/")
    assert rates.status_code == 200 and "PP 50/2025" in rates.content.decode()
    assert client.get("/admin/budget/budgetscenario/").status_code == 200


def test_budget_pages_and_xlsx_mask_nik_like_every_other_page(budget_client):
    """One NIK mask (core.nik.mask_nik, six + two): the budget's pages and xlsx once showed six + four."""
    import io

    import openpyxl

    from ucjamsostek.budget import selectors
    from ucjamsostek.core.nik import mask_nik

    budget_client.post(reverse("budget:index"), form_data(action="save"))
    sc = BudgetScenario.objects.get()
    niks = selectors.scenario_frame(sc.pk)["nik"].to_list()
    html = budget_client.get(reverse("budget:detail", args=[sc.pk])).content.decode()
    shown = [n for n in niks if mask_nik(n) in html]
    assert shown and all(n not in html and n[:6] + "******" + n[-4:] not in html for n in niks)
    book = openpyxl.load_workbook(io.BytesIO(budget_client.get(reverse("budget:export_xlsx", args=[sc.pk])).content))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert {mask_nik(n) for n in niks} <= cells
    assert not any(n in cells for n in niks)
