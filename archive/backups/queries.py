"""What the backups page and the home page read."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.access import is_signed_in
from accounts.models import StaffRole
from accounts.roles import BACKUP_KEEPERS
from archive.models import Backup
from journal.models import School


def listed_backups() -> QuerySet[Backup]:
    return Backup.objects.select_related("requested_by").order_by("-started_at", "-pk")


def may_download(user) -> bool:
    """A dump holds every school of the installation: a superuser may take it, and an
    administrator only when every school here is one they administer."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    own = StaffRole.objects.filter(user=user, role__in=BACKUP_KEEPERS).values("school_id")
    return own.exists() and not School.objects.exclude(pk__in=own).exists()


def newest_copy_failure() -> Backup | None:
    """The newest done backup, if its copy to the second place failed."""
    newest = (Backup.objects.filter(status=Backup.Status.DONE)
              .order_by("-started_at", "-pk").first())
    return newest if newest is not None and newest.copy_error else None
