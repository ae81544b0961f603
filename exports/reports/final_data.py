"""Итоговые данные обучающихся: each student's year, exam and final marks by subject, what
each subject came to and the student's outcome of the year. Streamed class by class."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from exports.registry import CHECKER, CLASS_TEACHER, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.reports.marks_statement import students_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import FinalMark, SchoolClass, TeachingAssignment
from journal.queries import results
from journal.queries.results import EXEMPT, Standing
from journal.rules import NOT_CERTIFIED

TITLE = "Итоговые данные обучающихся"
COLUMNS = [
    Column("Класс", width=7),
    Column("№", Kind.INT, 4),
    Column("Обучающийся", width=30),
    Column("Предмет", width=26),
    Column("Годовая", Kind.MARK, 9),
    Column("Экзамен", Kind.MARK, 9),
    Column("Итоговая", Kind.MARK, 9),
    Column("По предмету", width=22),
    Column("Итог года", width=40),
]
NOTES = ["«По предмету» и «Итог года» — по итоговой отметке, а где её нет — по годовой.",
         "Академическая задолженность — «2», «1», «незач»; «н/а» — не аттестован."]
KINDS = [FinalMark.Kind.YEAR, FinalMark.Kind.EXAM, FinalMark.Kind.FINAL]


def subject_result(mark: str) -> str:
    if not mark:
        return "нет отметки"
    if mark == EXEMPT:
        return "освобождён(а)"
    if mark == NOT_CERTIFIED:
        return "не аттестован(а)"
    if mark in results.DEBTS:
        return "академическая задолженность"
    return "освоен"


def outcome(marks: list[tuple[TeachingAssignment, str]]) -> str:
    """The year's outcome from each subject's deciding mark."""
    def subjects(values) -> str:
        return ", ".join(a.subject.name for a, mark in marks if mark in values)

    if not any(mark and mark != EXEMPT for _, mark in marks):
        return "нет годовых отметок"
    if any(mark == NOT_CERTIFIED for _, mark in marks):
        return f"не аттестован(а): {subjects({NOT_CERTIFIED})}"
    if any(mark in results.DEBTS for _, mark in marks):
        return f"академическая задолженность: {subjects(results.DEBTS)}"
    found = results.standing(mark for a, mark in marks if not a.subject.is_elective)
    if found is Standing.ONE_THREE:
        return f"с одной «3» ({subjects({'3'})})"
    missing = sum(1 for _, mark in marks if not mark)
    text = found.value if found is not None else "освоены зачётные курсы"
    return f"{text}; нет отметки по {missing} предм." if missing else text


def _rows(classes: list[SchoolClass], span: Span,
          journals: QuerySet | None) -> Iterator[list]:
    for class_marks in results.final_marks_by_class(classes, span.starts_on, span.ends_on, KINDS,
                                                    journals):
        school_class = class_marks.school_class
        number = 0
        for student_id, enrolments in students_of(class_marks):
            if not any(e.is_active_on(span.ends_on) for e in enrolments):
                continue  # left before the end: their year ends at another school
            number += 1
            name = enrolments[0].student.user.full_name
            journals = class_marks.journals_of(student_id)
            finals = [[class_marks.mark(a, student_id, kind) for kind in KINDS] for a in journals]
            deciding = [(a, final or year) for a, (year, _, final) in zip(journals, finals,
                                                                          strict=True)]
            year_outcome = outcome(deciding)
            for (assignment, mark), values in zip(deciding, finals, strict=True):
                yield [str(school_class), number, name, assignment.subject.name, *values,
                       subject_result(mark), year_outcome]


def final_data(scope: Scope, span: Span, *, journals: QuerySet | None = None) -> Table:
    """`journals`: only these (a teacher's own), else every journal of the scope."""
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    classes = [c for c in found.classes if c.gets_marks]
    if not classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason or results.NO_MARKS_IN_GRADE_1],
                     landscape=True)
    notes = [*NOTES]
    if len(classes) < len(found.classes):
        notes.append(results.NO_MARKS_IN_GRADE_1)
    if not FinalMark.objects.filter(assignment__school_class__in=classes, kind__in=KINDS).exists():
        notes.insert(0, "Годовых, экзаменационных и итоговых отметок ещё нет.")
    return Table(TITLE, COLUMNS, _rows(classes, span, journals), subtitle, notes,
                 landscape=True)


@register
class FinalData(Exporter):
    key = "final_data"
    title = TITLE
    description = "По каждому обучающемуся: годовые, экзаменационные и итоговые отметки и итог года."
    audiences = frozenset({CLASS_TEACHER, CHECKER})
    order = 60

    def table(self, params: Params) -> Table:
        return final_data(params.scope, params.span)
