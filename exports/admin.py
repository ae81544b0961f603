"""The setup screens of the exports app: portal export runs to look at, and a school's schedule
of portal exports. The schedule's form is the administrator's page's (exports/portal/forms.py):
the same checks, and saving it rewrites beat's entries (django-celery-beat, whose own screens
sit under «Прочее») at once. A schedule is made with its defaults by `schedule_of`, the first
time the school's exports page is opened."""

from __future__ import annotations

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat import models as beat

from ejournal.admin import Noun, ReadOnlyAdmin, RussianAdmin, RussianInline
from exports.models import ExportSchedule, PortalExport
from exports.portal.forms import ScheduleForm
from exports.portal.schedule import save_schedule


@admin.register(PortalExport)
class PortalExportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Runs are the system's record: seen here, made and changed only by the runs themselves."""

    names = Noun("выгрузку на портал", "выгрузки на портал", "выгрузки на портал",
                 "выгрузок на портал", "f")
    list_display = ["created_at", "school", "kind", "reason", "status", "attempts", "bytes",
                    "finished_at"]
    list_filter = ["kind", "status", "reason"]


@admin.register(ExportSchedule)
class ExportScheduleAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("расписание выгрузок", "расписания выгрузок", "расписания выгрузок",
                 "расписаний выгрузок", "n")
    form = ScheduleForm
    list_display = ["school", "enabled", "daily_hours", "control_weekday", "control_hour",
                    "full_day", "full_hour", "updated_at"]
    readonly_fields = ["school", "updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a school's exports are switched off with «выгружать по расписанию»

    def save_model(self, request, obj, form, change) -> None:
        save_schedule(obj, request.user)


# django-celery-beat's screens (the schedule as beat reads it), in the setup screens' Russian.
# Clocked and solar schedules are not used by the journal: not offered.
admin.site.unregister(beat.ClockedSchedule)
admin.site.unregister(beat.SolarSchedule)
_TASK_NAMES = Noun("периодическую задачу", "периодической задачи", "периодические задачи",
                  "периодических задач", "f")
_TaskInline = type("PeriodicTaskInline", (RussianInline, beat_admin.PeriodicTaskInline),
                   {"names": _TASK_NAMES})
for _model, _stock, _names in (
        (beat.PeriodicTask, beat_admin.PeriodicTaskAdmin, _TASK_NAMES),
        (beat.CrontabSchedule, beat_admin.CrontabScheduleAdmin,
         Noun("расписание crontab", "расписания crontab", "расписания crontab",
              "расписаний crontab", "n")),
        (beat.IntervalSchedule, beat_admin.IntervalScheduleAdmin,
         Noun("интервал", "интервала", "интервалы", "интервалов", "m"))):
    admin.site.unregister(_model)
    _inlines = [_TaskInline] if _stock.inlines else []
    admin.site.register(_model, type(_stock.__name__, (RussianAdmin, _stock),
                                     {"names": _names, "inlines": _inlines}))
