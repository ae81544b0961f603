"""The archive's Celery tasks, found by Celery's autodiscovery here: backups and year archives."""

from archive.backups.tasks import alert_stale_backups, make_backup
from archive.years.tasks import build_archive_part, list_expired_archive_files, resume_year_archives

__all__ = ["alert_stale_backups", "build_archive_part", "list_expired_archive_files",
           "make_backup", "resume_year_archives"]
