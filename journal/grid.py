"""The journal page's grid: students × lessons of one journal in one study period, with
marks, absences, the term mark, the weighted average and the recommended mark.

A fixed number of queries whatever the size of the grid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.models import Student
from journal import grading
from journal.models import (
    Absence,
    AssessmentType,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    StudyPeriod,
    TeachingAssignment,
)
from journal.rules import cell_text
from journal.services.cells import cell_version
from journal.services.final_marks import mark_weight, weekly_hours


@dataclass
class Cell:
    lesson: Lesson
    student_id: int
    marks: list[Mark] = field(default_factory=list)
    absence: Absence | None = None
    enrolled: bool = True
    future: bool = False

    @property
    def html(self) -> str:
        """The grid's <td>, built here rather than in the template: a 30 × 60 grid has 1,800
        of them, and the template engine would spend most of the page's time on them."""
        classes = ["cell"]
        if not self.enrolled:
            classes.append("not-enrolled")
        if self.future:
            classes.append("future")
        if self.absence:
            classes.append("absent")
        notes = " ".join(n for m in self.marks for n in (m.comment, m.over_absence_note) if n)
        title = f' title="{escape(notes)}"' if notes else ""
        return mark_safe(  # noqa: S308 - every value is escaped or a number
            f'<td class="{" ".join(classes)}" tabindex="{0 if self.enrolled else -1}" '
            f'data-lesson="{self.lesson.pk}" data-student="{self.student_id}" '
            f'data-version="{escape(self.version)}" data-testid="cell"{title}>'
            f"{escape(self.text)}</td>")

    @property
    def text(self) -> str:
        absence = self.absence
        return cell_text([m.value for m in self.marks], absence.kind if absence else None,
                         absence.minutes_late if absence else None)

    @property
    def version(self) -> str:
        """What the cell looked like when the page was drawn: a save compares it to refuse
        overwriting someone else's change."""
        return cell_version(self.marks, self.absence)


@dataclass
class Row:
    student: Student
    cells: list[Cell]
    term_mark: FinalMark | None = None
    average: Decimal | None = None
    recommended: int | None = None
    mark_count: int = 0
    too_few_marks: bool = False


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
    grade = assignment.school_class.grade
    return list(StudyPeriod.objects.filter(year_id=assignment.year_id, grade_from__lte=grade,
                                           grade_to__gte=grade).order_by("starts_on"))


def period_for(periods: list[StudyPeriod], day: dt.date) -> StudyPeriod | None:
    """The period containing the day, else the last one that began before it, else the first."""
    started = [p for p in periods if p.starts_on <= day]
    for period in periods:
        if period.starts_on <= day <= period.ends_on:
            return period
    return started[-1] if started else (periods[0] if periods else None)


def _students(assignment: TeachingAssignment, start: dt.date, end: dt.date):
    """Enrolments of the journal's students that overlap the period, by name."""
    enrolments = Enrolment.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start),
        school_class_id=assignment.school_class_id, enrolled_on__lte=end,
    ).select_related("student__user").order_by(
        "student__user__last_name", "student__user__first_name", "student__user__patronymic")
    if assignment.subgroup_id:
        enrolments = enrolments.filter(student__subgroups=assignment.subgroup_id)
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
                        marks=marks.get((student_id, lesson.pk), []),
                        absence=absences.get((student_id, lesson.pk)),
                        enrolled=any(e.is_active_on(lesson.date) for e in student_enrolments))
            cells.append(cell)
            for mark in cell.marks:
                weighted.append((mark.value, mark_weight(
                    mark.assessment_type.weight if mark.assessment_type else None,
                    lesson.assessment_type.weight if lesson.assessment_type else None)))
        average = grading.weighted_average(weighted)
        count = sum(1 for value, _ in weighted if value in grading.SCALE)
        rows.append(Row(
            student=student_enrolments[0].student, cells=cells,
            term_mark=term_marks.get(student_id), average=average,
            recommended=grading.recommended_mark(average, threshold), mark_count=count,
            too_few_marks=grading.has_too_few_marks(count, hours)))
    return JournalGrid(
        assignment=assignment, period=period, periods=periods, lessons=lessons, rows=rows,
        assessment_types=list(AssessmentType.objects.filter(school=school)),
        weekly_hours=hours, marks_allowed=assignment.school_class.grade != 1)


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
        average = grading.weighted_average((t.value, 1) for t in terms if t is not None)
        rows.append(YearRow(
            student=student_enrolments[0].student, term_marks=terms,
            year=finals.get((student_id, FinalMark.Kind.YEAR, None)),
            exam=finals.get((student_id, FinalMark.Kind.EXAM, None)),
            final=finals.get((student_id, FinalMark.Kind.FINAL, None)),
            average=average,
            recommended=grading.recommended_mark(average, year.school.rounding_threshold)))
    return YearGrid(assignment=assignment, periods=periods, rows=rows)
