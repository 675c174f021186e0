from django.urls import path

from ucjamsostek.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.index, name="index"),
    path("unggah/", views.upload, name="upload"),
    path("<int:pk>/", views.programme, name="programme"),
]
