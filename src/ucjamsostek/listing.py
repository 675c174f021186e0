"""What the app's list pages share (issue 10 §6): a long list is paginated and searchable.

:func:`paginate` cuts a list or a queryset into pages of :data:`PER_PAGE` rows (the page asked
for by ``?page=``; a page past the end shows the last one) and remembers the rest of the query
string, so the links of ``web/_pagination.html`` keep the search and the filters.
:func:`search_text` is the ``?q=`` a list page searches by (``web/_search.html`` draws the box).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

#: Rows on one page of a list (the issue: "lists over 50 rows are paginated").
PER_PAGE = 50


def search_text(request: HttpRequest) -> str:
    """The text a list page searches by (``?q=``), stripped."""
    return (request.GET.get("q") or "").strip()


def paginate(request: HttpRequest, items: Sequence[Any] | Any, per_page: int = PER_PAGE) -> Page:
    """The page of ``items`` asked for by ``?page=``, with ``keep`` set to the rest of the query
    string (``q=…&status=…&``) for the links to the other pages."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    rest = request.GET.copy()
    rest.pop("page", None)
    encoded = rest.urlencode()
    page.keep = f"{encoded}&" if encoded else ""  # type: ignore[attr-defined]
    return page
