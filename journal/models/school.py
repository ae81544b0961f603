"""The school and its year: academic years, study periods, holidays, bells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

GRADE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(11)]


class School(models.Model):
    """A school and its settings (mark scale, deadlines, rounding)."""

    name = models.CharField("полное наименование", max_length=300)
    short_name = models.CharField("краткое наименование", max_length=100)
    address = models.CharField("адрес", max_length=300, blank=True)
    days_per_week = models.PositiveSmallIntegerField(
        "учебных дней в неделю", default=5, validators=[MinValueValidator(5), MaxValueValidator(6)]
    )
    rounding_threshold = models.DecimalField(
        "порог округления рекомендуемой отметки", max_digits=3, decimal_places=2,
        default=Decimal("0.50"), validators=[MinValueValidator(Decimal("0.01")),
                                             MaxValueValidator(Decimal("0.99"))],
        help_text="Дробная часть, с которой средний балл округляется вверх: 0,50 — обычное "
                  "арифметическое округление, 0,65 — 4,65 → 5.",
    )
    lesson_entry_days = models.PositiveSmallIntegerField(
        "срок записи урока и пропусков, дней", default=0,
        help_text="0 — в день урока.")
    mark_entry_days = models.PositiveSmallIntegerField(
        "срок выставления текущих отметок (кроме письменных работ), дней", default=0,
        help_text="0 — в день урока.")
    written_mark_days = models.PositiveSmallIntegerField(
        "срок выставления отметок за письменные работы, дней", default=7)
    term_mark_days = models.PositiveSmallIntegerField(
        "срок выставления отметок за период, дней после его окончания", default=2)
    homework_entry_days = models.PositiveSmallIntegerField(
        "срок записи домашнего задания, дней", default=0, help_text="0 — в день урока.")
    homework_hours_after_classes = models.PositiveSmallIntegerField(
        "задание, выданное накануне сдачи: записать не позднее, часов после окончания уроков",
        default=1, validators=[MaxValueValidator(12)])
    lock_after_days = models.PositiveSmallIntegerField(
        "закрывать ячейки через, дней", null=True, blank=True,
        help_text="Пусто — не закрывать, опоздания с записью только отмечаются.")
    class_teachers_confirm_lists = models.BooleanField(
        "классные руководители подтверждают списки при переходе на новый год", default=False,
        help_text="Переход на новый учебный год не проводится, пока каждый классный "
                  "руководитель не подтвердит список и решения по своему классу.")

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"

    def __str__(self) -> str:
        return self.short_name


class AcademicYearQuerySet(models.QuerySet):
    def current(self) -> AcademicYear | None:
        return self.filter(is_current=True).first()


class AcademicYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="years",
                               verbose_name="школа")
    name = models.CharField("название", max_length=20, help_text="Например, 2026/2027")
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    is_current = models.BooleanField("текущий", default=False)
    # Set by the year rollover: a closed year's journals are read-only for everybody; only the
    # deputy director corrects them afterwards, giving a reason (kept in the history).
    closed_at = models.DateTimeField("закрыт", null=True, blank=True, editable=False)

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_year_name"),
            models.UniqueConstraint(fields=["school"], condition=models.Q(is_current=True),
                                    name="one_current_year_per_school"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")),
                                   name="year_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} учебный год"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "Учебный год должен заканчиваться позже, чем начинается."})
        if self.is_current and self.school_id:
            others = AcademicYear.objects.filter(school_id=self.school_id, is_current=True)
            if others.exclude(pk=self.pk).exists():
                raise ValidationError({"is_current": "Текущим может быть только один учебный год. "
                                       "Снимите отметку у другого года."})

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class GradeRangeQuerySet(models.QuerySet):
    """Rows that apply to a range of grades (study periods, holidays)."""

    def for_grade(self, grade: int) -> GradeRangeQuerySet:
        return self.filter(grade_from__lte=grade, grade_to__gte=grade)


def _grade_range_overlaps(a_from: int, a_to: int, b_from: int, b_to: int) -> bool:
    return a_from <= b_to and b_from <= a_to


class StudyPeriod(models.Model):
    """A quarter, trimester or half; which grades it applies to can differ (halves for 10–11)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", "четверть"
        TRIMESTER = "trimester", "триместр"
        HALF = "half", "полугодие"

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="periods",
                             verbose_name="учебный год")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField("номер", validators=[MinValueValidator(1),
                                                                  MaxValueValidator(4)])
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    grade_from = models.PositiveSmallIntegerField("с класса", default=1, validators=GRADE_VALIDATORS)
    grade_to = models.PositiveSmallIntegerField("по класс", default=11, validators=GRADE_VALIDATORS)

    objects = GradeRangeQuerySet.as_manager()

    class Meta:
        verbose_name = "учебный период"
        verbose_name_plural = "учебные периоды"
        ordering = ["year", "grade_from", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="period_ends_after_start"),
            models.CheckConstraint(condition=models.Q(grade_to__gte=models.F("grade_from")),
                                   name="period_grade_range"),
        ]

    def __str__(self) -> str:
        grades = "" if (self.grade_from, self.grade_to) == (1, 11) else \
            f" ({self.grade_from}–{self.grade_to} кл.)"
        return f"{self.title}{grades}"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "Период должен заканчиваться не раньше, чем начинается."
        if self.grade_from and self.grade_to and self.grade_to < self.grade_from:
            errors["grade_to"] = "«По класс» не может быть меньше «с класса»."
        if errors:
            raise ValidationError(errors)
        if not (self.year_id and self.starts_on and self.ends_on):
            return
        year = self.year
        if self.starts_on < year.starts_on or self.ends_on > year.ends_on:
            raise ValidationError(
                f"Период {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y} выходит за границы "
                f"учебного года ({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y}).")
        overlapping = StudyPeriod.objects.filter(
            year_id=self.year_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
        ).exclude(pk=self.pk)
        for other in overlapping:
            if _grade_range_overlaps(self.grade_from, self.grade_to, other.grade_from, other.grade_to):
                raise ValidationError(
                    f"Период пересекается с периодом «{other}» "
                    f"({other.starts_on:%d.%m.%Y}–{other.ends_on:%d.%m.%Y}) для тех же классов.")

    @property
    def title(self) -> str:
        """«2-я четверть», «1-е полугодие»: the name without its grade range."""
        ending = "я" if self.kind in (self.Kind.QUARTER,) else "е" if self.kind == self.Kind.HALF \
            else "й"
        return f"{self.number}-{ending} {self.get_kind_display()}"

    def applies_to_grade(self, grade: int) -> bool:
        return self.grade_from <= grade <= self.grade_to


class Holiday(models.Model):
    """Days without lessons: holidays between periods and public holidays."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="holidays",
                             verbose_name="учебный год")
    name = models.CharField("название", max_length=100)
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    grade_from = models.PositiveSmallIntegerField("с класса", default=1, validators=GRADE_VALIDATORS)
    grade_to = models.PositiveSmallIntegerField("по класс", default=11, validators=GRADE_VALIDATORS)

    objects = GradeRangeQuerySet.as_manager()

    class Meta:
        verbose_name = "каникулы или праздник"
        verbose_name_plural = "каникулы и праздники"
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d.%m}–{self.ends_on:%d.%m.%Y})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Окончание не может быть раньше начала."})
        if self.year_id and self.starts_on and self.ends_on and not (
            self.year.contains(self.starts_on) and self.year.contains(self.ends_on)
        ):
            raise ValidationError("Каникулы должны лежать внутри учебного года.")


class BellSchedule(models.Model):
    """One lesson's bells: its number and times."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="bells",
                               verbose_name="школа")
    lesson_number = models.PositiveSmallIntegerField("урок №", validators=[MinValueValidator(0),
                                                                          MaxValueValidator(12)])
    starts_at = models.TimeField("начало")
    ends_at = models.TimeField("окончание")

    class Meta:
        verbose_name = "время урока"
        verbose_name_plural = "расписание звонков"
        ordering = ["school", "lesson_number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "lesson_number"], name="unique_bell"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="bell_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_number} урок {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
