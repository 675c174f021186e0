from django.urls import path

from ucjamsostek.accounts import views

# No namespace: settings use LOGIN_URL = "login" and LOGOUT_REDIRECT_URL = "login".
urlpatterns = [
    path("masuk/", views.login, name="login"),
    path("keluar/", views.logout, name="logout"),
    path("log-akses/", views.access_log, name="access_log"),
]
