"""Выполнение программы по учителям: each journal's hours by the thematic plan and by the
curriculum against the lessons held, as `journal.queries.plans.Completion` counts them."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from exports.registry import EVERYONE, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.grading import TWO_PLACES
from journal.models import TeachingAssignment
from journal.queries.checks.completion import programme_completions

TITLE = "Выполнение программы"
COLUMNS = [
    Column("Учитель", width=28),
    Column("Класс", width=7),
    Column("Предмет", width=28),
    Column("Часов в неделю", Kind.DECIMAL, 10),
    Column("Часов по учебному плану", Kind.DECIMAL, 12),
    Column("Часов по КТП", Kind.INT, 10),
    Column("По КТП на дату", Kind.INT, 10),
    Column("Проведено уроков", Kind.INT, 11),
    Column("% от КТП", Kind.PERCENT, 9),
    Column("% от учебного плана", Kind.PERCENT, 11),
    Column("Отставание от КТП, ч", Kind.INT, 11),
]


def two_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES)


def as_percent(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def programme(scope: Scope, span: Span, *, journals: QuerySet | None = None) -> Table:
    """`journals`: only these (a teacher's own), else every journal of the scope."""
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason])
    as_of = min(span.ends_on, timezone.localdate())
    asked = TeachingAssignment.objects.filter(school_class__in=found.classes)
    if journals is not None:
        asked = asked.filter(pk__in=journals.values("pk"))
    journals = list(asked.select_related("teacher", "subject", "subgroup", "school_class")
                    .order_by("teacher__last_name", "teacher__first_name", "teacher__patronymic",
                              "teacher_id", "school_class__grade", "school_class__letter",
                              "subject__order", "subject__name", "subgroup__name"))
    completions = programme_completions(journals, as_of)
    rows = []
    for journal in journals:
        done = completions[journal.pk]
        subject = journal.subject.name + (f" ({journal.subgroup.name})" if journal.subgroup_id
                                          else "")
        rows.append([journal.teacher.full_name, str(journal.school_class), subject,
                     two_places(done.weekly_hours), two_places(done.curriculum_hours),
                     done.planned_hours, done.planned_to_date, done.held,
                     as_percent(done.of_planned), as_percent(done.of_curriculum),
                     done.behind_plan])
    notes = [f"Проведено — уроки с отметкой о проведении с начала учебного года по "
             f"{as_of:%d.%m.%Y}; по КТП на дату — часы пунктов плана с датой не позже неё.",
             "Часов по учебному плану — часы в неделю × учебные недели периодов класса; "
             "% — проведено от всех часов года. Отставание — по КТП на дату минус проведено "
             "(меньше нуля — опережение)."]
    if not journals:
        notes.insert(0, "У классов отчёта нет журналов.")
    return Table(TITLE, COLUMNS, rows, subtitle, notes, landscape=True)


@register
class Programme(Exporter):
    key = "programme"
    title = TITLE
    description = "По журналам: часы по КТП и по учебному плану, проведено, процент выполнения."
    audiences = EVERYONE
    order = 100

    def table(self, params: Params) -> Table:
        return programme(params.scope, params.span, journals=params.journals)
