"""Sessions end after ``SESSION_COOKIE_AGE`` seconds without a request (idle timeout).

Django's expiry counts from the last time the session was saved; saving it on every request
(``SESSION_SAVE_EVERY_REQUEST``) would write the session table on every page and poll. This
middleware touches a logged-in session at most once a minute, which saves it with a fresh expiry
(and a fresh cookie): an hour-long idle tab is logged out, an active one never is.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

TOUCH_KEY = "_seen"
TOUCH_EVERY = 60  # seconds


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(TOUCH_KEY, 0)) >= TOUCH_EVERY:
                session[TOUCH_KEY] = now
        return self.get_response(request)
