from django.urls import path

from ucjamsostek.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.index, name="index"),
    path("unggah/", views.upload, name="upload"),
    path("<int:pk>/", views.invoice, name="invoice"),
    path("<int:pk>/rekonsiliasi.xlsx", views.invoice_xlsx, name="invoice_xlsx"),
    path("<int:pk>/bayar/", views.pay, name="pay"),
    path("<int:pk>/kredit/", views.apply_credit, name="apply_credit"),
]
