"""Schemathesis against the API's OpenAPI schema: the schema is valid and no generated request
causes a server error (5xx). schemathesis comes with the dev lock: missing, the test fails."""

from __future__ import annotations

import pytest
import schemathesis

from ucjamsostek.monitoring import services


@pytest.mark.slow
@pytest.mark.django_db
def test_no_server_error_for_generated_requests(dataset, users, inline_jobs):
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    app = get_wsgi_application()
    # As Django's test client does: requests must not close the test's connection (its transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _run(schema_app=app, users=users)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _run(schema_app, users):
    app = schema_app
    schema = schemathesis.openapi.from_wsgi("/monev/api/openapi.json", app)
    ran: list[str] = []
    for role in ("dinas", "area"):
        _, key = services.create_api_token(users[role], "schemathesis")
        headers = {"Authorization": f"Bearer {key}"}
        for result in schema.get_all_operations():
            op = result.ok()
            _fuzz(op, headers)
            ran.append(f"{op.method.upper()} {op.path}")
    assert len(ran) >= 12


def _fuzz(op, headers):
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings

    @given(case=op.as_strategy())
    @hsettings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{op.method.upper()} {op.path}: {response.status_code}"

    check()
