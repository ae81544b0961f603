from django.urls import path

from archive.years import views

urlpatterns = [
    path("", views.years, name="years"),
]
