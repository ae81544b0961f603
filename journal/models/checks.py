"""The deputy director's checks of the journals and the remarks that come of them.

A `JournalCheck` keeps the figures of one month (or one study period) as they were found — the
beat task computes it on the 1st for the month before — so that last month's check still reads
as it was after teachers fix things; the live figures are compared with it. A `Remark` goes to
a teacher or class teacher with a due date; each change of its state is a `RemarkStep`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class JournalCheck(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", "за месяц"
        PERIOD = "period", "за учебный период"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="checks", verbose_name="школа")
    kind = models.CharField("вид", max_length=8, choices=Kind.choices, default=Kind.MONTH)
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    period = models.ForeignKey("journal.StudyPeriod", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="checks", verbose_name="учебный период")
    figures = models.JSONField("цифры, как они были найдены", default=dict)
    computed_at = models.DateTimeField("вычислено", default=timezone.now)
    computed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+",
                                    verbose_name="кто вычислил (пусто — по расписанию)")

    class Meta:
        verbose_name = "проверка журналов"
        verbose_name_plural = "проверки журналов"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "starts_on", "ends_on"],
                                    name="one_check_per_span"),
        ]

    def __str__(self) -> str:
        return f"Проверка {self.get_kind_display()} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class Remark(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "к исправлению"
        DONE = "done", "исправлено"
        VERIFIED = "verified", "принято"
        RETURNED = "returned", "возвращено"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="remarks", verbose_name="школа")
    check_run = models.ForeignKey(JournalCheck, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="remarks", verbose_name="проверка")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="remarks_made",
                               verbose_name="кто сделал замечание")
    addressee = models.ForeignKey(USER, on_delete=models.PROTECT,
                                  related_name="remarks_received", verbose_name="кому")
    assignment = models.ForeignKey("journal.TeachingAssignment", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="remarks",
                                   verbose_name="журнал")
    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="remarks",
                                     verbose_name="класс")
    finding = models.CharField("что найдено (показатель)", max_length=40, blank=True)
    text = models.TextField("замечание")
    link = models.CharField("где исправить", max_length=300, blank=True)
    due_on = models.DateField("исправить до")
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField("сделано", default=timezone.now)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "замечание по журналу"
        verbose_name_plural = "замечания по журналам"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["addressee", "status"], name="remarks_to_do")]

    def __str__(self) -> str:
        return self.text[:60]


class RemarkStep(models.Model):
    """One change of a remark's state: who, when, to what, with what comment."""

    remark = models.ForeignKey(Remark, on_delete=models.CASCADE, related_name="steps",
                               verbose_name="замечание")
    status = models.CharField("стало", max_length=8, choices=Remark.Status.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="кто")
    at = models.DateTimeField("когда", default=timezone.now)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "шаг замечания"
        verbose_name_plural = "шаги замечаний"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%d.%m.%Y %H:%M}"
