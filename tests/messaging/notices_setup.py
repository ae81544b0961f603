"""The school the notices' and events' tests share, built once per module (inside a transaction
rolled back at its end): school № 7 of `tests.conftest` with every kind of poster and reader,
its families, school № 9 next door, and one notice of each kind for each audience. Time is
frozen on NOW, a Monday afternoon of the second quarter. The fixtures are imported by their
function names (`world_fixture`) and used by their fixture names (`world`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from accounts.roles import Role
from journal.models import School, SchoolClass
from messaging.models import Announcement, SchoolEvent
from tests.accounts.role_pages_setup import make_other_school
from tests.conftest import (
    build_small_school,
    make_children,
    make_parent,
    make_staff,
    make_student,
)
from tests.journal.journal_setup import MOSCOW

NOW = dt.datetime(2026, 11, 16, 14, 0, tzinfo=MOSCOW)
TODAY = NOW.date()
Kind = Announcement.Kind
Audience = Announcement.Audience


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


@dataclass
class World:
    school: School
    other_school: School
    classes: dict[str, SchoolClass]          # "1А", "5А", "5Б", "10А", "other 5А"
    users: dict[str, User]
    notices: dict[str, Announcement] = field(default_factory=dict)
    events: dict[str, SchoolEvent] = field(default_factory=dict)


# Who is who. Staff of school № 7: a role each (Иванов has none: he only teaches 5Б).
STAFF = {
    "editor": ("redaktor", "Лебедева", Role.NEWS_EDITOR),
    "secretary": ("secretary", "Григорьева", Role.SECRETARY),
    "director": ("director", "Директорова", Role.DIRECTOR),
    "deputy": ("zavuch", "Завьялова", Role.DEPUTY),
    "administrator": ("admin", "Админов", Role.ADMINISTRATOR),
    "data_officer": ("dpo", "Орлов", Role.DATA_OFFICER),
}
# Everybody the matrices go through.
CAST = ["editor", "secretary", "director", "deputy", "administrator", "data_officer", "teacher",
        "ivanov", "class_teacher", "parent", "vasya", "masha", "outsider_parent",
        "outsider_child", "other_parent", "other_director"]


def notice(world: World, author: str, title: str, *, kind: str = Kind.NOTICE,
           audience: str = Audience.SCHOOL, school: School | None = None, grade=None,
           school_class: str | None = None, publish_at=None, expires_at=None) -> Announcement:
    return Announcement.objects.create(
        school=school or world.school, kind=kind, audience=audience, grade=grade,
        school_class=world.classes[school_class] if school_class else None, title=title,
        body=f"Текст: {title}", author=world.users[author],
        publish_at=publish_at or NOW - dt.timedelta(days=1), expires_at=expires_at)


def build() -> World:
    small = build_small_school()
    school = small.school
    teacher, class_teacher = small.maths_5a.teacher, small.class_5a.class_teacher
    vasya, masha = make_children(small)
    parent = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    outsider_child = make_student(school, "chuzhoy", "Сидоров", "Артём", small.class_5b)
    outsider_parent = make_parent("sidorov", "Сидоров", "Олег", "Иванович", [outsider_child],
                                  relation="father")
    users = {name: make_staff(school, login, last, "Тест", role=role)
             for name, (login, last, role) in STAFF.items()}
    users.update(teacher=teacher, class_teacher=class_teacher,
                 ivanov=User.objects.get(username="ivanov"), parent=parent,
                 vasya=vasya.user, masha=masha.user, outsider_parent=outsider_parent,
                 outsider_child=outsider_child.user)

    other = make_other_school()
    users["other_parent"] = other.parent
    users["other_director"] = make_staff(other.school, "director9", "Девятова", "Нина",
                                         role=Role.DIRECTOR)

    world = World(school=school, other_school=other.school, users=users, classes={
        "1А": small.class_1a, "5А": small.class_5a, "5Б": small.class_5b,
        "10А": small.class_10a, "other 5А": other.school_class})
    world.notices = {
        "news": notice(world, "editor", "Новость школы", kind=Kind.NEWS),
        "school": notice(world, "secretary", "Объявление для всей школы"),
        "staff": notice(world, "director", "Педсовет", audience=Audience.STAFF),
        "parents": notice(world, "deputy", "Для родителей", audience=Audience.PARENTS),
        "grade 5": notice(world, "administrator", "Пятые классы", audience=Audience.GRADE,
                          grade=5),
        "class 5А": notice(world, "class_teacher", "Пятый А", audience=Audience.CLASS,
                           school_class="5А"),
        "class 5Б": notice(world, "secretary", "Пятый Б", audience=Audience.CLASS,
                           school_class="5Б"),
        "grade 1": notice(world, "secretary", "Первые классы", audience=Audience.GRADE,
                          grade=1),
        "expired": notice(world, "secretary", "Прошедшее", publish_at=NOW - dt.timedelta(
            days=10), expires_at=NOW - dt.timedelta(minutes=1)),
        "future": notice(world, "secretary", "Будущее", publish_at=NOW + dt.timedelta(hours=1)),
        "other school": notice(world, "other_director", "Новости школы № 9",
                               school=other.school),
    }
    return world


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=media), \
            time_machine.travel(NOW, tick=False):
        yield build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True, name="frozen_now")
def frozen_now_fixture():
    with time_machine.travel(NOW, tick=False):
        yield

