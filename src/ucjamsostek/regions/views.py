from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ucjamsostek.regions import selectors


@login_required
def browse(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The region tree: Indonesia → province → regency → kecamatan → desa, with search."""
    region = None
    if code:
        region = selectors.get_region(code)
        if region is None:
            raise Http404
    term = request.GET.get("q", "").strip()
    context = {
        "region": region,
        "lineage": selectors.lineage(region) if region else [],
        "children": selectors.children(region),
        "area": selectors.deployment_area(),
        "term": term,
        "results": selectors.search(term) if term else None,
        "counts": selectors.counts_by_level(region.code if region else None),
    }
    return render(request, "regions/browse.html", context)
