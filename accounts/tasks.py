from __future__ import annotations

from celery import shared_task

from accounts.reminders import send_data_update_reminders, send_notice_reminders
from accounts.services.terminations import send_notice


@shared_task(name="accounts.send_data_update_reminders")
def send_data_update_reminders_task() -> int:
    return send_data_update_reminders()


@shared_task(name="accounts.send_notice_reminders")
def send_notice_reminders_task(notice_id: int) -> int:
    return send_notice_reminders(notice_id)


# The notice of a termination of the service, e-mailed after the commit that recorded it; a
# mail server that does not answer is tried again, and a notice is sent once.
@shared_task(name="accounts.send_termination_notice", autoretry_for=(OSError,),
             retry_backoff=60, max_retries=5)
def send_termination_notice_task(termination_id: int, email: str) -> bool:
    return send_notice(termination_id, email)
