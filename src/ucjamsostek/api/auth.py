"""Bearer-token authentication: ``Authorization: Bearer ucj_…``. Only the token's SHA-256 is stored
(``monitoring.ApiToken``); the request then acts as the token's user, with that user's role and area."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from ucjamsostek.accounts.permissions import has_role
from ucjamsostek.monitoring import tokens


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for_token(token)
        if not has_role(user):
            return None
        request.user = user
        return user
