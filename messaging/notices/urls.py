from __future__ import annotations

from django.urls import path

from messaging.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/", views.notice, name="notice"),
    path("files/<int:file_id>/", views.download_file, name="file"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create_notice, name="create"),
    path("<int:notice_id>/edit/", views.edit_notice, name="edit"),
    path("<int:notice_id>/withdraw/", views.withdraw_notice, name="withdraw"),
    path("<int:notice_id>/files/<int:file_id>/delete/", views.delete_notice_file,
         name="file_delete"),
    path("events/", views.calendar, name="calendar"),
    path("events/new/", views.create_event, name="event_create"),
    path("events/<int:event_id>/edit/", views.edit_event, name="event_edit"),
    path("events/<int:event_id>/delete/", views.delete_event, name="event_delete"),
]
