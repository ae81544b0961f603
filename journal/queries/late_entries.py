"""Journal records entered after their deadline, for the deputy director's monthly check.

Every write stamps its row with who entered it and how many days past the school's deadline
(`late_days`, see `journal.rules`); late entries are accepted, and this is where the checker
sees them. A month's list holds the records of the lessons dated in that month; a term mark
counts in the month its period ends, a year mark (it has no period) in the month it was set.
Five queries (one per kind of record) whatever the month holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Subquery

from accounts.models import User
from journal.models import (
    Absence,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    School,
    TeachingAssignment,
)

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь")


@dataclass(frozen=True)
class Month:
    first: dt.date

    @property
    def last(self) -> dt.date:
        return self.next.first - dt.timedelta(days=1)

    @property
    def next(self) -> Month:
        return Month((self.first + dt.timedelta(days=31)).replace(day=1))

    @property
    def previous(self) -> Month:
        return Month((self.first - dt.timedelta(days=1)).replace(day=1))

    @property
    def title(self) -> str:
        """«ноябрь 2026»."""
        return f"{MONTHS[self.first.month - 1]} {self.first.year}"

    @property
    def param(self) -> str:
        return f"{self.first:%Y-%m}"


def months_around(month: Month, count: int = 12) -> list[Month]:
    """The `count` months up to the shown one, latest first, for the month picker."""
    months = [month]
    while len(months) < count:
        months.append(months[-1].previous)
    return months


def parse_month(value: str | None, today: dt.date) -> tuple[Month, str | None]:
    """The asked month (YYYY-MM) and an error for the user when it cannot be read, in which
    case the current month is shown."""
    current = Month(today.replace(day=1))
    if not value:
        return current, None
    try:
        first = dt.date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        return current, (f"Не удалось прочитать месяц «{value[:20]}»: выберите его в "
                         f"списке. Показан текущий месяц.")
    if not 2000 <= first.year <= 2100:
        return current, "Месяц вне допустимого диапазона. Показан текущий месяц."
    return Month(first), None


def latest_month(school: School, today: dt.date) -> Month:
    """The month a checker sees first: the latest one, up to the current month, that has late
    entries (on the 1st the current month is still empty); the current month when none has.
    One query."""
    on_lessons = {"late_days__gt": 0, "lesson__assignment__year__school_id": school.pk,
                  "lesson__date__lte": today}
    finals = FinalMark.objects.filter(late_days__gt=0, assignment__year__school_id=school.pk)

    def latest(queryset, field: str, value: str | None = None) -> Subquery:
        return Subquery(queryset.order_by(f"-{field}").values(value or field)[:1])

    dates = School.objects.filter(pk=school.pk).values(
        lesson=latest(Lesson.objects.filter(late_days__gt=0, date__lte=today,
                                            assignment__year__school_id=school.pk), "date"),
        mark=latest(Mark.objects.filter(**on_lessons), "lesson__date"),
        absence=latest(Absence.objects.filter(**on_lessons), "lesson__date"),
        homework=latest(Homework.objects.filter(**on_lessons), "lesson__date"),
        term_mark=latest(finals.filter(period__ends_on__lte=today), "period__ends_on"),
        year_mark=latest(finals.filter(period__isnull=True, updated_at__date__lte=today),
                         "updated_at", "updated_at__date"),
    ).first() or {}
    found = [day for day in dates.values() if day is not None]
    return Month(max(found).replace(day=1)) if found else Month(today.replace(day=1))


@dataclass
class LateEntry:
    what: str
    assignment: TeachingAssignment
    teacher: User            # who was to make the entry: the lesson's teacher or substitute
    entered_by: User | None
    days_late: int
    lesson: Lesson | None = None
    student: object = None
    detail: str = ""         # the mark, the absence, the topic...
    date_note: str = ""      # for term and year marks, which have no lesson

    @property
    def date(self) -> dt.date | None:
        return self.lesson.date if self.lesson else None

    @property
    def is_substitution(self) -> bool:
        return self.lesson is not None and self.lesson.substitute_id is not None


@dataclass
class TeacherLate:
    teacher: User
    entries: list[LateEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def most_days(self) -> int:
        return max(e.days_late for e in self.entries)

    def count_of(self, what: str) -> int:
        return sum(1 for e in self.entries if e.what == what)

    @property
    def counts(self) -> list[int]:
        return [self.count_of(what) for what in KINDS]

    @property
    def headed_counts(self) -> list[tuple[str, int]]:
        """(column header, count) of each kind, for a row that names its cells."""
        return list(zip(KIND_HEADERS, self.counts, strict=True))


LESSON, MARK, ABSENCE, HOMEWORK, TERM_MARK = ("запись урока", "отметка", "пропуск",
                                              "домашнее задание", "итоговая отметка")
KINDS = (LESSON, MARK, ABSENCE, HOMEWORK, TERM_MARK)
KIND_HEADERS = ("Записи уроков", "Отметки", "Пропуски", "Домашние задания", "Итоговые отметки")
_ASSIGNMENT = ("teacher", "subject", "school_class", "subgroup")


def _on_lessons(model, school: School, month: Month):
    """Late rows of a model hanging on lessons (marks, absences, homework) of the month."""
    return (model.objects.filter(late_days__gt=0,
                                 lesson__assignment__year__school_id=school.pk,
                                 lesson__date__gte=month.first, lesson__date__lte=month.last)
            .select_related("entered_by", "lesson__substitute",
                            *(f"lesson__assignment__{name}" for name in _ASSIGNMENT)))


def _lesson_detail(lesson: Lesson) -> str:
    return lesson.topic or ("проведён, без темы" if lesson.is_held else "без темы")


def late_entries(school: School, month: Month) -> list[LateEntry]:
    """The month's late records of every kind, in no particular order."""
    entries: list[LateEntry] = []

    def add(what: str, lesson: Lesson, row, **extra) -> None:
        entries.append(LateEntry(what, lesson.assignment, lesson.teacher, row.entered_by,
                                 row.late_days, lesson=lesson, **extra))

    lessons = (Lesson.objects.filter(late_days__gt=0, assignment__year__school_id=school.pk,
                                     date__gte=month.first, date__lte=month.last)
               .select_related("entered_by", "substitute",
                               *(f"assignment__{name}" for name in _ASSIGNMENT)))
    for lesson in lessons:
        add(LESSON, lesson, lesson, detail=_lesson_detail(lesson))
    for mark in _on_lessons(Mark, school, month).select_related("student__user"):
        add(MARK, mark.lesson, mark, student=mark.student, detail=mark.value)
    for absence in _on_lessons(Absence, school, month).select_related("student__user"):
        label = absence.get_kind_display()
        if absence.minutes_late:
            label = f"{label} {absence.minutes_late} мин"
        add(ABSENCE, absence.lesson, absence, student=absence.student, detail=label)
    for homework in _on_lessons(Homework, school, month):
        add(HOMEWORK, homework.lesson, homework,
            detail="не задано" if homework.is_none else homework.text[:80])

    final_marks = (FinalMark.objects.filter(late_days__gt=0, assignment__year__school_id=school.pk)
                   .filter(Q(period__ends_on__gte=month.first, period__ends_on__lte=month.last)
                           | Q(period__isnull=True, updated_at__date__gte=month.first,
                               updated_at__date__lte=month.last))
                   .select_related("entered_by", "period", "student__user",
                                   *(f"assignment__{name}" for name in _ASSIGNMENT)))
    for final in final_marks:
        if final.period_id:
            what = f"{final.period.title}, окончание {final.period.ends_on:%d.%m.%Y}"
        else:
            what = final.get_kind_display()
        entries.append(LateEntry(TERM_MARK, final.assignment, final.assignment.teacher,
                                 final.entered_by, final.late_days, student=final.student,
                                 detail=final.value, date_note=what))
    return entries


def by_teacher(entries: list[LateEntry]) -> list[TeacherLate]:
    """Entries grouped by the teacher who was to make them, teachers by name, each teacher's
    entries by date, class and subject."""
    groups: dict[int, TeacherLate] = {}
    for entry in entries:
        groups.setdefault(entry.teacher.pk, TeacherLate(entry.teacher)).entries.append(entry)
    for group in groups.values():
        group.entries.sort(key=lambda e: (
            e.date or dt.date.max, e.lesson.number if e.lesson else 0,
            e.assignment.school_class.grade, e.assignment.school_class.letter,
            e.assignment.subject.order, KINDS.index(e.what),
            e.student.user.last_name if e.student else ""))
    return sorted(groups.values(), key=lambda g: (g.teacher.last_name, g.teacher.first_name,
                                                  g.teacher.patronymic, g.teacher.pk))
