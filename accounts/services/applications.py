"""The parent's application to use the diary (regulation: printed from the site, filled in and
signed in person with a passport check, then entered). Recording it switches the parent's
account on; until then a login issued to the parent cannot sign in."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import DiaryApplication, Parent, Student, Termination, User
from accounts.queries.family_access import State, status_of
from accounts.services.personal_data import Where, record_access


class ApplicationRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def record_application(actor, where: Where, parent: Parent, *, received_on: dt.date,
                       passport_checked_by: User, children: list[Student],
                       note: str = "") -> DiaryApplication:
    """Records the application as received and switches the parent's account on. Refused
    while a refusal of personal-data processing is in force."""
    user = User.objects.select_for_update().get(pk=parent.user_id)
    status = status_of(user)
    if status.consent is False:
        raise ApplicationRefused(
            "Записан отказ от обработки персональных данных: сначала внесите согласие, "
            "затем заявление.")
    application = DiaryApplication.objects.create(
        parent=parent, received_on=received_on, passport_checked_by=passport_checked_by,
        recorded_by=actor, note=note.strip())
    application.children.set(children)
    what = f"заявление от {received_on:%d.%m.%Y} принято"
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        what += ", вход открыт"
    record_access(actor, where, user, what)
    # Children whose service had ended get it back with this application.
    for child in children:
        child_user = User.objects.select_for_update().get(pk=child.user_id)
        ended = Termination.objects.filter(user=child_user).exists()
        if ended and not child_user.is_active and status_of(child_user).state != State.TERMINATED:
            child_user.is_active = True
            child_user.save(update_fields=["is_active"])
            record_access(actor, where, child_user, f"{what} (заявление родителя)")
    return application
