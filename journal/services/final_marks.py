"""Term, year, exam and final marks, and the recommendation they start from.

The recommended term mark is the weighted average of the period's current marks, rounded by the
school's threshold (`journal.grading`); the teacher sets the mark. The year mark is recommended
from the term marks.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Student
from journal.models import Enrolment, FinalMark, StudyPeriod, TeachingAssignment
from journal.queries.grid import term_recommendations, year_recommendation
from journal.rules import JournalError, parse_final_mark, term_mark_deadline
from journal.services.history import Entity
from journal.services.records import (
    delete_record,
    open_assignment,
    require_marks_allowed,
    require_version,
    save_record,
)

THIS_FINAL_MARK = "Итоговую отметку"


def _require_student(assignment: TeachingAssignment, student: Student, start: dt.date,
                     end: dt.date) -> None:
    """The student was in the journal at some time between start and end."""
    enrolled = Enrolment.objects.overlapping(start, end).filter(
        student=student, school_class_id=assignment.school_class_id)
    if not enrolled.exists():
        raise JournalError(f"{student} не учился в {assignment.school_class} классе "
                           f"в {start:%d.%m.%Y}–{end:%d.%m.%Y}.")
    if assignment.subgroup_id and not assignment.subgroup.students.filter(pk=student.pk).exists():
        raise JournalError(f"{student} не входит в подгруппу «{assignment.subgroup.name}».")


def set_final_mark(user, assignment: TeachingAssignment, student: Student, kind: str,
                   period: StudyPeriod | None, value: str, *,
                   expected_version: int | None = None, reason: str = "") -> FinalMark | None:
    """Set a term mark (kind "period" with its period), or a year, exam or final mark
    (`period` None); "" removes it. The recommendation at that moment is kept with the mark.
    `expected_version` is 0 when the user saw none."""
    with transaction.atomic():
        write = open_assignment(user, assignment, reason=reason)
        write.require_write()
        assignment = write.assignment
        require_marks_allowed(assignment.school_class)
        if kind not in FinalMark.Kind.values:
            raise JournalError("Неизвестный вид итоговой отметки.")
        value = parse_final_mark(value, elective=assignment.subject.is_elective)

        school = assignment.year.school
        periods = StudyPeriod.objects.filter(year_id=assignment.year_id).for_grade(
            assignment.school_class.grade)
        if kind == FinalMark.Kind.PERIOD:
            if period is None or not periods.filter(pk=period.pk).exists():
                raise JournalError("Выберите учебный период этого класса.")
            if value and period.starts_on > write.today:
                raise JournalError(f"Период «{period}» ещё не начался.")
            start, end = period.starts_on, period.ends_on
            deadline = term_mark_deadline(school, period.ends_on)
        else:
            period = None
            last = periods.order_by("-ends_on").first()
            start, end = assignment.year.starts_on, assignment.year.ends_on
            deadline = (term_mark_deadline(school, last.ends_on)
                        if kind == FinalMark.Kind.YEAR and last else write.today)
        if value:
            _require_student(assignment, student, start, end)

        current = FinalMark.objects.select_for_update().filter(
            assignment=assignment, student=student, kind=kind, period=period).first()
        require_version(current, expected_version, THIS_FINAL_MARK)
        if current is not None:
            current.assignment = assignment
        if not value:
            if current is not None:
                delete_record(write, Entity.FINAL_MARK, current)
            return None
        if current is not None and current.value == value:
            return current

        if kind == FinalMark.Kind.PERIOD:
            recommended = term_recommendations(assignment, period, [student.pk])[student.pk]
        elif kind == FinalMark.Kind.YEAR:
            recommended = year_recommendation(assignment, student)
        else:
            recommended = None
        final_mark = current or FinalMark(assignment=assignment, student=student, kind=kind,
                                          period=period)
        return save_record(write, Entity.FINAL_MARK, final_mark, {
            "value": value, "recommended": recommended.average if recommended else None,
        }, deadline=deadline)
