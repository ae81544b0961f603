"""Сводная ведомость посещаемости: class by class, each student's lessons missed in each month
of the span by kind — «б» ill, «у» excused, «н» without a reason — and in all; a total row for
each class and for the school. Read with `attendance.class_attendance`, one class at a time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from django.db.models import Max, Min

from exports.registry import CHECKER, CLASS_TEACHER, CountedRows, Exporter, Params, register
from exports.reports.attendance import (
    KINDS,
    Missed,
    class_attendance,
    empty_notes,
    students_in,
)
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import SchoolClass, StudyPeriod

TITLE = "Сводная ведомость посещаемости"
MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
KIND_LETTERS = {kind: letter for kind, letter in zip(KINDS, "бун", strict=True)}
NOTE = ("Пропущенные уроки: «б» — по болезни, «у» — по уважительной причине, «н» — без "
        "уважительной причины. Опоздания не входят.")


def months_of(span: Span, classes: list[SchoolClass]) -> list[dt.date]:
    """The first days of the span's months that lie in the classes' study periods (a summer
    month has no lessons to count)."""
    periods = StudyPeriod.objects.filter(year_id__in={c.year_id for c in classes}).aggregate(
        first=Min("starts_on"), last=Max("ends_on"))
    start = max(span.starts_on, periods["first"] or span.starts_on)
    end = min(span.ends_on, periods["last"] or span.ends_on)
    month, months = start.replace(day=1), []
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def columns_for(months: list[dt.date]) -> list[Column]:
    by_month = [Column(f"{MONTHS[month.month - 1]} «{KIND_LETTERS[kind]}»", Kind.INT, 5)
                for month in months for kind in KINDS]
    totals = [Column(f"Всего «{KIND_LETTERS[kind]}»", Kind.INT, 6) for kind in KINDS]
    return [Column("Класс", width=6), Column("№", Kind.INT, 4),
            Column("Обучающийся", width=26), *by_month, *totals,
            Column("Всего уроков", Kind.INT, 7)]


def figures(missed: Missed, months: list[dt.date]) -> list[int]:
    empty = Counter()
    by_month = [missed.months.get(month, empty)[kind] for month in months for kind in KINDS]
    return [*by_month, *(missed.lessons[kind] for kind in KINDS), sum(missed.lessons.values())]


def _rows(classes: list[SchoolClass], span: Span, months: list[dt.date]) -> Iterator[list]:
    school = Missed()
    for school_class in classes:
        in_class = Missed()
        for number, row in enumerate(class_attendance(school_class, span), start=1):
            in_class.add(row.missed)
            yield [str(school_class), number, row.name, *figures(row.missed, months)]
        yield [str(school_class), "", "Итого по классу", *figures(in_class, months)]
        school.add(in_class)
    if len(classes) > 1:
        yield ["Школа" if len({c.grade for c in classes}) > 1 else f"{classes[0].grade}-е",
               "", "Итого", *figures(school, months)]


def attendance_statement(scope: Scope, span: Span) -> Table:
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, columns_for([]), [], subtitle, [found.reason], landscape=True)
    classes = found.classes
    months = months_of(span, classes)
    students = students_in(classes, span)
    count = students + len(classes) + (len(classes) > 1)
    return Table(TITLE, columns_for(months), CountedRows(count, _rows(classes, span, months)),
                 subtitle, [*empty_notes(classes, students, span), NOTE], landscape=True)


@register
class AttendanceStatement(Exporter):
    key = "attendance_statement"
    title = TITLE
    description = ("Класс за классом: пропущенные уроки каждого обучающегося по месяцам — «б», "
                   "«у», «н» — и за весь период, итоги по классам и школе.")
    audiences = frozenset({CLASS_TEACHER, CHECKER})
    order = 40

    def table(self, params: Params) -> Table:
        return attendance_statement(params.scope, params.span)
