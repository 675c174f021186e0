"""The Bupati's view (issue 11 §1): leadership lands on the dashboard of its area, named; each card
states the days it covers; money is the year to date; a running period is shown as it stands
today, never as of a future day; alerts at the top link to where they are resolved."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.people_fixtures import PASSWORD
from ucjamsostek.core import indicators as ind
from ucjamsostek.monitoring import services


def _page(user, period: str) -> str:
    c = Client()
    c.force_login(user)
    r = c.get(f"/monev/?period={period}")
    assert r.status_code == 200
    return r.content.decode()


def _testid(page: str, key: str) -> str:
    m = re.search(rf'data-testid="{key}"[^>]*>([^<]*)<', page)
    assert m, f"{key} is not on the page"
    return html.unescape(m.group(1)).split(" · ")[0].strip()


@pytest.mark.django_db
def test_leadership_lands_on_the_dashboard_of_its_area_named(dataset, users, inline_jobs):
    c = Client()
    c.force_login(users["leadership"])
    r = c.get("/", follow=True)
    assert r.redirect_chain[-1][0].startswith("/monev/")
    assert 'data-testid="area-name">Kabupaten Muna Barat<' in r.content.decode()
    c.force_login(users["dinas"])  # operators keep their start page
    assert c.get("/").status_code == 200


@pytest.mark.django_db
def test_each_card_states_its_days_and_money_is_the_year_to_date(dataset, users):
    """August 2025 has no bill of its own: the money cards still show the year's (January's
    Rp100.800, half paid, and July's Rp84.000 unpaid), labelled 01-01-2025 s.d. 31-08-2025."""
    services.refresh("2025-08")
    page = _page(users["leadership"], "2025-08")
    assert _testid(page, "window-active") == "pada 31-08-2025"
    assert _testid(page, "window-coverage") == "pada 31-08-2025"
    assert _testid(page, "window-claims") == "s.d. 31-08-2025"
    assert _testid(page, "window-budget") == "Tahun berjalan: 01-01-2025 s.d. 31-08-2025"
    assert _testid(page, "budget-billed") == "Rp184.800"
    assert _testid(page, "budget-paid") == "Rp50.400"
    assert "Rp134.400" in page  # arrears of the year: 50.400 + 84.000
    assert _testid(page, "fig-BILLED") == "Rp0"  # the month alone: what the card must not show


@pytest.mark.django_db
def test_a_running_period_is_shown_as_it_stands_today(dataset, users):
    today = timezone.localdate()
    month = ind.period_of(today)
    services.refresh(month.code)
    page = _page(users["leadership"], month.code)
    said = f"{today:%d-%m-%Y}"
    assert _testid(page, "window-active") == f"per hari ini, {said}"
    assert _testid(page, "active") == "5"  # three in DESA_A, the non-ASN of DESA_A2, one in desa B
    future = [d for d in re.findall(r"\b(\d{2}-\d{2}-\d{4})\b", page) if _day(d) > today]
    assert not future, f"dates after today on the dashboard: {future}"


def _day(text: str) -> date:
    d, m, y = (int(x) for x in text.split("-"))
    return date(y, m, d)


@pytest.mark.django_db
def test_alerts_at_the_top_link_to_where_they_are_resolved(dataset, users):
    from ucjamsostek.agreements.models import Agreement

    today = timezone.localdate()
    soon = Agreement.objects.create(
        number="PKS/AKHIR/1", start=today - timedelta(days=300), end=today + timedelta(days=40),
        funder_id="apbd_kab", value=1_000_000, status="active",
    )  # fmt: skip
    dinas = users["dinas"]
    meeting = services.create_meeting(dinas, today - timedelta(days=30), ind.period_of(today).code)
    for i in range(2):
        services.add_follow_up(dinas, meeting, f"Tindak lanjut {i}", "Disnaker", today - timedelta(days=1 + i))
    services.add_follow_up(dinas, meeting, "Belum lewat", "Disnaker", today + timedelta(days=5))
    services.refresh("2025-S1")
    page = _page(users["leadership"], "2025-S1")
    top = page.index('data-testid="alerts"')
    assert top < page.index('data-testid="card-active"')  # above the figures
    pks = dict(re.findall(r'data-testid="alert-pks"><a href="([^"]+)">([^<]+)<', page))
    said = f"PKS PKS/AKHIR/1 berakhir {soon.end - timedelta(days=1):%d-%m-%Y} (40 hari lagi)"
    assert pks[f"/pks/{soon.pk}/"].startswith(said)
    assert "PKS/2025/1 berakhir 31-12-2025 dan belum ada PKS lanjutan" in " ".join(pks.values())  # ended
    late = re.search(r'<li class="error" data-testid="alert-follow_up"><a href="([^"]+)">([^<]+)<', page)
    assert late and late.group(1) == f"/monev/rapat/{meeting.pk}/"
    assert late.group(2).startswith("2 tindak lanjut rapat melewati batas waktu")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leadership_in_the_browser_lands_reads_the_cards_and_fits_a_phone(
    live_server, dataset, users, browser_page, artifacts_dir
):
    services.refresh("2025-08")
    services.refresh(ind.period_of(timezone.localdate()).code)  # the landing's period
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_leadership")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/monev/")
    page.wait_for_selector("[data-testid=area-name]")
    assert page.inner_text("[data-testid=area-name]") == "Kabupaten Muna Barat"
    page.goto(f"{live_server.url}/monev/?period=2025-08")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.inner_text("[data-testid=window-budget]") == "Tahun berjalan: 01-01-2025 s.d. 31-08-2025"
    assert page.inner_text("[data-testid=budget-billed]") == "Rp184.800"
    assert page.inner_text("[data-testid=window-active]").split(" · ")[0] == "pada 31-08-2025"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard scrolls sideways on a phone ({width}px)"
    sizes = "[...document.querySelectorAll('.card .big, .card h2')].map(e => parseFloat(getComputedStyle(e).fontSize))"
    small = page.evaluate(f"Math.min(...{sizes})")
    assert small >= 14, f"card text too small to read on a phone ({small}px)"
    page.screenshot(path=str(artifacts_dir / "monev-leadership-phone.png"), full_page=True)
