from django.urls import path

from ucjamsostek.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.batch_list, name="index"),
    path("unggah/", views.upload, name="upload"),
    path("unggah/<int:job_id>/", views.upload_status, name="upload_status"),
    path("unggah/<int:job_id>/pemetaan-kolom/", views.column_mapping, name="mapping"),
    path("tinjauan/", views.review_index, name="review"),
    path("tinjauan/massal/", views.review_bulk, name="review_bulk"),
    path("rujukan/", views.references, name="references"),
    path("berkas/<int:pk>/", views.batch_detail, name="batch"),
    path("berkas/<int:pk>/unduh/<str:name>", views.download, name="download"),
    path("berkas/<int:pk>/verifikasi/", views.verify, name="verify"),
    path("berkas/<int:pk>/tinjauan/", views.review, name="batch_review"),
    path("usulan/<int:pk>/tinjauan/", views.review_row, name="review_row"),
    path("pasangan/<int:pk>/tinjauan/", views.review_pair, name="review_pair"),
]
