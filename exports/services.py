"""Reports made in the background, and their files' end.

`order_report` records the order (queued) and enqueues one task after the commit; `make_report`
is the task's body: it claims the order once, checks the requester's choices again as the form
did (their rights of now included), writes the file row by row with `done` saved as it goes,
and keeps it for `REPORT_RETENTION_DAYS`; a failure is recorded in Russian. The year's journals
for the school's archive (`exports.year_workbooks`, a ZIP) are made the same way, counted in
journals.
`remove_expired_reports` (a beat task, daily) removes the files and rows past their time.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exports import render, year_workbooks
from exports.access import keeps_year_archive, report_rights
from exports.forms import ReportForm
from exports.models import ReportRun
from exports.registry import Exporter, Params, exporter_of
from exports.render.progress import Progress

logger = logging.getLogger(__name__)

Status = ReportRun.Status
NO_RIGHT = ("У заказавшего отчёт больше нет прав на эти данные, или выбранный период изменился: "
            "отчёт не составлен. Закажите его заново.")
FAILED = ("Не удалось составить отчёт. Попробуйте ещё раз; если ошибка повторится, сообщите "
          "администратору.")


def run_title(exporter: Exporter, params: Params) -> str:
    return f"{exporter.title} — {params.scope.label}, {params.span.label}"


def order_report(user, exporter: Exporter, form: ReportForm, file_format: str) -> ReportRun:
    """Record the order and have the worker make it once the order is committed."""
    from exports.tasks import run_report  # the task module imports this one

    params = form.params()
    with transaction.atomic():
        run = ReportRun.objects.create(
            school=params.scope.school, exporter=exporter.key, params=form.to_data(),
            title=run_title(exporter, params)[:300], format=file_format, requested_by=user)
        transaction.on_commit(lambda: run_report.delay(run.pk))
    return run


def _finish(run_id: int, **fields) -> None:
    ReportRun.objects.filter(pk=run_id).update(finished_at=timezone.now(), **fields)


def _checked_params(run: ReportRun) -> Params | None:
    """The run's choices, checked again for its requester; None if they no longer hold."""
    exporter = exporter_of(run.exporter)
    if exporter is None or run.requested_by is None:
        return None
    rights = report_rights(run.requested_by)
    if not rights.may_run(exporter):
        return None
    form = ReportForm(run.params, exporter=exporter, rights=rights, today=timezone.localdate())
    return form.params() if form.is_valid() else None


def make_report(run_id: int) -> str:
    """Make an ordered report; the status it ends in. A run already taken by another worker
    (or made) is left alone."""
    if ReportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
            status=Status.RUNNING) != 1:
        return ""
    run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    if run.exporter == year_workbooks.YEAR_JOURNALS:
        return _make_year_journals(run)
    params = _checked_params(run)
    if params is None:
        _finish(run_id, status=Status.FAILED, error=NO_RIGHT)
        return Status.FAILED

    def write(handle) -> None:
        table = exporter_of(run.exporter).table(params)
        total = len(table.rows) if hasattr(table.rows, "__len__") else 0
        ReportRun.objects.filter(pk=run_id).update(total=total)
        render.write(table, run.format, handle, progress=lambda done: (
            ReportRun.objects.filter(pk=run_id).update(done=done, total=max(total, done))))

    return _keep_file(run, write)


def _make_year_journals(run: ReportRun) -> str:
    """The year's journals, a workbook per class, if the requester still keeps the school's
    archive; `done` of `total` counts journals."""
    year = year_workbooks.ordered_year(run)
    if year is None or not keeps_year_archive(run.requested_by, run.school_id):
        _finish(run.pk, status=Status.FAILED, error=NO_RIGHT)
        return Status.FAILED

    def write(handle) -> None:
        ReportRun.objects.filter(pk=run.pk).update(total=year_workbooks.journal_count(year))
        year_workbooks.write_year_journals(year, handle, Progress(
            lambda done: ReportRun.objects.filter(pk=run.pk).update(done=done)))

    return _keep_file(run, write)


def _keep_file(run: ReportRun, write: Callable[[IO[bytes]], None]) -> str:
    """The run's file, written by `write` into a temporary file, kept for its time."""
    try:
        with tempfile.TemporaryFile() as handle:
            write(handle)
            handle.seek(0)
            run.file.save(f"report.{run.format}", File(handle), save=False)
    except Exception:
        logger.exception("report run %s failed", run.pk)
        _finish(run.pk, status=Status.FAILED, error=FAILED)
        return Status.FAILED
    finished = timezone.now()
    _finish(run.pk, status=Status.DONE, file=run.file.name,
            expires_at=finished + dt.timedelta(days=settings.REPORT_RETENTION_DAYS))
    return Status.DONE


def remove_expired_reports(now: dt.datetime | None = None) -> int:
    """Files past their time, and orders that never made one within the same time: the files
    and the rows. How many runs were removed."""
    now = now or timezone.now()
    stale = now - dt.timedelta(days=settings.REPORT_RETENTION_DAYS)
    expired = ReportRun.objects.filter(Q(expires_at__lt=now)
                                       | Q(expires_at__isnull=True, created_at__lt=stale))
    removed = 0
    for run in expired.only("pk", "file"):
        if run.file:
            run.file.delete(save=False)
        removed += ReportRun.objects.filter(pk=run.pk).delete()[0]
    return removed
