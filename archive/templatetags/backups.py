"""Backups in other pages: `{% backups_home %}`, the section of the home page for those who keep
backups (the newest verified backup, or the warning that there is no recent one), and the
filters of the backups page."""

from __future__ import annotations

from django import template
from django.utils import timezone

from accounts.access import person_of
from archive.backups.alerts import alert_for, newest_verified
from archive.backups.folders import lock_is_held
from archive.backups.queries import newest_copy_failure
from archive.models import Backup

register = template.Library()


@register.filter
def megabytes(size: int | None) -> str:
    """A size in MB with a decimal comma: «12,3 МБ»."""
    return f"{(size or 0) / 1024 / 1024:.1f} МБ".replace(".", ",")


@register.filter
def still_working(backup: Backup) -> bool:
    """Whether the row should ask again: the backup is being made, or being checked now."""
    if backup.status == Backup.Status.RUNNING:
        return True
    return (backup.status == Backup.Status.DONE and backup.check_status == Backup.Check.PENDING
            and lock_is_held())


@register.inclusion_tag("archive/backups/_home.html", takes_context=True)
def backups_home(context) -> dict:
    request = context.get("request")
    if request is None or not person_of(request).keeps_backups:
        return {"shown": False}
    newest = newest_verified()
    return {"shown": True, "newest": newest, "alert": alert_for(newest, timezone.now()),
            "copy_failure": newest_copy_failure()}
