"""How each interface shows a user error (``core.errors.UserError``, Django's ``ValidationError``
and ``PermissionDenied``): one translator per interface, all built on :func:`user_message`.

- pages: :func:`attempt` runs a service call and turns a user error into a flash message;
- the API: ``api/api.py`` registers one handler per type (422 for a user error, 403 for a
  refusal), answering ``{"detail": message}``;
- the CLI: ``cli.main`` prints ``ucjamsostek: message`` on one line and exits with 2.

Anything else is a defect: pages answer with Django's generic error page, the API with a plain
500, the CLI with a traceback; the log gets the exception's type and stack, never its text
(``core/logs.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
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
    try:
        return fn()
    except USER_ERRORS as exc:
        messages.error(request, user_message(exc))
    return None
