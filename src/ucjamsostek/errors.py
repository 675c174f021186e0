"""How each interface shows a user error (``core.errors.UserError``, Django's ``ValidationError``
and ``PermissionDenied``): one translator per interface, all built on :func:`user_message`.

- pages: :func:`attempt` runs a service call and turns a user error into a flash message;
  :func:`attempt_status` also gives the status the page answers with (an upload refused answers
  422, or 403 when not allowed, with its message on the page it came from: never a 500);
- the API: ``api/api.py`` registers one handler per type (422 for a user error, 403 for a
  refusal), answering ``{"detail": message}``;
- the CLI: ``cli.main`` prints ``ucjamsostek: message`` on one line and exits with 2; a bad
  option (argparse's English ``invalid int value``, ``required``, ``invalid choice`` …) is
  put in Bahasa by :func:`option_message` and shown the same way.

Anything else is a defect: pages answer with Django's generic error page, the API with a plain
500, the CLI with a traceback; the log gets the exception's type and stack, never its text
(``core/logs.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from ucjamsostek.core.errors import UserError

T = TypeVar("T")

#: What a refusal says when the code raising it gave no reason.
MSG_FORBIDDEN = gettext_lazy("Anda tidak berwenang melakukan tindakan ini.")

#: The errors a user can fix, in the order the translators test them.
USER_ERRORS: tuple[type[Exception], ...] = (UserError, ValidationError, PermissionDenied)


def user_message(exc: Exception) -> str:
    """The one-line Indonesian message of a user error (one of :data:`USER_ERRORS`)."""
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or str(MSG_FORBIDDEN)
    return str(exc)


def attempt(request: HttpRequest, fn: Callable[[], T]) -> T | None:
    """Run a service call; show a user error as a flash message and return ``None``."""
    return attempt_status(request, fn)[0]


def refused(page: HttpResponse, status: int) -> HttpResponse:
    """``page`` (the page an upload came from, rendered with the refusal's flash message) answered
    with the refusal's ``status`` instead of a redirect: the message is on it, nothing was stored."""
    page.status_code = status
    return page


def status_of(exc: Exception) -> int:
    """The HTTP status of a page that shows user error ``exc``: 403 for a refusal, else 422."""
    return 403 if isinstance(exc, PermissionDenied) else 422


def attempt_status(request: HttpRequest, fn: Callable[[], T]) -> tuple[T | None, int]:
    """:func:`attempt`, with the status the page should answer: 200, or :func:`status_of` the error."""
    try:
        return fn(), 200
    except USER_ERRORS as exc:
        messages.error(request, user_message(exc))
        return None, status_of(exc)


#: argparse's messages (Python 3.11, ``argparse.py``) → Bahasa Indonesia; ``{0}``… are its values.
_OPTION_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), text)
    for pattern, text in (
        (r"invalid int value: (.*)", "{0} bukan bilangan bulat"),
        (r"invalid float value: (.*)", "{0} bukan angka"),
        (r"invalid \S+ value: (.*)", "nilai {0} tidak sah"),
        (r"invalid choice: (.*) \(choose from (.*)\)", "{0} tidak dikenal; pilih salah satu: {1}"),
        (r"expected one argument", "nilainya belum diisi"),
        (r"expected at most one argument", "paling banyak satu nilai"),
        (r"expected at least one argument", "paling sedikit satu nilai"),
        (r"expected (\d+) arguments?", "perlu {0} nilai"),
        (r"not allowed with argument (.*)", "tidak boleh dipakai bersama {0}"),
        (r"ignored explicit argument (.*)", "tidak menerima nilai {0}"),
        (r"the following arguments are required: (.*)", "pilihan wajib belum diisi: {0}"),
        (r"one of the arguments (.*) is required", "salah satu dari {0} wajib diisi"),
        (r"unrecognized arguments: (.*)", "pilihan tidak dikenal: {0}"),
        (r"ambiguous option: (\S+) could match (.*)", "pilihan {0} tidak jelas; bisa berarti {1}"),
        (r"unexpected option string: (.*)", "pilihan {0} tidak diharapkan"),
        (r"can't open '(.*)': (.*)", "berkas {0} tidak dapat dibuka ({1})"),
    )
)
_ARGUMENT = re.compile(r"argument (\S+): (.*)", re.DOTALL)


def option_message(message: str, command: str = "") -> str:
    """argparse's English error about a command-line option as one Bahasa line for the CLI:
    ``argument --quota: invalid int value: 'abc'`` → ``agreement: pilihan --quota: 'abc' bukan
    bilangan bulat (lihat ucjamsostek agreement --help)``. An unknown message is kept as it is."""

    def plain(text: str) -> str:
        for pattern, bahasa in _OPTION_MESSAGES:
            hit = pattern.fullmatch(text)
            if hit:
                return bahasa.format(*hit.groups())
        return text

    hit = _ARGUMENT.fullmatch(message)
    if hit:
        name = hit.group(1)
        what = "pilihan" if name.startswith("-") else "argumen"
        text = f"{what} {name}: {plain(hit.group(2))}"
    else:
        text = plain(message)
    help_hint = f"ucjamsostek {command} --help" if command else "ucjamsostek help"
    return f"{command}: {text} (lihat {help_hint})" if command else f"{text} (lihat {help_hint})"
