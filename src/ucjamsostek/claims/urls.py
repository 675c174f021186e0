from django.urls import path

from ucjamsostek.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.index, name="index"),
    path("unggah/", views.upload, name="upload"),
]
