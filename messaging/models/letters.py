"""The class teacher's information letter (информационное письмо) to parents: for one student or
the whole class, over a chosen span of dates, made as PDF by the worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from messaging.models.files import letter_file_path

USER = settings.AUTH_USER_MODEL


class InformationLetter(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "готовится"
        DONE = "done", "готово"
        FAILED = "failed", "ошибка"

    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.CASCADE,
                                     related_name="information_letters", verbose_name="класс")
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="information_letters",
                                verbose_name="обучающийся (пусто — весь класс)")
    date_from = models.DateField("с")
    date_to = models.DateField("по")
    note = models.TextField("слово классного руководителя", blank=True)
    one_file = models.BooleanField("одним файлом на класс", default=True)
    requested_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name="кто заказал")
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    done = models.PositiveIntegerField("готово писем", default=0)
    total = models.PositiveIntegerField("всего писем", default=0)
    file = models.FileField("файл", upload_to=letter_file_path, max_length=255, blank=True)
    error = models.TextField("ошибка", blank=True)
    created_at = models.DateTimeField("заказано", default=timezone.now)
    finished_at = models.DateTimeField("готово", null=True, blank=True)

    class Meta:
        verbose_name = "информационное письмо"
        verbose_name_plural = "информационные письма"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        who = self.student or f"{self.school_class} класс"
        return f"Информационное письмо: {who}, {self.date_from:%d.%m}–{self.date_to:%d.%m.%Y}"
