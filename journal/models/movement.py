"""Students' movement by school orders: arrivals, transfers and departures during the year
(`StudentMove`), and the year rollover (`YearRollover`, a `RolloverDecision` per student, and
the academic debts of conditional promotion)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class StudentMove(models.Model):
    """One movement of a student by a school order (journal/services/movement.py writes them)."""

    class Kind(models.TextChoices):
        ARRIVAL = "arrival", "прибытие"
        TRANSFER = "transfer", "перевод в другой класс"
        SUBGROUP = "subgroup", "перевод в другую подгруппу"
        DEPARTURE = "departure", "выбытие"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="student_moves", verbose_name="школа")
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE,
                                related_name="moves", verbose_name="обучающийся")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    on = models.DateField("дата")
    from_class = models.ForeignKey("journal.SchoolClass", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="из класса")
    to_class = models.ForeignKey("journal.SchoolClass", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name="в класс")
    from_subgroup = models.ForeignKey("journal.Subgroup", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+", verbose_name="из подгруппы")
    to_subgroup = models.ForeignKey("journal.Subgroup", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name="в подгруппу")
    order_number = models.CharField("номер приказа", max_length=30)
    order_date = models.DateField("дата приказа")
    reason = models.CharField("основание, куда или откуда", max_length=300, blank=True)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name="кто оформил")
    at = models.DateTimeField("когда оформлено", default=timezone.now)

    class Meta:
        verbose_name = "движение обучающегося"
        verbose_name_plural = "движение обучающихся"
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.student}, {self.on:%d.%m.%Y}"


class YearRollover(models.Model):
    """The close of one year and the opening of the next, done once per year."""

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="rollovers", verbose_name="школа")
    # One-to-one: a year is closed once.
    from_year = models.OneToOneField("journal.AcademicYear", on_delete=models.PROTECT,
                                     related_name="rollover_out", verbose_name="закрытый год")
    to_year = models.OneToOneField("journal.AcademicYear", on_delete=models.PROTECT,
                                   related_name="rollover_in", verbose_name="новый год")
    order_number = models.CharField("номер приказа", max_length=30)
    order_date = models.DateField("дата приказа")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                           verbose_name="кто провёл")
    at = models.DateTimeField("когда", default=timezone.now)
    counts = models.JSONField("итоги по видам", default=dict)
    warnings = models.JSONField("предупреждения проверки", default=list, blank=True)

    class Meta:
        verbose_name = "переход на новый учебный год"
        verbose_name_plural = "переходы на новый учебный год"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Переход {self.from_year.name} → {self.to_year.name}"


class RolloverDecision(models.Model):
    """What the rollover's order decided for one student."""

    class Kind(models.TextChoices):
        PROMOTE = "promote", "переведён в следующий класс"
        COMPLETE = "complete", "освоил программу уровня (9 или 11 класс)"
        CONDITIONAL = "conditional", "переведён условно (академическая задолженность)"
        REPEAT = "repeat", "оставлен на повторное обучение"
        GRADUATE = "graduate", "выпущен"
        TRANSFER_OUT = "transfer_out", "выбыл (перевод в другую организацию)"

    rollover = models.ForeignKey(YearRollover, on_delete=models.CASCADE,
                                 related_name="decisions", verbose_name="переход")
    student = models.ForeignKey("accounts.Student", on_delete=models.PROTECT,
                                related_name="rollover_decisions", verbose_name="обучающийся")
    from_class = models.ForeignKey("journal.SchoolClass", on_delete=models.PROTECT,
                                   related_name="+", verbose_name="из класса")
    to_class = models.ForeignKey("journal.SchoolClass", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name="в класс")
    kind = models.CharField("решение", max_length=12, choices=Kind.choices)
    note = models.CharField("примечание", max_length=300, blank=True)

    class Meta:
        verbose_name = "решение о переводе"
        verbose_name_plural = "решения о переводе"
        ordering = ["from_class", "student"]
        constraints = [
            models.UniqueConstraint(fields=["rollover", "student"],
                                    name="one_decision_per_student"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.get_kind_display()}"


class AcademicDebt(models.Model):
    """A subject a student was promoted conditionally with, until it is cleared."""

    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE,
                                related_name="academic_debts", verbose_name="обучающийся")
    subject = models.ForeignKey("journal.Subject", on_delete=models.PROTECT, related_name="+",
                                verbose_name="предмет")
    year = models.ForeignKey("journal.AcademicYear", on_delete=models.PROTECT, related_name="+",
                             verbose_name="учебный год, за который")
    decision = models.ForeignKey(RolloverDecision, on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="debts", verbose_name="решение")
    cleared_on = models.DateField("ликвидирована", null=True, blank=True)

    class Meta:
        verbose_name = "академическая задолженность"
        verbose_name_plural = "академические задолженности"
        ordering = ["year", "student", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "year"], name="one_debt_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.subject} ({self.year.name})"


class ClassListConfirmation(models.Model):
    """A class teacher's confirmation of their class's list and the decisions proposed for it,
    before the rollover (when the school asks for it: `School.class_teachers_confirm_lists`).
    `students` keeps the ids and decisions confirmed: a later change of them asks again."""

    school_class = models.OneToOneField("journal.SchoolClass", on_delete=models.CASCADE,
                                        related_name="list_confirmation", verbose_name="класс")
    students = models.JSONField("подтверждённый список и решения", default=dict)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                           verbose_name="кто подтвердил")
    at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "подтверждение списка класса"
        verbose_name_plural = "подтверждения списков классов"

    def __str__(self) -> str:
        return f"Список {self.school_class} подтверждён {self.at:%d.%m.%Y}"
