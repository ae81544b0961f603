from django.urls import path

from archive.backups import views

urlpatterns = [
    path("", views.backups, name="backups"),
    path("start/", views.start, name="backup_start"),
    path("<int:backup_id>/row/", views.row, name="backup_row"),
    path("<int:backup_id>/download/<str:part>/", views.download, name="backup_download"),
]
