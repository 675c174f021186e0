from django.urls import path

from ucjamsostek.budget import views

app_name = "budget"
urlpatterns = [
    path("", views.index, name="index"),
    path("banding/", views.compare, name="compare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/xlsx/", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/pdf/", views.export_pdf, name="export_pdf"),
    path("<int:pk>/final/", views.finalize, name="finalize"),
    path("<int:pk>/hapus/", views.delete, name="delete"),
]
