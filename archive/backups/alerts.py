"""The warning that backups stopped working: on the administrator's home page and by e-mail
(at most one letter a day) when the newest verified backup is older than BACKUP_MAX_AGE_HOURS,
or there is none."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from accounts.models import User
from accounts.roles import BACKUP_KEEPERS
from archive.models import Backup, BackupAlert

log = logging.getLogger(__name__)

ALERT_INTERVAL = dt.timedelta(days=1)
SUBJECT = "Электронный журнал: нет свежей проверенной резервной копии"


def newest_verified() -> Backup | None:
    return (Backup.objects.filter(status=Backup.Status.DONE, check_status=Backup.Check.PASSED)
            .order_by("-started_at", "-pk").first())


def alert_for(newest: Backup | None, now: dt.datetime) -> str | None:
    if newest is None:
        return "Нет ни одной проверенной резервной копии."
    hours = settings.BACKUP_MAX_AGE_HOURS
    if newest.started_at >= now - dt.timedelta(hours=hours):
        return None
    return (f"Последняя проверенная резервная копия сделана "
            f"{timezone.localtime(newest.started_at):%d.%m.%Y в %H:%M} — больше {hours} ч назад.")


def stale_backup_alert(now: dt.datetime | None = None) -> str | None:
    """None while the newest verified backup is recent enough; otherwise what is wrong."""
    return alert_for(newest_verified(), now or timezone.now())


def recipients() -> list[str]:
    """The e-mail addresses of the active users who keep backups (the administrators)."""
    return sorted(set(User.objects.filter(is_active=True, staff_roles__role__in=BACKUP_KEEPERS)
                      .exclude(email="").values_list("email", flat=True)))


def send_stale_backup_alert(now: dt.datetime | None = None) -> BackupAlert | None:
    """E-mails the administrators if backups are stale and no alert went out in the last day."""
    now = now or timezone.now()
    newest = newest_verified()
    message = alert_for(newest, now)
    if message is None:
        return None
    to = recipients()
    if not to:
        log.warning("Backups are stale and no administrator has an e-mail address: %s", message)
        return None
    if BackupAlert.objects.filter(sent_at__gte=now - ALERT_INTERVAL).exists():
        return None
    body = (f"{message}\n\nПроверьте страницу «Резервные копии» электронного журнала: "
            "созданы ли копии, прошла ли их проверка, хватает ли места на диске.\n")
    # Sent before it is recorded: a letter the mail server refused is tried again next hour.
    send_mail(SUBJECT, body, None, to)
    return BackupAlert.objects.create(sent_at=now, recipients=to,
                                      newest_verified_at=newest.started_at if newest else None)
