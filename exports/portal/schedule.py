"""The administrator's schedule of portal exports and beat's copy of it.

`ExportSchedule` is the one store of when a school's exports run; `sync_beat` writes it into
django-celery-beat's tables (a `PeriodicTask` on a `CrontabSchedule` per kind), and saving a
`PeriodicTask` through its model touches `PeriodicTasks.last_update`, which the running beat
(`DatabaseScheduler`) checks every few seconds: it reloads the schedule without a restart.
`last_due` reads the same schedule for the catch-up of moments that passed while nothing ran.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from exports.models import ExportSchedule, PortalExport

Kind = PortalExport.Kind
TASK = "exports.scheduled_portal_export"
KINDS = (Kind.DAILY, Kind.CONTROL, Kind.FULL)
DEFAULTS = {"daily_hours": [1], "control_weekday": ExportSchedule.Weekday.SUNDAY,
            "control_hour": 4, "full_day": 1, "full_hour": 5}


def school_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def schedule_of(school) -> ExportSchedule:
    """The school's schedule; the first time, the default one, written into beat at once, so
    that exports run every night before anyone has opened the page."""
    schedule = ExportSchedule.objects.filter(school=school).select_related("updated_by").first()
    if schedule is not None:
        return schedule
    with transaction.atomic():
        schedule, created = ExportSchedule.objects.get_or_create(school=school, defaults=DEFAULTS)
        if created:
            sync_beat(schedule)
    return schedule


def save_schedule(schedule: ExportSchedule, by) -> ExportSchedule:
    """Keep the administrator's changes and have beat follow them, in one transaction."""
    with transaction.atomic():
        schedule.updated_by = by
        schedule.save()
        sync_beat(schedule)
    return schedule


def task_name(school_id: int, kind: str) -> str:
    return f"portal-export:{school_id}:{kind}"


def crontab_fields(schedule: ExportSchedule, kind: str) -> dict[str, str]:
    """The kind's moments as crontab fields in school time. Celery counts weekdays from Sunday
    (0) and ours from Monday (1..7, Sunday 7)."""
    every = {"minute": "0", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    if kind == Kind.DAILY:
        return {**every, "hour": ",".join(str(h) for h in sorted(schedule.daily_hours))}
    if kind == Kind.CONTROL:
        return {**every, "hour": str(schedule.control_hour),
                "day_of_week": str(schedule.control_weekday % 7)}
    return {**every, "hour": str(schedule.full_hour), "day_of_month": str(schedule.full_day)}


def sync_beat(schedule: ExportSchedule) -> list[PeriodicTask]:
    """Write the school's three beat entries from `schedule`, updating them in place. Each
    save goes through `PeriodicTask.save`, which marks the beat schedule changed."""
    with transaction.atomic():
        return [_sync_kind(schedule, kind) for kind in KINDS]


def _sync_kind(schedule: ExportSchedule, kind: str) -> PeriodicTask:
    zone = school_zone()
    fields = crontab_fields(schedule, kind)
    enabled = schedule.enabled and bool(fields["hour"])
    fields["hour"] = fields["hour"] or "0"  # no daily hours: the entry stays, switched off
    crontab = CrontabSchedule.objects.filter(timezone=zone, **fields).order_by("pk").first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(timezone=zone, **fields)
    name = task_name(schedule.school_id, kind)
    task = PeriodicTask.objects.select_for_update().filter(name=name).first()
    previous = task.crontab_id if task is not None else None
    task = task or PeriodicTask(name=name)
    task.task = TASK
    task.args = json.dumps([schedule.school_id, kind])
    task.kwargs = "{}"
    task.crontab, task.interval, task.solar, task.clocked = crontab, None, None, None
    task.enabled = enabled
    task.description = f"Выгрузка на портал, {Kind(kind).label}: {schedule.school}"
    task.save()
    if previous and previous != crontab.pk:
        _drop_if_unused(previous)
    return task


def _drop_if_unused(crontab_id: int) -> None:
    """A crontab row the schedule no longer uses, unless some other entry runs on it."""
    CrontabSchedule.objects.filter(pk=crontab_id, periodictask__isnull=True).delete()


# «по понедельникам», for the schedule's description.
ON_WEEKDAYS = {1: "понедельникам", 2: "вторникам", 3: "средам", 4: "четвергам", 5: "пятницам",
               6: "субботам", 7: "воскресеньям"}


def describe(schedule: ExportSchedule, kind: str) -> str:
    """When the kind runs, in words: «каждый день в 01:00 и 13:00»."""
    if kind == Kind.DAILY:
        hours = [f"{hour:02d}:00" for hour in sorted(schedule.daily_hours)]
        when = " и ".join([", ".join(hours[:-1]), hours[-1]] if len(hours) > 1 else hours)
        return f"каждый день в {when}" if hours else "часы не заданы"
    if kind == Kind.CONTROL:
        return (f"по {ON_WEEKDAYS[schedule.control_weekday]} в {schedule.control_hour:02d}:00, "
                f"данные текущего месяца")
    return f"каждый месяц {schedule.full_day}-го числа в {schedule.full_hour:02d}:00, весь год"


def last_due(schedule: ExportSchedule, kind: str, now: dt.datetime) -> dt.datetime | None:
    """The latest moment at or before `now` when the kind was due by the schedule, in school
    time; None when exports do not run on a schedule (or the daily one has no hours)."""
    if not schedule.enabled:
        return None
    zone = school_zone()
    local = now.astimezone(zone)
    today = local.date()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)

    if kind == Kind.DAILY:
        moments = [at(today - dt.timedelta(days=back), hour)
                   for back in (0, 1) for hour in schedule.daily_hours]
        passed = [moment for moment in moments if moment <= local]
        return max(passed) if passed else None
    if kind == Kind.CONTROL:
        back = (today.isoweekday() - schedule.control_weekday) % 7
        moment = at(today - dt.timedelta(days=back), schedule.control_hour)
        return moment if moment <= local else moment - dt.timedelta(days=7)
    # full_day is at most 28: every month has it.
    moment = at(today.replace(day=schedule.full_day), schedule.full_hour)
    if moment <= local:
        return moment
    month_before = today.replace(day=1) - dt.timedelta(days=1)
    return at(month_before.replace(day=schedule.full_day), schedule.full_hour)
