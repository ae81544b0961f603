"""Classes, their students, subjects, curriculum, subgroups and teaching assignments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from journal.models.school import GRADE_VALIDATORS, AcademicYear, School
from journal.rules import grade_gets_marks


class SchoolClass(models.Model):
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="classes",
                             verbose_name="учебный год")
    grade = models.PositiveSmallIntegerField("параллель", validators=GRADE_VALIDATORS)
    letter = models.CharField("литера", max_length=3)
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_classes", verbose_name="классный руководитель")
    students = models.ManyToManyField("accounts.Student", through="Enrolment",
                                      related_name="classes", verbose_name="обучающиеся")

    class Meta:
        verbose_name = "класс"
        verbose_name_plural = "классы"
        ordering = ["year", "grade", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "grade", "letter"], name="unique_class"),
        ]
        permissions = [("view_class_journals", "Просматривать все журналы класса"),
                       ("check_class_journals", "Проверять журналы класса")]

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"

    def save(self, *args, **kwargs) -> None:
        self.letter = self.letter.strip().upper()
        super().save(*args, **kwargs)

    @property
    def gets_marks(self) -> bool:
        """Marks, term marks and homework: not in grade 1 (`journal.rules.grade_gets_marks`)."""
        return grade_gets_marks(self.grade)


class EnrolmentQuerySet(models.QuerySet):
    """Who is in a class: the one spelling of "enrolled on a day", "over a range" and "now".

    `day`, `start` and `end` may be dates or expressions (an `OuterRef("date")` of a lesson).
    """

    def active_on(self, day) -> EnrolmentQuerySet:
        return self.overlapping(day, day)

    def overlapping(self, start, end) -> EnrolmentQuerySet:
        """Enrolled at some time between start and end (both included)."""
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gte=start),
                           enrolled_on__lte=end)

    def current(self) -> EnrolmentQuerySet:
        """Enrolled today in a class of the current year."""
        return self.active_on(timezone.localdate()).filter(school_class__year__is_current=True)


class Enrolment(models.Model):
    """A student in a class from one date to another (arrival, transfer, departure)."""

    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE,
                                related_name="enrolments", verbose_name="обучающийся")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="enrolments", verbose_name="класс")
    enrolled_on = models.DateField("зачислен с")
    left_on = models.DateField("выбыл", null=True, blank=True)
    order_number = models.CharField("номер приказа", max_length=30, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = "зачисление в класс"
        verbose_name_plural = "зачисления в классы"
        ordering = ["school_class", "student"]

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class}"

    def clean(self) -> None:
        if self.left_on and self.enrolled_on and self.left_on < self.enrolled_on:
            raise ValidationError({"left_on": "Дата выбытия раньше даты зачисления."})
        if not (self.student_id and self.school_class_id and self.enrolled_on):
            return
        year = self.school_class.year
        if not year.contains(self.enrolled_on):
            raise ValidationError({"enrolled_on": "Дата зачисления вне учебного года класса."})
        other = (Enrolment.objects.overlapping(self.enrolled_on, self.left_on or dt.date.max)
                 .filter(student_id=self.student_id, school_class__year_id=year.pk)
                 .exclude(pk=self.pk).select_related("school_class").first())
        if other is not None:
            raise ValidationError(
                f"{self.student} уже числится в {other.school_class} классе в этом учебном году "
                f"(с {other.enrolled_on:%d.%m.%Y}). Сначала оформите выбытие.")

    def is_active_on(self, day: dt.date) -> bool:
        """`EnrolmentQuerySet.active_on` for a row already loaded."""
        return self.enrolled_on <= day and (self.left_on is None or day <= self.left_on)


class Subject(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects",
                               verbose_name="школа")
    name = models.CharField("название", max_length=100)
    short_name = models.CharField("краткое название", max_length=30, blank=True)
    is_elective = models.BooleanField("элективный курс (зачёт/незачёт)", default=False)
    order = models.PositiveSmallIntegerField("порядок в списках", default=100)

    class Meta:
        verbose_name = "предмет"
        verbose_name_plural = "предметы"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_subject_name"),
        ]
        permissions = [("check_subject_journals", "Проверять журналы по предмету")]

    def __str__(self) -> str:
        return self.name


class CurriculumItem(models.Model):
    """Hours per week of a subject in a grade, or in one class where it differs."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="curriculum",
                             verbose_name="учебный год")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="curriculum",
                                verbose_name="предмет")
    grade = models.PositiveSmallIntegerField("параллель", null=True, blank=True,
                                             validators=GRADE_VALIDATORS)
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="curriculum", verbose_name="класс")
    hours_per_week = models.DecimalField("часов в неделю", max_digits=4, decimal_places=1,
                                         validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = "строка учебного плана"
        verbose_name_plural = "учебный план"
        ordering = ["year", "grade", "school_class", "subject"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(grade__isnull=False, school_class__isnull=True)
                           | models.Q(grade__isnull=True, school_class__isnull=False)),
                name="curriculum_grade_or_class"),
            models.UniqueConstraint(fields=["year", "subject", "grade"],
                                    condition=models.Q(school_class__isnull=True),
                                    name="unique_curriculum_grade"),
            models.UniqueConstraint(fields=["year", "subject", "school_class"],
                                    condition=models.Q(school_class__isnull=False),
                                    name="unique_curriculum_class"),
        ]

    def __str__(self) -> str:
        where = f"{self.school_class}" if self.school_class_id else f"{self.grade} кл."
        return f"{where}: {self.subject} — {self.hours_per_week} ч/нед."

    def clean(self) -> None:
        if (self.grade is None) == (self.school_class_id is None):
            raise ValidationError("Укажите либо параллель, либо класс (одно из двух).")


class Subgroup(models.Model):
    """Part of a class taught separately in a subject (foreign language, technology)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="subgroups", verbose_name="класс")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="subgroups",
                                verbose_name="предмет")
    name = models.CharField("название", max_length=50, help_text="Например, 1 группа")
    students = models.ManyToManyField("accounts.Student", related_name="subgroups", blank=True,
                                      verbose_name="обучающиеся")

    class Meta:
        verbose_name = "подгруппа"
        verbose_name_plural = "подгруппы"
        ordering = ["school_class", "subject", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject", "name"],
                                    name="unique_subgroup"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class}, {self.subject}: {self.name}"


class TeachingAssignment(models.Model):
    """A teacher teaching a subject to a class or one of its subgroups: one journal."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name="учебный год")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="assignments", verbose_name="учитель")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="assignments",
                                verbose_name="предмет")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="assignments", verbose_name="класс")
    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="assignments", verbose_name="подгруппа")
    # Carried over by the year rollover: the teacher gets the journal's rights only when the
    # deputy director confirms it (journal/services/rollover).
    confirmed = models.BooleanField("подтверждён", default=True,
                                    help_text="Черновик нагрузки, перенесённый с прошлого года, "
                                              "подтверждает заместитель директора.")

    class Meta:
        verbose_name = "журнал"
        verbose_name_plural = "журналы (учебная нагрузка)"
        ordering = ["school_class", "subject", "subgroup"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject"],
                                    condition=models.Q(subgroup__isnull=True),
                                    name="one_journal_per_class_subject"),
            models.UniqueConstraint(fields=["subgroup"], condition=models.Q(subgroup__isnull=False),
                                    name="one_journal_per_subgroup"),
        ]
        permissions = [("keep_journal", "Вести журнал"),
                       ("co_keep_journal", "Вести журнал вторым учителем"),
                       ("inspect_journal", "Просматривать журнал до указанной даты")]

    def __str__(self) -> str:
        group = f" ({self.subgroup.name})" if self.subgroup_id else ""
        return f"{self.school_class} {self.subject}{group} — {self.teacher.short_name}"

    def clean(self) -> None:
        if self.school_class_id and self.year_id and self.school_class.year_id != self.year_id:
            raise ValidationError({"school_class": "Класс относится к другому учебному году."})
        if self.subgroup_id:
            if self.subgroup.school_class_id != self.school_class_id:
                raise ValidationError({"subgroup": "Подгруппа относится к другому классу."})
            if self.subgroup.subject_id != self.subject_id:
                raise ValidationError({"subgroup": "Подгруппа создана для другого предмета."})
        if self.school_class_id and self.subject_id and not self.subgroup_id:
            split = Subgroup.objects.filter(school_class_id=self.school_class_id,
                                            subject_id=self.subject_id)
            if split.exists():
                raise ValidationError({"subgroup": "Класс разделён на подгруппы по этому предмету: "
                                                   "укажите подгруппу."})
