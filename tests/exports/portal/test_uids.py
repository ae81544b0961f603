"""The administrator's page of participants without a portal UID, where each one is filled in."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Parent, PersonalDataEvent, Student, User
from accounts.roles import Role
from journal.models import AcademicYear, School
from tests.conftest import (
    YEAR_START,
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_staff,
    make_student,
)

URL = reverse("portal:uids")
HTMX = {"HX-Request": "true"}
BAD_UID = "UID портала — это число (до 20 цифр)."

built = built_once(lambda: _build())


def _build():
    school = build_small_school()
    vasya, masha = make_children(school)
    make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    # People who have their codes: not listed.
    kolya = make_student(school.school, "kolya", "Иванов", "Николай", school.class_5b)
    Student.objects.filter(pk=kolya.pk).update(portal_uid="5001")
    make_parent("ivanova", "Иванова", "Ольга", "", [kolya])
    Parent.objects.filter(user__username="ivanova").update(portal_uid="6001")
    User.objects.filter(username="klassnaya").update(staff_portal_uid="7001")
    make_staff(school.school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)
    User.objects.filter(username="zavuch").update(staff_portal_uid="7002")
    make_staff(school.school, "admin", "Админов", "Игорь", "Николаевич", role=Role.ADMINISTRATOR)
    # Another school's people: not this administrator's.
    other = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    other_year = AcademicYear.objects.create(school=other, name="2026/2027", starts_on=YEAR_START,
                                             ends_on=YEAR_START.replace(year=2027),
                                             is_current=True)
    other_class = other_year.classes.create(grade=3, letter="В")
    make_student(other, "stranger", "Чужой", "Пётр", other_class)
    make_staff(other, "other_admin", "Другой", "Админ", role=Role.ADMINISTRATOR)
    return school


def listed(page: str) -> set[str]:
    keys = set(re.findall(r'data-person="(\w+)-(\d+)"', page))
    names = {}
    for kind, pk in keys:
        model = {"student": Student, "parent": Parent}.get(kind)
        user = model.objects.get(pk=pk).user if model else User.objects.get(pk=pk)
        names[f"{kind}:{user.username}"] = True
    return set(names)


def user(login: str) -> User:
    return User.objects.get(username=login)


@pytest.fixture
def as_admin(client, built):
    client.force_login(user("admin"))
    return client


def save(client, kind: str, record, uid: str, **headers):
    return client.post(URL, {"kind": kind, "person": record.pk, "uid": uid}, headers=headers)


def test_the_page_lists_exactly_the_years_people_without_a_code(as_admin, db):
    page = as_admin.get(URL).content.decode()
    assert listed(page) == {"student:vasya", "student:masha", "parent:petrova",
                            "staff:matveeva", "staff:ivanov", "staff:admin"}
    assert "обучающиеся — <b>2</b>, родители — <b>1</b>, сотрудники — <b>3</b>" in page
    # What tells people apart: a class, the children, the roles.
    assert re.search(r"Петров Василий</td>\s*<td[^>]*>5А</td>", page)
    assert "Петров В. (5А), Петрова М. (1А)" in page
    assert "ведёт уроки, без роли" in page  # Иванов: journals, no role


def test_a_filled_code_is_kept_logged_and_the_person_leaves_the_list(as_admin, db):
    vasya = Student.objects.get(user__username="vasya")
    response = save(as_admin, "student", vasya, " 1001 ")
    assert response.status_code == 302 and response.url == URL
    assert Student.objects.get(pk=vasya.pk).portal_uid == "1001"
    page = as_admin.get(URL).content.decode()
    assert "UID портала сохранён: Петров Василий — 1001." in page
    assert "student:vasya" not in listed(page)
    event = PersonalDataEvent.objects.get(subject=vasya.user)
    assert event.actor == user("admin")
    assert event.changes == {"UID портала (обучающийся)": ["", "1001"]}


def test_with_htmx_the_row_is_saved_in_place(as_admin, db):
    ivanov = user("ivanov")
    response = save(as_admin, "staff", ivanov, "3002", **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert 'data-testid="uid-saved"' in row and "UID портала 3002 сохранён" in row
    assert user("ivanov").staff_portal_uid == "3002"
    assert "staff:ivanov" not in listed(as_admin.get(URL).content.decode())


@pytest.mark.parametrize(("uid", "message"), [
    ("12ab", BAD_UID), ("-5", BAD_UID), ("123456789012345678901", BAD_UID),
    ("", "Введите UID портала."),
])
def test_a_bad_code_is_refused_in_russian_and_nothing_changes(as_admin, db, uid, message):
    vasya = Student.objects.get(user__username="vasya")
    response = save(as_admin, "student", vasya, uid)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"UID портала не сохранён (Петров Василий): {message}" in page
    assert 'data-testid="uid-error"' in page and "student:vasya" in listed(page)
    row = save(as_admin, "student", vasya, uid, **HTMX).content.decode()
    assert message in row and "is-invalid" in row
    assert Student.objects.get(pk=vasya.pk).portal_uid == ""
    assert not PersonalDataEvent.objects.exists()


@pytest.mark.parametrize(("kind", "login", "uid", "message"), [
    ("student", "vasya", "5001",
     "Этот UID уже у другого обучающегося: Иванов Николай (логин kolya)."),
    ("parent", "petrova", "6001",
     "Этот UID уже у другого родителя: Иванова Ольга (логин ivanova)."),
    ("staff", "ivanov", "7001",
     "Этот UID уже у другого сотрудника: Руднева Анна Павловна (логин klassnaya)."),
])
def test_a_code_held_by_another_person_of_the_kind_is_refused_naming_them(as_admin, db, kind,
                                                                          login, uid, message):
    record = {"student": Student, "parent": Parent}[kind].objects.get(user__username=login) \
        if kind != "staff" else user(login)
    response = save(as_admin, kind, record, uid)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in save(as_admin, kind, record, uid, **HTMX).content.decode()
    record.refresh_from_db()
    assert (record.staff_portal_uid if kind == "staff" else record.portal_uid) == ""


def test_people_of_different_kinds_may_share_a_code(as_admin, db):
    petrova = Parent.objects.get(user__username="petrova")
    assert save(as_admin, "parent", petrova, "5001").status_code == 302  # a student's code
    assert Parent.objects.get(pk=petrova.pk).portal_uid == "5001"


def test_another_schools_person_is_not_found(as_admin, db):
    stranger = Student.objects.get(user__username="stranger")
    assert save(as_admin, "student", stranger, "9").status_code == 404
    assert save(as_admin, "staff", user("other_admin"), "9").status_code == 404
    assert Student.objects.get(pk=stranger.pk).portal_uid == ""


@pytest.mark.parametrize("login", ["matveeva", "zavuch", "petrova", "vasya"])
def test_anyone_but_the_administrator_gets_404(client, built, db, login):
    client.force_login(user(login))
    assert client.get(URL).status_code == 404
    vasya = Student.objects.get(user__username="vasya")
    assert save(client, "student", vasya, "1001").status_code == 404
    assert Student.objects.get(pk=vasya.pk).portal_uid == ""


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, built, db):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_the_number_of_queries_does_not_grow_with_the_list(as_admin, built, db,
                                                           django_assert_num_queries):
    as_admin.get(URL)  # the first request also counts unread mail (cached after it)
    with django_assert_num_queries(QUERIES):
        assert as_admin.get(URL).status_code == 200
    for number in range(5):
        child = make_student(built.school, f"new{number}", "Новиков", f"Ученик{number}",
                             built.class_10a)
        make_parent(f"newp{number}", "Новикова", f"Мать{number}", "", [child])
        make_staff(built.school, f"newt{number}", "Новый", f"Учитель{number}")
    with CaptureQueriesContext(connection) as queries:
        page = as_admin.get(URL).content.decode()
    assert len(queries) == QUERIES
    assert "обучающиеся — <b>7</b>, родители — <b>6</b>, сотрудники — <b>8</b>" in page


QUERIES = 13  # session, user, second factor, roles, school, year; the lists and their details


def test_the_setup_screen_edits_a_staff_code_and_refuses_a_colleagues(built, db):
    user_admin = admin.site._registry[User]
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", password="x")
    teacher = user("matveeva")
    form_class = user_admin.get_form(request, obj=teacher)
    assert "staff_portal_uid" in form_class.base_fields

    def form(uid):
        data = {"username": teacher.username, "last_name": teacher.last_name,
                "first_name": teacher.first_name, "patronymic": teacher.patronymic,
                "email": "", "is_active": "on", "staff_portal_uid": uid}
        return form_class(data, instance=teacher)

    refused = form("7001")
    assert not refused.is_valid()
    assert refused.errors["staff_portal_uid"] == [
        "Этот UID уже у другого сотрудника: Руднева Анна Павловна (логин klassnaya)."]
    assert form("7009").is_valid()
    assert form("12x").errors["staff_portal_uid"] == [BAD_UID]
