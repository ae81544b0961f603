"""The archive's pages: the closed years' archive (archive/years), the backups
(archive/backups) and the certified copies of journals (archive/copies)."""

from django.urls import include, path

app_name = "archive"

urlpatterns = [
    path("", include("archive.years.urls")),
    path("backups/", include("archive.backups.urls")),
    path("copies/", include("archive.copies.urls")),
]
