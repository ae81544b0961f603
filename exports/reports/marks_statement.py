"""Сводная ведомость учёта успеваемости: each student × each of their subjects, the marks for
the study periods, the year, the exam and the final mark. Streamed class by class."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet

from exports.registry import EVERYONE, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Scope, Span, Table
from journal.models import Enrolment, FinalMark, SchoolClass, StudyPeriod
from journal.queries import results

TITLE = "Сводная ведомость учёта успеваемости"
KIND_ORDER = {kind: n for n, kind in enumerate(StudyPeriod.Kind.values)}
FINALS = [(FinalMark.Kind.YEAR, "Годовая"), (FinalMark.Kind.EXAM, "Экзамен"),
          (FinalMark.Kind.FINAL, "Итоговая")]
NOT_HIS_PERIOD = "«—» — у класса нет такого периода; пустая клетка — отметки нет."


def enrolment_note(enrolments: list[Enrolment], span: Span) -> str:
    """«прибытие 12.01.2027; выбытие 20.03.2027»: who came or went within the dates."""
    notes = []
    for enrolment in enrolments:
        if enrolment.enrolled_on > span.starts_on:
            notes.append(f"прибытие {enrolment.enrolled_on:%d.%m.%Y}")
        if enrolment.left_on and enrolment.left_on < span.ends_on:
            notes.append(f"выбытие {enrolment.left_on:%d.%m.%Y}")
    return "; ".join(notes)


def students_of(class_marks: results.ClassMarks) -> list[tuple[int, list[Enrolment]]]:
    """(student id, their enrolments in the class), by name."""
    by_student: dict[int, list[Enrolment]] = {}
    for enrolment in class_marks.enrolments:
        by_student.setdefault(enrolment.student_id, []).append(enrolment)
    return list(by_student.items())


def _period_columns(classes: list[SchoolClass], span: Span) -> tuple[list, list[StudyPeriod]]:
    """The periods (as kind and number: «1-я четверть» of every grade is one column) of the
    classes' grades that overlap the dates, and all those periods."""
    grades = {c.grade for c in classes}
    periods = [p for p in StudyPeriod.objects.filter(year_id=classes[0].year_id)
               if any(p.applies_to_grade(g) for g in grades)]
    keys = {(p.kind, p.number): p.title for p in periods
            if p.starts_on <= span.ends_on and p.ends_on >= span.starts_on}
    ordered = sorted(keys.items(), key=lambda item: (KIND_ORDER[item[0][0]], item[0][1]))
    return ordered, periods


def _rows(classes: list[SchoolClass], span: Span, columns: list, periods: list[StudyPeriod],
          finals: list, journals: QuerySet | None) -> Iterator[list]:
    kinds = [FinalMark.Kind.PERIOD, *(kind for kind, _ in finals)]
    for class_marks in results.final_marks_by_class(classes, span.starts_on, span.ends_on, kinds,
                                                    journals):
        school_class = class_marks.school_class
        own = {(p.kind, p.number): p.pk for p in periods if p.applies_to_grade(school_class.grade)}
        for number, (student_id, enrolments) in enumerate(students_of(class_marks), start=1):
            name = enrolments[0].student.user.full_name
            note = enrolment_note(enrolments, span)
            for assignment in class_marks.journals_of(student_id):
                marks = [class_marks.mark(assignment, student_id, FinalMark.Kind.PERIOD, own[key])
                         if key in own else None for key, _ in columns]
                marks += [class_marks.mark(assignment, student_id, kind) for kind, _ in finals]
                yield [str(school_class), number, name, assignment.subject.name, *marks, note]


def _any_marks(classes: list[SchoolClass], columns: list, periods: list[StudyPeriod],
               finals: list) -> bool:
    keys = {key for key, _ in columns}
    shown = Q(kind=FinalMark.Kind.PERIOD,
              period__in=[p for p in periods if (p.kind, p.number) in keys])
    if finals:
        shown |= Q(kind__in=[kind for kind, _ in finals])
    return FinalMark.objects.filter(shown, assignment__school_class__in=classes).exists()


def marks_statement(scope: Scope, span: Span, *, journals: QuerySet | None = None) -> Table:
    """`journals`: only these (a teacher's own), else every journal of the scope."""
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    classes = [c for c in found.classes if c.gets_marks]
    head = [Column("Класс", width=7), Column("№", Kind.INT, 4),
            Column("Обучающийся", width=30), Column("Предмет", width=26)]
    tail = [Column("Примечание", width=22)]
    if not classes:
        reason = found.reason or results.NO_MARKS_IN_GRADE_1
        return Table(TITLE, head + tail, [], subtitle, [reason], landscape=True)
    columns, periods = _period_columns(classes, span)
    year_end = max(p.ends_on for p in periods) if periods else found.year.ends_on
    finals = FINALS if span.ends_on >= min(year_end, found.year.ends_on) else []
    mark_columns = [Column(title, Kind.MARK, 10) for _, title in columns]
    mark_columns += [Column(title, Kind.MARK, 10) for _, title in finals]
    notes = [NOT_HIS_PERIOD] if len({c.grade for c in classes}) > 1 else []
    if len(classes) < len(found.classes):
        notes.append(results.NO_MARKS_IN_GRADE_1)
    if not Enrolment.objects.overlapping(span.starts_on, span.ends_on).filter(
            school_class__in=classes).exists():
        notes.insert(0, "В эти даты в классах не было обучающихся.")
    elif not _any_marks(classes, columns, periods, finals):
        notes.insert(0, "Отметок за эти периоды ещё нет: клетки пусты.")
    return Table(TITLE, head + mark_columns + tail,
                 _rows(classes, span, columns, periods, finals, journals), subtitle, notes,
                 landscape=True)


@register
class MarksStatement(Exporter):
    key = "marks_statement"
    title = TITLE
    description = "Обучающиеся × предметы: отметки за периоды, год, экзамен и итоговые."
    audiences = EVERYONE
    order = 50

    def table(self, params: Params) -> Table:
        return marks_statement(params.scope, params.span, journals=params.journals)
