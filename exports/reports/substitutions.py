"""Замены и пропущенные уроки по сотрудникам и месяцам: lessons a teacher gave as a substitute,
lessons of their journals that someone else gave, and lessons of their journals not held."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from exports.registry import CHECKER, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import Lesson, SchoolClass
from journal.queries.late_entries import Month
from journal.queries.plans import held_lessons

TITLE = "Замены и пропущенные уроки"
COLUMNS = [
    Column("Сотрудник", width=30),
    Column("Месяц", width=14),
    Column("Провёл уроков замены", Kind.INT, 14),
    Column("Его уроки провели другие", Kind.INT, 14),
    Column("Не проведено уроков", Kind.INT, 14),
]
GIVEN, BY_OTHERS, NOT_HELD = range(3)


def _counts(classes: list[SchoolClass], span: Span,
            journals: QuerySet | None) -> dict[tuple[int, object], list[int]]:
    """(teacher id, month) → [given as a substitute, given by others, not held]: two queries.
    Held as the journal counts them (`held_lessons`); not held: not marked so by the end of
    its day (today's lessons may still be given)."""
    today = timezone.localdate()
    held = held_lessons(min(span.ends_on, today))
    past = Q(date__lt=today)
    lessons = Lesson.objects.filter(assignment__school_class__in=classes,
                                    date__gte=span.starts_on, date__lte=span.ends_on
                                    ).annotate(month=TruncMonth("date"))
    if journals is not None:
        lessons = lessons.filter(assignment__in=journals.values("pk"))
    counts: dict[tuple[int, object], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in (lessons.filter(held, substitute__isnull=False).values("substitute_id", "month")
                .annotate(n=Count("pk")).order_by()):
        counts[row["substitute_id"], row["month"]][GIVEN] = row["n"]
    for row in (lessons.values("assignment__teacher_id", "month").annotate(
            by_others=Count("pk", filter=held & Q(substitute__isnull=False)),
            not_held=Count("pk", filter=~held & past)).order_by()):
        key = row["assignment__teacher_id"], row["month"]
        counts[key][BY_OTHERS] = row["by_others"]
        counts[key][NOT_HELD] = row["not_held"]
    return {key: value for key, value in counts.items() if any(value)}


def _rows(counts: dict, people: dict[int, User]) -> Iterator[list]:
    totals = [0, 0, 0]
    for user_id in people:
        months = sorted(month for who, month in counts if who == user_id)
        for month in months:
            figures = counts[user_id, month]
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
            yield [people[user_id].full_name, Month(month.replace(day=1)).title, *figures]
    if len(people) > 1:
        yield ["Итого", "", *totals]


def substitutions(scope: Scope, span: Span, *, journals: QuerySet | None = None) -> Table:
    """`journals`: only these (a teacher's own), else every journal of the scope."""
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason])
    counts = _counts(found.classes, span, journals)
    people = {u.pk: u for u in User.objects.filter(pk__in={who for who, _ in counts}).order_by(
        "last_name", "first_name", "patronymic", "pk")}
    notes = ["Уроки журналов классов отчёта. Замена — урок, проведённый не учителем журнала "
             "(отмечен как проведённый, с замещающим учителем); не проведено — прошедший урок "
             "без отметки о проведении (сегодняшние не считаются)."]
    if not counts:
        notes.insert(0, "В эти даты замен и непроведённых уроков нет.")
    return Table(TITLE, COLUMNS, list(_rows(counts, people)), subtitle, notes)


@register
class Substitutions(Exporter):
    key = "substitutions"
    title = TITLE
    description = "По сотрудникам и месяцам: уроки замены, уроки, проведённые другими, и непроведённые уроки."
    audiences = frozenset({CHECKER})
    order = 90

    def table(self, params: Params) -> Table:
        return substitutions(params.scope, params.span, journals=params.journals)
