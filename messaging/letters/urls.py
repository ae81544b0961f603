from __future__ import annotations

from django.urls import path

from messaging.letters import views

urlpatterns = [
    path("", views.index, name="letters"),
    path("class/<int:class_id>/", views.class_letters, name="letters_class"),
    path("<int:letter_id>/status/", views.letter_status, name="letter_status"),
    path("<int:letter_id>/download/", views.download, name="letter_download"),
]
