from __future__ import annotations

from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/download/", views.download, name="download"),
    path("year-journals/", views.year_journals, name="year_journals"),
    path("<slug:key>/", views.report_page, name="report"),
]
