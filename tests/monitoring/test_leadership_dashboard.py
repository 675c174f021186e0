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


@pytest.mark.django_db
def test_a_pks_followed_by_a_gap_and_inpres_items_not_started_raise_alerts(dataset, users):
    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.monitoring.models import ActionItem
    from ucjamsostek.monitoring.presenters import alerts

    today = timezone.localdate()
    old = Agreement.objects.create(
        number="PKS/LAMA/2", start=today - timedelta(days=400), end=today - timedelta(days=10),
        funder_id="apbd_kab", value=1_000_000, status="ended",
    )  # fmt: skip
    Agreement.objects.create(
        number="PKS/BARU/2", start=today + timedelta(days=20), end=today + timedelta(days=385),
        funder_id="apbd_kab", value=1_000_000, status="signed", predecessor=old,
    )  # fmt: skip
    services.refresh("2025-S1")
    page = _page(users["leadership"], "2025-S1")
    gap = re.search(r'<li class="error" data-testid="alert-pks_gap"><a href="([^"]+)">([^<]+)<', page)
    assert gap and gap.group(1) == "/pks/celah/"
    assert "PKS/LAMA/2 berakhir" in gap.group(2) and "PKS/BARU/2" in gap.group(2)
    assert "30 hari warga tidak terlindungi" in gap.group(2)  # 10 days ago to 20 days ahead

    ActionItem.objects.all().delete()
    day = date(2026, 11, 1)
    for i, (status, due) in enumerate(
        [("not_started", date(2026, 12, 15)), ("not_started", date(2026, 12, 31)), ("in_progress", day),
         ("not_started", date(2027, 6, 30)), ("not_started", date(2025, 12, 31))]
    ):  # fmt: skip
        ActionItem.objects.create(
            code=f"B{i}", year=due.year, number=i, title=f"Butir {i}", status=status, due_date=due
        )
    got = {a.url: a for a in alerts(users["leadership"], today=day) if a.kind == "inpres"}
    assert got["/monev/rencana-aksi/?year=2026"].text.startswith("2 butir rencana aksi Inpres 2026 belum dimulai")
    assert "44 hari lagi" in got["/monev/rencana-aksi/?year=2026"].text
    assert got["/monev/rencana-aksi/?year=2026"].level == "warning"
    assert got["/monev/rencana-aksi/?year=2025"].level == "error"  # past its deadline
    assert "/monev/rencana-aksi/?year=2027" not in got  # far from its deadline


@pytest.mark.django_db
def test_figures_recompute_by_themselves_after_a_data_change(dataset, users, inline_jobs):
    """No-one presses anything: the dashboard sees the data changed since the snapshot and queues
    the refresh (at once here, jobs running inline). "Hitung ulang" is for the roles that may."""
    from tests.monitoring.conftest import _enrol, _person
    from tests.people_fixtures import DESA_A

    services.refresh("2025-S1")
    page = _page(users["leadership"], "2025-S1")
    assert _testid(page, "active") == "5"
    assert 'data-testid="recompute"' not in page
    _enrol(_person(DESA_A, 40), date(2025, 1, 1))
    assert _testid(_page(users["leadership"], "2025-S1"), "active") == "6"
    c = Client()
    c.force_login(users["leadership"])
    assert c.post("/monev/hitung-ulang/", {"period": "2025-S1"}).status_code == 403
    assert 'data-testid="recompute"' in _page(users["dinas"], "2025-S1")


@pytest.mark.django_db
def test_outdated_figures_queue_one_refresh_and_say_so(dataset, users, settings):
    from tests.monitoring.conftest import _enrol, _person
    from tests.people_fixtures import DESA_A
    from ucjamsostek.jobs.models import Job

    services.refresh("2025-S1")
    settings.JOBS_RUN_INLINE = False
    _enrol(_person(DESA_A, 41), date(2025, 1, 1))
    for _ in range(2):
        page = _page(users["leadership"], "2025-S1")
        assert 'data-testid="updating"' in page and _testid(page, "active") == "5"
    assert Job.objects.filter(kind=services.refresh_kind("2025-S1")).count() == 1


@pytest.mark.django_db
def test_the_trend_draws_each_segment_against_its_own_target_and_the_pks_gap_as_a_band(dataset, users):
    """The 8-person target of 2025 is pekerja rentan's only: it is drawn in that series' colour
    and named in the legend, not against all participants; the gap between the PKS and its late
    successor (from the agreements, not a literal) is a labelled band; numbers have separators."""
    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.core import svgcharts
    from ucjamsostek.monitoring import presenters, selectors

    old = Agreement.objects.get(number="PKS/2025/1")
    Agreement.objects.create(
        number="PKS/2026/1", start=date(2026, 2, 14), end=date(2027, 1, 1), funder_id="apbd_kab",
        value=1, status="signed", predecessor=old,
    )  # fmt: skip
    services.refresh("2026-S1")
    d = selectors.dashboard_for_area("74.13", "2026-S1")
    series = {s.breakdown: s for s in d.trend_series}
    assert set(series) == {"segment:pekerja_rentan", "segment:non_asn"}
    rentan = dict(series["segment:pekerja_rentan"].months)
    assert rentan["2025-08"] == 4 and dict(series["segment:non_asn"].months)["2025-08"] == 1
    assert series["segment:pekerja_rentan"].target == 10_000  # 2026's (seeded), not 2025's 8
    assert series["segment:non_asn"].target is None
    services.refresh("2025-S2")
    svg, legend = presenters.trend(selectors.dashboard_for_area("74.13", "2025-S2"))
    texts = [i.text for i in legend]
    assert "Target Pekerja Rentan 2025: 8" in texts[:3]
    assert [i.kind for i in legend].count("target") == 1
    d = selectors.dashboard_for_area("74.13", "2026-S1")
    svg, legend = presenters.trend(d)
    band = [i.text for i in legend if i.kind == "band"]
    assert band == ["Celah perlindungan 01-01-2026 s.d. 13-02-2026 (44 hari): antara PKS PKS/2025/1 dan PKS PKS/2026/1"]
    assert "Celah PKS 01-01-2026 – 13-02-2026" in svg and 'class="band"' in svg
    big = svgcharts.trend_chart(["Jan 26", "Feb 26"], [("A", [12_000.0, 15_500.0], ["a", "b"])], title="t")
    assert ">20.000<" in big and ">15.000<" in big  # thousands separators on the axis
