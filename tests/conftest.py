"""The fixed cast of the test suite and the small school they work in (see STYLE.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction

from accounts.models import Parent, ParentStudent, StaffRole, Student, User
from accounts.roles import Role
from journal.models import (
    AcademicYear,
    AssessmentType,
    BellSchedule,
    Enrolment,
    Holiday,
    School,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    Subject,
    TeachingAssignment,
    TimetableSlot,
)
from journal.services.rights import sync_class_rights, sync_journal_rights

PASSWORD = "Проверка-2026"
YEAR_START = dt.date(2026, 9, 1)
YEAR_END = dt.date(2027, 8, 31)


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL') or 'SQLite (embedded)'}"


@pytest.fixture(autouse=True, scope="session")
def _database_is_what_ci_asked_for(django_db_setup, django_db_blocker):
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI must run the tests on PostgreSQL"


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    """Nothing cached by one test is seen by the next: module-wide schools give their ids to
    every test of the module, and a counter such as the senders' rate would carry over. The
    Redis cache of a run is shared with nobody else's keys (its own prefix): only those go."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor_too(monkeypatch):
    """`client.force_login` skips the password; for a user who needs the second factor it now
    skips the code as well (their session is verified with an authenticator made for the test),
    so that tests of the director's or the administrator's pages open them as before. Tests of
    the second factor itself sign in through the pages (tests/accounts/test_two_factor.py)."""
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.signin.two_factor import second_factor_needed

    force_login = ClientMixin.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if User.objects.filter(pk=user.pk).annotate(needed=second_factor_needed()) \
                .filter(needed=True).exists():
            device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                      or TOTPDevice.objects.create(user=user, name="тест", confirmed=True))
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_verified)


def make_user(login: str, last: str, first: str, patronymic: str = "", **extra) -> User:
    return User.objects.create_user(username=login, password=PASSWORD, last_name=last,
                                    first_name=first, patronymic=patronymic, **extra)


def make_student(school: School, login: str, last: str, first: str, school_class: SchoolClass,
                 sex: str = "m", birth=dt.date(2015, 3, 14)) -> Student:
    student = Student.objects.create(user=make_user(login, last, first), school=school,
                                     birth_date=birth, sex=sex)
    Enrolment.objects.create(student=student, school_class=school_class, enrolled_on=YEAR_START)
    return student


def make_staff(school: School, login: str, last: str, first: str, patronymic: str = "",
               role: str = Role.TEACHER) -> User:
    user = make_user(login, last, first, patronymic)
    StaffRole.objects.create(user=user, school=school, role=role)
    return user


def make_parent(login: str, last: str, first: str, patronymic: str, children, *,
                relation: str = "mother", phone: str = "", **extra) -> User:
    user = make_user(login, last, first, patronymic, **extra)
    parent = Parent.objects.create(user=user, phone=phone)
    for child in children:
        ParentStudent.objects.create(parent=parent, student=child, relation=relation)
    return user


@dataclass
class SmallSchool:
    school: School
    year: AcademicYear
    class_1a: SchoolClass
    class_5a: SchoolClass
    class_5b: SchoolClass
    class_10a: SchoolClass
    maths: Subject
    russian: Subject
    english: Subject
    maths_5a: TeachingAssignment
    russian_5a: TeachingAssignment
    maths_5b: TeachingAssignment
    english_5a_group1: TeachingAssignment
    english_5a_group2: TeachingAssignment
    reading_1a: TeachingAssignment


# Builders for the fixtures below, and for modules that build the school once (the rights
# matrix) ------------------------------------------------------------------------------------

def make_school() -> School:
    school = School.objects.create(name="Муниципальное бюджетное общеобразовательное учреждение "
                                        "«Средняя школа № 7»", short_name="Школа № 7")
    for number, (start, end) in enumerate([(dt.time(8, 30), dt.time(9, 15)),
                                           (dt.time(9, 25), dt.time(10, 10)),
                                           (dt.time(10, 30), dt.time(11, 15))], start=1):
        BellSchedule.objects.create(school=school, lesson_number=number, starts_at=start,
                                    ends_at=end)
    AssessmentType.objects.create(school=school, name="Ответ на уроке", weight=1)
    AssessmentType.objects.create(school=school, name="Контрольная работа", weight=3,
                                  is_written=True)
    return school


def make_year(school: School) -> AcademicYear:
    year = AcademicYear.objects.create(school=school, name="2026/2027", starts_on=YEAR_START,
                                       ends_on=YEAR_END, is_current=True)
    quarters = [(dt.date(2026, 9, 1), dt.date(2026, 10, 24)),
                (dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
                (dt.date(2027, 1, 12), dt.date(2027, 3, 20)),
                (dt.date(2027, 3, 30), dt.date(2027, 5, 26))]
    for number, (start, end) in enumerate(quarters, start=1):
        StudyPeriod.objects.create(year=year, kind="quarter", number=number, starts_on=start,
                                   ends_on=end, grade_from=1, grade_to=9)
    halves = [(dt.date(2026, 9, 1), dt.date(2026, 12, 28)), (dt.date(2027, 1, 12),
                                                              dt.date(2027, 5, 26))]
    for number, (start, end) in enumerate(halves, start=1):
        StudyPeriod.objects.create(year=year, kind="half", number=number, starts_on=start,
                                   ends_on=end, grade_from=10, grade_to=11)
    Holiday.objects.create(year=year, name="День народного единства",
                           starts_on=dt.date(2026, 11, 4), ends_on=dt.date(2026, 11, 4))
    return year


def make_small_school(school: School, year: AcademicYear, teacher: User,
                      class_teacher: User) -> SmallSchool:
    """Classes 1А, 5А (led by `class_teacher`), 5Б, 10А and six journals: `teacher` keeps maths
    and the 1st English group in 5А, Иванов (no staff role) maths in 5Б and the 2nd group."""
    class_1a = SchoolClass.objects.create(year=year, grade=1, letter="А")
    class_5a = SchoolClass.objects.create(year=year, grade=5, letter="А",
                                          class_teacher=class_teacher)
    class_5b = SchoolClass.objects.create(year=year, grade=5, letter="Б")
    class_10a = SchoolClass.objects.create(year=year, grade=10, letter="А")
    sync_class_rights(class_5a)
    maths = Subject.objects.create(school=school, name="Математика", order=1)
    russian = Subject.objects.create(school=school, name="Русский язык", order=2)
    english = Subject.objects.create(school=school, name="Английский язык", order=3)
    reading = Subject.objects.create(school=school, name="Литературное чтение", order=4)
    other_teacher = make_user("ivanov", "Иванов", "Сергей", "Петрович")
    group1 = Subgroup.objects.create(school_class=class_5a, subject=english, name="1 группа")
    group2 = Subgroup.objects.create(school_class=class_5a, subject=english, name="2 группа")

    def assign(who, subject, school_class, subgroup=None):
        assignment = TeachingAssignment.objects.create(year=year, teacher=who, subject=subject,
                                                       school_class=school_class,
                                                       subgroup=subgroup)
        sync_journal_rights(assignment)
        return assignment

    return SmallSchool(
        school=school, year=year, class_1a=class_1a, class_5a=class_5a, class_5b=class_5b,
        class_10a=class_10a, maths=maths, russian=russian, english=english,
        maths_5a=assign(teacher, maths, class_5a),
        russian_5a=assign(class_teacher, russian, class_5a),
        maths_5b=assign(other_teacher, maths, class_5b),
        english_5a_group1=assign(teacher, english, class_5a, group1),
        english_5a_group2=assign(other_teacher, english, class_5a, group2),
        reading_1a=assign(class_teacher, reading, class_1a),
    )


def built_once(build: Callable[[], Any], moment: dt.datetime | None = None):
    """A module-scoped fixture `built`: `build()` run once for the module's tests (at `moment`,
    if given) and rolled back after them — for tests that only read what it made."""
    @pytest.fixture(name="built", scope="module")
    def built_fixture(django_db_setup, django_db_blocker):
        clock = (time_machine.travel(moment, tick=False) if moment
                 else contextlib.nullcontext())
        with django_db_blocker.unblock(), transaction.atomic(), clock:
            yield build()
            transaction.set_rollback(True)
    return built_fixture


def build_small_school() -> SmallSchool:
    """The small school of the fixtures below (teacher «matveeva», class teacher «klassnaya»),
    for data built once per module outside the function-scoped fixtures."""
    school = make_school()
    year = make_year(school)
    return make_small_school(school, year, make_teacher(school), make_class_teacher(school))


def make_teacher(school: School) -> User:
    return make_staff(school, "matveeva", "Матвеева", "Ольга", "Игоревна")


def make_class_teacher(school: School) -> User:
    return make_staff(school, "klassnaya", "Руднева", "Анна", "Павловна")


def make_children(small_school: SmallSchool) -> tuple[Student, Student]:
    """Василий in 5А and his sister Мария in 1А."""
    first = make_student(small_school.school, "vasya", "Петров", "Василий",
                         small_school.class_5a)
    second = make_student(small_school.school, "masha", "Петрова", "Мария", small_school.class_1a,
                          sex="f", birth=dt.date(2019, 5, 2))
    return first, second


# The cast ------------------------------------------------------------------------------------

@pytest.fixture
def school(db) -> School:
    return make_school()


@pytest.fixture
def year(school) -> AcademicYear:
    return make_year(school)


@pytest.fixture
def teacher(school) -> User:
    return make_teacher(school)


@pytest.fixture
def substitute(school) -> User:
    return make_staff(school, "zamenin", "Заменин", "Пётр", "Сергеевич")


@pytest.fixture
def class_teacher(school) -> User:
    return make_class_teacher(school)


@pytest.fixture
def deputy(school) -> User:
    return make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)


@pytest.fixture
def administrator(school) -> User:
    return make_staff(school, "admin", "Админов", "Игорь", "Николаевич", role=Role.ADMINISTRATOR)


@pytest.fixture
def director(school) -> User:
    return make_staff(school, "director", "Директорова", "Марина", "Львовна", role=Role.DIRECTOR)


@pytest.fixture
def data_officer(school) -> User:
    return make_staff(school, "dpo", "Орлов", "Андрей", "Викторович", role=Role.DATA_OFFICER)


@pytest.fixture
def diary_coordinator(school) -> User:
    return make_staff(school, "coordinator", "Белова", "Татьяна", "Сергеевна",
                      role=Role.DIARY_COORDINATOR)


@pytest.fixture
def secretary(school) -> User:
    return make_staff(school, "secretary", "Григорьева", "Светлана", "Петровна",
                      role=Role.SECRETARY)


@pytest.fixture
def small_school(school, year, teacher, class_teacher) -> SmallSchool:
    return make_small_school(school, year, teacher, class_teacher)


@pytest.fixture
def children(small_school) -> tuple[Student, Student]:
    return make_children(small_school)


@pytest.fixture
def parent(children) -> User:
    return make_parent("petrova", "Петрова", "Наталья", "Андреевна", children,
                       email="petrova@example.ru", phone="+7 900 111-22-33")


@pytest.fixture
def outsider_child(small_school) -> Student:
    return make_student(small_school.school, "chuzhoy", "Сидоров", "Артём", small_school.class_5b)


@pytest.fixture
def outsider_parent(outsider_child) -> User:
    return make_parent("sidorov", "Сидоров", "Олег", "Иванович", [outsider_child],
                       relation="father")


@pytest.fixture
def weekly_slot(small_school):
    """Maths in 5А on Mondays, 2nd lesson, the whole year."""
    return TimetableSlot.objects.create(assignment=small_school.maths_5a, weekday=1,
                                        lesson_number=2, room="21", valid_from=YEAR_START,
                                        valid_to=YEAR_END)
