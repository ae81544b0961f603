from __future__ import annotations

from django.urls import path

from exports.portal import uid_views, views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/<slug:kind>/", views.start, name="start"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    # Not /files/: the phone-width crawl of the site skips links with /download.
    path("runs/<int:run_id>/download/<str:name>", views.run_file, name="run_file"),
    path("uids/", uid_views.uids, name="uids"),
]
