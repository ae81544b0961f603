"""Building a closed year's archive: `start_archive` plans it and enqueues one task per part;
`build_part` makes a part's files, records them and, with the last part, writes the manifest.

A part is written under temporary names outside any lock (a journal's PDF takes the time), then
renamed into place and recorded while the archive's row is locked: two workers given the same
part, or finishing the last two parts together, record each file once and the manifest once.
Any error writing to the disk (a full disk above all) fails the whole archive with the reason
and removes its folder: a failed archive leaves no file behind, whole or partial."""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pypdf import PdfReader

from archive.document import render_journal_pdf
from archive.models import ArchiveFile, YearArchive
from archive.years import plan
from archive.years.files import (
    MANIFEST,
    Staged,
    disk_reason,
    folder_path,
    remove_folder,
    sha256_of,
    stage,
)
from archive.years.manifest import manifest_bytes
from exports import render
from exports.registry import Params, exporter_of
from exports.table import Scope, Span
from journal.models import AcademicYear, SchoolClass, TeachingAssignment

logger = logging.getLogger(__name__)
Status = YearArchive.Status


class ArchiveRefused(Exception):
    """Why a year cannot be archived, or an archive checked, in the user's words."""


def start_archive(year: AcademicYear, user, *, allow_open: bool = False,
                  enqueue: bool = True) -> YearArchive:
    """Plan the archive of `year` for `user` (whose right the caller has checked) and have its
    parts built by the workers once the plan is committed (unless `enqueue` is False: the
    caller builds them, see `build_all_parts`). `allow_open` is for the benchmark only: the
    pages and commands archive closed years alone."""
    from archive.years.tasks import build_archive_part  # the tasks module imports this one

    if not year.is_closed and not allow_open:
        raise ArchiveRefused(f"{year.name} учебный год ещё не закрыт: в архив передаётся "
                             f"только закрытый год (после перехода на новый учебный год).")
    with transaction.atomic():
        # Two clicks at once: the second waits here and then finds the first's archive.
        AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
        if YearArchive.objects.filter(year=year, status__in=YearArchive.UNFINISHED).exists():
            raise ArchiveRefused(f"Архив {year.name} учебного года уже собирается: дождитесь, "
                                 f"пока он будет готов.")
        parts = plan.parts_of(year)
        if not parts:
            raise ArchiveRefused(f"В {year.name} учебном году нет ни одного класса: "
                                 f"архивировать нечего.")
        # The folder is named after the archive's id, known once the row exists.
        archive = YearArchive.objects.create(year=year, requested_by=user, total=len(parts),
                                             folder=f"new-{uuid.uuid4().hex}")
        archive.folder = plan.folder_name(year, archive.pk)
        archive.save(update_fields=["folder"])

        def enqueue_parts() -> None:
            for part in parts:
                build_archive_part.delay(archive.pk, part.key)

        if enqueue:
            transaction.on_commit(enqueue_parts)
    return archive


def parts_of(archive: YearArchive) -> list[str]:
    """The keys of every part of the archive, as `build_part` takes them."""
    return [part.key for part in plan.parts_of(archive.year)]


def build_all_parts(archive: YearArchive) -> YearArchive:
    """Every part not yet built, one after the other in this process (no queue): for the
    benchmark, the command line and tests."""
    for part in plan.missing_parts(archive):
        build_part(archive.pk, part.key)
    complete_archive(archive.pk)
    archive.refresh_from_db()
    return archive


@dataclass
class _File:
    staged: Staged
    row: ArchiveFile  # unsaved


def build_part(archive_id: int, key: str) -> None:
    """Build the part `key` of the archive, once: nothing to do when its files are recorded
    and intact, or when the archive is finished or failed."""
    archive = (YearArchive.objects.select_related("year__school").filter(pk=archive_id)
               .first())
    if archive is None or archive.status not in YearArchive.UNFINISHED:
        return
    YearArchive.objects.filter(pk=archive_id, status=Status.QUEUED).update(
        status=Status.BUILDING, started_at=timezone.now())
    part = plan.Part.of(key)
    folder = folder_path(archive.folder)
    if _intact(_part_rows(archive, part), archive.folder):
        return
    written: list[_File] = []
    try:
        if not _write_part(archive, part, folder, written):
            _drop_part(archive_id)
            return
        _record(archive_id, part, written)
    except OSError as exc:
        _discard(written)
        logger.warning("Year archive %s: %s failed to write", archive_id, key, exc_info=True)
        fail_archive(archive_id, disk_reason(exc))
    except Exception as exc:
        _discard(written)
        logger.exception("Year archive %s: %s failed", archive_id, key)
        fail_archive(archive_id, f"Не удалось собрать {_part_title(part)}: {exc}. Архив не "
                                 f"собран, записанные файлы удалены.")


def fail_archive(archive_id: int, reason: str) -> None:
    """The archive failed for `reason`: its rows of files go, then its folder."""
    with transaction.atomic():
        archive = YearArchive.objects.select_for_update().filter(pk=archive_id).first()
        if archive is None:
            return
        if archive.status in YearArchive.UNFINISHED:
            archive.status = Status.FAILED
            archive.error = reason
            archive.finished_at = timezone.now()
            archive.save(update_fields=["status", "error", "finished_at"])
            archive.files.all().delete()
    # Also when another worker failed it first: this one may have made the folder again.
    remove_folder(folder_path(archive.folder))


def complete_archive(archive_id: int) -> None:
    """Finish an unfinished archive that has every part recorded (a journal deleted after the
    start left its count short of the total)."""
    with transaction.atomic():
        archive = YearArchive.objects.select_for_update().filter(pk=archive_id).first()
        if (archive is None or archive.status not in YearArchive.UNFINISHED
                or plan.missing_parts(archive)):
            return
        try:
            _finish(archive)
        except OSError as exc:
            transaction.set_rollback(True)
            reason = disk_reason(exc)
        else:
            return
    fail_archive(archive_id, reason)


def _part_title(part: plan.Part) -> str:
    if part.kind == plan.JOURNAL:
        journal = TeachingAssignment.objects.filter(pk=part.pk).select_related(
            "school_class", "subject").first()
        return f"журнал «{journal.school_class} {journal.subject}»" if journal else "журнал"
    school_class = SchoolClass.objects.filter(pk=part.pk).first()
    return f"ведомости {school_class} класса" if school_class else "ведомости класса"


def _part_rows(archive: YearArchive, part: plan.Part):
    if part.kind == plan.JOURNAL:
        return archive.files.filter(kind=plan.Kind.JOURNAL, journal_id=part.pk)
    return archive.files.filter(kind__in=plan.STATEMENT_KINDS, school_class_id=part.pk)


def _intact(rows, folder: str) -> bool:
    """The part is recorded, and each of its files is on the disk as written."""
    rows = list(rows)
    root = folder_path(folder)
    return bool(rows) and all((root / row.path).is_file()
                              and sha256_of(root / row.path) == row.sha256 for row in rows)


def _write_part(archive: YearArchive, part: plan.Part, folder, written: list[_File]) -> bool:
    """The part's files under temporary names, each added to `written` as it is done; False
    when the journal or class is gone."""
    year = archive.year
    if part.kind == plan.JOURNAL:
        journal = (TeachingAssignment.objects.filter(pk=part.pk, year=year)
                   .select_related("school_class", "subject", "subgroup", "teacher").first())
        if journal is None:
            return False
        path = plan.journal_paths(journal.school_class)[journal.pk]
        pdf = render_journal_pdf(journal)
        staged = stage(folder, path, lambda handle: handle.write(pdf))
        written.append(_File(staged, ArchiveFile(
            archive=archive, kind=plan.Kind.JOURNAL, path=path, journal=journal,
            school_class=journal.school_class, pages=len(PdfReader(io.BytesIO(pdf)).pages),
            keep_until=plan.keep_until(year, plan.Kind.JOURNAL))))
        return True
    school_class = SchoolClass.objects.filter(pk=part.pk, year=year).first()
    if school_class is None:
        return False
    params = Params(scope=Scope(school=year.school, school_class=school_class),
                    span=Span(year.starts_on, year.ends_on))
    for statement in plan.STATEMENTS:
        exporter = exporter_of(statement.exporter)
        for file_format in plan.STATEMENT_FORMATS:
            path = plan.statement_path(school_class, exporter.title, file_format)
            table = exporter.table(params)  # its rows are read once: a table per file
            staged = stage(folder, path, lambda handle, table=table, file_format=file_format:
                           render.write(table, file_format, handle))
            written.append(_File(staged, ArchiveFile(
                archive=archive, kind=statement.kind, path=path, school_class=school_class,
                keep_until=plan.keep_until(year, statement.kind))))
    return True


def _discard(written: list[_File]) -> None:
    for item in written:
        item.staged.discard()


def _record(archive_id: int, part: plan.Part, written: list[_File]) -> None:
    """Rename the part's files into place and record them, once; with the last part, finish
    the archive."""
    with transaction.atomic():
        archive = YearArchive.objects.select_for_update().get(pk=archive_id)
        if archive.status not in YearArchive.UNFINISHED:
            _discard(written)
            if archive.status == Status.FAILED:  # writing here may have made the folder again
                remove_folder(folder_path(archive.folder))
            return
        known = {row.path: row for row in _part_rows(archive, part)}
        if known and _intact(known.values(), archive.folder):
            _discard(written)  # another worker did this part meanwhile
            return
        for item in written:
            item.staged.put_in_place()
            item.row.bytes, item.row.sha256 = item.staged.bytes, item.staged.sha256
        if known:  # recorded, but a file was damaged before the archive was finished
            for item in written:
                ArchiveFile.objects.update_or_create(
                    archive=archive, path=item.row.path,
                    defaults={"bytes": item.row.bytes, "sha256": item.row.sha256,
                              "pages": item.row.pages, "created_at": timezone.now()})
            return
        ArchiveFile.objects.bulk_create([item.row for item in written])
        YearArchive.objects.filter(pk=archive_id).update(done=F("done") + 1)
        archive.refresh_from_db(fields=["done", "total"])
        if archive.done >= archive.total:
            _finish(archive)


def _drop_part(archive_id: int) -> None:
    """A journal or class deleted since the start: one part fewer to wait for."""
    with transaction.atomic():
        archive = YearArchive.objects.select_for_update().get(pk=archive_id)
        if archive.status not in YearArchive.UNFINISHED or archive.total == 0:
            return
        YearArchive.objects.filter(pk=archive_id).update(total=F("total") - 1)
        archive.refresh_from_db(fields=["done", "total"])
        if archive.done >= archive.total:
            _finish(archive)


def _finish(archive: YearArchive) -> None:
    """Write the manifest and mark the archive done; the caller holds the archive's lock."""
    archive = YearArchive.objects.select_related("year__school").get(pk=archive.pk)
    files = (archive.files.exclude(kind=plan.Kind.MANIFEST)
             .select_related("school_class", "journal__subject", "journal__subgroup",
                             "journal__teacher"))
    content = manifest_bytes(archive, files)
    staged = stage(folder_path(archive.folder), MANIFEST, lambda handle: handle.write(content))
    staged.put_in_place()
    ArchiveFile.objects.update_or_create(
        archive=archive, path=MANIFEST,
        defaults={"kind": plan.Kind.MANIFEST, "bytes": staged.bytes, "sha256": staged.sha256,
                  "keep_until": plan.keep_until(archive.year, plan.Kind.MANIFEST),
                  "created_at": timezone.now()})
    archive.manifest_sha256 = staged.sha256
    archive.status = Status.DONE
    archive.finished_at = timezone.now()
    archive.save(update_fields=["manifest_sha256", "status", "finished_at"])
