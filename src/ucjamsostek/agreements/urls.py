from django.urls import path

from ucjamsostek.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.index, name="index"),
    path("baru/", views.create, name="create"),
    path("celah/", views.gaps, name="gaps"),
    path("jawaban-bpjs/", views.registration_import, name="registration_import"),
    path("dokumen/<int:pk>/", views.document, name="document"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/aksi/", views.action, name="action"),
    path("<int:pk>/pendaftaran.xlsx", views.registration_export, name="registration_export"),
    path("<int:pk>/pendaftaran/kirim/", views.registration_submit, name="registration_submit"),
]
