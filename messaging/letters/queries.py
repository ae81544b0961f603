"""What an information letter says about each student of a class over a span of dates: marks by
subject with the weighted average and the forecast, term marks, missed lessons and days.

The whole class is read in a fixed number of queries, whatever the number of students and
subjects. Averages and forecasts come from `journal.grading` exactly as the journal's grid and
the diary compute them: the marks of the span are what a period's marks are to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import Student, User
from journal import grading
from journal.grading import Recommendation
from journal.models import (
    Absence,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    School,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    TeachingAssignment,
)
from journal.queries.attendance import whole_day_kind
from journal.queries.grid import weekly_hours_of
from journal.rules import MISSED_LESSON
from messaging.models import InformationLetter

NO_STUDENTS = "В эти даты в классе не было обучающихся."
BY_NAME = ("student__user__last_name", "student__user__first_name", "student__user__patronymic",
           "student_id", "enrolled_on")


@dataclass
class MissedCount:
    """Missed lessons (or days) by kind: «б» ill, «у» excused, «н» without a reason."""

    ill: int = 0
    excused: int = 0
    unexcused: int = 0

    @property
    def total(self) -> int:
        return self.ill + self.excused + self.unexcused

    def add(self, kind: str) -> None:
        if kind == Absence.Kind.ILL:
            self.ill += 1
        elif kind == Absence.Kind.EXCUSED:
            self.excused += 1
        elif kind == Absence.Kind.ABSENT:
            self.unexcused += 1


@dataclass
class Attendance:
    lessons: MissedCount = field(default_factory=MissedCount)
    days: MissedCount = field(default_factory=MissedCount)
    late: int = 0
    late_minutes: int = 0


@dataclass
class MarkEntry:
    value: str
    date: dt.date
    weight: Decimal
    type_name: str = ""


@dataclass
class SubjectLine:
    assignment: TeachingAssignment
    # The journal's recommended mark for the span's marks (the diary's forecast): `average`,
    # `mark`, `too_few_marks`.
    recommendation: Recommendation
    marks: list[MarkEntry] = field(default_factory=list)
    term_marks: list[FinalMark] = field(default_factory=list)


@dataclass
class StudentLetter:
    student: Student
    subjects: list[SubjectLine]
    attendance: Attendance


@dataclass
class ClassLetters:
    school: School
    school_class: SchoolClass
    date_from: dt.date
    date_to: dt.date
    period: StudyPeriod | None   # the study period the dates are, for the heading
    note: str
    students: list[StudentLetter]

    @property
    def class_teacher(self) -> User | None:
        return self.school_class.class_teacher

    @property
    def marks_allowed(self) -> bool:
        return self.school_class.gets_marks


def class_enrolments(school_class: SchoolClass, date_from: dt.date, date_to: dt.date
                     ) -> QuerySet[Enrolment]:
    """Enrolments in the class that overlap the span, students' names loaded, by name."""
    return (Enrolment.objects.overlapping(date_from, date_to).filter(school_class=school_class)
            .select_related("student__user").order_by(*BY_NAME))


def class_students(school_class: SchoolClass) -> QuerySet[Student]:
    """Everyone enrolled in the class at some time of its year: whom a letter may be about."""
    year = school_class.year
    enrolled = Enrolment.objects.overlapping(year.starts_on, year.ends_on).filter(
        school_class=school_class).values("student_id")
    return Student.objects.filter(pk__in=enrolled).select_related("user").order_by(
        "user__last_name", "user__first_name", "user__patronymic", "pk")


def period_of(school_class: SchoolClass, date_from: dt.date, date_to: dt.date
              ) -> StudyPeriod | None:
    return (StudyPeriod.objects.filter(year_id=school_class.year_id, starts_on=date_from,
                                       ends_on=date_to).for_grade(school_class.grade).first())


def _subjects(assignments: list[TeachingAssignment], student_id: int, groups: set[int],
              marks: dict, finals: dict, hours: dict, threshold: Decimal) -> list[SubjectLine]:
    """The student's journals (the class's, their subgroups', any holding a mark of theirs)
    with the span's marks and the recommendation they make."""
    lines = []
    for assignment in assignments:
        key = (student_id, assignment.pk)
        own = assignment.subgroup_id is None or assignment.subgroup_id in groups
        if not (own or key in marks or key in finals):
            continue
        entries = marks.get(key, [])
        lines.append(SubjectLine(
            assignment=assignment, marks=entries, term_marks=finals.get(key, []),
            recommendation=grading.recommend_term_mark(
                [(entry.value, entry.weight) for entry in entries], hours[assignment.pk],
                threshold)))
    return lines


def _attendance(enrolments: list[Enrolment], lessons: list[tuple],
                groups: set[int], absences: list[tuple]) -> Attendance:
    """Missed lessons and lateness as recorded; a day counts as missed when every lesson the
    student had that day (their class's and their subgroups', while enrolled) was missed."""
    attendance = Attendance()
    missed: dict[int, str] = {}
    for lesson_id, kind, minutes in absences:
        if kind in MISSED_LESSON:
            attendance.lessons.add(kind)
            missed[lesson_id] = kind
        else:
            attendance.late += 1
            attendance.late_minutes += minutes or 0
    if not missed:
        return attendance
    days: dict[dt.date, list[int]] = defaultdict(list)
    for lesson_id, date, subgroup_id in lessons:
        if (subgroup_id is None or subgroup_id in groups) and any(
                e.is_active_on(date) for e in enrolments):
            days[date].append(lesson_id)
    for day_lessons in days.values():
        if all(lesson_id in missed for lesson_id in day_lessons):
            attendance.days.add(whole_day_kind([missed[lesson_id] for lesson_id in day_lessons]))
    return attendance


def class_letters(school_class: SchoolClass, date_from: dt.date, date_to: dt.date, *,
                  student_id: int | None = None, note: str = "") -> ClassLetters:
    """The letter of each student of the class in the span (or of the one student): at most
    nine queries whatever the size of the class. `school_class` comes with its year, school and
    class teacher loaded."""
    enrolments = class_enrolments(school_class, date_from, date_to)
    if student_id is not None:
        enrolments = enrolments.filter(student_id=student_id)
    by_student: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_student.setdefault(enrolment.student_id, []).append(enrolment)
    ids = list(by_student)
    span = (date_from, date_to)
    in_class = {"lesson__assignment__school_class": school_class, "lesson__date__range": span,
                "student_id__in": ids}

    groups: dict[int, set[int]] = defaultdict(set)
    for member, group in Subgroup.students.through.objects.filter(
            student_id__in=ids, subgroup__school_class=school_class).values_list(
            "student_id", "subgroup_id"):
        groups[member].add(group)
    assignments = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher", "subgroup", "school_class")
        .order_by("subject__order", "subject__name", "subgroup__name", "pk"))
    hours = weekly_hours_of(assignments)
    marks: dict[tuple[int, int], list[MarkEntry]] = defaultdict(list)
    for mark in (Mark.objects.filter(**in_class)
                 .select_related("lesson__assessment_type", "assessment_type")
                 .order_by("lesson__date", "lesson__number", "pk")):
        kind = mark.assessment_type or mark.lesson.assessment_type
        marks[(mark.student_id, mark.lesson.assignment_id)].append(MarkEntry(
            value=mark.value, date=mark.lesson.date, type_name=kind.name if kind else "",
            weight=grading.mark_weight(
                mark.assessment_type.weight if mark.assessment_type else None,
                mark.lesson.assessment_type.weight if mark.lesson.assessment_type else None)))
    finals: dict[tuple[int, int], list[FinalMark]] = defaultdict(list)
    # Term marks of the periods that end within the span: the ones set for it.
    for final in (FinalMark.objects.filter(assignment__school_class=school_class,
                                           student_id__in=ids, kind=FinalMark.Kind.PERIOD,
                                           period__ends_on__range=span)
                  .select_related("period").order_by("period__starts_on")):
        finals[(final.student_id, final.assignment_id)].append(final)
    absences: dict[int, list[tuple]] = defaultdict(list)
    for student, lesson_id, kind, minutes in Absence.objects.filter(**in_class).values_list(
            "student_id", "lesson_id", "kind", "minutes_late"):
        absences[student].append((lesson_id, kind, minutes))
    lessons = list(Lesson.objects.filter(assignment__school_class=school_class, date__range=span)
                   .values_list("pk", "date", "assignment__subgroup_id")) if absences else []

    threshold = school_class.year.school.rounding_threshold
    students = [
        StudentLetter(
            student=rows[0].student,
            subjects=_subjects(assignments, pk, groups[pk], marks, finals, hours, threshold),
            attendance=_attendance(rows, lessons, groups[pk], absences[pk]))
        for pk, rows in by_student.items()]
    return ClassLetters(
        school=school_class.year.school, school_class=school_class, date_from=date_from,
        date_to=date_to, period=period_of(school_class, date_from, date_to), note=note,
        students=students)


def letters_of_class(school_class: SchoolClass) -> QuerySet[InformationLetter]:
    """The letters made for the class, newest first, with whom they are about and who asked."""
    return (InformationLetter.objects.filter(school_class=school_class)
            .select_related("student__user", "requested_by"))
