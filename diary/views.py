"""The diary's pages: read-only, every one for one student whose id is in the URL and who is
opened through `diary.access`.

A page is its body, the same for every reader on the day and kept in the cache
(`diary.fragments`), in the layout rendered for each request: who reads, the family switcher,
the notices and notifications, and the «new since your last visit» marks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache as cache_function
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.access import navigation_key, navigation_of, person_of
from accounts.models import PersonalDataEvent, Student
from accounts.services import personal_data
from diary import family_cache, fragments, pages, queries
from diary.access import access_student, family_of, students_visible_to
from diary.chart import averages_charts
from ejournal.cache import prefetched
from journal import versions
from journal.models import AcademicYear, Enrolment
from journal.weeks import parse_week
from messaging.notices.queries import in_diary, notices_change_after
from messaging.unread import counts_key

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
    # The cached family's (`diary.family_cache`); None when the student was found otherwise.
    family_token: int | None = None

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
    """The family's own students and their classes come from the cache (`diary.family_cache`),
    else in one query; anybody else (and a child of the family never yet in a class, or not
    yet in the cached list) goes through the access check. Outsiders get
    404. The menu's flags (`navigation_of`, from the cache) say whether the user is a student
    or a parent, so which half of the family to read: a flag behind a change of roles costs
    the access check's queries, never a wrong answer."""
    flags = navigation_of(request)
    family = family_cache.family_enrolments(request.user, themself=flags.is_student,
                                            children=flags.is_parent,
                                            today=timezone.localdate())
    students = [student for student, _ in family.members]
    for student, enrolments in family.members:
        if student.pk == student_id:
            return Opened(student=student, family=students, as_staff=False,
                          enrolments=enrolments, family_token=family.token)
    student = access_student(request.user, student_id)
    as_staff = not family_of(request.user).filter(pk=student.pk).exists()
    if not as_staff:
        students = sorted([*students, student], key=lambda s: (
            s.user.last_name, s.user.first_name, s.pk))
    return Opened(student=student, family=students, as_staff=as_staff,
                  enrolments=queries.enrolments_of(student))


def _body(opened: Opened, lookup: pages.Lookup, choices: tuple, today: dt.date,
          build: Callable[[], dict]) -> str:
    """The page's body (`diary/_<name>.html`) for the student, the `choices` of the page
    (week, period, year) and today: from the cache, else rendered from `build()`."""
    name = lookup.name
    return fragments.body(name, opened.student, opened.enrolments.rows, choices, today,
                          lambda: render_to_string(f"diary/_{name}.html", {
                              "student": opened.student, "today": today, **build()}))


@cache_function
def _diary_path() -> str:
    return reverse("diary:index")


def read_ahead(request, user_id: int) -> list[str]:
    """The keys a diary page reads first, each in its own module (the menu, the unread counts,
    the family, the kept page): read with the session's user (`ejournal.cache`)."""
    if not request.path_info.startswith(_diary_path()):
        return []
    return [navigation_key(user_id), counts_key(user_id), *family_cache.cache_keys(user_id),
            pages.key_of(user_id, request)]


def _versions_read_ahead(request, student_id: int):
    """The data versions the family's cached entry and the student's kept page are checked
    against, read in one round trip."""
    cached = family_cache.cached(request.user.pk)
    if cached is None:
        return nullcontext()
    schools, family = cached
    keys = versions.stamp_keys((), schools)
    for student, enrolments in family.members:
        if student.pk == student_id:
            class_ids, school_id = fragments.scope(student, enrolments.rows)
            keys += versions.stamp_keys(class_ids, [school_id])
    return prefetched(keys)


def diary_page(name: str):
    """A diary page's view, called with the student opened for the reader (`_open`) when the
    page is not kept for them (`diary.pages`)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def page(request, student_id: int):
            with _versions_read_ahead(request, student_id):
                opened = _open(request, student_id)
                lookup = pages.look_up(request, opened, name)
            return lookup.response or view(request, opened, lookup)
        return page
    return decorate


def _render(request, opened: Opened, body: str, lookup: pages.Lookup,
            until: dt.datetime | None = None, **context):
    """The page around its body. A family member's is kept for their next visit
    (`diary.pages`) and served with their visit recorded; staff looking in go to the
    personal-data log instead, and see nothing marked new."""
    page, template = lookup.page, f"diary/{lookup.name}.html"
    context = {"student": opened.student, "family": opened.family if not opened.as_staff else [],
               "as_staff": opened.as_staff, "enrolment": opened.current, "page": page,
               "pages": PAGES, **context}
    if opened.as_staff:
        personal_data.record_view(request.user, request, opened.student.user,
                                  PersonalDataEvent.Kind.VIEW_DIARY,
                                  "дневник: " + next(title for name, title, _ in PAGES if name == page))
        return render(request, template, {**context, "body": fragments.with_new(body, None)})
    html = render_to_string(template, {**context, "body": mark_safe(body),  # noqa: S308
                                       "csrf_token": pages.CSRF_SLOT}, request)
    pages.keep(request, lookup, html, until)
    return pages.serve(request, opened, page, html)


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


@diary_page("diary:week")
def week(request, opened: Opened, lookup: pages.Lookup):
    today = timezone.localdate()
    monday, error = parse_week(request.GET.get("week"), today)

    def build() -> dict:
        the_week = queries.student_week(opened.student, opened.enrolments, monday, today)
        return {"week": the_week, "marks_allowed": _gets_marks(the_week.enrolment)}

    body = _body(opened, lookup, (monday,), today, build)
    # The family's current notices; those for the parents only are not the student's own.
    enrolled_now = [e.school_class for e in opened.enrolments.rows
                    if e.is_active_on(today) and e.school_class.year.is_current]
    notices = in_diary(enrolled_now, parents=opened.student.user_id != request.user.pk)[:NOTICES]
    return _render(request, opened, body, lookup,
                   until=notices_change_after(enrolled_now), week_error=error, monday=monday,
                   notices=notices)


def _period_context(request, opened: Opened, today: dt.date):
    """The year, its periods for the student's grade and the chosen period."""
    enrolment = opened.current
    if enrolment is None:
        return None, [], None
    year = enrolment.school_class.year
    periods = queries.periods_of(year, enrolment.school_class.grade)
    period = queries.choose_period(periods, request.GET.get("period"), today)
    return year, periods, period


def _period_asked(request, *choices: str) -> str:
    """The `period` asked for, as the cache key has it: an id, one of `choices`, else ""."""
    wanted = request.GET.get("period") or ""
    return wanted if wanted.isdigit() or wanted in choices else ""


@diary_page("diary:marks")
def marks(request, opened: Opened, lookup: pages.Lookup):
    today = timezone.localdate()

    def build() -> dict:
        year, periods, period = _period_context(request, opened, today)
        subjects = []
        if year is not None and period is not None:
            assignments = queries.assignments_of(opened.student, year, opened.class_ids)
            subjects = queries.build_marks(opened.student, year, assignments, period)
        return {"periods": periods, "period": period, "subjects": subjects,
                "marks_allowed": _gets_marks(opened.current)}

    body = _body(opened, lookup, (_period_asked(request),), today, build)
    return _render(request, opened, body, lookup)


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


@diary_page("diary:finals")
def finals(request, opened: Opened, lookup: pages.Lookup):
    """Term, year, exam and final marks of a year the student was enrolled in: the current one,
    or an earlier one chosen (last year's after the rollover)."""
    today = timezone.localdate()
    years = opened.enrolments.years(today)
    year = _chosen_year(request, years)

    def build() -> dict:
        enrolment = opened.enrolments.in_year(year, today) if year else None
        periods, rows = [], []
        if enrolment is not None:
            periods = queries.periods_of(year, enrolment.school_class.grade)
            class_ids = [c.pk for c in opened.enrolments.classes_of(year)]
            assignments = queries.assignments_of(opened.student, year, class_ids)
            rows = queries.build_finals(opened.student, assignments, periods)
        return {"periods": periods, "rows": rows, "year": year, "years": years,
                "year_enrolment": enrolment, "marks_allowed": _gets_marks(enrolment)}

    body = _body(opened, lookup, (year.pk if year else None,), today, build)
    return _render(request, opened, body, lookup)


@diary_page("diary:attendance")
def attendance(request, opened: Opened, lookup: pages.Lookup):
    today = timezone.localdate()

    def build() -> dict:
        year, periods, period = _period_context(request, opened, today)
        if request.GET.get("period") == "year":
            period = None
        report = queries.build_attendance(opened.student, year, periods, period) if year else None
        return {"periods": periods, "period": period, "report": report, "year": year}

    body = _body(opened, lookup, (_period_asked(request, "year"),), today, build)
    return _render(request, opened, body, lookup)


@diary_page("diary:homework")
def homework(request, opened: Opened, lookup: pages.Lookup):
    today = timezone.localdate()

    def build() -> dict:
        days: dict = {}
        for item in queries.homework_due(opened.student, opened.class_ids, today):
            days.setdefault(item.due, []).append(item)
        return {"days": days}

    body = _body(opened, lookup, (), today, build)
    return _render(request, opened, body, lookup)


@diary_page("diary:chart")
def chart(request, opened: Opened, lookup: pages.Lookup):
    today = timezone.localdate()

    def build() -> dict:
        year, periods, _ = _period_context(request, opened, today)
        charts = []
        if year is not None:
            until = max((p.ends_on for p in periods), default=None)
            charts = averages_charts(*queries.monthly_averages(opened.student, year, until))
        return {"charts": charts, "year": year}

    body = _body(opened, lookup, (), today, build)
    return _render(request, opened, body, lookup)
