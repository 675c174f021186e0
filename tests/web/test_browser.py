"""A real browser (Chromium through Playwright) logs in and finds a person."""

import os
from pathlib import Path

import pytest

from tests.people_fixtures import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures'
    # teardown are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        external: list[str] = []
        page.on("request", lambda req: external.append(req.url) if not req.url.startswith("http://localhost") else None)
        yield page, external
        context.close()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_login_and_search_a_person(live_server, users, people, browser_page):
    page, external = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/")
    assert "/akun/masuk/" in page.url  # not logged in: sent to the login page
    page.fill("#id_username", "u_dinas")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Beranda"
    assert page.locator("nav.flow").is_visible()
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.fill("#home-q", "Aminah")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#results")
    assert page.locator("#results tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.click("#results tbody tr a >> nth=1")
    page.wait_for_selector("#nik")
    assert page.locator("#nik").inner_text().startswith(people["p_a"].nik)
    assert page.locator("h1").inner_text().startswith("Wa Ode Siti Aminah")
    page.screenshot(path=str(ARTIFACTS / "person.png"), full_page=True)

    # a phone-sized screen still reads
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "person-phone.png"), full_page=True)
    assert not external, f"requests left the app: {external}"


@pytest.mark.django_db(transaction=True)
def test_auditor_sees_masked_nik_in_browser(live_server, users, people, browser_page):
    page, _ = browser_page
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
