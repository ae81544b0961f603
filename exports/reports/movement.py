"""Движение обучающихся: for each class and each month of the span, the students at the start,
who arrived, who came from another class, who left, who went to another class, and the students
at the end; totals per month for a grade or the school.

Read from the enrolments (`Enrolment`, whatever wrote them: the movement page, the setup
screens, a class list loaded from XLSX), with the movement service's dates: an arrival is the
first day in the class, a departure (`left_on`) the last, and a transfer ends one enrolment the
day before the next one starts in another class of the year. So, for each month:

    на конец = на начало + прибыло + переведены в класс − выбыло − переведены из класса

and a month's end is the next month's start. Enrolment from the year's first day is the class
at the start of the year, not an arrival. Three queries whatever the span and the scope.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from exports.registry import CHECKER, CLASS_TEACHER, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import AcademicYear, Enrolment, SchoolClass
from journal.queries.late_entries import Month

TITLE = "Движение обучающихся"
COLUMNS = [
    Column("Класс", width=9),
    Column("Месяц", width=15),
    Column("На начало месяца", Kind.INT, 10),
    Column("Прибыло", Kind.INT, 9),
    Column("Переведены в класс", Kind.INT, 11),
    Column("Выбыло", Kind.INT, 9),
    Column("Переведены из класса", Kind.INT, 11),
    Column("На конец месяца", Kind.INT, 10),
]
FIGURES = ("at_start", "arrived", "transferred_in", "left", "transferred_out", "at_end")
NOTES = [
    "На начало месяца — до движения в нём; на конец — после его последнего дня: выбывший в "
    "последний день месяца в конец месяца уже не входит. На конец месяца = на начало + "
    "прибыло + переведены в класс − выбыло − переведены из класса.",
    "Переведены — из другого класса или в другой класс школы в этом учебном году; прибыло и "
    "выбыло — в школу и из неё. Зачисленные с первого дня учебного года входят в число на "
    "начало, а не в прибывших.",
]


@dataclass(frozen=True)
class Stay:
    """One enrolment, with whether it began and ended by a transfer within the year."""

    class_id: int
    enrolled_on: dt.date
    left_on: dt.date | None
    came_from_class: bool
    went_to_class: bool


@dataclass(frozen=True)
class Window:
    """A month of the span: its first and last day inside the span."""

    month: Month
    first: dt.date
    last: dt.date


def windows_of(span: Span) -> list[Window]:
    windows, month = [], Month(span.starts_on.replace(day=1))
    while month.first <= span.ends_on:
        windows.append(Window(month, max(month.first, span.starts_on),
                              min(month.last, span.ends_on)))
        month = month.next
    return windows


def stays_in(year: AcademicYear, classes: list[SchoolClass]) -> list[Stay]:
    """The enrolments in the classes, each told whether a transfer within the year began or
    ended it (one query: every enrolment of the year of their students)."""
    ids = {c.pk for c in classes}
    students = Enrolment.objects.filter(school_class_id__in=ids).values("student_id")
    by_student: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for student_id, class_id, enrolled_on, left_on in (
            Enrolment.objects.filter(school_class__year=year, student_id__in=students)
            .values_list("student_id", "school_class_id", "enrolled_on", "left_on")):
        by_student[student_id].append((class_id, enrolled_on, left_on))
    day = dt.timedelta(days=1)
    stays = []
    for rows in by_student.values():
        for class_id, enrolled_on, left_on in rows:
            if class_id not in ids:
                continue
            others = [row for row in rows if row[0] != class_id]
            stays.append(Stay(
                class_id, enrolled_on, left_on,
                came_from_class=any(other_left == enrolled_on - day
                                    for _, _, other_left in others),
                went_to_class=left_on is not None and any(other_start == left_on + day
                                                          for _, other_start, _ in others)))
    return stays


def month_figures(stays: list[Stay], window: Window, year_start: dt.date) -> Counter:
    counts = Counter()
    first, last = window.first, window.last
    for stay in stays:
        if (stay.enrolled_on < first or stay.enrolled_on == year_start) and \
                (stay.left_on is None or stay.left_on >= first):
            counts["at_start"] += 1
        elif first <= stay.enrolled_on <= last:
            counts["transferred_in" if stay.came_from_class else "arrived"] += 1
        if stay.left_on is not None and first <= stay.left_on <= last:
            counts["transferred_out" if stay.went_to_class else "left"] += 1
        if stay.enrolled_on <= last and (stay.left_on is None or stay.left_on > last):
            counts["at_end"] += 1
    return counts


def _rows(classes: list[SchoolClass], stays: list[Stay], windows: list[Window],
          year_start: dt.date, total_label: str) -> Iterator[list]:
    by_class: dict[int, list[Stay]] = defaultdict(list)
    for stay in stays:
        by_class[stay.class_id].append(stay)
    totals = [Counter() for _ in windows]
    for school_class in classes:
        for window, total in zip(windows, totals, strict=True):
            counts = month_figures(by_class[school_class.pk], window, year_start)
            total.update(counts)
            yield [str(school_class), window.month.title, *(counts[f] for f in FIGURES)]
    if total_label and len(classes) > 1:
        for window, total in zip(windows, totals, strict=True):
            yield [total_label, window.month.title, *(total[f] for f in FIGURES)]


def student_movement(scope: Scope, span: Span) -> Table:
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason])
    total_label = ("" if scope.school_class is not None
                   else f"{scope.grade}-е" if scope.grade is not None else "Школа")
    rows = list(_rows(found.classes, stays_in(found.year, found.classes), windows_of(span),
                      found.year.starts_on, total_label))
    return Table(TITLE, COLUMNS, rows, subtitle, list(NOTES))


@register
class StudentMovement(Exporter):
    key = "movement"
    title = TITLE
    description = ("По каждому классу и месяцу: на начало и на конец месяца, прибывшие и "
                   "выбывшие, переведённые в класс и из класса; итоги по месяцам.")
    audiences = frozenset({CLASS_TEACHER, CHECKER})
    order = 15

    def table(self, params: Params) -> Table:
        return student_movement(params.scope, params.span)
