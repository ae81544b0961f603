from __future__ import annotations

from django.urls import path

from messaging.mail import views

app_name = "mail"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archive/", views.inbox, {"archived": True}, name="archive"),
    path("new/", views.compose, name="compose"),
    path("<int:thread_id>/", views.thread_page, name="thread"),
    path("<int:thread_id>/archive/", views.archive, name="archive_thread"),
    path("<int:thread_id>/restore/", views.restore, name="restore_thread"),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("mailings/", views.mailings, name="mailings"),
    path("mailings/<int:mailing_id>/", views.mailing, name="mailing"),
    path("mailings/<int:mailing_id>/open/", views.mailing_thread, name="mailing_thread"),
]
