"""A real browser (Chromium through Playwright) logs in and finds a person."""

import pytest

from tests.people_fixtures import PASSWORD

pytestmark = [pytest.mark.browser]


@pytest.fixture
def logged_page(browser_page):
    """The shared browser page (tests/conftest.py), recording every request that leaves the app."""
    external: list[str] = []
    browser_page.on(
        "request", lambda req: external.append(req.url) if not req.url.startswith("http://localhost") else None
    )
    return browser_page, external


@pytest.mark.django_db(transaction=True)
def test_login_and_search_a_person(live_server, users, people, logged_page, artifacts_dir):
    page, external = logged_page
    page.goto(f"{live_server.url}/")
    assert "/akun/masuk/" in page.url  # not logged in: sent to the login page
    page.fill("#id_username", "u_dinas")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Beranda"
    assert page.locator("nav.flow").is_visible()
    page.screenshot(path=str(artifacts_dir / "home.png"), full_page=True)

    page.fill("#home-q", "Aminah")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#results")
    assert page.locator("#results tbody tr").count() == 1
    page.screenshot(path=str(artifacts_dir / "search.png"), full_page=True)

    page.click("#results tbody tr a >> nth=1")
    page.wait_for_selector("#nik")
    assert page.locator("#nik").inner_text().startswith(people["p_a"].nik)
    assert page.locator("h1").inner_text().startswith("Wa Ode Siti Aminah")
    page.screenshot(path=str(artifacts_dir / "person.png"), full_page=True)

    # a phone-sized screen still reads
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "person-phone.png"), full_page=True)
    assert not external, f"requests left the app: {external}"


@pytest.mark.django_db(transaction=True)
def test_auditor_sees_masked_nik_in_browser(live_server, users, people, logged_page):
    page, _ = logged_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_auditor")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/penduduk/")
    page.fill("#q", people["p_a"].nik)
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#results")
    assert people["p_a"].nik not in page.content()
    assert "*" in page.locator("#results td.nik").first.inner_text()
