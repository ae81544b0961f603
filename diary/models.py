"""Families' activity: sign-ins and diary views of parents and students (who, when, which page;
nothing else), kept for a retention period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ActivityRecord(models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "вход"
        VIEW = "view", "просмотр дневника"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="activity", verbose_name="пользователь")
    at = models.DateTimeField("когда", default=timezone.now)
    kind = models.CharField("что", max_length=8, choices=Kind.choices)
    page = models.CharField("страница", max_length=20, blank=True)
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+", verbose_name="чей дневник")

    class Meta:
        verbose_name = "запись активности"
        verbose_name_plural = "активность родителей и обучающихся"
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user}: {self.get_kind_display()} {self.page}"
