"""The year archive's Celery tasks: each a call to a plain function (tests call those directly).
Workers are replaced after CELERY_WORKER_MAX_TASKS_PER_CHILD tasks, so memory a journal's PDF
took is given back; tasks are acknowledged late, so a killed worker's part is delivered again."""

from __future__ import annotations

from celery import shared_task

from archive.years import build, resume, retention


@shared_task(name="archive.build_archive_part")
def build_archive_part(archive_id: int, part: str) -> None:
    build.build_part(archive_id, part)


@shared_task(name="archive.resume_year_archives")
def resume_year_archives() -> list[int]:
    return resume.resume_stalled()


@shared_task(name="archive.list_expired_archive_files")
def list_expired_archive_files() -> list[int]:
    return [removal.pk for removal in retention.list_expired()]
