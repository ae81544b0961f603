"""Files made for people to take away: a report run in the background, with its progress, and
its file kept for `REPORT_RETENTION_DAYS`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ejournal.uploads import random_upload_path

USER = settings.AUTH_USER_MODEL


def report_file_path(instance: ReportRun, filename: str) -> str:
    return random_upload_path("reports", filename)


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "готовится"
        DONE = "done", "готово"
        FAILED = "failed", "ошибка"

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"
        ZIP = "zip", "ZIP"  # several files: the year's journals, a workbook per class

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="report_runs", verbose_name="школа")
    exporter = models.CharField("отчёт", max_length=60)
    params = models.JSONField("параметры", default=dict)
    title = models.CharField("название", max_length=300)
    format = models.CharField("формат", max_length=4, choices=Format.choices)
    requested_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="report_runs",
                                     verbose_name="кто заказал")
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    done = models.PositiveIntegerField("готово", default=0)
    total = models.PositiveIntegerField("всего", default=0)
    file = models.FileField("файл", upload_to=report_file_path, max_length=255, blank=True)
    error = models.TextField("ошибка", blank=True)
    created_at = models.DateTimeField("заказан", default=timezone.now)
    finished_at = models.DateTimeField("готов", null=True, blank=True)
    expires_at = models.DateTimeField("хранится до", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "отчёт"
        verbose_name_plural = "отчёты"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()})"


class PortalExport(models.Model):
    """One run of a portal export (exports/portal): what it covered, how it went, what it made.

    A daily run carries the change history after `since` up to `until`; a control or full run
    the lessons from `date_from` to `date_to`. Its files stay in EXPORT_ROOT/`folder`."""

    class Kind(models.TextChoices):
        DAILY = "daily", "ежедневная"
        CONTROL = "control", "контрольная (месяц)"
        FULL = "full", "полная (учебный год)"

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        BUILDING = "building", "собирается"
        DELIVERING = "delivering", "передаётся"
        RETRY = "retry", "ждёт повтора"
        DONE = "done", "выполнена"
        FAILED = "failed", "ошибка"

    class Reason(models.TextChoices):
        SCHEDULE = "schedule", "по расписанию"
        MANUAL = "manual", "вручную"
        ROLLOVER = "rollover", "после перехода на новый год"

    UNFINISHED = (Status.QUEUED, Status.BUILDING, Status.DELIVERING, Status.RETRY)

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="portal_exports", verbose_name="школа")
    kind = models.CharField("вид", max_length=8, choices=Kind.choices)
    reason = models.CharField("почему", max_length=8, choices=Reason.choices,
                              default=Reason.SCHEDULE)
    requested_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="кто запустил")
    format = models.CharField("формат", max_length=40)
    since = models.DateTimeField("изменения после", null=True, blank=True)
    until = models.DateTimeField("данные на момент", null=True, blank=True)
    date_from = models.DateField("уроки с", null=True, blank=True)
    date_to = models.DateField("уроки по", null=True, blank=True)
    status = models.CharField("состояние", max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    created_at = models.DateTimeField("создана", default=timezone.now, db_index=True)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток передачи", default=0)
    next_attempt_at = models.DateTimeField("следующая попытка", null=True, blank=True)
    counts = models.JSONField("записей по видам", default=dict, blank=True)
    left_out = models.JSONField("не вошли (нет UID)", default=dict, blank=True)
    bytes = models.PositiveBigIntegerField("байт", default=0)
    checksum = models.CharField("SHA-256 манифеста", max_length=64, blank=True)
    folder = models.CharField("папка", max_length=200, blank=True)
    error = models.TextField("ошибка", blank=True)

    class Meta:
        verbose_name = "выгрузка на портал"
        verbose_name_plural = "выгрузки на портал"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two runs of one kind never overlap: a second waits until the first has finished.
            models.UniqueConstraint(
                fields=["school", "kind"], name="one_unfinished_portal_export_per_kind",
                condition=models.Q(status__in=["queued", "building", "delivering", "retry"])),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} выгрузка от {self.created_at:%d.%m.%Y %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ExportSchedule(models.Model):
    """When a school's portal exports run, as the administrator set it. Saving it rewrites the
    school's entries of the beat schedule (django-celery-beat), which beat follows at once."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, "понедельник"
        TUESDAY = 2, "вторник"
        WEDNESDAY = 3, "среда"
        THURSDAY = 4, "четверг"
        FRIDAY = 5, "пятница"
        SATURDAY = 6, "суббота"
        SUNDAY = 7, "воскресенье"

    school = models.OneToOneField("journal.School", on_delete=models.CASCADE,
                                  related_name="export_schedule", verbose_name="школа")
    enabled = models.BooleanField("выгружать по расписанию", default=True)
    daily_hours = models.JSONField("часы ежедневной выгрузки", default=list,
                                   help_text="Список часов от 0 до 23, например [1] или [1, 13].")
    control_weekday = models.PositiveSmallIntegerField("день недели контрольной выгрузки",
                                                       choices=Weekday.choices,
                                                       default=Weekday.SUNDAY)
    control_hour = models.PositiveSmallIntegerField("час контрольной выгрузки", default=4)
    full_day = models.PositiveSmallIntegerField("число месяца полной выгрузки", default=1,
                                                help_text="От 1 до 28: такое число есть в "
                                                          "каждом месяце.")
    full_hour = models.PositiveSmallIntegerField("час полной выгрузки", default=5)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="кто изменил")

    class Meta:
        verbose_name = "расписание выгрузок"
        verbose_name_plural = "расписания выгрузок"

    def __str__(self) -> str:
        return f"Расписание выгрузок: {self.school}"
