"""Area scoping, everywhere (issue 12 §1): every URL pattern of the URL conf and every operation of
the API schema, called as every role, with the path filled with the ids of objects of every area
(and the query parameters each view reads), must never answer with the NIK or name of a person
outside the role's area — in html, json, csv, xlsx or pdf. Nothing here lists the routes: they are
walked from the resolver and the OpenAPI schema, so a new route is crawled the day it is added.

Only the routes that answer nothing but POST are named (:data:`POST_ONLY`), each with why its
answer carries no personal data; the test posts an empty form to each as every role and checks
that too, and fails on a POST-only route it does not know."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.people_fixtures import DESA_A, DESA_A2, KEC_A, KEC_B
from tests.scoping import crawl
from tests.scoping.conftest import PERIOD, Identity, forbidden

#: Roles that read every person with full NIKs: a leak is impossible for them, so each route is
#: called once (it must still answer without a server error).
SEE_ALL = ("admin", "dinas", "bpjs")
#: Roles that may not see a full NIK anywhere (counts, costs and the trail, not identities).
MASKED_NIK = ("budget", "leadership", "auditor")

#: Routes that answer only POST (405 to GET), and why their answer holds no personal data.
POST_ONLY: dict[str, str] = {
    "logout": "ends the session and redirects to the login page",
    "admin:logout": "Django's admin logout: ends the session",
    "set_language": "stores the language and redirects",
    "registry:enrollment_create": "writes an enrollment and redirects to the person (crawled)",
    "screening:review_row": "records a review decision and redirects to the batch (crawled)",
    "screening:review_pair": "records a duplicate decision and redirects to the batch (crawled)",
    "screening:review_bulk": "asks to confirm one decision for the filtered queue (a count) or records it and "
    "redirects to the queue (crawled)",
    "screening:verify": "records a tiered-verification decision and redirects to the batch (crawled)",
    "budget:finalize": "freezes a scenario and redirects to it (crawled)",
    "budget:delete": "deletes a draft scenario and redirects to the list (crawled)",
    "agreements:create": "creates a PKS and redirects to it (crawled)",
    "agreements:action": "changes a PKS (status, addendum, document, enrollment) and redirects to it",
    "agreements:registration_import": "imports BPJS's answer; messages name rows, never NIKs",
    "agreements:registration_submit": "marks a PKS's proposed enrollments submitted and redirects to it; "
    "without its confirmation box the PKS page again (crawled)",
    "billing:upload": "imports a bill and redirects to it (crawled)",
    "billing:pay": "records an SP2D payment and redirects to the bill (crawled)",
    "billing:apply_credit": "moves a bill's overpayment to another bill and redirects to the bill (crawled)",
    "claims:upload": "imports claims; messages name rows, never NIKs",
    "assistance:upload": "imports a recipient list and redirects to the programme (crawled)",
    "monitoring:refresh": "starts the indicator job and redirects to its page (crawled)",
    "monitoring:report": "starts the report job and redirects to its page (crawled)",
    "monitoring:follow_up_status": "changes a follow-up and redirects to its meeting (crawled)",
    "POST /monev/api/screening/batches": "a multipart upload (empty here: 422); its answer is the "
    "job's status, whose result is the batch id (both crawled)",
}


def _path_pool(world: dict[str, Any]) -> Callable[[crawl.Route, crawl.Param], list[str]]:
    from ucjamsostek.screening.services import OUTPUT_NAMES

    desa_b = world["people"]["B1"].village
    # Path parameters that are not object ids: a region code, a batch's output file.
    named = {"code": [KEC_B, desa_b, DESA_A2, KEC_A, DESA_A, "74.13"], "name": list(OUTPUT_NAMES)}

    def pool(route: crawl.Route, param: crawl.Param) -> list[str]:
        if param.choices:
            return list(param.choices)
        if param.name in named and not route.is_admin:
            return named[param.name]
        values: list[str] = []
        for model in crawl.models_for(route, param):
            values += [v for v in crawl._ids(model) if v not in values]
        if param.converter == "int":
            values = [v for v in values if v.isdigit()]
        return values or ["1"]

    return pool


def _query_pool(world: dict[str, Any]) -> Callable[[str], list[str]]:
    from ucjamsostek.budget.models import BudgetScenario
    from ucjamsostek.core import indicators as ind
    from ucjamsostek.core.reconcile import CLASSES

    people = world["people"]
    desa_b = people["B1"].village
    scenarios = [str(pk) for pk in BudgetScenario.objects.values_list("pk", flat=True)]
    # The query parameters the views read, by name: values that select something in the world
    # (a NIK or name of another area to search for, every area, every indicator …); "1" otherwise.
    values: dict[str, list[str]] = {
        "q": [people["B1"].nik, people["B1"].name.split()[0], people["X1"].nik, "Wa Ode"],
        "area": [KEC_B, desa_b, KEC_A, DESA_A, "74.13"],
        "period": [PERIOD, "2025-S1", "2025-02"],
        "indicator": [d.code for d in ind.INDICATORS],
        "breakdown": ["", "type:JKM", "programme:BSU2025", "segment:pekerja_rentan"],
        "kelas": list(CLASSES),
        "as_of": ["2026-01-01"],
        "ids": scenarios or ["1"],
        "from": scenarios or ["1"],
        "year": ["2025", "2026"],
        "status": ["", "eligible", "review", "rejected"],
        "page": ["1", "2"],
        "next": ["/"],
    }
    return lambda name: values.get(name, ["1"])


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _check(
    result: crawl.Crawl,
    role: str,
    label: str,
    response: Any,
    hidden: Iterable[Identity],
    everyone: Iterable[Identity],
    sent: str = "",
) -> None:
    result.requests += 1
    if response.status_code >= 500:
        result.add(role, label, f"answered {response.status_code}")
        return
    text = crawl.body_text(response)
    low = text.lower()
    for p in hidden:
        if p.nik in text and p.nik not in sent:
            result.add(role, label, f"NIK of {p.key} (outside the role's area)")
        if p.name.lower() in low and p.name.lower() not in sent.lower():
            result.add(role, label, f"name of {p.key} (outside the role's area)")
    if role in MASKED_NIK:
        for p in everyone:
            if p.nik in text and p.nik not in sent:
                result.add(role, label, f"full NIK of {p.key} for a role that sees NIKs masked")


def crawl_pages(
    world: dict[str, Any], roles: Iterable[str], *, only: Callable[[crawl.Route], bool] = lambda r: True
) -> crawl.Crawl:
    """GET every route as each role; record leaks, server errors and POST-only routes."""
    result = crawl.Crawl()
    path_pool, query_pool = _path_pool(world), _query_pool(world)
    everyone = list(world["people"].values())
    for role in roles:
        user = world["users"][role]
        hidden = forbidden(role, user, world["people"])
        client = _login(Client(raise_request_exception=False), user)
        for route in crawl.routes():
            if not only(route):
                continue
            first_only = role in SEE_ALL or route.is_admin
            queries = crawl.query_sets(crawl.query_names(route), query_pool)[1:]
            for values in crawl.iter_values(route, path_pool, first_only=first_only):
                url = route.url(values)
                response = client.get(url)
                if response.status_code == 405:
                    result.post_only.setdefault(route.name or route.template, set()).add(role)
                    break
                _check(result, role, f"GET {url}", response, hidden, everyone, sent=url)
                if not response.wsgi_request.user.is_authenticated:
                    client = _login(client, user)  # a page that ended the session
                if response.status_code != 200:
                    continue
                # the query parameters the view reads, on every object the page shows
                for query in queries[:1] if first_only else queries:
                    full = f"{url}?{urlencode(query)}"
                    _check(result, role, f"GET {full}", client.get(full), hidden, everyone, sent=full)
    return result


def crawl_api(world: dict[str, Any], roles: Iterable[str]) -> crawl.Crawl:
    """Every GET operation of the API schema as each role (its bearer token), the path filled
    with every NIK, job and batch of the world."""
    from ucjamsostek.jobs.models import Job
    from ucjamsostek.screening.models import NominationBatch

    result = crawl.Crawl()
    schema = Client().get("/monev/api/openapi.json").json()
    everyone = list(world["people"].values())
    query_pool = _query_pool(world)
    path_values = {
        "nik": [p.nik for p in everyone],
        "job_id": [str(pk) for pk in Job.objects.values_list("pk", flat=True)],
        "batch_id": [str(pk) for pk in NominationBatch.objects.values_list("pk", flat=True)],
    }
    client = Client(raise_request_exception=False)
    for role in roles:
        user = world["users"][role]
        hidden = forbidden(role, user, world["people"])
        auth = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][role]}"}
        for op in crawl.api_operations(schema):
            if op.method == "POST" and op.json_fields and set(op.json_fields) <= set(path_values):
                # a JSON body of known fields (the NIK look-up): every value of each field
                for name in op.json_fields:
                    for value in path_values[name]:
                        body = json.dumps({n: path_values[n][0] for n in op.json_fields} | {name: value})
                        response = client.post(op.path, body, content_type="application/json", **auth)
                        _check(result, role, f"API POST {op.path} {body}", response, hidden, everyone, sent=body)
                continue
            if op.method != "GET":
                result.post_only.setdefault(f"{op.method} {op.path}", set()).add(role)
                continue
            choices = {n: path_values.get(n, ["1"]) for n in op.path_params}
            first = {n: c[0] for n, c in choices.items()}
            filled = [first] + [first | {n: v} for n, c in choices.items() for v in c[1:]]
            queries = crawl.query_sets(list(op.query_params), query_pool)
            for values in filled:
                for query in queries:
                    full = op.url(values) + ("?" + urlencode(query) if query else "")
                    response = client.get(full, **auth)
                    _check(result, role, f"API GET {full}", response, hidden, everyone, sent=full)
    return result


def post_only_routes(world: dict[str, Any], names: Iterable[str], roles: Iterable[str]) -> crawl.Crawl:
    """POST an empty form to each POST-only route as each role (a fresh session each time)."""
    result = crawl.Crawl()
    path_pool = _path_pool(world)
    everyone = list(world["people"].values())
    wanted = set(names)
    by_name = {r.name or r.template: r for r in crawl.routes()}
    for role in roles:
        user = world["users"][role]
        hidden = forbidden(role, user, world["people"])
        for name in sorted(wanted):
            if name.startswith("POST /"):
                client = Client(raise_request_exception=False)
                auth = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][role]}"}
                response = client.post(name.removeprefix("POST "), {}, **auth)
                _check(result, role, name, response, hidden, everyone)
                continue
            route = by_name[name]
            for values in crawl.iter_values(route, path_pool, first_only=True):
                client = _login(Client(raise_request_exception=False), user)
                response = client.post(route.url(values), {})
                _check(result, role, f"POST {route.url(values)}", response, hidden, everyone)
    return result


SCOPED = ("area", "kec", "kec_b", "opd")
ALL_ROLES = ("admin", "dinas", "area", "kec", "kec_b", "opd", "budget", "bpjs", "leadership", "auditor")


def _report(findings: list[crawl.Finding]) -> str:
    lines = sorted({str(f) for f in findings})
    return f"{len(lines)} finding(s):\n" + "\n".join(lines[:300])


@pytest.mark.django_db
def test_no_route_shows_a_person_outside_the_roles_area(world, monkeypatch):
    pages = crawl_pages(world, ALL_ROLES)
    api = crawl_api(world, ALL_ROLES)
    unknown = sorted((set(pages.post_only) | set(api.post_only)) - set(POST_ONLY))
    assert not unknown, f"POST-only routes not in POST_ONLY (say why their answer is safe): {unknown}"
    posts = post_only_routes(world, set(pages.post_only) | set(api.post_only), SCOPED)
    findings = pages.findings + api.findings + posts.findings
    assert pages.requests > 1000 and api.requests > 100, (pages.requests, api.requests)
    assert not findings, _report(findings)

    # The crawl can fail: with the registry's people unscoped, it sees the other area at once.
    from ucjamsostek.accounts import permissions as perm

    monkeypatch.setattr(perm, "people_q", lambda user, prefix="": perm.Q())
    leak = crawl_pages(world, ["kec"], only=lambda r: r.name in ("registry:search", "registry:detail"))
    assert any("B1" in f.problem for f in leak.findings), _report(leak.findings)
    leak = crawl_api(world, ["kec"])
    assert any("B1" in f.problem and "lookup" in f.request for f in leak.findings), _report(leak.findings)
