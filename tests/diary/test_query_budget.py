"""Every diary page costs at most eight queries, the session and the user included, for a parent
and for the student, with its body built from the journal (the first visit after the teacher's
save) and read from the cache (the visit after that), with production's Redis. The week holds
two marks in one cell, absences, homework with a file, a control work, a substitution, an
event, a notice and an unread notification: the worst a page meets, whatever the amount of
data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.access import Person
from accounts.models import Student, User
from diary import queries, views
from diary.access import family_of
from journal.models import AssessmentType, Lesson, StudyPeriod
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import add_homework_files, set_homework
from messaging.models import Announcement, Notification, SchoolEvent
from tests.conftest import SmallSchool, build_small_school, built_once, make_children, make_parent
from tests.diary.budget import BUDGET
from tests.diary.conftest import PAGES, url
from tests.journal.journal_setup import TODAY, at, make_lesson
from tests.redis_cache import redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")
LAST_MONDAY = TODAY - dt.timedelta(days=7)


@dataclass
class Filled:
    small: SmallSchool
    teacher: User
    parent: User
    vasya: Student
    lesson: Lesson


def _build() -> Filled:
    small = build_small_school()
    teacher, class_teacher = small.maths_5a.teacher, small.class_5a.class_teacher
    vasya, masha = make_children(small)
    parent = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    small.english_5a_group1.subgroup.students.add(vasya)
    control = AssessmentType.objects.get(school=small.school, name="Контрольная работа")
    for monday in (LAST_MONDAY, TODAY):
        for offset in range(5):
            day = monday + dt.timedelta(days=offset)
            maths = make_lesson(small.maths_5a, day, 2, topic=f"Тема {day:%d.%m}",
                                assessment_type=control if offset == 2 else None)
            russian = make_lesson(small.russian_5a, day, 3, substitute=teacher
                                  if offset == 1 else None)
            english = make_lesson(small.english_5a_group1, day, 4)
            if day <= TODAY:
                set_cell(teacher, maths, vasya, "5/4")
                set_cell(class_teacher, russian, vasya, "н" if offset % 2 else "оп5")
                set_cell(teacher, english, vasya, "4")
            set_homework(teacher, maths, text=f"Задачи к {day:%d.%m}")
            set_homework(class_teacher, russian, text=f"Упражнение к {day:%d.%m}")
    add_homework_files(teacher, maths, [SimpleUploadedFile("Лист.txt", "Задачи".encode(),
                                                           content_type="text/plain")])
    first = StudyPeriod.objects.get(year=small.year, kind="quarter", number=1)
    set_final_mark(teacher, small.maths_5a, vasya, "period", first, "5")
    SchoolEvent.objects.create(school=small.school, school_class=small.class_5a,
                               title="Родительское собрание", date=TODAY + dt.timedelta(days=3),
                               author=class_teacher)
    Announcement.objects.create(school=small.school, audience=Announcement.Audience.SCHOOL,
                                title="Новость", body="Текст", author=class_teacher,
                                publish_at=at(TODAY) - dt.timedelta(days=1))
    for user in (parent, vasya.user):
        Notification.objects.create(recipient=user, event="low_mark", key=f"test:{user.pk}",
                                    student=vasya, title="Отметка «2»", text="Математика")
    lesson = Lesson.objects.get(assignment=small.maths_5a, date=TODAY)
    return Filled(small, teacher, parent, vasya, lesson)


built = built_once(_build, at(TODAY))


@pytest.fixture
def filled(db, built) -> Filled:
    return built


def _queries(client: Client, address: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("reader", ["parent", "student"])
def test_a_diary_page_costs_at_most_eight_queries_built_and_cached(filled, page, reader):
    client = Client()
    client.force_login(filled.parent if reader == "parent" else filled.vasya.user)
    # Another page first: the session, the menu and the visits settle as for any reader.
    other = next(name for name in PAGES if name != page)
    with time_machine.travel(at(TODAY, 17), tick=False):
        assert client.get(url(other, filled.vasya)).status_code == 200
        set_cell(filled.teacher, filled.lesson, filled.vasya, "3")   # the page's body is stale
    address = url(page, filled.vasya, **({"week": LAST_MONDAY} if page == "diary:week" else {}))
    with time_machine.travel(at(TODAY, 18), tick=False):
        built_now = _queries(client, address)
    with time_machine.travel(at(TODAY, 19), tick=False):
        cached = _queries(client, address)

    assert len(built_now) <= BUDGET, "\n".join(built_now)
    assert len(cached) <= BUDGET, "\n".join(cached)
    assert len(cached) < len(built_now)


def test_the_week_with_one_lesson_costs_what_a_full_one_does(filled):
    client = Client()
    client.force_login(filled.parent)
    # Another week first: the menu, the family and the school's notices settle in the cache.
    client.get(url("diary:week", filled.vasya, week=LAST_MONDAY - dt.timedelta(days=14)))
    full = _queries(client, url("diary:week", filled.vasya, week=TODAY))
    make_lesson(filled.small.maths_5a, LAST_MONDAY - dt.timedelta(days=7), 2)
    one = _queries(client, url("diary:week", filled.vasya,
                               week=LAST_MONDAY - dt.timedelta(days=7)))
    assert len(one) == len(full)


# The family read with the page ---------------------------------------------------------------

def test_the_familys_enrolments_are_read_by_the_access_rule(filled):
    masha = Student.objects.get(user__username="masha")
    for user, flags in ((filled.parent, {"children": True, "themself": False}),
                        (filled.vasya.user, {"children": False, "themself": True})):
        found = [student for student, _ in queries.family_enrolments(user, **flags)]
        assert found == list(family_of(user).order_by("user__last_name", "user__first_name"))
        assert found == [student for student, _ in queries.family_enrolments(user)]
    assert [s for s, _ in queries.family_enrolments(filled.parent)] == [filled.vasya, masha]
    assert queries.family_enrolments(filled.teacher) == []


@pytest.mark.parametrize("stale", [{"is_parent": False}, {"is_student": True, "is_parent": False}])
def test_a_menu_flag_behind_a_change_of_roles_still_opens_the_childs_diary(filled, stale,
                                                                           monkeypatch):
    """The menu's flags only say which half of the family to read."""
    real = views.navigation_of

    def behind(request):
        person = real(request)
        return Person(user=person.user, staff_roles=person.staff_roles, **{
            name: stale.get(name, getattr(person, name)) for name in
            ("is_parent", "is_student", "has_journals", "leads_classes")})

    monkeypatch.setattr(views, "navigation_of", behind)
    client = Client()
    client.force_login(filled.parent)
    page = client.get(url("diary:week", filled.vasya)).content.decode()
    assert 'data-testid="diary-student">Петров Василий' in page
    assert 'data-testid="family-view-banner"' not in page
    assert client.get(url("diary:week", Student.objects.get(user__username="masha"))
                      ).status_code == 200
