from __future__ import annotations

from django.urls import path

from messaging.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/open/", views.open_notification, name="open"),
    path("<int:notification_id>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    # The one-click "stop" link of e-mails: no sign-in (ANONYMOUS_VIEWS), the token is the key.
    path("stop/<str:token>/<str:event>/", views.stop, name="stop"),
    path("stop/<str:token>/<str:event>/resume/", views.resume, name="resume"),
    path("refusals/", views.refusals, name="refusals"),
    path("refusals/parent/<int:parent_id>/", views.record_refusal, name="record_refusal"),
    path("refusals/<int:refusal_id>/withdraw/", views.withdraw_refusal, name="withdraw_refusal"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:delivery_id>/retry/", views.retry, name="retry"),
]
