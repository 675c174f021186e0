"""The coverage map (issue 11 §2): with boundaries loaded, the dashboard draws coverage by
kecamatan and, on a kecamatan's click, by desa, with a legend and the ranked bars beside it;
without boundaries the ranked bars remain. Values are the indicator dictionary's COVERAGE."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.boundary_files import squares, write
from tests.people_fixtures import DESA_A, KEC_A, KEC_B, PASSWORD
from ucjamsostek.core import boundaries
from ucjamsostek.core import indicators as ind
from ucjamsostek.monitoring import services


def _page(user, query: str) -> str:
    c = Client()
    c.force_login(user)
    r = c.get(f"/monev/?{query}")
    assert r.status_code == 200
    return r.content.decode()


def _load(tmp_path) -> None:
    call_command("regions", "boundaries", "load", str(write(tmp_path / "b.geojson", squares())), stdout=io.StringIO())


@pytest.mark.django_db
def test_the_map_appears_with_boundaries_and_the_bars_stay_either_way(dataset, users, tmp_path):
    services.refresh("2025-08")
    page = _page(users["leadership"], "period=2025-08")
    assert 'data-testid="coverage-map"' not in page and 'data-testid="ranking"' in page
    _load(tmp_path)
    page = _page(users["leadership"], "period=2025-08")
    assert 'data-testid="coverage-map"' in page and 'data-testid="ranking"' in page
    paths = dict(re.findall(r'<a href="([^"]+)"><path d="[^"]+" fill="(#[0-9a-f]+)"[^>]*data-code="' + KEC_A, page))
    # KEC_A: 4 active of 10 workers = 40 % (the dictionary's COVERAGE), in the 25–50 % class
    assert paths == {f"/monev/?period=2025-08&amp;area={KEC_A}": boundaries.fill_of(40.0)}
    assert f'data-code="{KEC_B}"' in page  # zero workers: no data, drawn grey
    assert "tidak ada data" in re.search(r'data-testid="map-legend">(.*?)</ul>', page).group(1)
    desa = _page(users["leadership"], f"period=2025-08&area={KEC_A}")
    assert f'data-code="{DESA_A}"' in desa and f'data-code="{KEC_B}"' not in desa


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leadership_sees_the_map_clicks_a_kecamatan_sees_its_desa_the_gap_band_and_alerts(
    live_server, dataset, users, browser_page, artifacts_dir, tmp_path
):
    from ucjamsostek.agreements.models import Agreement

    today = timezone.localdate()
    old = Agreement.objects.create(
        number="PKS/UJI/LAMA", start=today - timedelta(days=400), end=today - timedelta(days=60),
        funder_id="apbd_kab", value=1, status="ended",
    )  # fmt: skip
    Agreement.objects.create(
        number="PKS/UJI/BARU", start=today - timedelta(days=20), end=today + timedelta(days=345),
        funder_id="apbd_kab", value=1, status="active", predecessor=old,
    )  # fmt: skip
    _load(tmp_path)
    month = ind.period_of(today).code
    services.refresh(month)
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_leadership")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/monev/")
    assert page.is_visible("[data-testid=coverage-map] svg")
    assert page.is_visible("[data-testid=alert-pks_gap]")
    assert "PKS/UJI/BARU" in page.inner_text("[data-testid=alert-pks_gap]")
    band = page.locator("[data-testid=trend] .band-label")
    assert band.count() == 1 and (band.text_content() or "").startswith("Celah PKS ") and band.is_visible()
    legend = page.inner_text("[data-testid=trend-legend]")
    assert "(40 hari): antara PKS PKS/UJI/LAMA dan PKS PKS/UJI/BARU" in legend
    page.screenshot(path=str(artifacts_dir / "monev-map-regency.png"), full_page=True)
    page.click(f"[data-testid=coverage-map] path[data-code='{KEC_A}']")
    page.wait_for_url(re.compile(rf".*area={re.escape(KEC_A)}"))
    assert page.inner_text("[data-testid=area-name]") != "Kabupaten Muna Barat"
    assert page.locator(f"[data-testid=coverage-map] path[data-code='{DESA_A}']").count() == 1
    assert page.locator(f"[data-testid=coverage-map] path[data-code='{KEC_B}']").count() == 0
    page.screenshot(path=str(artifacts_dir / "monev-map-kecamatan.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the map page scrolls sideways on a phone ({width}px)"
    shown = (
        "[...document.querySelectorAll('.chart-trend text.axis')]"
        ".filter(t => t.getBBox().width && getComputedStyle(t).display != 'none')"
    )
    tallest = page.evaluate(f"Math.min(...{shown}.map(t => t.getBoundingClientRect().height))")
    assert tallest >= 10, f"trend chart text too small on a phone ({tallest}px)"
    overlaps = page.evaluate(
        """() => {
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const texts = [...document.querySelectorAll('.chart-trend text')].map(t => t.getBoundingClientRect());
        const marks = [...document.querySelectorAll('.chart-trend .mark, .chart-trend .series')];
        const dots = marks.filter(m => m.tagName == 'circle');
        return dots.filter(m => texts.some(t => hit(t, m.getBoundingClientRect()))).length; }"""
    )
    assert overlaps == 0, f"{overlaps} data points under a label of the trend chart"
    page.screenshot(path=str(artifacts_dir / "monev-map-phone.png"), full_page=True)
