"""What the diary pages show, read from the journal in a fixed number of queries each.

A student's lessons are their class's and their subgroups' lessons, and a journal's lessons only
while the student was enrolled in its class. Averages and the forecast use the journal's own
grading functions, so the diary and the teacher's recommendation never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.access import is_signed_in
from accounts.models import Student
from journal import grading
from journal.grading import Recommendation
from journal.models import (
    Absence,
    AcademicYear,
    AssessmentType,
    BellSchedule,
    Enrolment,
    FinalMark,
    Holiday,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    TeachingAssignment,
)
from journal.queries.grid import period_for, weekly_hours_of
from journal.rules import MISSED_LESSON
from journal.weeks import WEEKDAY_NAMES, WeekNavigation, week_start
from messaging.models import SchoolEvent
from messaging.notices.queries import student_events

EXCUSED = frozenset({Absence.Kind.ILL, Absence.Kind.EXCUSED})
# How far before the lesson it is due for homework is looked for.
HOMEWORK_WINDOW = dt.timedelta(days=60)


# The student's classes ---------------------------------------------------------------------

@dataclass
class Enrolments:
    """A student's enrolments over the years, oldest first (class, year and school loaded)."""

    rows: list[Enrolment]

    def on(self, day: dt.date) -> Enrolment | None:
        """The enrolment active on the day, else one in the year containing it."""
        for enrolment in reversed(self.rows):
            if enrolment.is_active_on(day):
                return enrolment
        for enrolment in reversed(self.rows):
            if enrolment.school_class.year.contains(day):
                return enrolment
        return None

    def current(self, today: dt.date) -> Enrolment | None:
        """Today's enrolment, else the latest one."""
        return self.on(today) or (self.rows[-1] if self.rows else None)

    def classes_of(self, year: AcademicYear) -> list[SchoolClass]:
        return [e.school_class for e in self.rows if e.school_class.year_id == year.pk]

    def years(self, today: dt.date) -> list[AcademicYear]:
        """The years the student was enrolled in: the current enrolment's first, then the
        others, latest first (after the rollover, last year's final marks are there)."""
        current = self.current(today)
        found = {e.school_class.year_id: e.school_class.year for e in self.rows}
        others = sorted((y for y in found.values()
                         if current is None or y.pk != current.school_class.year_id),
                        key=lambda y: y.starts_on, reverse=True)
        return ([current.school_class.year] if current else []) + others

    def in_year(self, year: AcademicYear, today: dt.date) -> Enrolment | None:
        """The enrolment that stands for the year: today's in the current one, else the
        year's last (the class the student ended it in)."""
        current = self.current(today)
        if current is not None and current.school_class.year_id == year.pk:
            return current
        rows = [e for e in self.rows if e.school_class.year_id == year.pk]
        return rows[-1] if rows else None


_ENROLMENT_RELATED = ("school_class__year__school",)


def enrolments_of(student: Student) -> Enrolments:
    return Enrolments(list(
        Enrolment.objects.filter(student=student).select_related(*_ENROLMENT_RELATED)
        .order_by("enrolled_on", "pk")))


# The two halves of `diary.access.family_of`, as paths from a student to the user.
_THEMSELF, _THEIR_PARENT = "user", "parent_links__parent__user"


def family_enrolments(user, *, themself: bool = True, children: bool = True
                      ) -> list[tuple[Student, Enrolments]]:
    """The user's family (`diary.access.family_of`: the student themself, a parent's
    children) who have ever been in a class, by name, each with their enrolments: at most one
    query for every page's check of whose diary it is, the family switcher and the student's
    classes. `themself` and `children` say which halves of the rule to read (a parent is
    rarely a student): each is a walk down indexes, where their disjunction made PostgreSQL
    join every enrolment of the school first (on the large demo school 0.1 ms in the database
    against 1.5–8 ms)."""
    if not is_signed_in(user):
        return []
    halves = [Enrolment.objects.filter(**{f"student__{path}": user})
              .select_related("student__user", "student__school", *_ENROLMENT_RELATED)
              .order_by() for path, wanted in ((_THEMSELF, themself), (_THEIR_PARENT, children))
              if wanted]
    if not halves:
        return []
    found = halves[0].union(*halves[1:], all=True) if len(halves) > 1 else halves[0]
    rows = sorted({e.pk: e for e in found}.values(),
                  key=lambda e: (e.student.user.last_name, e.student.user.first_name,
                                 e.student_id, e.enrolled_on, e.pk))
    family: dict[int, tuple[Student, list[Enrolment]]] = {}
    for enrolment in rows:
        family.setdefault(enrolment.student_id, (enrolment.student, []))[1].append(enrolment)
    return [(student, Enrolments(enrolments)) for student, enrolments in family.values()]


def _taken_by(student: Student, class_ids: list[int], lesson: str = "") -> Q:
    """That a lesson (the field path `lesson`, "" for a Lesson itself) is one of the
    student's: of their classes while enrolled, of their subgroups only."""
    enrolled = Enrolment.objects.active_on(OuterRef(f"{lesson}date")).filter(
        student=student, school_class_id=OuterRef(f"{lesson}assignment__school_class_id"))
    in_group = Subgroup.students.through.objects.filter(
        subgroup_id=OuterRef(f"{lesson}assignment__subgroup_id"), student_id=student.pk)
    return (Q(**{f"{lesson}assignment__school_class_id__in": class_ids}) & Exists(enrolled)
            & (Q(**{f"{lesson}assignment__subgroup__isnull": True}) | Exists(in_group)))


def lessons_of(student: Student, class_ids: list[int]) -> QuerySet[Lesson]:
    """The student's lessons: of their classes while enrolled, of their subgroups only."""
    return Lesson.objects.filter(_taken_by(student, class_ids))


def assignments_of(student: Student, year: AcademicYear, class_ids: list[int]
                   ) -> list[TeachingAssignment]:
    """The student's journals of the year: their classes' and their subgroups', and any other
    journal of their classes that holds a mark of theirs (a subgroup they have left)."""
    has_marks = Exists(Mark.objects.filter(student=student, lesson__assignment=OuterRef("pk")))
    has_finals = Exists(FinalMark.objects.filter(student=student, assignment=OuterRef("pk")))
    in_group = Exists(Subgroup.students.through.objects.filter(
        subgroup_id=OuterRef("subgroup_id"), student_id=student.pk))
    return list(
        TeachingAssignment.objects.filter(year=year, school_class_id__in=class_ids)
        .filter(Q(subgroup__isnull=True) | in_group | has_marks | has_finals)
        .select_related("subject", "teacher", "subgroup", "school_class")
        .order_by("subject__order", "subject__name", "school_class__grade", "subgroup__name"))


def periods_of(year: AcademicYear, grade: int) -> list[StudyPeriod]:
    return list(StudyPeriod.objects.filter(year=year).for_grade(grade).order_by("starts_on"))


def choose_period(periods: list[StudyPeriod], wanted: str | None, today: dt.date
                  ) -> StudyPeriod | None:
    """The period asked for by id, else the current one (the journal's rule)."""
    if wanted and wanted.isdigit():
        for period in periods:
            if period.pk == int(wanted):
                return period
    return period_for(periods, today)


def _next_lesson() -> QuerySet[Lesson]:
    """The journal's lesson after a homework's lesson: the one a homework without a chosen
    lesson is due for (as `journal.services.homework` reads it)."""
    return Lesson.objects.filter(
        Q(date__gt=OuterRef("lesson__date"))
        | Q(date=OuterRef("lesson__date"), number__gt=OuterRef("lesson__number")),
        assignment_id=OuterRef("lesson__assignment_id"),
    ).order_by("date", "number")


def _previous_lesson() -> QuerySet[Lesson]:
    """The journal's lesson before a lesson: the one whose homework without a chosen lesson is
    due for it (`_next_lesson` read backwards)."""
    return Lesson.objects.filter(
        Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), number__lt=OuterRef("number")),
        assignment_id=OuterRef("assignment_id"),
    ).order_by("-date", "-number")


def homework_of(student: Student, class_ids: list[int]) -> QuerySet[Homework]:
    """The homework set at the student's lessons (not the explicit «не задано»), each with the
    lesson it is due for, `due_id` and `due` (its date): the lesson the teacher chose, else the
    journal's next lesson. The week and the homework page both read it, so they agree."""
    following = _next_lesson()
    return (Homework.objects.filter(_taken_by(student, class_ids, "lesson__"), is_none=False)
            .annotate(due_id=Coalesce("due_lesson_id", Subquery(following.values("pk")[:1])),
                      due=Coalesce("due_lesson__date", Subquery(following.values("date")[:1]))))


def _with_files(homework: QuerySet[Homework]) -> list[HomeworkItem]:
    """The homework with their files, read in the same query (a row per file)."""
    rows = homework.annotate(file_pk=F("files__pk"), file_name=F("files__original_name"),
                             file_size=F("files__size"))
    items: dict[int, HomeworkItem] = {}
    for h in rows.order_by(*homework.query.order_by, "files__uploaded_at", "files__pk"):
        item = items.get(h.pk)
        if item is None:
            item = items[h.pk] = HomeworkItem(h, h.due_id, h.due, [])
        if h.file_pk is not None:
            item.files.append(HomeworkFile(pk=h.file_pk, homework_id=h.pk,
                                           original_name=h.file_name, size=h.file_size))
    return list(items.values())


def _weight(mark: Mark, lesson: Lesson) -> Decimal:
    return grading.mark_weight(mark.assessment_type.weight if mark.assessment_type else None,
                       lesson.assessment_type.weight if lesson.assessment_type else None)


def mark_type(mark: Mark, lesson: Lesson):
    """The assessment type a mark counts as: its own, else its lesson's."""
    return mark.assessment_type or lesson.assessment_type


# The week ----------------------------------------------------------------------------------

@dataclass
class HomeworkItem:
    """A homework with the lesson it is due for (`due_id`, None: the journal has no later
    lesson yet) and its files."""

    homework: Homework
    due_id: int | None
    due: dt.date | None
    files: list[HomeworkFile]

    @property
    def lesson(self) -> Lesson:
        """The lesson it was set at."""
        return self.homework.lesson


@dataclass
class WeekMark:
    """A mark of the week (read with its lesson) and the assessment type it counts as."""

    mark: Mark
    kind: AssessmentType | None


@dataclass
class LessonRow:
    """A lesson of the week as a paper diary has it: the homework due for it first, and what
    was set at it."""

    lesson: Lesson
    marks: list[WeekMark] = field(default_factory=list)
    absence: Absence | None = None
    due: list[HomeworkItem] = field(default_factory=list)
    set_here: HomeworkItem | None = None

    @property
    def teacher(self):
        """Who taught it: the substitute, else the journal's teacher."""
        return self.lesson.substitute or self.lesson.assignment.teacher


@dataclass
class WeekDay:
    date: dt.date
    lessons: list[LessonRow] = field(default_factory=list)
    holiday: str = ""
    is_today: bool = False
    events: list[SchoolEvent] = field(default_factory=list)

    @property
    def name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]


@dataclass
class Week(WeekNavigation):
    monday: dt.date
    days: list[WeekDay]
    enrolment: Enrolment | None

    @property
    def has_today(self) -> bool:
        return any(day.is_today for day in self.days)

    @property
    def is_empty(self) -> bool:
        return not any(day.lessons for day in self.days)


def _week_lessons(student: Student, class_ids: list[int], monday: dt.date, sunday: dt.date
                  ) -> dict[int, LessonRow]:
    """The student's lessons of the week in order, with bells, the journal's lesson before
    each, their marks and absence: one query (a row per mark)."""
    bells = BellSchedule.objects.filter(school_id=student.school_id,
                                        lesson_number=OuterRef("number"))
    found = (
        lessons_of(student, class_ids).filter(date__range=(monday, sunday))
        .annotate(own_mark=FilteredRelation("marks", condition=Q(marks__student=student)),
                  own_absence=FilteredRelation("absences",
                                               condition=Q(absences__student=student)))
        .select_related("assignment__subject", "assignment__teacher", "assignment__subgroup",
                        "substitute", "assessment_type")
        .annotate(bell_starts=Subquery(bells.values("starts_at")[:1]),
                  bell_ends=Subquery(bells.values("ends_at")[:1]),
                  previous_id=Subquery(_previous_lesson().values("pk")[:1]),
                  mark_value=F("own_mark__value"), mark_comment=F("own_mark__comment"),
                  mark_note=F("own_mark__over_absence_note"),
                  mark_changed=F("own_mark__updated_at"),
                  mark_type_name=F("own_mark__assessment_type__name"),
                  mark_type_weight=F("own_mark__assessment_type__weight"),
                  absence_kind=F("own_absence__kind"),
                  absence_minutes=F("own_absence__minutes_late"))
        .order_by("date", "number", "assignment__subject__order", "pk", "own_mark__pk"))
    rows: dict[int, LessonRow] = {}
    for lesson in found:
        row = rows.get(lesson.pk)
        if row is None:
            # At most one absence a lesson.
            row = rows[lesson.pk] = LessonRow(lesson, absence=Absence(
                lesson=lesson, student=student, kind=lesson.absence_kind,
                minutes_late=lesson.absence_minutes) if lesson.absence_kind else None)
        if lesson.mark_value is not None:
            own = (AssessmentType(name=lesson.mark_type_name, weight=lesson.mark_type_weight)
                   if lesson.mark_type_name is not None else None)
            mark = Mark(lesson=lesson, student=student, value=lesson.mark_value,
                        assessment_type=own, comment=lesson.mark_comment,
                        over_absence_note=lesson.mark_note, updated_at=lesson.mark_changed)
            row.marks.append(WeekMark(mark, mark_type(mark, lesson)))
    return rows


def student_week(student: Student, enrolments: Enrolments, monday: dt.date, today: dt.date
                 ) -> Week:
    """Each school day of the week with the student's lessons, marks, absences and homework
    (due for each lesson, and set at it) and the school's and the class's events: four
    queries whatever the amount of data (lessons with bells, marks and absences; homework with
    files; holidays; events)."""
    monday = week_start(monday)
    school = student.school
    day_count = max(school.days_per_week, 5)
    sunday = monday + dt.timedelta(days=6)
    enrolment = enrolments.on(monday) or enrolments.on(monday + dt.timedelta(days=day_count - 1))
    class_ids = [e.school_class_id for e in enrolments.rows]
    rows = _week_lessons(student, class_ids, monday, sunday) if class_ids else {}
    if rows:
        # What was set at the week's lessons, and what is due for them: chosen for them, or
        # set at the journal's lesson before each (read by indexes, not over weeks of homework).
        previous = {row.lesson.previous_id for row in rows.values()} - {None}
        homework = _with_files(
            homework_of(student, class_ids)
            .filter(Q(lesson_id__in=rows.keys() | previous) | Q(due_lesson_id__in=rows))
            .select_related("lesson").order_by("lesson__date", "lesson__number", "pk"))
        for item in homework:
            if item.homework.lesson_id in rows:
                rows[item.homework.lesson_id].set_here = item
            if item.due_id in rows:
                rows[item.due_id].due.append(item)

    holidays = Holiday.objects.filter(year__school_id=student.school_id, starts_on__lte=sunday,
                                      ends_on__gte=monday)
    if enrolment is not None:
        grade = enrolment.school_class.grade
        holidays = holidays.for_grade(grade)
    holidays = list(holidays)
    week_classes = [e.school_class_id for e in enrolments.rows
                    if e.enrolled_on <= sunday and (e.left_on is None or e.left_on >= monday)]
    events = student_events(student, week_classes, monday, sunday)

    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        day_lessons = [row for row in rows.values() if row.lesson.date == date]
        day_events = [event for event in events if event.date == date]
        if offset >= day_count and not day_lessons and not day_events:
            continue
        names = [h.name for h in holidays if h.starts_on <= date <= h.ends_on]
        days.append(WeekDay(date=date, lessons=day_lessons, holiday=", ".join(names),
                            is_today=date == today, events=day_events))
    return Week(monday=monday, days=days, enrolment=enrolment)


# Marks of a period -------------------------------------------------------------------------

@dataclass
class MarkItem:
    mark: Mark
    lesson: Lesson

    @property
    def type(self):
        return mark_type(self.mark, self.lesson)

    @property
    def weight(self) -> Decimal:
        return _weight(self.mark, self.lesson)


@dataclass
class SubjectMarks:
    assignment: TeachingAssignment
    items: list[MarkItem] = field(default_factory=list)
    term_mark: FinalMark | None = None
    # The journal's recommended term mark is the diary's forecast.
    recommendation: Recommendation | None = None

    @property
    def average(self) -> Decimal | None:
        return self.recommendation.average if self.recommendation else None

    @property
    def forecast(self) -> int | None:
        return self.recommendation.mark if self.recommendation else None

    @property
    def mark_count(self) -> int:
        return self.recommendation.mark_count if self.recommendation else 0

    @property
    def required(self) -> int:
        return self.recommendation.required if self.recommendation else 0

    @property
    def too_few_marks(self) -> bool:
        return bool(self.recommendation and self.recommendation.too_few_marks)


def build_marks(student: Student, year: AcademicYear, assignments: list[TeachingAssignment],
                period: StudyPeriod) -> list[SubjectMarks]:
    """Every mark of the period by journal, with the weighted average, the forecast (the
    journal's recommended term mark) and the term mark once set. Three queries."""
    subjects = {a.pk: SubjectMarks(a) for a in assignments}
    if not subjects:
        return []
    marks = (Mark.objects.filter(student=student, lesson__assignment_id__in=subjects,
                                 lesson__date__gte=period.starts_on,
                                 lesson__date__lte=period.ends_on)
             .select_related("lesson__assessment_type", "assessment_type")
             .order_by("lesson__date", "lesson__number", "pk"))
    for mark in marks:
        subjects[mark.lesson.assignment_id].items.append(MarkItem(mark, mark.lesson))
    for final in FinalMark.objects.filter(student=student, kind=FinalMark.Kind.PERIOD,
                                          period=period, assignment_id__in=subjects):
        subjects[final.assignment_id].term_mark = final
    hours = weekly_hours_of(assignments)
    threshold = year.school.rounding_threshold
    for row in subjects.values():
        row.recommendation = grading.recommend_term_mark(
            [(item.mark.value, item.weight) for item in row.items], hours[row.assignment.pk],
            threshold)
    return list(subjects.values())


# Term and final marks ----------------------------------------------------------------------

@dataclass
class FinalsRow:
    assignment: TeachingAssignment
    terms: list[tuple[StudyPeriod, FinalMark | None]]
    year: FinalMark | None
    exam: FinalMark | None
    final: FinalMark | None


def build_finals(student: Student, assignments: list[TeachingAssignment],
                 periods: list[StudyPeriod]) -> list[FinalsRow]:
    finals = {(f.assignment_id, f.kind, f.period_id): f for f in FinalMark.objects.filter(
        student=student, assignment_id__in=[a.pk for a in assignments])}
    kind = FinalMark.Kind
    return [FinalsRow(assignment=a,
                      terms=[(p, finals.get((a.pk, kind.PERIOD, p.pk))) for p in periods],
                      year=finals.get((a.pk, kind.YEAR, None)),
                      exam=finals.get((a.pk, kind.EXAM, None)),
                      final=finals.get((a.pk, kind.FINAL, None)))
            for a in assignments]


# Attendance --------------------------------------------------------------------------------

@dataclass
class AttendanceCount:
    excused: int = 0      # «б», «у»
    unexcused: int = 0    # «н»
    late: int = 0         # «оп»

    @property
    def missed(self) -> int:
        return self.excused + self.unexcused

    def add(self, absence: Absence) -> None:
        if absence.kind == Absence.Kind.LATE:
            self.late += 1
        elif absence.kind in EXCUSED:
            self.excused += 1
        elif absence.kind in MISSED_LESSON:
            self.unexcused += 1


@dataclass
class Attendance:
    by_subject: list[tuple[str, AttendanceCount]]
    total: AttendanceCount
    by_period: list[tuple[StudyPeriod, AttendanceCount]]
    entries: list[Absence]


def build_attendance(student: Student, year: AcademicYear, periods: list[StudyPeriod],
                     period: StudyPeriod | None) -> Attendance:
    """Missed lessons and lateness: per period, and by subject for the chosen period (None:
    the whole year), with the list of entries. One query."""
    absences = list(
        Absence.objects.filter(student=student, lesson__assignment__year=year)
        .select_related("lesson__assignment__subject")
        .order_by("lesson__date", "lesson__number"))
    by_period = []
    for p in periods:
        count = AttendanceCount()
        for absence in absences:
            if p.starts_on <= absence.lesson.date <= p.ends_on:
                count.add(absence)
        by_period.append((p, count))
    chosen = [a for a in absences
              if period is None or period.starts_on <= a.lesson.date <= period.ends_on]
    subjects: dict[int, tuple[str, AttendanceCount]] = {}
    total = AttendanceCount()
    for absence in sorted(chosen, key=lambda a: (a.lesson.assignment.subject.order,
                                                 a.lesson.assignment.subject.name)):
        subject = absence.lesson.assignment.subject
        subjects.setdefault(subject.pk, (subject.name, AttendanceCount()))[1].add(absence)
        total.add(absence)
    return Attendance(by_subject=list(subjects.values()), total=total, by_period=by_period,
                      entries=chosen)


# Homework due ------------------------------------------------------------------------------

def homework_due(student: Student, class_ids: list[int], today: dt.date) -> list[HomeworkItem]:
    """Homework due from today on, by the lesson it is due for (`homework_of`), with its
    files. One query."""
    if not class_ids:
        return []
    return _with_files(
        homework_of(student, class_ids)
        .filter(lesson__date__range=(today - HOMEWORK_WINDOW, today + HOMEWORK_WINDOW),
                due__gte=today)
        .select_related("lesson__assignment__subject", "lesson__assignment__teacher",
                        "lesson__substitute")
        .order_by("due", "lesson__assignment__subject__order", "lesson__date", "pk"))


# The year's averages, for the chart --------------------------------------------------------

@dataclass
class SubjectSeries:
    name: str
    points: list[tuple[int, Decimal]]   # (month index from September, average)


def monthly_averages(student: Student, year: AcademicYear, until: dt.date | None = None
                     ) -> tuple[list[dt.date], list[SubjectSeries]]:
    """The student's weighted average per subject in each month of the year (up to `until`,
    the end of the last study period). One query."""
    months = []
    month = dt.date(year.starts_on.year, year.starts_on.month, 1)
    while month <= (until or year.ends_on):
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    rows = (Mark.objects.filter(student=student, lesson__assignment__year=year)
            .values_list("lesson__assignment__subject__name", "lesson__assignment__subject__order",
                         "lesson__date", "value", "assessment_type__weight",
                         "lesson__assessment_type__weight"))
    weighted: dict[tuple[int, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for name, order, date, value, own, lessons in rows:
        index = (date.year - months[0].year) * 12 + date.month - months[0].month
        if index < len(months):
            weighted[(order, name)][index].append((value, grading.mark_weight(own, lessons)))
    series = []
    for (_, name), by_month in sorted(weighted.items()):
        points = [(index, grading.weighted_average(marks)) for index, marks in
                  sorted(by_month.items())]
        points = [(i, a) for i, a in points if a is not None]
        if points:
            series.append(SubjectSeries(name, points))
    return months, series
