from django.urls import path

from archive.backups import views

urlpatterns = [
    path("", views.backups, name="backups"),
]
