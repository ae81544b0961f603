from django.urls import path

from archive.years import views

urlpatterns = [
    path("", views.years, name="years"),
    path("years/<int:year_id>/archive/", views.start, name="year_start"),
    path("<int:archive_id>/", views.archive_page, name="year_archive"),
    path("<int:archive_id>/status/", views.status, name="year_archive_status"),
    path("<int:archive_id>/verify/", views.verify, name="year_archive_verify"),
    path("files/<int:file_id>/", views.download, name="year_archive_file"),
    path("removals/<int:removal_id>/approve/", views.approve, name="removal_approve"),
    path("removals/<int:removal_id>/reject/", views.reject, name="removal_reject"),
]
