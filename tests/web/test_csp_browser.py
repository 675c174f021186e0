"""Every main page under the Content-Security-Policy in a real Chromium: no violation reported
(no inline script, no inline handler, no inline style), and the behaviour moved to static
JavaScript still works (confirmations, auto-submitting selects, progress bars)."""

from __future__ import annotations

import pytest

from tests.people_fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));
"""


def main_pages(user) -> list[str]:
    from ucjamsostek.web.navigation import build_navigation

    nav = build_navigation(user, "/")
    links = [i["url"] for stage in nav["stages"] for i in stage["items"]] + [i["url"] for i in nav["reference"]]
    # The API docs page: Swagger UI from django-ninja's own static files (issue 15), no CDN.
    return ["/", *dict.fromkeys(links), "/admin/", "/admin/accounts/user/", "/monev/api/docs"]


def test_main_pages_report_no_csp_violation(live_server, users, people, browser_page):
    page = browser_page
    page.add_init_script(RECORD)
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_admin")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    pages = main_pages(users["admin"])
    assert len(pages) >= 10
    problems = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 500, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}, path
        page.wait_for_load_state("load")
        found = page.evaluate("window.__csp") + messages
        messages.clear()
        if found:
            problems[path] = found
    assert problems == {}


def test_behaviour_moved_out_of_inline_handlers_still_works(live_server, users, people, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_leadership")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/monev/")  # leadership lands on the dashboard
    select = page.locator("select[name=period][data-autosubmit]")
    options = select.locator("option").evaluate_all("els => els.map(e => e.value)")
    current = select.input_value()
    other = next(v for v in options if v != current)
    with page.expect_navigation():
        select.select_option(other)  # web/app.js submits the form on change
    assert f"period={other}" in page.url
