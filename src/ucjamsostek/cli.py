"""The ``ucjamsostek`` console script: Django's management commands plus the project's own.

It stops with one clear message (in Bahasa Indonesia) on a configuration or database problem
instead of a traceback; ``--traceback`` or ``UCJAMSOSTEK_DEBUG=true`` shows the full trace.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

#: Files the app creates (the SQLite database and its journal, uploads, screening outputs, reports,
#: backups) are readable by the service user only: 0600 files, 0700 folders. They hold personal data.
PRIVATE_UMASK = 0o077


def _fail(message: str) -> int:
    print(f"ucjamsostek: {message}", file=sys.stderr)
    return 2


@contextmanager
def _options_in_bahasa() -> Iterator[None]:
    """A bad option stops with one Bahasa line and exit code 2 (like every user error), instead
    of argparse's English usage text: the commands' parsers raise ``CommandError`` with the
    message :func:`ucjamsostek.errors.option_message` gives."""
    from django.core.management.base import CommandError, CommandParser

    from ucjamsostek.errors import option_message

    def error(parser: CommandParser, message: str) -> NoReturn:
        command = parser.prog.removeprefix("ucjamsostek").strip()
        raise CommandError(option_message(message, command), returncode=2)

    original = CommandParser.error
    CommandParser.error = error  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        CommandParser.error = original  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "ucjamsostek"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    show_trace = "--traceback" in argv or os.environ.get("UCJAMSOSTEK_DEBUG", "").lower() in ("1", "true")

    from django.core.management.base import CommandError

    from ucjamsostek.config import ConfigError
    from ucjamsostek.errors import USER_ERRORS, user_message

    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        from ucjamsostek.startup import check_deployment

        command = argv[1] if len(argv) > 1 else ""
        # Help for a command needs no database: it works before `ucjamsostek init`.
        asks_help = any(a in ("-h", "--help") for a in argv[2:])
        check_deployment("help" if asks_help else command)
        if command and not command.startswith("-") and command != "help" and "--traceback" not in argv:
            # Let CommandError reach us, so it prints as one "ucjamsostek: ..." line with exit code 2.
            # Right after the command name: an option at the end would land in a sub-command's parser.
            argv = [*argv[:2], "--traceback", *argv[2:]]
        with _options_in_bahasa():
            execute_from_command_line(argv)
    except ConfigError as exc:
        if show_trace:
            raise
        return _fail(f"konfigurasi salah: {exc}")
    except CommandError as exc:
        if show_trace:
            raise
        return _fail(str(exc))
    except USER_ERRORS as exc:  # the CLI's one translator of user errors: one line, exit code 2
        if show_trace:
            raise
        return _fail(user_message(exc))
    except Exception as exc:  # one clear message for known classes, traceback otherwise
        from ucjamsostek.startup import explain

        message = explain(exc)
        if message is None or show_trace:
            raise
        return _fail(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
