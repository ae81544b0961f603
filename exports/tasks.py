"""Celery tasks of the reports (a report's file made in the background, and the daily removal
of files past their time) and of the portal exports (a run, a scheduled start, the catch-up)."""

from __future__ import annotations

import logging

from celery import shared_task

from exports.models import PortalExport
from exports.portal.runs import ExportRefused, catch_up, perform, start_export
from exports.services import make_report, remove_expired_reports
from journal.models import School

__all__ = ["catch_up_portal_exports", "remove_expired_reports_task", "run_portal_export",
           "run_report", "scheduled_portal_export"]

log = logging.getLogger(__name__)


# A report fails the same way when tried again: a failed run records why and is ordered anew.
@shared_task(name="exports.run_report")
def run_report(run_id: int) -> str:
    return make_report(run_id)


@shared_task(name="exports.remove_expired_reports")
def remove_expired_reports_task() -> int:
    return remove_expired_reports()


# Acknowledged when done: a worker that dies mid-run leaves its message to be delivered again,
# and the catch-up finds the run sooner (its lock is free). The delivery's budget is the run's
# own (`attempts` against PORTAL_DELIVERY_RETRIES), so Celery's count of retries is not limited.
@shared_task(bind=True, name="exports.run_portal_export", acks_late=True, max_retries=None)
def run_portal_export(self, run_id: int) -> None:
    delay = perform(run_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(name="exports.scheduled_portal_export")
def scheduled_portal_export(school_id: int, kind: str) -> int | None:
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        log.warning("Scheduled portal export: no school %s", school_id)
        return None
    try:
        return start_export(school, kind, reason=PortalExport.Reason.SCHEDULE).pk
    except ExportRefused as exc:  # the previous run of the kind is still going, or no year
        log.info("Scheduled %s portal export of %s not started: %s", kind, school, exc)
        return None


@shared_task(name="exports.catch_up_portal_exports")
def catch_up_portal_exports() -> dict[str, int]:
    return catch_up()
