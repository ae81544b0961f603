"""Наполняемость классов: for each class, its students on the span's first day, who arrived and
who left during it, its students on the last day, boys and girls among them; totals for each
grade and the school. Who is in a class on a day is `Enrolment.objects.active_on`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Student
from exports.registry import CHECKER, CLASS_TEACHER, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import Enrolment, SchoolClass

TITLE = "Наполняемость классов"
COLUMNS = [
    Column("Класс", width=9),
    Column("Классный руководитель", width=24),
    Column("На начало", Kind.INT, 10),
    Column("Прибыло", Kind.INT, 9),
    Column("Выбыло", Kind.INT, 9),
    Column("На конец", Kind.INT, 10),
    Column("Мальчиков", Kind.INT, 10),
    Column("Девочек", Kind.INT, 9),
]
FIGURES = ("at_start", "arrived", "left", "at_end", "boys", "girls")


def _count(enrolments) -> Coalesce:
    counted = (enrolments.filter(school_class=OuterRef("pk")).order_by()
               .values("school_class").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_sizes(classes, span: Span):
    """The classes with their figures over the span, in one query. A student who left on a day
    was in the class that day: leaving counts from the first day to the day before the last."""
    first, last = span.starts_on, span.ends_on
    enrolments = Enrolment.objects.all()
    at_end = enrolments.active_on(last)
    return classes.annotate(
        at_start=_count(enrolments.active_on(first)),
        arrived=_count(enrolments.filter(enrolled_on__gt=first, enrolled_on__lte=last)),
        left=_count(enrolments.filter(left_on__gte=first, left_on__lt=last)),
        at_end=_count(at_end),
        boys=_count(at_end.filter(student__sex=Student.Sex.MALE)),
        girls=_count(at_end.filter(student__sex=Student.Sex.FEMALE)),
    )


def figures(counts) -> list[int]:
    """A class's figures (its annotations) or a total's (a Counter), in the columns' order."""
    if isinstance(counts, Counter):
        return [counts[name] for name in FIGURES]
    return [getattr(counts, name) for name in FIGURES]


def _rows(classes: list[SchoolClass], whole_school: bool) -> Iterator[list]:
    school = Counter()
    for grade in sorted({c.grade for c in classes}):
        in_grade = [c for c in classes if c.grade == grade]
        total = Counter()
        for school_class in in_grade:
            teacher = school_class.class_teacher
            yield [str(school_class), teacher.short_name if teacher else "",
                   *figures(school_class)]
            total.update(dict(zip(FIGURES, figures(school_class), strict=True)))
        if len(in_grade) > 1:
            yield [f"{grade}-е", "Итого по параллели", *figures(total)]
        school += total
    if whole_school and len(classes) > 1:
        yield ["Школа", "Итого по школе", *figures(school)]


def class_sizes(scope: Scope, span: Span) -> Table:
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason])
    classes = list(with_sizes(SchoolClass.objects.filter(pk__in=[c.pk for c in found.classes])
                              .select_related("class_teacher"), span).order_by("grade", "letter"))
    notes = [f"На начало — на {span.starts_on:%d.%m.%Y}, на конец — на {span.ends_on:%d.%m.%Y}; "
             f"мальчики и девочки — на конец. Прибывшие и выбывшие — между этими датами."]
    if not any(c.at_start or c.arrived for c in classes):
        notes.insert(0, "В эти даты в классах не было обучающихся.")
    whole_school = scope.grade is None and scope.school_class is None
    return Table(TITLE, COLUMNS, list(_rows(classes, whole_school)), subtitle, notes)


@register
class ClassSizes(Exporter):
    key = "class_sizes"
    title = TITLE
    description = ("По каждому классу: обучающиеся на начало и на конец, прибывшие и выбывшие, "
                   "мальчики и девочки; итоги по параллелям и школе.")
    audiences = frozenset({CLASS_TEACHER, CHECKER})
    order = 10

    def table(self, params: Params) -> Table:
        return class_sizes(params.scope, params.span)
