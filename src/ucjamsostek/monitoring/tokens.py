"""API token look-up (reads + last-used stamp), used by :mod:`ucjamsostek.api.auth`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ucjamsostek.monitoring.models import ApiToken


def user_for_token(key: str) -> Any:
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
