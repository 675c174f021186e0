from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language_from_path

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.web.navigation import build_navigation

register = template.Library()


@register.inclusion_tag("web/_nav.html", takes_context=True)
def flow_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    nav = build_navigation(user, getattr(request, "path", ""))
    return {"nav": nav, "request": request}


@register.simple_tag(takes_context=True)
def capabilities(context: dict[str, Any]) -> dict[str, bool]:
    request = context.get("request")
    return perm.capabilities(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def role_label(context: dict[str, Any]) -> str:
    request = context.get("request")
    return perm.role_label(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def unprefixed_path(context: dict[str, Any]) -> str:
    """The current path without its language prefix (``/en/penduduk/`` → ``/penduduk/``).

    ``set_language`` translates ``next`` by resolving it in the default language, so the language
    buttons must send the unprefixed path; otherwise switching back from English keeps ``/en/``.
    """
    request = context.get("request")
    if request is None:
        return "/"
    path = request.path
    lang = get_language_from_path(path)
    if lang and path.startswith(f"/{lang}/"):
        path = path[len(lang) + 1 :]
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path
