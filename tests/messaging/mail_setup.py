"""The school of the mail's tests, built once per module inside a transaction rolled back at
its end; each test runs in its own savepoint (the `db` fixture), so what it sends is gone for
the next. Time is frozen on Monday 23 November 2026, in the second quarter.

School № 7 (the small school of tests/conftest.py) with:
- 5А led by Руднева (klassnaya): Василий Петров (1st English group), Николай Козлов (2nd);
  Матвеева (matveeva) teaches 5А maths and the 1st group, Иванов (ivanov, no staff role) 5Б
  maths and the 2nd group, Руднева also reading in 1А;
- 1А: Мария Петрова; 5Б led by Белова (klass5b): Артём Сидоров; 10А: nobody;
- parents: Петрова (petrova: Василий and Мария), Козлова (kozlova: Николай), Сидоров
  (sidorov: Артём);
- the administration (director, zavuch, admin, secretary), a news editor (editor), the
  e-diary coordinator (coordinator), the personal-data officer (dpo) and the timetable
  dispatcher (dispatcher);
School № 9 with its director (director9), a student and her mother; and «nobody», who
belongs to no school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from journal.models import SchoolClass
from journal.services.rights import sync_class_rights
from tests.accounts.role_pages_setup import make_other_school
from tests.conftest import (
    SmallSchool,
    build_small_school,
    make_children,
    make_parent,
    make_staff,
    make_student,
    make_user,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ADMINISTRATION = ["director", "zavuch", "admin", "secretary"]
# Staff whose role gives them nobody to write to but colleagues.
OTHER_ROLES = ["editor", "coordinator", "dpo", "dispatcher"]
SCHOOL_7 = ["matveeva", "klassnaya", "ivanov", "klass5b", *OTHER_ROLES, *ADMINISTRATION,
            "vasya", "masha", "kolya", "chuzhoy", "petrova", "kozlova", "sidorov"]
STAFF_7 = ["matveeva", "klassnaya", "ivanov", "klass5b", *OTHER_ROLES, *ADMINISTRATION]


@dataclass
class MailSchool:
    small: SmallSchool
    other_class: SchoolClass
    users: dict[str, User]

    def __getitem__(self, login: str) -> User:
        return self.users[login]

    def ids(self, *logins: str) -> set[int]:
        return {self.users[login].pk for login in logins}


def make_mail_school() -> MailSchool:
    small = build_small_school()
    school = small.school
    vasya, masha = make_children(small)
    kolya = make_student(school, "kolya", "Козлов", "Николай", small.class_5a)
    small.english_5a_group1.subgroup.students.add(vasya)
    small.english_5a_group2.subgroup.students.add(kolya)
    stranger = make_student(school, "chuzhoy", "Сидоров", "Артём", small.class_5b)
    make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    make_parent("kozlova", "Козлова", "Ирина", "Петровна", [kolya])
    make_parent("sidorov", "Сидоров", "Олег", "Иванович", [stranger], relation="father")
    small.class_5b.class_teacher = make_staff(school, "klass5b", "Белова", "Ирина", "Олеговна")
    small.class_5b.save()
    sync_class_rights(small.class_5b)
    for login, last, first, role in (
            ("director", "Директорова", "Марина", Role.DIRECTOR),
            ("zavuch", "Завьялова", "Елена", Role.DEPUTY),
            ("admin", "Админов", "Игорь", Role.ADMINISTRATOR),
            ("secretary", "Григорьева", "Светлана", Role.SECRETARY),
            ("editor", "Лебедева", "Ирина", Role.NEWS_EDITOR),
            ("coordinator", "Кузнецова", "Ольга", Role.DIARY_COORDINATOR),
            ("dpo", "Орлов", "Павел", Role.DATA_OFFICER),
            ("dispatcher", "Диспетчерова", "Зоя", Role.DISPATCHER)):
        make_staff(school, login, last, first, role=role)
    other = make_other_school()
    make_staff(other.school, "director9", "Девятова", "Вера", role=Role.DIRECTOR)
    make_user("nobody", "Никтоев", "Никита")
    return MailSchool(small=small, other_class=other.school_class,
                      users={u.username: u for u in User.objects.all()})


@pytest.fixture(name="mail_school", scope="module")
def mail_school_fixture(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), \
            time_machine.travel(NOW, tick=False):
        yield make_mail_school()
        transaction.set_rollback(True)


@pytest.fixture(name="monday", autouse=True)
def monday_fixture():
    # The clock runs: a reply comes later than the message it answers.
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(name="committed")
def committed_fixture(django_capture_on_commit_callbacks):
    """What runs after a commit (the unread counts forgotten, a mailing's task) runs at the end
    of the block, as it would after the request's commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def compose(client, user: User, to: list[str], subject: str = "Вопрос", body: str = "Текст",
            files: list | None = None):
    client.force_login(user)
    data = {"to": to, "subject": subject, "body": body}
    if files:
        data["files"] = files
    return client.post(reverse("messaging:mail:compose"), data)


def person(user: User) -> str:
    return f"user:{user.pk}"
