"""Отчёт классного руководителя за период: the class's size and movement, its results (by
`journal.queries.results`), the students with «2» and «н/а», attendance totals and the
families' use of the diary. One section after another, class by class."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from accounts.models import ParentStudent
from exports.registry import CHECKER, CLASS, CLASS_TEACHER, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import Absence, Enrolment, SchoolClass
from journal.queries import results
from journal.queries.attendance import Totals
from journal.queries.checks.activity import diary_users_seen
from journal.queries.results import ClassResult, percent

TITLE = "Отчёт классного руководителя"
COLUMNS = [
    Column("Класс", width=7),
    Column("Раздел", width=22),
    Column("Показатель", width=34),
    Column("Количество", Kind.INT, 11),
    Column("%", Kind.PERCENT, 8),
    Column("Примечание", width=50),
]
SIZE, RESULTS, DEBTS, ATTENDANCE, DIARY = ("Состав класса", "Успеваемость",
                                           "С «2» и «н/а»", "Посещаемость", "Электронный дневник")


class AbsenceRow(NamedTuple):
    """What `Totals.add` reads of an absence, without building the model for each of
    thousands of rows."""

    kind: str
    minutes_late: int | None


def names(students) -> str:
    return ", ".join(student.user.short_name for student in students)


def _size_rows(enrolments: list[Enrolment], span: Span) -> Iterator[list]:
    """Students on the first and the last day, and who came and went between."""
    def on(day):
        return list({e.student_id: e.student for e in enrolments if e.is_active_on(day)}.values())

    came = [e.student for e in enrolments if span.starts_on < e.enrolled_on <= span.ends_on]
    went = [e.student for e in enrolments
            if e.left_on is not None and span.starts_on <= e.left_on < span.ends_on]
    yield [SIZE, f"на начало ({span.starts_on:%d.%m.%Y})", len(on(span.starts_on)), None, ""]
    yield [SIZE, "прибыли", len(came), None, names(came)]
    yield [SIZE, "выбыли", len(went), None, names(went)]
    yield [SIZE, f"на конец ({span.ends_on:%d.%m.%Y})", len(on(span.ends_on)), None, ""]


def _result_rows(result: ClassResult) -> Iterator[list]:
    counts, n = result.counts, result.counts.n
    standing = result.standings

    def who(*wanted: results.Standing) -> str:
        return names(s for s in result.students if standing.get(s.pk) in wanted)

    def one_three() -> str:
        return ", ".join(f"{s.user.short_name} ({a.subject.name})" for s in result.students
                         if standing.get(s.pk) is results.Standing.ONE_THREE
                         for a, mark in result.marks_of(s.pk) if mark == "3")

    yield [RESULTS, "учтены", None, None, result.basis.label]
    yield [RESULTS, "аттестуемых (N)", n, None, ""]
    yield [RESULTS, "на «5»", counts.five, percent(counts.five, n),
           who(results.Standing.EXCELLENT)]
    yield [RESULTS, "на «4» и «5»", counts.four, percent(counts.four, n), ""]
    yield [RESULTS, "с «3»", counts.three, percent(counts.three, n), ""]
    yield [RESULTS, "из них с одной «3»", counts.one_three, percent(counts.one_three, n),
           one_three()]
    yield [RESULTS, "с «2»", counts.two, percent(counts.two, n), who(results.Standing.FAILING)]
    yield [RESULTS, "не аттестованы (н/а)", counts.not_certified,
           percent(counts.not_certified, n), who(results.Standing.NOT_CERTIFIED)]
    yield [RESULTS, "освобождены", counts.exempt, None, ""]
    yield [RESULTS, "без отметок", counts.no_mark, None, ""]
    yield [RESULTS, "успеваемость", counts.five + counts.four + counts.three, counts.pass_rate,
           ""]
    yield [RESULTS, "качество знаний", counts.five + counts.four, counts.quality_rate, ""]
    yield [RESULTS, "СОУ", None, counts.sou, ""]


def _debt_rows(result: ClassResult) -> Iterator[list]:
    listed = False
    for student in result.students:
        debts = result.debts_of(student.pk)
        if debts:
            listed = True
            yield [DEBTS, student.user.full_name, len(debts), None,
                   "; ".join(f"{a.subject.name} — {mark}" for a, mark in debts)]
    if not listed:
        yield [DEBTS, "нет", 0, None, ""]


def _attendance_rows(totals: Totals) -> Iterator[list]:
    yield [ATTENDANCE, "пропущено уроков", totals.missed, None, ""]
    yield [ATTENDANCE, "по уважительной причине (б, у)", totals.excused,
           percent(totals.excused, totals.missed), ""]
    yield [ATTENDANCE, "без уважительной причины (н)", totals.unexcused,
           percent(totals.unexcused, totals.missed), ""]
    yield [ATTENDANCE, "опозданий", totals.late, None,
           f"всего {totals.late_minutes} мин" if totals.late_minutes else ""]


def _diary_rows(students: int, student_seen: int, parents: int,
                parent_seen: int) -> Iterator[list]:
    yield [DIARY, "родителей (законных представителей)", parents, None, ""]
    yield [DIARY, "из них заходили в дневник", parent_seen, percent(parent_seen, parents), ""]
    yield [DIARY, "обучающихся заходили в дневник", student_seen, percent(student_seen, students),
           f"из {students}"]


def _rows(classes: list[SchoolClass], span: Span) -> Iterator[list]:
    computed = {r.school_class.pk: r for r in
                results.class_results(classes, span.starts_on, span.ends_on)}
    enrolments: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in Enrolment.objects.overlapping(span.starts_on, span.ends_on).filter(
            school_class__in=classes).select_related("student__user").order_by(
            "student__user__last_name", "student__user__first_name", "student_id"):
        enrolments[enrolment.school_class_id].append(enrolment)
    attendance: dict[int, Totals] = defaultdict(Totals)
    for class_id, kind, minutes in Absence.objects.filter(
            lesson__assignment__school_class__in=classes, lesson__date__gte=span.starts_on,
            lesson__date__lte=span.ends_on,
    ).values_list("lesson__assignment__school_class_id", "kind", "minutes_late"):
        attendance[class_id].add(AbsenceRow(kind, minutes))
    at_end = {cls.pk: [e.student for e in enrolments[cls.pk] if e.is_active_on(span.ends_on)]
              for cls in classes}
    parents: dict[int, set[int]] = defaultdict(set)  # student id → parents' user ids
    for student_id, user_id in ParentStudent.objects.filter(
            student_id__in=[s.pk for students in at_end.values() for s in students],
    ).values_list("student_id", "parent__user_id"):
        parents[student_id].add(user_id)
    seen = diary_users_seen([*(u for users in parents.values() for u in users),
                             *(s.user_id for students in at_end.values() for s in students)],
                            span.starts_on, span.ends_on)

    for school_class in classes:
        name = str(school_class)
        rows = list(_size_rows(enrolments[school_class.pk], span))
        result = computed.get(school_class.pk)
        if result is None:
            rows.append([RESULTS, "не оценивается", None, None, results.NO_MARKS_IN_GRADE_1])
        else:
            rows += [*_result_rows(result), *_debt_rows(result)]
        rows += _attendance_rows(attendance[school_class.pk])
        students = at_end[school_class.pk]
        family = set().union(*(parents[s.pk] for s in students))
        rows += _diary_rows(len(students), sum(1 for s in students if s.user_id in seen),
                            len(family), len(family & seen))
        for row in rows:
            yield [name, *row]


def class_teacher_report(scope: Scope, span: Span) -> Table:
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason])
    teachers = {c.class_teacher.short_name for c in found.classes if c.class_teacher}
    if scope.school_class is not None and teachers:
        subtitle += f"; классный руководитель {teachers.pop()}"
    notes = [*results.FORMULAS, "Посещаемость — по всем урокам класса в эти даты; «Электронный "
             "дневник» — кто входил в дневник или открывал его в эти даты."]
    return Table(TITLE, COLUMNS, list(_rows(found.classes, span)), subtitle, notes)


@register
class ClassTeacherReport(Exporter):
    key = "class_teacher_report"
    title = TITLE
    description = "Состав и движение класса, итоги успеваемости, посещаемость, участие родителей за период."
    audiences = frozenset({CLASS_TEACHER, CHECKER})
    scopes = (CLASS,)
    order = 70

    def table(self, params: Params) -> Table:
        return class_teacher_report(params.scope, params.span)
