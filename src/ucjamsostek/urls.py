from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from ucjamsostek.api.api import api, docs_view
from ucjamsostek.web import views as web_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", web_views.healthz, name="healthz"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("akun/", include("ucjamsostek.accounts.urls")),
    path("wilayah/", include("ucjamsostek.regions.urls")),
    path("penduduk/", include("ucjamsostek.registry.urls")),
    path("validasi/", include("ucjamsostek.screening.urls")),
    path("anggaran/", include("ucjamsostek.budget.urls")),
    path("pekerjaan/", include("ucjamsostek.jobs.urls")),
    path("pks/", include("ucjamsostek.agreements.urls")),
    path("tagihan/", include("ucjamsostek.billing.urls")),
    path("klaim/", include("ucjamsostek.claims.urls")),
    path("bantuan/", include("ucjamsostek.assistance.urls")),
    path("dana-ganda/", include("ucjamsostek.crossfund.urls")),
    path("monev/api/docs", docs_view, name="api_docs"),
    path("monev/api/", api.urls),  # the REST API (api/api.py), beside the monitoring pages
    path("monev/", include("ucjamsostek.monitoring.urls")),
    path("", include("ucjamsostek.web.urls")),
    prefix_default_language=False,
)

handler403 = "ucjamsostek.web.views.forbidden"
handler404 = "ucjamsostek.web.views.not_found"
handler500 = "ucjamsostek.web.views.server_error"
