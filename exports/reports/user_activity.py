"""Активность пользователей по месяцам: each teacher's journal entries (the journal's change
history), and the families' diary visits by class (the diary's activity records, read by model
name: nothing imports the diary)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.db.models import Count
from django.db.models.functions import TruncMonth

from accounts.models import ParentStudent, User
from accounts.queries.reminders import start_of
from exports.registry import CHECKER, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import ChangeRecord, Enrolment, SchoolClass, TeachingAssignment
from journal.queries.late_entries import Month
from journal.queries.results import percent

TITLE = "Активность пользователей"
STAFF, PARENTS, STUDENTS = "Сотрудники", "Родители", "Обучающиеся"
NOTES = [
    "Сотрудники — записи в журналах классов отчёта (уроки, отметки, пропуски, домашние "
    "задания, итоговые отметки) по месяцам, кто бы их ни сделал; учитель без записей тоже "
    "показан.",
    "Родители и обучающиеся — входы в дневник и просмотры его страниц; родители — ребёнка, "
    "учившегося в классе в эти даты.",
    "Активные — хотя бы одна запись или посещение в эти даты.",
]


def months_of(span: Span) -> list[Month]:
    months = [Month(span.starts_on.replace(day=1))]
    while months[-1].next.first <= span.ends_on:
        months.append(months[-1].next)
    return months


def _moment_range(span: Span) -> dict:
    return {"at__gte": start_of(span.starts_on),
            "at__lt": start_of(span.ends_on + dt.timedelta(days=1))}


def _by_user_and_month(rows: Iterable[dict]) -> dict[int, dict[dt.date, int]]:
    counts: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        counts[row["user_id"]][row["month"].date()] = row["n"]
    return counts


def _row(group: str, school_class: str, name: str, users: set[int],
         counts: dict[int, dict[dt.date, int]], months: list[Month]) -> list:
    active = sum(1 for user in users if counts.get(user))
    by_month = [sum(counts.get(user, {}).get(m.first, 0) for user in users) for m in months]
    return [group, school_class, name, len(users), active, percent(active, len(users)),
            *by_month, sum(by_month)]


def _staff_rows(classes: list[SchoolClass], span: Span, months: list[Month]) -> Iterator[list]:
    journals = TeachingAssignment.objects.filter(school_class__in=classes)
    entries = _by_user_and_month(
        ChangeRecord.objects.filter(assignment_id__in=journals.values("pk"), **_moment_range(span))
        .exclude(entity=ChangeRecord.Entity.ACCESS).annotate(month=TruncMonth("at"))
        .values("user_id", "month").annotate(n=Count("pk")).order_by())
    ids = set(journals.values_list("teacher_id", flat=True)) | {u for u in entries if u}
    staff = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "patronymic",
                                                     "pk")
    for user in staff:
        yield _row(STAFF, "", user.full_name, {user.pk}, entries, months)
    yield _row(STAFF, "", "всего", ids, entries, months)


def _family_rows(classes: list[SchoolClass], span: Span, months: list[Month]) -> Iterator[list]:
    students: dict[int, dict[int, int]] = defaultdict(dict)  # class → student id → user id
    for class_id, student_id, user_id in Enrolment.objects.overlapping(
            span.starts_on, span.ends_on).filter(school_class__in=classes).values_list(
            "school_class_id", "student_id", "student__user_id"):
        students[class_id][student_id] = user_id
    parents: dict[int, set[int]] = defaultdict(set)  # student id → parents' user ids
    for student_id, user_id in ParentStudent.objects.filter(
            student_id__in=[s for by_class in students.values() for s in by_class]
    ).values_list("student_id", "parent__user_id"):
        parents[student_id].add(user_id)
    visits: dict[int, dict[dt.date, int]] = {}
    family = {u for by_class in students.values() for u in by_class.values()}
    family |= {u for users in parents.values() for u in users}
    if family and apps.is_installed("diary"):
        activity = apps.get_model("diary", "ActivityRecord")
        visits = _by_user_and_month(
            activity.objects.filter(user_id__in=family, **_moment_range(span))
            .annotate(month=TruncMonth("at")).values("user_id", "month")
            .annotate(n=Count("pk")).order_by())
    all_parents: set[int] = set()
    all_students: set[int] = set()
    for school_class in classes:
        in_class = students.get(school_class.pk, {})
        class_parents = set().union(*(parents[s] for s in in_class))
        all_parents |= class_parents
        all_students |= set(in_class.values())
        yield _row(PARENTS, str(school_class), "", class_parents, visits, months)
        yield _row(STUDENTS, str(school_class), "", set(in_class.values()), visits, months)
    if len(classes) > 1:
        yield _row(PARENTS, "всего", "", all_parents, visits, months)
        yield _row(STUDENTS, "всего", "", all_students, visits, months)


def user_activity(scope: Scope, span: Span) -> Table:
    subtitle = subtitle_of(scope, span)
    months = months_of(span) if span.starts_on <= span.ends_on else []
    columns = [Column("Группа", width=13), Column("Класс", width=7), Column("ФИО", width=30),
               Column("Человек", Kind.INT, 9), Column("Активных", Kind.INT, 9),
               Column("Активных, %", Kind.PERCENT, 10),
               *(Column(m.title, Kind.INT, 12) for m in months), Column("Всего", Kind.INT, 9)]
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, columns, [], subtitle, [found.reason])
    rows = [*_staff_rows(found.classes, span, months), *_family_rows(found.classes, span, months)]
    return Table(TITLE, columns, rows, subtitle, NOTES, landscape=len(months) > 3)


@register
class UserActivity(Exporter):
    key = "user_activity"
    title = TITLE
    description = ("По месяцам: записи учителей в журналах, входы и просмотры дневника "
                   "родителями и обучающимися.")
    audiences = frozenset({CHECKER})
    order = 80

    def table(self, params: Params) -> Table:
        return user_activity(params.scope, params.span)
