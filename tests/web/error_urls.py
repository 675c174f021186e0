"""The project's URLs plus a page that fails, to see the 500 page (tests only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ucjamsostek.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a defect")


urlpatterns = [path("rusak/", broken), *urlpatterns]
