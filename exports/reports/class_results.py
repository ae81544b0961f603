"""Итоги успеваемости: pass rate, quality rate and СОУ of each class (and of each subject in it),
with the counts of students на «5», на «4» и «5», с одной «3», с «2», не аттестованных; totals
for each grade and the school. The formulas are `journal.queries.results`'."""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.db.models import QuerySet

from exports.registry import EVERYONE, Exporter, Params, register
from exports.table import Column, Kind, Scope, Span, Table
from journal.queries import results
from journal.queries.results import ClassResult, Counts

TITLE = "Итоги успеваемости"
COLUMNS = [
    Column("Класс", width=8),
    Column("Предмет", width=28),
    Column("Учитель", width=20),
    Column("Обучающихся", Kind.INT, 12),
    Column("Освобождены", Kind.INT, 12),
    Column("Без отметки", Kind.INT, 11),
    Column("Аттестуемых (N)", Kind.INT, 12),
    Column("На «5»", Kind.INT, 8),
    Column("На «4» и «5»", Kind.INT, 10),
    Column("С «3»", Kind.INT, 8),
    Column("Из них с одной «3»", Kind.INT, 12),
    Column("С «2»", Kind.INT, 8),
    Column("Не аттестованы (н/а)", Kind.INT, 13),
    Column("Успеваемость, %", Kind.PERCENT, 13),
    Column("Качество знаний, %", Kind.PERCENT, 13),
    Column("СОУ, %", Kind.PERCENT, 9),
]


def subtitle_of(scope: Scope, span: Span) -> str:
    """«Школа № 7: 5А класс; 2-я четверть, 05.11.2026–28.12.2026»."""
    return f"{scope.school.short_name}: {scope.label}; {span.label}"


def classes_of(scope: Scope, span: Span) -> results.ScopeClasses:
    """The scope's classes of the span's academic year, or why there are none."""
    return results.classes_in(scope.school, span.starts_on, span.ends_on, grade=scope.grade,
                              school_class=scope.school_class)


def figures(counts: Counts, *, students_counted: bool = True) -> list:
    """The columns from «Обучающихся» on. «С одной «3»» is a class's figure, not a
    subject's (`students_counted` False)."""
    return [counts.students, counts.exempt, counts.no_mark, counts.n, counts.five, counts.four,
            counts.three, counts.one_three if students_counted else None, counts.two,
            counts.not_certified, counts.pass_rate, counts.quality_rate, counts.sou]


def _class_rows(result: ClassResult, by_subject: bool) -> Iterator[list]:
    name = str(result.school_class)
    if by_subject:
        for journal in result.graded:
            assignment = journal.assignment
            subject = assignment.subject.name + (f" ({assignment.subgroup.name})"
                                                 if assignment.subgroup_id else "")
            yield [name, subject, assignment.teacher.short_name,
                   *figures(journal.counts, students_counted=False)]
    teacher = result.school_class.class_teacher
    yield [name, "Итого по классу" if by_subject else "",
           teacher.short_name if teacher else "", *figures(result.counts)]


def _rows(found: list[ClassResult], by_subject: bool, whole_school: bool) -> Iterator[list]:
    school_total = Counts()
    grades = sorted({r.school_class.grade for r in found})
    for grade in grades:
        in_grade = [r for r in found if r.school_class.grade == grade]
        grade_total = Counts()
        for result in in_grade:
            yield from _class_rows(result, by_subject)
            grade_total += result.counts
        if len(in_grade) > 1:
            yield [f"{grade}-е", "Итого по параллели", "", *figures(grade_total)]
        school_total += grade_total
    if whole_school and len(found) > 1:
        yield ["", "Итого по школе", "", *figures(school_total)]


def class_results(scope: Scope, span: Span, *, by_subject: bool | None = None,
                  journals: QuerySet | None = None) -> Table:
    """By class, with the rows of each subject when `by_subject` (the default for one class);
    from `journals` only (a teacher's own), if given."""
    if by_subject is None:
        by_subject = scope.school_class is not None
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, COLUMNS, [], subtitle, [found.reason])
    computed = results.class_results(found.classes, span.starts_on, span.ends_on, journals)
    notes = [*results.FORMULAS]
    notes += results.basis_notes(computed)
    if any(not c.gets_marks for c in found.classes):
        notes.append(results.NO_MARKS_IN_GRADE_1)
    if any(j.assignment.subject.is_elective for r in computed for j in r.journals):
        notes.append(results.ELECTIVES_LEFT_OUT)
    if not computed:
        return Table(TITLE, COLUMNS, [], subtitle, [results.NO_MARKS_IN_GRADE_1])
    if not any(r.counts.n for r in computed):
        notes.insert(0, "Отметок ещё нет: показатели не вычисляются («—»).")
    whole_school = scope.grade is None and scope.school_class is None
    return Table(TITLE, COLUMNS, list(_rows(computed, by_subject, whole_school)), subtitle,
                 notes, landscape=True)


@register
class ClassResults(Exporter):
    key = "class_results"
    title = TITLE
    description = ("Успеваемость, качество знаний и СОУ по классам (и по предметам): отличники, "
                   "хорошисты, с одной «3», неуспевающие, не аттестованные.")
    audiences = EVERYONE
    fields = {"by_subject": forms.BooleanField(label="С разбивкой по предметам", required=False)}
    order = 20

    def table(self, params: Params) -> Table:
        return class_results(params.scope, params.span,
                             by_subject=params.options.get("by_subject") or None,
                             journals=params.journals)
