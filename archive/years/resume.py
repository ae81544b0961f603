"""Archives a killed worker left unfinished go on: a beat task (every 5 minutes) finds those
that made no progress for `STALLED_AFTER` and enqueues their missing parts again (each part is
built once whatever happens: `build.build_part`). One that made none for `GIVE_UP_AFTER` fails
with the reason, so that it can be started again."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from archive.models import YearArchive
from archive.years import plan
from archive.years.build import complete_archive, fail_archive

STALLED_AFTER = dt.timedelta(minutes=10)
GIVE_UP_AFTER = dt.timedelta(hours=2)
GAVE_UP = ("Сборка архива остановилась: за два часа не собрано ни одной части (обработчик "
           "фоновых задач не работает или прерывается). Архив не собран, записанные файлы "
           "удалены; запустите архивирование снова.")


def last_progress(archive: YearArchive) -> dt.datetime:
    """When the archive last moved: its newest file, or its start, or its order."""
    moments = [archive.last_file, archive.started_at, archive.created_at]
    return max(moment for moment in moments if moment is not None)


def resume_stalled() -> list[int]:
    """The ids of the archives whose parts were enqueued again."""
    from archive.years.tasks import build_archive_part  # the tasks module imports this one

    now = timezone.now()
    resumed = []
    unfinished = (YearArchive.objects.filter(status__in=YearArchive.UNFINISHED)
                  .select_related("year").annotate(last_file=Max("files__created_at")))
    for archive in unfinished:
        idle = now - last_progress(archive)
        if idle < STALLED_AFTER:
            continue
        if idle > GIVE_UP_AFTER:
            fail_archive(archive.pk, GAVE_UP)
            continue
        # Once per stall: parts enqueued a moment ago may just be waiting in the queue.
        if not cache.add(f"year-archive-resumed:{archive.pk}", 1,
                         timeout=int(STALLED_AFTER.total_seconds())):
            continue
        missing = plan.missing_parts(archive)
        if not missing:
            complete_archive(archive.pk)
            continue
        for part in missing:
            build_archive_part.delay(archive.pk, part.key)
        resumed.append(archive.pk)
    return resumed
