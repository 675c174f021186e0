"""Two request wrappers of the accounts app: the idle-session timeout and the access log of
downloads (:class:`AccessLogMiddleware`).

Sessions end after ``SESSION_COOKIE_AGE`` seconds without a request (idle timeout).

Django's expiry counts from the last time the session was saved; saving it on every request
(``SESSION_SAVE_EVERY_REQUEST``) would write the session table on every page and poll. This
middleware touches a logged-in session at most once a minute, which saves it with a fresh expiry
(and a fresh cookie): an hour-long idle tab is logged out, an active one never is.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import IO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from ucjamsostek.accounts.services import record_download

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


class AccessLogMiddleware:
    """Every download (an attachment, or a csv/xlsx answer) is recorded in the access log before
    it leaves: who, the route, its object and the people the file names (``record_download`` reads
    the file itself, so a new export is recorded without its view doing anything). A download that
    cannot be recorded is not sent (the error propagates: no export without its record)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 200 and request.method != "HEAD" and is_download(response):
            match = request.resolver_match
            what = match.view_name if match else request.path
            target = " ".join(f"{k}={v}" for k, v in sorted(match.kwargs.items())) if match else ""
            record_download(request.user, what, _body(response), target=target)
        return response


DOWNLOAD_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.ms-excel", "application/octet-stream")  # fmt: skip


def is_download(response: HttpResponseBase) -> bool:
    """An attachment, or a body of a spreadsheet type (shown inline or saved, it is an export)."""
    disposition = response.get("Content-Disposition", "").strip().lower()
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return disposition.startswith("attachment") or content_type in DOWNLOAD_TYPES


def _body(response: HttpResponseBase) -> IO[bytes]:
    """The response's bytes as a file to read and put back: the streamed file itself (a
    ``FileResponse``) or the body held in memory."""
    file = getattr(response, "file_to_stream", None) if isinstance(response, FileResponse) else None
    if file is not None and getattr(file, "seekable", lambda: False)():
        return file
    if isinstance(response, StreamingHttpResponse):
        # no file to read twice: hold the body once, and stream it from memory
        data = b"".join(response.streaming_content)  # type: ignore[arg-type]
        response.streaming_content = [data]
        return io.BytesIO(data)
    return io.BytesIO(response.content)  # type: ignore[attr-defined]
