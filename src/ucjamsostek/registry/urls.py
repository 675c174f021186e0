from django.urls import path

from ucjamsostek.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("baru/", views.create, name="create"),
    path("riwayat/", views.changelog, name="changelog"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ubah/", views.edit, name="edit"),
    path("<int:pk>/kepesertaan/baru/", views.enrollment_create, name="enrollment_create"),
    path("kepesertaan/<int:pk>/ubah/", views.enrollment_edit, name="enrollment_edit"),
]
