"""The backups page: every backup with its size, state, verification and copy; the warning when
the newest verified one is too old; «Создать копию сейчас»; a backup's files to download.

Only those who keep backups (the administrator, superusers) see it; anyone else gets 404.
Downloads are narrower still (queries.may_download): a dump carries every school's data."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.access import person_of
from accounts.views.paging import page_of
from archive.backups.alerts import stale_backup_alert
from archive.backups.folders import backup_root
from archive.backups.queries import listed_backups, may_download, newest_copy_failure
from archive.backups.services import BackupBusy, backup_busy, request_backup
from archive.models import Backup

log = logging.getLogger(__name__)

NOT_FOUND = "Страница не найдена."
BACKUP_NOT_FOUND = "Резервная копия не найдена."
FILE_GONE = "Файла этой копии больше нет на сервере."
ROWS_PER_PAGE = 30
PARTS = ("database", "media")


def backup_keeper(request) -> None:
    """404 for anyone who does not keep backups."""
    if not person_of(request).keeps_backups:
        raise Http404(NOT_FOUND)


def access_backup(request, backup_id: int) -> Backup:
    backup_keeper(request)
    backup = listed_backups().filter(pk=backup_id).first()
    if backup is None:
        raise Http404(BACKUP_NOT_FOUND)
    return backup


@login_required
@require_GET
def backups(request):
    backup_keeper(request)
    return render(request, "archive/backups/index.html", {
        "page": page_of(request, listed_backups(), ROWS_PER_PAGE),
        "alert": stale_backup_alert(), "copy_failure": newest_copy_failure(),
        "busy": backup_busy(), "may_download": may_download(request.user),
        "copy_dir": settings.BACKUP_COPY_DIR, "max_age_hours": settings.BACKUP_MAX_AGE_HOURS,
        "keep_daily": settings.BACKUP_KEEP_DAILY, "keep_monthly": settings.BACKUP_KEEP_MONTHLY})


@login_required
@require_GET
def row(request, backup_id: int):
    """One backup's row; it asks again by itself while the backup is made or checked."""
    backup = access_backup(request, backup_id)
    return render(request, "archive/backups/_row.html",
                  {"backup": backup, "may_download": may_download(request.user)})


@login_required
@require_POST
def start(request):
    """«Создать копию сейчас»."""
    backup_keeper(request)
    try:
        backup = request_backup(request.user)
    except BackupBusy as busy:
        messages.warning(request, str(busy))
        return redirect("archive:backups")
    backup.refresh_from_db()  # tasks run in-process on the demo; a broker may be down
    if backup.status == Backup.Status.FAILED:
        messages.error(request, backup.error)
    elif backup.status == Backup.Status.DONE:
        messages.success(request, "Резервная копия создана.")
    else:
        messages.success(request, "Резервная копия поставлена в очередь: её состояние видно в "
                                  "списке.")
    return redirect("archive:backups")


@login_required
@require_GET
def download(request, backup_id: int, part: str):
    """The database file or the media tar of a done backup, for those who may take it."""
    backup = access_backup(request, backup_id)
    if part not in PARTS or not may_download(request.user) or backup.status != Backup.Status.DONE:
        raise Http404(NOT_FOUND)
    name = backup.database_file if part == "database" else backup.media_file
    folder = (backup_root() / backup.folder).resolve()
    path = (folder / name).resolve()
    if not name or path.parent != folder:
        raise Http404(FILE_GONE)
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404(FILE_GONE) from None
    log.warning("Backup %s: %s downloaded by %s (user %s)", backup.folder, name,
                request.user.get_username(), request.user.pk)
    response = FileResponse(handle, as_attachment=True, filename=f"ejournal-{backup.folder}-{name}",
                            content_type="application/octet-stream")
    response["Cache-Control"] = "no-store"
    return response
