"""The weekly timetable: slots valid over a date range."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from journal.models.classes import TeachingAssignment

WEEKDAYS = [(1, "понедельник"), (2, "вторник"), (3, "среда"), (4, "четверг"), (5, "пятница"),
            (6, "суббота")]


class TimetableSlot(models.Model):
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE,
                                   related_name="slots", verbose_name="журнал")
    weekday = models.PositiveSmallIntegerField("день недели", choices=WEEKDAYS)
    lesson_number = models.PositiveSmallIntegerField("урок №", validators=[MinValueValidator(0),
                                                                          MaxValueValidator(12)])
    room = models.CharField("кабинет", max_length=20, blank=True)
    valid_from = models.DateField("действует с")
    valid_to = models.DateField("действует по")

    class Meta:
        verbose_name = "урок в расписании"
        verbose_name_plural = "расписание"
        ordering = ["weekday", "lesson_number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                   name="slot_valid_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}, {self.lesson_number} урок: {self.assignment}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "«Действует по» раньше, чем «действует с»."})
        if not (self.assignment_id and self.weekday and self.lesson_number is not None
                and self.valid_from and self.valid_to):
            return
        year = self.assignment.year
        if self.valid_from < year.starts_on or self.valid_to > year.ends_on:
            raise ValidationError("Срок действия расписания выходит за границы учебного года.")
        message = self.conflict_message()
        if message:
            raise ValidationError(message)

    def conflict_message(self) -> str | None:
        """Why this slot cannot stand beside the others, or None when it can."""
        mine = self.assignment
        same_time = TimetableSlot.objects.filter(
            weekday=self.weekday, lesson_number=self.lesson_number,
            valid_from__lte=self.valid_to, valid_to__gte=self.valid_from,
            assignment__year_id=mine.year_id,
        ).exclude(pk=self.pk).select_related(
            "assignment__teacher", "assignment__subject", "assignment__school_class",
            "assignment__subgroup")
        when = f"{self.get_weekday_display()}, {self.lesson_number} урок"
        room = self.room.strip().casefold()
        for slot in same_time:
            other = slot.assignment
            if other.teacher_id == mine.teacher_id:
                return (f"Учитель {other.teacher.short_name} уже ведёт урок в это время "
                        f"({when}): {other.school_class} {other.subject}.")
            # Two different subgroups of one class may study at the same time; anything else
            # puts the class (or the subgroup) in two places at once.
            if other.school_class_id == mine.school_class_id and not (
                    mine.subgroup_id and other.subgroup_id
                    and mine.subgroup_id != other.subgroup_id):
                who = f"Подгруппа «{mine.subgroup.name}» уже занята" if mine.subgroup_id and \
                    other.subgroup_id == mine.subgroup_id else \
                    f"Класс {mine.school_class} уже занят"
                return f"{who} в это время ({when}): {other.subject}."
            if room and slot.room.strip().casefold() == room:
                return (f"Кабинет {slot.room.strip()} уже занят в это время ({when}): "
                        f"{other.school_class} {other.subject}, {other.teacher.short_name}")
        return None
