"""The diary's pages: read-only, every one for one student whose id is in the URL and who is
opened through `diary.access`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import person_of
from accounts.models import PersonalDataEvent, Student
from accounts.services import personal_data
from diary import queries
from diary.access import access_student, family_of, students_visible_to
from diary.activity import last_visit_before, record_view
from diary.chart import averages_charts
from journal.models import AcademicYear, Enrolment
from journal.weeks import parse_week
from messaging.notices.queries import shown_in_diary

# The current notices the week shows on top; the rest are on the notices page.
NOTICES = 3
PAGES = [
    ("diary:week", "Неделя", "bi-calendar-week"),
    ("diary:marks", "Отметки", "bi-123"),
    ("diary:finals", "Итоговые", "bi-award"),
    ("diary:attendance", "Посещаемость", "bi-person-check"),
    ("diary:homework", "Задания", "bi-book"),
    ("diary:chart", "Динамика", "bi-graph-up"),
]


@dataclass
class Opened:
    """The student whose diary is open, the family's students (for switching), whether a
    member of staff looks in, and the student's classes."""

    student: Student
    family: list[Student]
    as_staff: bool
    enrolments: queries.Enrolments

    @property
    def current(self) -> Enrolment | None:
        return self.enrolments.current(timezone.localdate())

    @property
    def year(self) -> AcademicYear | None:
        current = self.current
        return current.school_class.year if current else None

    @property
    def class_ids(self) -> list[int]:
        year = self.year
        return [c.pk for c in self.enrolments.classes_of(year)] if year else []


def _open(request, student_id: int) -> Opened:
    """The family's own students come in one query; anybody else goes through the staff
    check (one more). Outsiders get 404."""
    family = list(family_of(request.user).select_related("user", "school")
                  .order_by("user__last_name", "user__first_name", "pk"))
    student = next((s for s in family if s.pk == student_id), None)
    as_staff = student is None
    if student is None:
        student = access_student(request.user, student_id)
    return Opened(student=student, family=family, as_staff=as_staff,
                  enrolments=queries.enrolments_of(student))


def _render(request, template: str, opened: Opened, page: str, **context):
    seen_until = None
    if not opened.as_staff:
        # Only the family's own views count as visits; staff looking in go to the
        # personal-data log instead.
        seen_until = last_visit_before(request.user, timezone.now())
        record_view(request.user, page.removeprefix("diary:"), opened.student)
    else:
        personal_data.record_view(request.user, request, opened.student.user,
                                  PersonalDataEvent.Kind.VIEW_DIARY,
                                  "дневник: " + next(title for name, title, _ in PAGES if name == page))
    return render(request, template, {
        "student": opened.student, "family": opened.family if not opened.as_staff else [],
        "as_staff": opened.as_staff, "enrolment": opened.current, "page": page,
        "pages": PAGES, "today": timezone.localdate(), "seen_until": seen_until, **context})


def _gets_marks(enrolment: Enrolment | None) -> bool:
    return enrolment is None or enrolment.school_class.gets_marks


@login_required
def index(request):
    """A parent's first child, a student themself; staff get the list of students they may
    look at."""
    person = person_of(request)
    family = family_of(request.user).order_by("user__last_name", "user__first_name", "pk")
    first = family.values_list("pk", flat=True).first()
    if first is not None:
        return redirect("diary:week", first)
    if not (person.is_staff_member or request.user.is_superuser):
        raise Http404("Дневник не найден.")
    enrolments = (Enrolment.objects.current()
                  .filter(student__in=students_visible_to(request.user))
                  .select_related("student__user", "school_class")
                  .order_by("school_class__grade", "school_class__letter",
                            "student__user__last_name", "student__user__first_name"))
    classes: dict[str, list[Enrolment]] = {}
    for enrolment in enrolments:
        classes.setdefault(str(enrolment.school_class), []).append(enrolment)
    if not classes:
        raise Http404("Дневник не найден.")
    return render(request, "diary/students.html", {"classes": classes})


@login_required
def week(request, student_id: int):
    opened = _open(request, student_id)
    today = timezone.localdate()
    monday, error = parse_week(request.GET.get("week"), today)
    the_week = queries.student_week(opened.student, opened.enrolments, monday, today)
    # The family's current notices; those for the parents only are not the student's own.
    notices = list(shown_in_diary(opened.student, parents=opened.student.user_id
                                  != request.user.pk).select_related("school_class")[:NOTICES])
    return _render(request, "diary/week.html", opened, "diary:week", week=the_week,
                   week_error=error, marks_allowed=_gets_marks(the_week.enrolment),
                   notices=notices)


def _period_context(request, opened: Opened):
    """The year, its periods for the student's grade and the chosen period."""
    enrolment = opened.current
    if enrolment is None:
        return None, [], None
    year = enrolment.school_class.year
    periods = queries.periods_of(year, enrolment.school_class.grade)
    period = queries.choose_period(periods, request.GET.get("period"), timezone.localdate())
    return year, periods, period


@login_required
def marks(request, student_id: int):
    opened = _open(request, student_id)
    year, periods, period = _period_context(request, opened)
    subjects = []
    if year is not None and period is not None:
        assignments = queries.assignments_of(opened.student, year, opened.class_ids)
        subjects = queries.build_marks(opened.student, year, assignments, period)
    return _render(request, "diary/marks.html", opened, "diary:marks", periods=periods,
                   period=period, subjects=subjects,
                   marks_allowed=_gets_marks(opened.current))


def _chosen_year(request, years: list[AcademicYear]) -> AcademicYear | None:
    """The year asked for (`?year=<id>`) among the student's years, else the current one; 404
    for a year the student was not enrolled in."""
    wanted = request.GET.get("year")
    if not wanted:
        return years[0] if years else None
    year = next((y for y in years if str(y.pk) == wanted), None)
    if year is None:
        raise Http404("Учебный год не найден.")
    return year


@login_required
def finals(request, student_id: int):
    """Term, year, exam and final marks of a year the student was enrolled in: the current one,
    or an earlier one chosen (last year's after the rollover)."""
    opened = _open(request, student_id)
    today = timezone.localdate()
    years = opened.enrolments.years(today)
    year = _chosen_year(request, years)
    enrolment = opened.enrolments.in_year(year, today) if year else None
    periods, rows = [], []
    if enrolment is not None:
        periods = queries.periods_of(year, enrolment.school_class.grade)
        class_ids = [c.pk for c in opened.enrolments.classes_of(year)]
        assignments = queries.assignments_of(opened.student, year, class_ids)
        rows = queries.build_finals(opened.student, assignments, periods)
    return _render(request, "diary/finals.html", opened, "diary:finals", periods=periods,
                   rows=rows, year=year, years=years, year_enrolment=enrolment,
                   marks_allowed=_gets_marks(enrolment))


@login_required
def attendance(request, student_id: int):
    opened = _open(request, student_id)
    year, periods, period = _period_context(request, opened)
    if request.GET.get("period") == "year":
        period = None
    report = queries.build_attendance(opened.student, year, periods, period) if year else None
    return _render(request, "diary/attendance.html", opened, "diary:attendance",
                   periods=periods, period=period, report=report, year=year)


@login_required
def homework(request, student_id: int):
    opened = _open(request, student_id)
    items = queries.homework_due(opened.student, opened.class_ids, timezone.localdate())
    days: dict = {}
    for item in items:
        days.setdefault(item.due, []).append(item)
    return _render(request, "diary/homework.html", opened, "diary:homework", days=days)


@login_required
def chart(request, student_id: int):
    opened = _open(request, student_id)
    year, periods, _ = _period_context(request, opened)
    charts = []
    if year is not None:
        until = max((p.ends_on for p in periods), default=None)
        charts = averages_charts(*queries.monthly_averages(opened.student, year, until))
    return _render(request, "diary/chart.html", opened, "diary:chart", charts=charts,
                   year=year)

