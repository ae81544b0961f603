"""Term, year, exam and final marks, and the recommendation they start from.

The recommended term mark is the weighted average of the period's current marks, rounded by the
school's threshold; the teacher sets the mark. The year mark is recommended from the term marks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Student
from journal.grading import min_marks_required, recommended_mark, weighted_average
from journal.models import (
    CurriculumItem,
    Enrolment,
    FinalMark,
    Mark,
    StudyPeriod,
    TeachingAssignment,
)
from journal.permissions import assignment_for_write
from journal.rules import JournalError, days_late, parse_final_mark, term_mark_deadline
from journal.services import history
from journal.services.history import Action, Entity, snapshot
from journal.services.records import (
    refuse_writer,
    require_marks_allowed,
    require_reason,
    require_version,
)

THIS_FINAL_MARK = "Итоговую отметку"


@dataclass(frozen=True)
class Recommendation:
    average: Decimal | None   # two places, as shown
    mark: int | None          # the recommended mark
    mark_count: int           # marks it is based on
    required: int             # marks needed for a term mark (0: no such rule)

    @property
    def too_few_marks(self) -> bool:
        return self.mark_count < self.required


def weekly_hours(assignment: TeachingAssignment) -> Decimal | None:
    """Hours a week of the subject in the class: the class's own curriculum line, else the
    grade's."""
    items = CurriculumItem.objects.filter(
        Q(school_class_id=assignment.school_class_id)
        | Q(grade=assignment.school_class.grade, school_class__isnull=True),
        year_id=assignment.year_id, subject_id=assignment.subject_id,
    ).values_list("school_class_id", "hours_per_week")
    hours = dict(items)
    return hours.get(assignment.school_class_id, hours.get(None))


def mark_weight(own: Decimal | None, lessons: Decimal | None) -> Decimal:
    """A mark weighs as its own assessment type, else its lesson's, else 1."""
    return own if own is not None else lessons if lessons is not None else Decimal(1)


def term_recommendations(assignment: TeachingAssignment, period: StudyPeriod,
                         student_ids: Iterable[int]) -> dict[int, Recommendation]:
    """The recommendation for each given student, from the period's marks in this journal
    (two queries whatever the number of students)."""
    ids = list(student_ids)
    marks = Mark.objects.filter(
        lesson__assignment=assignment, lesson__date__gte=period.starts_on,
        lesson__date__lte=period.ends_on, student_id__in=ids,
    ).values_list("student_id", "value", "assessment_type__weight",
                  "lesson__assessment_type__weight")
    weighted: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for student_id, value, own, lessons in marks:
        weighted[student_id].append((value, mark_weight(own, lessons)))
    required = min_marks_required(weekly_hours(assignment))
    threshold = assignment.year.school.rounding_threshold
    result = {}
    for student_id in ids:
        average = weighted_average(weighted[student_id])
        result[student_id] = Recommendation(average, recommended_mark(average, threshold),
                                            len(weighted[student_id]), required)
    return result


def year_recommendation(assignment: TeachingAssignment, student: Student) -> Recommendation:
    """The year mark from the term marks (each counts once)."""
    values = FinalMark.objects.filter(assignment=assignment, student=student,
                                      kind=FinalMark.Kind.PERIOD).values_list("value", flat=True)
    average = weighted_average((value, 1) for value in values)
    return Recommendation(average, recommended_mark(average,
                                                    assignment.year.school.rounding_threshold),
                          len(values), 0)


def _periods_of(assignment: TeachingAssignment):
    return StudyPeriod.objects.filter(year_id=assignment.year_id,
                                      grade_from__lte=assignment.school_class.grade,
                                      grade_to__gte=assignment.school_class.grade)


def _require_student(assignment: TeachingAssignment, student: Student, start: dt.date,
                     end: dt.date) -> None:
    """The student was in the journal at some time between start and end."""
    enrolled = Enrolment.objects.filter(
        student=student, school_class_id=assignment.school_class_id, enrolled_on__lte=end,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
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
    today = timezone.localdate()
    reason = reason.strip()
    with transaction.atomic():
        locked, rights = assignment_for_write(user, assignment.pk)
        if locked is None:
            raise JournalError("Журнал не найден: возможно, его удалили.")
        assignment = locked
        if not rights.may_write:
            refuse_writer(rights)
        require_reason(rights, reason)
        require_marks_allowed(assignment.school_class)
        school = assignment.year.school
        if kind not in FinalMark.Kind.values:
            raise JournalError("Неизвестный вид итоговой отметки.")
        value = parse_final_mark(value, elective=assignment.subject.is_elective)

        periods = _periods_of(assignment)
        if kind == FinalMark.Kind.PERIOD:
            if period is None or not periods.filter(pk=period.pk).exists():
                raise JournalError("Выберите учебный период этого класса.")
            if value and period.starts_on > today:
                raise JournalError(f"Период «{period}» ещё не начался.")
            start, end = period.starts_on, period.ends_on
            deadline = term_mark_deadline(school, period.ends_on)
        else:
            period = None
            last = periods.order_by("-ends_on").first()
            start, end = assignment.year.starts_on, assignment.year.ends_on
            deadline = (term_mark_deadline(school, last.ends_on)
                        if kind == FinalMark.Kind.YEAR and last else today)
        if value:
            _require_student(assignment, student, start, end)

        current = FinalMark.objects.select_for_update().filter(
            assignment=assignment, student=student, kind=kind, period=period).first()
        require_version(current, expected_version, THIS_FINAL_MARK)
        if current is not None:
            current.assignment = assignment
        if not value:
            if current is not None:
                history.record(user, Action.DELETE, Entity.FINAL_MARK, current,
                               old=snapshot(Entity.FINAL_MARK, current), reason=reason)
                current.delete()
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
        old = snapshot(Entity.FINAL_MARK, current) if current is not None else None
        final_mark.value = value
        final_mark.recommended = recommended.average if recommended else None
        final_mark.entered_by = user
        if not rights.is_correction:
            final_mark.late_days = days_late(deadline, today)
        if current is not None:
            final_mark.version += 1
        final_mark.save()
        history.record(user, Action.UPDATE if old else Action.CREATE, Entity.FINAL_MARK,
                       final_mark, old=old, reason=reason)
        return final_mark
