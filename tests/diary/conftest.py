"""The diary's tests: time frozen on a Monday of the second quarter, and a small week of
lessons of Василий Петров (5А) that the teachers filled in through the journal's services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from journal.models import AssessmentType, Lesson
from journal.services.cells import set_cell
from journal.services.homework import set_homework
from journal.services.rights import sync_class_rights
from tests.conftest import make_student, make_user
from tests.journal.journal_setup import TODAY, at, make_lesson

PAGES = ["diary:week", "diary:marks", "diary:finals", "diary:attendance", "diary:homework",
         "diary:chart"]
LAST_MONDAY = TODAY - dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def vasya(children):
    return children[0]


@pytest.fixture
def masha(children):
    return children[1]


@pytest.fixture
def classmate(small_school):
    return make_student(small_school.school, "kolya", "Козлов", "Николай", small_school.class_5a)


@pytest.fixture
def ivanov(small_school) -> User:
    """Teaches maths in 5Б and the 2nd English group of 5А."""
    return User.objects.get(username="ivanov")


@pytest.fixture
def class_teacher_5b(small_school) -> User:
    user = make_user("klass5b", "Белова", "Ирина", "Олеговна")
    small_school.class_5b.class_teacher = user
    small_school.class_5b.save()
    sync_class_rights(small_school.class_5b)
    return user


def url(name: str, student, **query) -> str:
    address = reverse(name, args=[student.pk])
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


def control_work(school) -> AssessmentType:
    return AssessmentType.objects.get(school=school, name="Контрольная работа")


@pytest.fixture
def todays_maths(small_school, teacher, vasya) -> Lesson:
    """Today's maths lesson with a topic, homework due next Monday and Василий's «5»."""
    lesson = make_lesson(small_school.maths_5a, TODAY, number=2, topic="Сложение дробей",
                         room="21")
    next_lesson = make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=7), number=2)
    set_homework(teacher, lesson, text="№ 245, 247", due_lesson=next_lesson)
    set_cell(teacher, lesson, vasya, "5")
    return lesson
