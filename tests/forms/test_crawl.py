"""Issue 10 "Done when": a crawl of every page reachable from the navigation, as every demo role
on the demo data, finds no 403 behind a link, no empty pre-filled date, no code shown as a label
and no untranslated English on an Indonesian page.

From the navigation of the landing page, each role follows the links of the site breadth-first
(a few pages per URL pattern: the 400th person is drawn by the same template as the first), and
checks every HTML page it reaches:

* a link the page shows answers 403 (navigation and pages show only what the role may open),
  404 or 405 (a link to a form's POST address), or 5xx;
* an ``<input type="date">`` with a value that is not ``yyyy-mm-dd``: Chrome shows it empty, and
  saving the form would blank the stored date;
* a code as a label in the visible text (outside ``title=`` attributes, ``<code>`` and scripts):
  an UPPER_SNAKE reason or class code (``OUTSIDE_REGENCY``), a snake_case identifier
  (``count_active``, ``pekerja_rentan``) or an audit object name (``billing.payment #18``);
* an English UI word on a page served in Indonesian.

Django's admin (English by design, for administrators) and file downloads are not crawled.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.demo_fixture import small_demo  # noqa: F401

#: Pages drawn by one URL pattern that the crawl opens (with different ids or queries).
PER_PATTERN = 3
#: Pages one role opens at most.
PER_ROLE = 160
#: Paths not crawled: the admin (English for administrators), files, and what ends the session.
SKIP = re.compile(r"^/(admin|static|media)/|/unduh/|\.(xlsx|csv|pdf|json|svg|png|zip)$|/akun/keluar")

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODES = (
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"),  # OUTSIDE_REGENCY, BILLED_TWICE
    re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),  # count_active, pekerja_rentan
    re.compile(r"\b[a-z]+\.[a-z]+ #\d+"),  # billing.payment #18
)
ENGLISH = re.compile(
    r"\b(Save|Cancel|Delete|Previous|Next|Submit|Download|Upload|Search|Loading|None|True|False|Page \d|"
    r"Log ?out|Sign in|Password|Username|This field|required field|Select|Back to|No results|Yes|Settings)\b"
)


class _Page(HTMLParser):
    """The visible text (without ``<code>``, scripts, styles and attributes), the links and the
    date inputs of an HTML page."""

    HIDDEN = {"script", "style", "code", "textarea", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.dates: list[tuple[str, str]] = []  # (name, value attribute)
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "input" and a.get("type") == "date":
            self.dates.append((a.get("name", ""), a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(data.strip())


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def add(self, role: str, url: str, what: str) -> None:
        self.problems.append(f"{role} {url}: {what}")


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def check_page(findings: Findings, role: str, url: str, html: str) -> _Page:
    page = _Page()
    page.feed(html)
    for name, value in page.dates:
        if value and not ISO.match(value):
            findings.add(role, url, f"date input {name!r} pre-filled {value!r} (not yyyy-mm-dd: Chrome shows it empty)")
    text = "\n".join(page.text)
    for pattern in CODES:
        for code in sorted(set(pattern.findall(text))):
            findings.add(role, url, f"code shown as a label: {code!r}")
    if 'lang="id"' in html[:300]:
        for word in sorted(set(ENGLISH.findall(text))):
            findings.add(role, url, f"English on an Indonesian page: {word!r}")
    return page


def crawl_role(findings: Findings, role: str, client: Client) -> None:
    start = client.get("/", follow=True)
    assert start.status_code == 200, role
    first = _Page()
    first.feed(start.content.decode())
    nav = re.search(r'<nav class="flow".*?</nav>', start.content.decode(), re.S)
    assert nav, f"{role}: no navigation on the landing page"
    nav_links = re.findall(r'href="(/[^"]*)"', nav.group(0))
    queue = deque((link, "navigation") for link in dict.fromkeys([start.wsgi_request.path, *nav_links]))
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    opened = 0
    while queue and opened < PER_ROLE:
        url, source = queue.popleft()
        url = url.split("#")[0]
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        seen.add(url)
        pattern = _pattern(urlsplit(url).path)
        if pattern is None or pattern.startswith("admin:"):
            continue
        if per_pattern.get(pattern, 0) >= PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        response = client.get(url)
        opened += 1
        findings.pages += 1
        if response.status_code in (403, 404, 405) or response.status_code >= 500:
            findings.add(role, url, f"answers {response.status_code} (linked from {source})")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = check_page(findings, role, url, response.content.decode())
        queue.extend((link, url) for link in page.links if link not in seen)


@pytest.mark.django_db
def test_every_page_as_every_demo_role(small_demo):  # noqa: F811
    findings = Findings()
    for role in small_demo.usernames:
        client = Client(raise_request_exception=False)
        client.force_login(small_demo.user(role))
        crawl_role(findings, role, client)
    assert findings.pages > 100
    assert not findings.problems, f"{len(findings.problems)} problems:\n" + "\n".join(findings.problems[:80])


def test_the_checks_catch_what_they_are_for():
    """Each check on a page made for it (the crawl passing proves nothing if the checks are blind)."""
    findings = Findings()
    html = (
        '<html lang="id"><body><input type="date" name="deadline" value="15-12-2025">'
        '<input type="date" name="fine" value="2025-12-15"><p>Alasan: OUTSIDE_REGENCY · count_active</p>'
        '<p>billing.payment #18 <span title="pekerja_rentan">pekerja rentan</span> <code>NIK_INVALID</code></p>'
        '<button>Save</button> <a href="/x/">Berikutnya</a></body></html>'
    )
    page = check_page(findings, "dinas", "/x/", html)
    found = "\n".join(findings.problems)
    assert "'deadline'" in found and "'fine'" not in found
    assert "'OUTSIDE_REGENCY'" in found and "'count_active'" in found and "'billing.payment #18'" in found
    assert "pekerja_rentan" not in found and "NIK_INVALID" not in found  # a tooltip and <code> are fine
    assert "'Save'" in found and page.links == ["/x/"]
