"""Termination of the diary service (regulation: the account is annulled, access blocked, and a
notice with the applicant's name, address, the service and the reason is sent).

`terminate` switches the account off, makes its password unusable and ends its open sessions
at once (the next request of any browser signed in as the person is refused), records the
`Termination`, and sends the notice with its PDF to the applicant's e-mail after the commit
(a task: `send_notice`); the PDF can be printed again from the record at any time."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Termination, User
from accounts.pdf import render_pdf
from accounts.queries.family_access import State, director_of, school_of, status_of
from accounts.services.personal_data import Where, record_access
from accounts.sessions import end_all_sessions

NOTICE_TITLE = "Уведомление о прекращении предоставления услуги"


class TerminationRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def terminate(actor, where: Where, person: User, *, applicant_name: str, applicant_address: str,
              reason: str, terminated_on: dt.date, notice_email: str = "") -> Termination:
    user = User.objects.select_for_update().get(pk=person.pk)
    status = status_of(user)
    if status.state == State.TERMINATED:
        raise TerminationRefused(f"Предоставление услуги уже прекращено "
                                 f"{status.terminated_on:%d.%m.%Y}.")
    user.is_active = False
    user.must_change_password = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "must_change_password", "password"])
    end_all_sessions(user)
    termination = Termination.objects.create(
        user=user, applicant_name=applicant_name.strip(),
        applicant_address=applicant_address.strip(), reason=reason.strip(),
        terminated_on=terminated_on, recorded_by=actor)
    record_access(actor, where, user, f"услуга прекращена: {termination.reason}")
    if notice_email:
        from accounts.tasks import send_termination_notice_task  # the task module imports this

        transaction.on_commit(lambda: send_termination_notice_task.delay(termination.pk,
                                                                         notice_email))
    return termination


def notice_context(termination: Termination) -> dict:
    school = school_of(termination.user)
    return {"termination": termination, "school": school, "title": NOTICE_TITLE,
            "director": director_of(school)}


def notice_pdf(termination: Termination) -> bytes:
    return render_pdf("accounts/pdf/termination_notice.html", notice_context(termination))


def notice_filename(termination: Termination) -> str:
    return f"uvedomlenie-{termination.pk}-{termination.terminated_on:%Y-%m-%d}.pdf"


def send_notice(termination_id: int, email: str) -> bool:
    """E-mails the notice with its PDF and records where and when; False when it is gone or
    was sent already (a task run twice sends once)."""
    termination = (Termination.objects.select_related("user", "recorded_by")
                   .filter(pk=termination_id, notice_sent_at__isnull=True).first())
    if termination is None:
        return False
    context = notice_context(termination)
    message = EmailMessage(subject=f"{NOTICE_TITLE} «Электронный дневник»",
                           body=render_to_string("accounts/email/termination_notice.txt", context),
                           to=[email])
    message.attach(notice_filename(termination), notice_pdf(termination), "application/pdf")
    message.send()
    sent = Termination.objects.filter(pk=termination.pk, notice_sent_at__isnull=True).update(
        notice_sent_to=email, notice_sent_at=timezone.now())
    return sent == 1
