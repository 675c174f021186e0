from django.urls import path

from ucjamsostek.web import views

# No namespace: settings use LOGIN_REDIRECT_URL = "home".
urlpatterns = [
    path("", views.home, name="home"),
]
