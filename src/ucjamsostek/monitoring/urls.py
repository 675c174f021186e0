from django.urls import path

from ucjamsostek.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("hitung-ulang/", views.refresh, name="refresh"),
    path("asal-data/", views.trace, name="trace"),
    path("kamus/", views.dictionary, name="dictionary"),
    path("daftar-tahunan/", views.year_list, name="year_list"),
    path("rencana-aksi/", views.checklist, name="checklist"),
    path("rencana-aksi/<int:pk>/", views.action_edit, name="action_edit"),
    path("rencana-aksi/<int:pk>/bukti/", views.evidence, name="evidence"),
    path("target/", views.inputs, name="inputs"),
    path("rapat/", views.meetings, name="meetings"),
    path("rapat/<int:pk>/", views.meeting, name="meeting"),
    path("tindak-lanjut/<int:pk>/status/", views.follow_up_status, name="follow_up_status"),
    path("laporan/", views.report, name="report"),
    path("laporan/<int:job_id>/unduh/", views.report_download, name="report_download"),
    path("laporan/terbit/", views.issued_reports, name="issued_reports"),
    path("laporan/terbit/<int:pk>/unduh/", views.issued_download, name="issued_download"),
    path("laporan/bagikan/<str:token>/", views.report_shared, name="report_shared"),
    path("laporan/pengaturan/", views.report_setup, name="report_setup"),
    path("laporan/pengaturan/logo/", views.report_logo, name="report_logo"),
    path("grafik/<slug:chart>.xlsx", views.chart_data, name="chart_data"),
]
