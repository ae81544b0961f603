"""Lessons and what is recorded on them: homework, marks, absences; term and final marks."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from ejournal.uploads import random_upload_path
from journal.models.classes import TeachingAssignment
from journal.models.school import School, StudyPeriod


class AssessmentType(models.Model):
    """Type of work (oral answer, control work...) and its weight in the weighted average."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="assessment_types",
                               verbose_name="школа")
    name = models.CharField("вид контроля", max_length=100)
    weight = models.DecimalField("вес", max_digits=4, decimal_places=2, default=Decimal(1),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    is_written = models.BooleanField("письменная работа", default=False,
                                     help_text="Срок выставления отметок — как для письменных работ.")

    class Meta:
        verbose_name = "вид контроля"
        verbose_name_plural = "виды контроля"
        ordering = ["weight", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_assessment_type"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (вес {self.weight.normalize()})"


class JournalRecord(models.Model):
    """What every journal record carries: who wrote it last, how many days past its deadline,
    and a version that a save compares so that nobody overwrites a change they did not see.
    `journal.services.records.save_record` is the one place that sets them."""

    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="кто записал")
    late_days = models.PositiveSmallIntegerField(
        "записано позже срока на, дней", default=0,
        help_text="0 — в срок. Отмечается для проверки журнала, запись не запрещается.")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Lesson(JournalRecord):
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE,
                                   related_name="lessons", verbose_name="журнал")
    date = models.DateField("дата")
    number = models.PositiveSmallIntegerField("урок №")
    topic = models.CharField("тема урока", max_length=500, blank=True)
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="lessons",
                                        verbose_name="вид контроля")
    is_held = models.BooleanField("урок проведён", default=False)
    is_extra = models.BooleanField("добавлен вручную", default=False)
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="substituted_lessons",
                                   verbose_name="замещающий учитель")
    substitute_reason = models.CharField("причина замены", max_length=200, blank=True)
    room = models.CharField("кабинет", max_length=20, blank=True)
    plan_item = models.ForeignKey("journal.PlanItem", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="lessons", verbose_name="пункт КТП")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "урок"
        verbose_name_plural = "уроки"
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "date", "number"],
                                    name="unique_lesson_slot"),
        ]
        indexes = [models.Index(fields=["date", "number"])]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}, {self.number} урок: {self.assignment}"

    def clean(self) -> None:
        if self.assignment_id and self.date and not self.assignment.year.contains(self.date):
            year = self.assignment.year
            raise ValidationError({"date": f"Дата вне учебного года ({year.starts_on:%d.%m.%Y}–"
                                           f"{year.ends_on:%d.%m.%Y})."})

    @property
    def teacher(self):
        """Who actually taught it."""
        return self.substitute or self.assignment.teacher


class Homework(JournalRecord):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="homework",
                                  verbose_name="урок")
    text = models.TextField("задание", blank=True)
    is_none = models.BooleanField("не задано", default=False)
    due_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="homework_due", verbose_name="к уроку")

    class Meta:
        verbose_name = "домашнее задание"
        verbose_name_plural = "домашние задания"

    def __str__(self) -> str:
        return "не задано" if self.is_none else self.text[:60]


def homework_file_path(instance: HomeworkFile, filename: str) -> str:
    """homework/<year>/<month>/<random>.<ext>; the name the teacher gave is kept in
    `original_name`."""
    return random_upload_path("homework", filename)


class HomeworkFile(models.Model):
    """A file attached to a homework. Served only through a view that checks rights."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="files",
                                 verbose_name="домашнее задание")
    file = models.FileField("файл", upload_to=homework_file_path, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name="кто загрузил")
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "файл к домашнему заданию"
        verbose_name_plural = "файлы к домашним заданиям"
        ordering = ["homework", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Mark(JournalRecord):
    class Value(models.TextChoices):
        FIVE = "5", "5"
        FOUR = "4", "4"
        THREE = "3", "3"
        TWO = "2", "2"
        ONE = "1", "1"
        PASS = "зач", "зачёт"
        FAIL = "незач", "незачёт"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="marks",
                               verbose_name="урок")
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE,
                                related_name="marks", verbose_name="обучающийся")
    value = models.CharField("отметка", max_length=5, choices=Value.choices)
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="marks",
                                        verbose_name="вид контроля")
    comment = models.CharField("комментарий", max_length=500, blank=True)
    over_absence_note = models.CharField("пояснение к отметке поверх пропуска", max_length=500,
                                         blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "отметка"
        verbose_name_plural = "отметки"
        ordering = ["lesson", "student", "pk"]
        indexes = [models.Index(fields=["student", "lesson"])]

    def __str__(self) -> str:
        return f"{self.value}: {self.student}, {self.lesson.date:%d.%m.%Y}"


class Absence(JournalRecord):
    class Kind(models.TextChoices):
        ABSENT = "absent", "н"
        ILL = "ill", "б"
        EXCUSED = "excused", "у"
        LATE = "late", "оп"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="absences",
                               verbose_name="урок")
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE,
                                related_name="absences", verbose_name="обучающийся")
    kind = models.CharField("вид", max_length=8, choices=Kind.choices)
    minutes_late = models.PositiveSmallIntegerField("опоздание, минут", null=True, blank=True)
    reason = models.CharField("причина, документ", max_length=300, blank=True)

    class Meta:
        verbose_name = "пропуск или опоздание"
        verbose_name_plural = "пропуски и опоздания"
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="one_absence_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.student}, {self.lesson.date:%d.%m.%Y}"


class FinalMark(JournalRecord):
    """A term mark for a study period, or a year, exam or final mark."""

    class Kind(models.TextChoices):
        PERIOD = "period", "за период"
        YEAR = "year", "годовая"
        EXAM = "exam", "экзамен"
        FINAL = "final", "итоговая"

    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE,
                                   related_name="final_marks", verbose_name="нагрузка")
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE,
                                related_name="final_marks", verbose_name="обучающийся")
    kind = models.CharField("вид", max_length=8, choices=Kind.choices)
    period = models.ForeignKey(StudyPeriod, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="final_marks", verbose_name="период")
    value = models.CharField("отметка", max_length=5)
    recommended = models.DecimalField("средневзвешенная при выставлении", max_digits=4,
                                      decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "итоговая отметка"
        verbose_name_plural = "итоговые отметки"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student", "period"],
                                    condition=models.Q(kind="period"),
                                    name="one_term_mark_per_period"),
            models.UniqueConstraint(fields=["assignment", "student", "kind"],
                                    condition=~models.Q(kind="period"),
                                    name="one_final_mark_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.get_kind_display()}): {self.student}"
