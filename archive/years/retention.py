"""Keeping periods: journals ARCHIVE_JOURNAL_YEARS after their year's end, the summary
statements ARCHIVE_STATEMENT_YEARS. A daily task lists the files past their date as one
removal per school; nothing is removed until the director approves it, and then only files
still past their date. A rejected list is offered again after `ASK_AGAIN_AFTER`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archive.models import ArchiveFile, ArchiveRemoval, YearArchive
from archive.years.build import ArchiveRefused
from archive.years.files import folder_path

ASK_AGAIN_AFTER = dt.timedelta(days=365)
Status = ArchiveRemoval.Status


def expired_files(today: dt.date):
    """Files past their date, not removed, and not waiting for (or recently refused) a
    decision."""
    refused_long_ago = Q(removal__status=Status.REJECTED,
                         removal__decided_at__lt=timezone.now() - ASK_AGAIN_AFTER)
    return ArchiveFile.objects.filter(
        Q(removal__isnull=True) | refused_long_ago, keep_until__lt=today,
        removed_at__isnull=True, archive__status=YearArchive.Status.DONE)


def list_expired(today: dt.date | None = None) -> list[ArchiveRemoval]:
    """One pending removal per school that has files past their date."""
    today = today or timezone.localdate()
    listed = []
    schools = set(expired_files(today).values_list("archive__year__school_id", flat=True))
    for school_id in sorted(schools):
        with transaction.atomic():
            removal = ArchiveRemoval.objects.create(school_id=school_id)
            # Claimed by the update itself: a file another run listed meanwhile is not taken.
            taken = expired_files(today).filter(archive__year__school_id=school_id).update(
                removal=removal)
            if taken:
                listed.append(removal)
            else:
                removal.delete()
    return listed


@dataclass
class Decision:
    removed: int = 0
    kept: int = 0  # no longer past their date: left in the archive
    failed: int = 0  # could not be deleted: offered again


def approve_removal(removal_id: int, school_id: int, user) -> Decision:
    """The director's approval (the caller has checked the right): each listed file still
    past its date is deleted from the disk and marked removed."""
    today, now = timezone.localdate(), timezone.now()
    decision = Decision()
    with transaction.atomic():
        removal = _pending(removal_id, school_id)
        for archive_file in removal.files.select_related("archive").filter(
                removed_at__isnull=True):
            if archive_file.keep_until >= today:
                archive_file.removal = None
                archive_file.save(update_fields=["removal"])
                decision.kept += 1
                continue
            try:
                (folder_path(archive_file.archive.folder) / archive_file.path).unlink(
                    missing_ok=True)
            except OSError:
                archive_file.removal = None
                archive_file.save(update_fields=["removal"])
                decision.failed += 1
                continue
            archive_file.removed_at = now
            archive_file.save(update_fields=["removed_at"])
            decision.removed += 1
        _decide(removal, Status.APPROVED, user, _note(decision))
    return decision


def reject_removal(removal_id: int, school_id: int, user) -> None:
    with transaction.atomic():
        _decide(_pending(removal_id, school_id), Status.REJECTED, user,
                "Файлы оставлены в архиве; они будут предложены к удалению снова через год.")


def _pending(removal_id: int, school_id: int) -> ArchiveRemoval:
    removal = (ArchiveRemoval.objects.select_for_update()
               .filter(pk=removal_id, school_id=school_id).first())
    if removal is None:
        raise ArchiveRefused("Список файлов к удалению не найден.")
    if removal.status != Status.PENDING:
        raise ArchiveRefused("По этому списку решение уже принято.")
    return removal


def _decide(removal: ArchiveRemoval, status: str, user, note: str) -> None:
    removal.status = status
    removal.decided_by = user
    removal.decided_at = timezone.now()
    removal.note = note[:500]
    removal.save(update_fields=["status", "decided_by", "decided_at", "note"])


def _note(decision: Decision) -> str:
    parts = [f"удалено файлов: {decision.removed}"]
    if decision.kept:
        parts.append(f"оставлено (срок хранения не истёк): {decision.kept}")
    if decision.failed:
        parts.append(f"не удалось удалить: {decision.failed}, они будут предложены снова")
    return "; ".join(parts).capitalize() + "."
