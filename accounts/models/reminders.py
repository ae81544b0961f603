"""Keeping students' and parents' data current, as the regulations require: updated by
5 September every year, within 3 days of a notice of change, checked monthly by class teachers.
A notice of change is recorded by the secretary; the reminders e-mailed to class teachers are
kept, one row per class, kind and period, which is also what stops a second run of the day's
task from sending them again."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL
# A notice of change must be entered within this many days [003 §1.7].
NOTICE_DAYS = 3


class DataChangeNotice(models.Model):
    """A family's notice that their data changed (a new address, surname, phone...), received
    by the school: the class teacher enters the change within `NOTICE_DAYS` days."""

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE, related_name="+",
                               verbose_name="школа")
    subject = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="change_notices",
                                verbose_name="чьи данные")
    received_on = models.DateField("уведомление получено")
    description = models.CharField("что изменилось", max_length=300)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="внёс")
    recorded_at = models.DateTimeField("внесено", default=timezone.now)

    class Meta:
        verbose_name = "уведомление об изменении данных"
        verbose_name_plural = "уведомления об изменении данных"
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.description} ({self.received_on:%d.%m.%Y})"

    @property
    def due_on(self) -> dt.date:
        return self.received_on + dt.timedelta(days=NOTICE_DAYS)


class DataUpdateReminder(models.Model):
    """A reminder e-mailed to a class teacher. The row is claimed before the message goes out;
    one that could not go (no address, no class teacher, a mail error) is tried again by the
    next days' runs, up to `MAX_ATTEMPTS` times in all."""

    MAX_ATTEMPTS = 5

    class Kind(models.TextChoices):
        YEARLY = "yearly", "ежегодное обновление данных (до 5 сентября)"
        MONTHLY = "monthly", "ежемесячная проверка данных"
        NOTICE = "notice", "уведомление об изменении данных"
        NOTICE_DUE = "notice_due", "срок внесения изменения истекает"

    class Status(models.TextChoices):
        PENDING = "pending", "отправляется"
        SENT = "sent", "отправлено"
        NO_ADDRESS = "no_address", "у классного руководителя нет адреса электронной почты"
        NO_RECIPIENT = "no_teacher", "классный руководитель не назначен"
        FAILED = "failed", "ошибка отправки"

    RETRIED = (Status.NO_ADDRESS, Status.NO_RECIPIENT, Status.FAILED)

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE, related_name="+",
                               verbose_name="школа")
    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.CASCADE,
                                     related_name="+", verbose_name="класс")
    kind = models.CharField("напоминание", max_length=12, choices=Kind.choices)
    # The period or the notice it is for: «2026» (yearly), «2026-10» (monthly), a notice's id.
    key = models.CharField("за период", max_length=20)
    notice = models.ForeignKey(DataChangeNotice, on_delete=models.CASCADE, null=True,
                               blank=True, related_name="reminders", verbose_name="уведомление")
    recipient = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="кому")
    address = models.CharField("адрес", max_length=254, blank=True)
    families = models.PositiveIntegerField("семей в напоминании", default=0)
    status = models.CharField("состояние", max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("попыток", default=1)
    error = models.CharField("ошибка", max_length=300, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    tried_at = models.DateTimeField("последняя попытка", default=timezone.now)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "напоминание об обновлении данных"
        verbose_name_plural = "напоминания об обновлении данных"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "kind", "key"],
                                    name="one_reminder_per_class_kind_period"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class}: {self.get_kind_display()} ({self.key})"
