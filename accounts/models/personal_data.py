"""The personal-data log (152-ФЗ): every change of a person's data, and every time a member of
staff opens a family's diary or personal data. Append-only, like the journal's history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonalDataEvent(models.Model):
    class Kind(models.TextChoices):
        CHANGE = "change", "изменение данных"
        VIEW_DATA = "view_data", "просмотр персональных данных"
        VIEW_DIARY = "view_diary", "просмотр дневника"
        ACCESS = "access", "доступ к дневнику"  # issued, activated, terminated, reset

    at = models.DateTimeField("когда", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+", verbose_name="кто")
    address = models.GenericIPAddressField("адрес", null=True, blank=True)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="personal_data_events", verbose_name="чьи данные")
    kind = models.CharField("что", max_length=12, choices=Kind.choices)
    what = models.CharField("страница или действие", max_length=200, blank=True)
    # {"field label": [old, new], ...} for a change; empty for a view.
    changes = models.JSONField("изменения", default=dict, blank=True)

    class Meta:
        verbose_name = "запись журнала персональных данных"
        verbose_name_plural = "журнал персональных данных"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject", "-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()}: {self.subject}"
