"""``ucjamsostek serve [--bind HOST:PORT] [--workers N] [--threads N]``: the production web server.

gunicorn with threaded workers (by default ``2 × CPU cores + 1`` processes of
``UCJAMSOSTEK_WEB_THREADS`` threads; ``UCJAMSOSTEK_WEB_WORKERS`` overrides), static files through
whitenoise, JSON-lines logs without personal data (``web/server.py``). Background jobs need
``ucjamsostek worker`` running beside it. ``runserver`` stays for development.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ucjamsostek.web.server import Server, server_options

DEFAULT_BIND = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Jalankan aplikasi web dengan server produksi (gunicorn); jalankan juga 'ucjamsostek worker'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=DEFAULT_BIND, help=f"alamat:port yang didengar (bawaan {DEFAULT_BIND})")
        parser.add_argument("--workers", type=int, default=None, help="jumlah proses (bawaan 2 × inti CPU + 1)")
        parser.add_argument("--threads", type=int, default=None, help="utas per proses (bawaan 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name} minimal 1.")
        # The start-up check opened a connection; forked workers must not share it.
        connections.close_all()
        Server(server_options(options["bind"], options["workers"], options["threads"])).run()
