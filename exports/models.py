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
