"""Celery tasks of the reports: a report's file made in the background, and the daily removal
of files past their time."""

from __future__ import annotations

from celery import shared_task

from exports.services import make_report, remove_expired_reports

__all__ = ["remove_expired_reports_task", "run_report"]


# A report fails the same way when tried again: a failed run records why and is ordered anew.
@shared_task(name="exports.run_report")
def run_report(run_id: int) -> str:
    return make_report(run_id)


@shared_task(name="exports.remove_expired_reports")
def remove_expired_reports_task() -> int:
    return remove_expired_reports()
