from django.urls import path

from ucjamsostek.crossfund import views

app_name = "crossfund"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:name>", views.download, name="download"),
]
