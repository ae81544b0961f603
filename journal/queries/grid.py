"""The journal page's grid: students × lessons of one journal in one study period, with
marks, absences, the term mark, the weighted average and the recommended mark.

A fixed number of queries whatever the size of the grid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from accounts.models import Student
from journal import grading
from journal.grading import Recommendation
from journal.models import (
    Absence,
    AssessmentType,
    CurriculumItem,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    StudyPeriod,
    TeachingAssignment,
)
from journal.queries.cells import Cell
from journal.queries.students import journal_enrolments


@dataclass
class Row:
    student: Student
    cells: list[Cell]
    recommendation: Recommendation
    term_mark: FinalMark | None = None

    @property
    def average(self) -> Decimal | None:
        return self.recommendation.average

    @property
    def recommended(self) -> int | None:
        return self.recommendation.mark

    @property
    def mark_count(self) -> int:
        return self.recommendation.mark_count

    @property
    def too_few_marks(self) -> bool:
        return self.recommendation.too_few_marks


@dataclass
class JournalGrid:
    assignment: TeachingAssignment
    period: StudyPeriod | None
    periods: list[StudyPeriod]
    lessons: list[Lesson]
    rows: list[Row]
    assessment_types: list[AssessmentType]
    weekly_hours: Decimal | None
    marks_allowed: bool


def periods_for(assignment: TeachingAssignment) -> list[StudyPeriod]:
    return list(StudyPeriod.objects.filter(year_id=assignment.year_id)
                .for_grade(assignment.school_class.grade).order_by("starts_on"))


def period_for(periods: list[StudyPeriod], day: dt.date) -> StudyPeriod | None:
    """The period containing the day, else the last one that began before it, else the first."""
    started = [p for p in periods if p.starts_on <= day]
    for period in periods:
        if period.starts_on <= day <= period.ends_on:
            return period
    return started[-1] if started else (periods[0] if periods else None)


def weekly_hours_of(assignments: Iterable[TeachingAssignment]) -> dict[int, Decimal | None]:
    """Hours a week of each journal's subject (by assignment id): the class's own curriculum
    line, else the grade's. One query for any number of journals."""
    assignments = list(assignments)
    if not assignments:
        return {}
    items = CurriculumItem.objects.filter(
        Q(school_class_id__in={a.school_class_id for a in assignments})
        | Q(grade__in={a.school_class.grade for a in assignments}, school_class__isnull=True),
        year_id__in={a.year_id for a in assignments},
        subject_id__in={a.subject_id for a in assignments},
    ).values_list("year_id", "subject_id", "school_class_id", "grade", "hours_per_week")
    by_class: dict[tuple, Decimal] = {}
    by_grade: dict[tuple, Decimal] = {}
    for year_id, subject_id, class_id, grade, hours in items:
        if class_id:
            by_class[(year_id, subject_id, class_id)] = hours
        else:
            by_grade[(year_id, subject_id, grade)] = hours
    return {a.pk: by_class.get((a.year_id, a.subject_id, a.school_class_id),
                               by_grade.get((a.year_id, a.subject_id, a.school_class.grade)))
            for a in assignments}


def weekly_hours(assignment: TeachingAssignment) -> Decimal | None:
    return weekly_hours_of([assignment])[assignment.pk]


def term_recommendations(assignment: TeachingAssignment, period: StudyPeriod,
                         student_ids: Iterable[int]) -> dict[int, Recommendation]:
    """The recommended term mark of each given student, from the period's marks in this
    journal (two queries whatever the number of students)."""
    ids = list(student_ids)
    marks = Mark.objects.filter(
        lesson__assignment=assignment, lesson__date__gte=period.starts_on,
        lesson__date__lte=period.ends_on, student_id__in=ids,
    ).values_list("student_id", "value", "assessment_type__weight",
                  "lesson__assessment_type__weight")
    weighted: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for student_id, value, own, lessons in marks:
        weighted[student_id].append((value, grading.mark_weight(own, lessons)))
    hours = weekly_hours(assignment)
    threshold = assignment.year.school.rounding_threshold
    return {student_id: grading.recommend_term_mark(weighted[student_id], hours, threshold)
            for student_id in ids}


def year_recommendation(assignment: TeachingAssignment, student: Student) -> Recommendation:
    """The year mark the student's term marks in this journal recommend."""
    values = FinalMark.objects.filter(assignment=assignment, student=student,
                                      kind=FinalMark.Kind.PERIOD).values_list("value", flat=True)
    return grading.recommend_year_mark(values, assignment.year.school.rounding_threshold)


def _students(assignment: TeachingAssignment, start: dt.date, end: dt.date):
    """Enrolments of the journal's students that overlap the period, by student, by name."""
    enrolments = journal_enrolments(assignment, start, end).select_related(
        "student__user").order_by(
        "student__user__last_name", "student__user__first_name", "student__user__patronymic")
    by_student: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_student.setdefault(enrolment.student_id, []).append(enrolment)
    return by_student


def build_grid(assignment: TeachingAssignment, period: StudyPeriod | None,
               periods: list[StudyPeriod], today: dt.date) -> JournalGrid:
    school = assignment.year.school
    start, end = (period.starts_on, period.ends_on) if period else \
        (assignment.year.starts_on, assignment.year.ends_on)
    lessons = list(
        Lesson.objects.filter(assignment=assignment, date__range=(start, end))
        .select_related("assessment_type", "substitute", "homework")
        .order_by("date", "number"))
    enrolments = _students(assignment, start, end)
    marks: dict[tuple[int, int], list[Mark]] = defaultdict(list)
    absences: dict[tuple[int, int], Absence] = {}
    if lessons and enrolments:
        for mark in Mark.objects.filter(lesson__in=lessons, student_id__in=enrolments
                                        ).select_related("assessment_type").order_by("pk"):
            marks[(mark.student_id, mark.lesson_id)].append(mark)
        for absence in Absence.objects.filter(lesson__in=lessons, student_id__in=enrolments):
            absences[(absence.student_id, absence.lesson_id)] = absence
    term_marks = {}
    if period is not None:
        term_marks = {f.student_id: f for f in FinalMark.objects.filter(
            assignment=assignment, kind=FinalMark.Kind.PERIOD, period=period)}
    hours = weekly_hours(assignment)
    threshold = school.rounding_threshold

    rows = []
    for student_id, student_enrolments in enrolments.items():
        cells = []
        weighted = []
        for lesson in lessons:
            cell = Cell(lesson=lesson, student_id=student_id, future=lesson.date > today,
                        today=lesson.date == today,
                        marks=marks.get((student_id, lesson.pk), []),
                        absence=absences.get((student_id, lesson.pk)),
                        enrolled=any(e.is_active_on(lesson.date) for e in student_enrolments))
            cells.append(cell)
            for mark in cell.marks:
                weighted.append((mark.value, grading.mark_weight(
                    mark.assessment_type.weight if mark.assessment_type else None,
                    lesson.assessment_type.weight if lesson.assessment_type else None)))
        rows.append(Row(
            student=student_enrolments[0].student, cells=cells,
            recommendation=grading.recommend_term_mark(weighted, hours, threshold),
            term_mark=term_marks.get(student_id)))
    return JournalGrid(
        assignment=assignment, period=period, periods=periods, lessons=lessons, rows=rows,
        assessment_types=list(AssessmentType.objects.filter(school=school)),
        weekly_hours=hours, marks_allowed=assignment.school_class.gets_marks)


@dataclass
class YearRow:
    student: Student
    term_marks: list[FinalMark | None]
    year: FinalMark | None
    exam: FinalMark | None
    final: FinalMark | None
    recommended: int | None
    average: Decimal | None


@dataclass
class YearGrid:
    assignment: TeachingAssignment
    periods: list[StudyPeriod]
    rows: list[YearRow]


def build_year_grid(assignment: TeachingAssignment, periods: list[StudyPeriod]) -> YearGrid:
    """Term marks of every period, then the year, exam and final marks, with the year mark the
    term marks recommend (each term counts once)."""
    year = assignment.year
    enrolments = _students(assignment, year.starts_on, year.ends_on)
    finals: dict[tuple[int, str, int | None], FinalMark] = {
        (f.student_id, f.kind, f.period_id): f
        for f in FinalMark.objects.filter(assignment=assignment, student_id__in=enrolments)}
    rows = []
    for student_id, student_enrolments in enrolments.items():
        terms = [finals.get((student_id, FinalMark.Kind.PERIOD, p.pk)) for p in periods]
        recommendation = grading.recommend_year_mark(
            (t.value for t in terms if t is not None), year.school.rounding_threshold)
        rows.append(YearRow(
            student=student_enrolments[0].student, term_marks=terms,
            year=finals.get((student_id, FinalMark.Kind.YEAR, None)),
            exam=finals.get((student_id, FinalMark.Kind.EXAM, None)),
            final=finals.get((student_id, FinalMark.Kind.FINAL, None)),
            average=recommendation.average, recommended=recommendation.mark))
    return YearGrid(assignment=assignment, periods=periods, rows=rows)
