"""The production web server: gunicorn, configured from the deployment's settings.

``ucjamsostek serve`` runs :class:`Server`: gunicorn's threaded workers (``gthread``), as many as
``settings.WEB_WORKERS`` (by default ``2 × CPU cores + 1``), each with ``settings.WEB_THREADS``
threads; the application is loaded once before the workers fork. Static files come from
whitenoise inside the app (no separate web server needed). Logs — gunicorn's own and one access
line per request — are JSON lines without personal data: the access line has the method, the
path with NIK-like numbers masked and no query string (it may hold a searched name), the status,
the size and the duration (:class:`JsonLogger`).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from ucjamsostek.core.logs import JsonLinesFormatter, PersonalDataFilter, scrub


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class JsonLogger(Logger):
    """gunicorn's logger writing JSON lines through the project's personal-data filter."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonLinesFormatter())
                handler.addFilter(PersonalDataFilter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        method, path = environ.get("REQUEST_METHOD", "-"), scrub(environ.get("PATH_INFO", ""))
        self.access_log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "method": method,
                "path": path,
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
            },
        )


class Server(BaseApplication):
    """gunicorn running ``ucjamsostek.wsgi.application`` with the given options."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ucjamsostek.wsgi import application

        return application


def server_options(bind: str, workers: int | None = None, threads: int | None = None) -> dict[str, Any]:
    """gunicorn's settings for ``serve`` (the systemd unit and the container run the same command)."""
    return {
        "bind": [bind],
        "workers": workers or settings.WEB_WORKERS or default_workers(),
        "worker_class": "gthread",
        "threads": threads or settings.WEB_THREADS,
        "preload_app": True,
        # An upload is stored, then screened by the worker: a request never screens, but a large
        # file on a slow line takes a while to arrive.
        "timeout": 300,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": JsonLogger,
        "proc_name": "ucjamsostek",
        "control_socket_disable": True,
        "forwarded_allow_ips": settings.WEB_FORWARDED_ALLOW_IPS,
    }
