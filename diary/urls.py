from __future__ import annotations

from django.urls import path

from diary import activity_views, views

app_name = "diary"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:student_id>/week/", views.week, name="week"),
    path("<int:student_id>/marks/", views.marks, name="marks"),
    path("<int:student_id>/finals/", views.finals, name="finals"),
    path("<int:student_id>/attendance/", views.attendance, name="attendance"),
    path("<int:student_id>/homework/", views.homework, name="homework"),
    path("<int:student_id>/chart/", views.chart, name="chart"),
    path("class/<int:class_id>/activity/", activity_views.class_activity, name="class_activity"),
]
