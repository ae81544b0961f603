"""The pages of the personal-data officer (`dpo:`), the e-diary coordinator (`coordinator:`)
and the secretary (`secretary:`)."""

from __future__ import annotations

from django.urls import include, path

from accounts.views import coordinator, dpo, secretary

dpo_patterns = [
    path("", dpo.log_page, name="log"),
    path("log/download/", dpo.log_download, name="log_xlsx"),
    path("consents/", dpo.consents_page, name="consents"),
    path("terminations/", dpo.terminations_page, name="terminations"),
    path("never-used/", dpo.never_used_page, name="never_used"),
    path("no-application/", dpo.no_application_page, name="no_application"),
]
coordinator_patterns = [
    path("", coordinator.classes_page, name="classes"),
    path("chase/", coordinator.chase_page, name="chase"),
]
secretary_patterns = [
    path("", secretary.people_page, name="people"),
    path("person/<int:user_id>/", secretary.person_page, name="person"),
    path("movement/", secretary.movement_page, name="movement"),
    path("reminders/", secretary.reminders_page, name="reminders"),
]

urlpatterns = [
    path("dpo/", include((dpo_patterns, "dpo"))),
    path("coordinator/", include((coordinator_patterns, "coordinator"))),
    path("secretary/", include((secretary_patterns, "secretary"))),
]
