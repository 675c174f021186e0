"""The landing page "Tugas saya" (issue 10 §5) in Chromium, as each demo role: operators land on
their tasks, leadership on the dashboard; each task shows the figure its selector gives within
the user's scope and links to the page where the work is done (which opens for that role)."""

from __future__ import annotations

import pytest

from tests.demo_fixture import login, small_demo  # noqa: F401

pytestmark = [pytest.mark.browser]

#: The tasks each demo role sees, in order (leadership lands on the dashboard instead).
EXPECTED = {
    "admin": ["review", "verify-3", "reconcile", "pay", "pks", "follow-ups"],
    "dinas": ["review", "verify-3", "reconcile", "pay", "pks", "follow-ups"],
    "area_kecamatan": ["review", "verify-2"],
    "area": ["review", "verify-1"],
    "opd": ["review", "verify-2", "follow-ups"],
    "budget": ["pay", "pks"],
    "bpjs": ["reconcile"],
    "auditor": [],
}


def _figures(user) -> dict[str, int]:
    """The figures as their own selectors give them (not through ``web.tasks``)."""
    from django.utils import timezone

    from ucjamsostek.agreements import selectors as agreements
    from ucjamsostek.billing import selectors as billing
    from ucjamsostek.monitoring import selectors as monitoring
    from ucjamsostek.screening import queries, queue

    today = timezone.localdate()
    rows = billing.arrears_rows(user, today)
    verify = queries.batches_to_verify(user)
    out = {
        "review": queue.work_queue(user).total,
        "reconcile": sum(1 for r in rows if not r["reconciled"]),
        "pay": sum(1 for r in rows if r["outstanding"] > 0),
        "pks": len(agreements.warnings(user, today, within_days=90).ending),
        "follow-ups": len(monitoring.overdue_follow_ups(today)),
    }
    for level in (1, 2, 3):
        out[f"verify-{level}"] = sum(1 for b in verify if b.level == level)
    return out


@pytest.mark.django_db(transaction=True)
def test_each_role_lands_on_its_tasks_and_each_task_leads_where_it_is_done(
    live_server,
    browser_page,
    small_demo,  # noqa: F811
):
    page = browser_page
    seen: dict[str, dict[str, int]] = {}
    for role, expected in EXPECTED.items():
        page.context.clear_cookies()
        login(page, live_server.url, small_demo.usernames[role])
        assert page.url.rstrip("/") == live_server.url, role
        page.wait_for_selector("#tasks")
        assert page.locator("#tasks h2").inner_text() == "Tugas saya"
        tasks = page.locator("#tasks li[data-task]")
        keys = [t.get_attribute("data-task") for t in tasks.all()]
        assert keys == expected, role
        if not expected:
            assert page.locator("#no-tasks").is_visible()
        figures = _figures(small_demo.user(role))
        seen[role] = {}
        for key in keys:
            task = page.locator(f"#tasks li[data-task='{key}']")
            count = int(task.locator("[data-testid=count]").inner_text().replace(".", ""))
            if key != "follow-ups" or role != "opd":
                assert count == figures[key], (role, key)
            seen[role][key] = count
        # every link of the tasks opens for this role (no 403 nor 404 where the work is done)
        hrefs = {a.get_attribute("href") for a in page.locator("#tasks a").all()}
        for href in sorted(hrefs):
            response = page.request.get(live_server.url + href)
            assert response.status == 200, (role, href, response.status)
    # the demo has work waiting: rows to review (fewer in a desa than regency-wide), late follow-ups
    assert seen["dinas"]["review"] > 0 and seen["area"]["review"] <= seen["area_kecamatan"]["review"]
    assert seen["area_kecamatan"]["review"] < seen["dinas"]["review"]
    assert seen["dinas"]["follow-ups"] > 0 and seen["opd"]["follow-ups"] <= seen["dinas"]["follow-ups"]
    print(seen)

    # leadership keeps landing on the dashboard
    page.context.clear_cookies()
    login(page, live_server.url, small_demo.usernames["leadership"])
    assert page.url.startswith(live_server.url + "/monev/")
