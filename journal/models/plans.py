"""The calendar-thematic plan (КТП) of a journal: its numbered topics, hours and planned dates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from journal.models.classes import TeachingAssignment

MAX_ITEM_HOURS = 99


class ThematicPlan(models.Model):
    """The plan of one teaching assignment. Created with its first item."""

    assignment = models.OneToOneField(TeachingAssignment, on_delete=models.CASCADE,
                                      related_name="plan", verbose_name="нагрузка")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="кто изменил")
    updated_at = models.DateTimeField("изменено", auto_now=True)
    # Guards the whole plan against a stale form: every save of the plan bumps it.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "календарно-тематический план"
        verbose_name_plural = "календарно-тематические планы"

    def __str__(self) -> str:
        return f"КТП: {self.assignment}"


class PlanItem(models.Model):
    """One topic of the plan. Its number orders the plan; lessons link to it."""

    plan = models.ForeignKey(ThematicPlan, on_delete=models.CASCADE, related_name="items",
                             verbose_name="КТП")
    number = models.PositiveSmallIntegerField("№", validators=[MinValueValidator(1)])
    section = models.CharField("раздел", max_length=300, blank=True)
    topic = models.CharField("тема урока", max_length=500)
    hours = models.PositiveSmallIntegerField(
        "часов", default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_HOURS)])
    planned_on = models.DateField("дата по плану", null=True, blank=True)

    class Meta:
        verbose_name = "пункт КТП"
        verbose_name_plural = "пункты КТП"
        ordering = ["plan", "number", "pk"]
        # Numbers are kept unique by journal.services.plans (under a lock on the plan) rather
        # than by a constraint, so that a renumbered plan can be saved in any row order.
        indexes = [models.Index(fields=["plan", "number"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.topic}"
