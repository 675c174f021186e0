"""Two response rules of the whole site (issue 15).

:class:`NoStoreMiddleware`: every page and download the app makes (not the static files, which
whitenoise answers before it) carries ``Cache-Control: no-store, private``: nearly every page
shows personal data, and a shared computer's browser cache or a proxy must not keep it.

:class:`DatabaseBusyMiddleware`: a database busy with a long write answers a page that says so,
never a 500.

SQLite lets one writer at a time; a page that saves while an import writes waits
``busy_timeout`` (10 s) and then gets "database is locked". PostgreSQL answers a lock timeout or a
deadlock the same way. :class:`DatabaseBusyMiddleware` turns those into 503 "sedang sibuk, coba
lagi" (in the user's language) with ``Retry-After``; nothing of the refused request was saved
(its transaction rolled back). Any other database error stays a defect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

#: Words of the busy errors: SQLite ("database is locked", "database table is locked", "busy"),
#: PostgreSQL ("lock timeout", "deadlock detected", "could not obtain lock").
BUSY_WORDS = ("locked", "busy", "lock timeout", "deadlock", "could not obtain lock")
RETRY_AFTER_SECONDS = 30


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is the database refusing for now because another write holds it."""
    return isinstance(exc, OperationalError) and any(w in str(exc).lower() for w in BUSY_WORDS)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        # A page of its own (no navigation): the database cannot be asked for anything now.
        response = HttpResponse(render_to_string("web/busy.html", request=request), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
