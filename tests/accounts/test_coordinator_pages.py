"""The e-diary coordinator's pages: families' access per class and the lists of parents to
chase; for the coordinator only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole, User
from accounts.roles import Role
from tests.accounts.role_pages_setup import (
    NOW,
    issue_login,
    make_other_school,
    record_application,
    signed_in,
)
from tests.conftest import make_parent, make_student


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def families(parent, children, outsider_parent, outsider_child, class_teacher):
    """Петрова (children in 5А and 1А): application, login, signed in yesterday; Василий: a
    login, never used; Сидоров (5Б): no application, login issued 40 days ago, last seen 35
    days ago."""
    record_application(parent, class_teacher, dt.date(2026, 9, 3))
    issue_login(parent, class_teacher, NOW - dt.timedelta(days=60))
    signed_in(parent, NOW - dt.timedelta(days=1))
    issue_login(children[0].user, class_teacher, NOW - dt.timedelta(days=5))
    issue_login(outsider_parent, class_teacher, NOW - dt.timedelta(days=40))
    signed_in(outsider_parent, NOW - dt.timedelta(days=35))


def rows_of(client, user):
    client.force_login(user)
    response = client.get(reverse("coordinator:classes"))
    assert response.status_code == 200
    return response, {str(r.school_class): r for r in response.context["rows"]}


def test_the_coordinator_sees_each_classs_applications_logins_and_visits(
        client, diary_coordinator, families, small_school):
    response, rows = rows_of(client, diary_coordinator)
    assert list(rows) == ["1А", "5А", "5Б", "10А"]
    five_a, five_b, one_a = rows["5А"], rows["5Б"], rows["1А"]
    assert (five_a.students, five_a.students_issued, five_a.students_signed_in) == (1, 1, 0)
    assert (five_a.parents, five_a.applications, five_a.parents_issued,
            five_a.parents_signed_in, five_a.parents_seen_recently) == (1, 1, 1, 1, 1)
    assert five_a.last_visit == NOW - dt.timedelta(days=1)
    assert one_a.parents == 1 and one_a.applications == 1  # the same mother, in 1А as well
    assert (five_b.parents, five_b.applications, five_b.parents_signed_in,
            five_b.parents_seen_recently) == (1, 0, 1, 0)
    page = response.content.decode()
    assert "(нет: 1)" in page  # 5Б's parent without an application, a link to the list
    assert response.context["totals"]["parents"] == 3  # a parent counts once per class


def test_each_class_links_to_its_credential_slips(client, diary_coordinator, families,
                                                  small_school):
    response, rows = rows_of(client, diary_coordinator)
    page = response.content.decode()
    assert page.count('data-testid="class-slips"') == 4
    slips = reverse("accounts:class_slips", args=[rows["5А"].school_class.pk])
    assert f'href="{slips}"' in page
    # The link opens the slips' question for that class (the PDF comes on confirming).
    question = client.get(slips)
    assert question.status_code == 200 and 'data-testid="slip-people"' in question.content.decode()
    # The list to chase, narrowed to a class, offers that class's slips too.
    chase = client.get(reverse("coordinator:chase"), {
        "which": "never_signed_in", "school_class": small_school.class_5a.pk}).content.decode()
    assert f'href="{slips}"' in chase


@pytest.mark.parametrize(("which", "expected"), [
    ("no_application", ["Сидоров Олег Иванович"]),
    ("never_signed_in", []),
    ("not_seen", ["Сидоров Олег Иванович"]),
])
def test_the_lists_to_chase(client, diary_coordinator, families, which, expected):
    client.force_login(diary_coordinator)
    response = client.get(reverse("coordinator:chase"), {"which": which})
    assert [m.user.full_name for m in response.context["page"].object_list] == expected
    assert response.context["total"] == len(expected)


def test_a_parent_given_a_login_who_never_came_is_on_the_list_once_per_child(
        client, diary_coordinator, families, small_school, class_teacher):
    child = make_student(small_school.school, "kolya", "Козлов", "Коля", small_school.class_5a)
    second = make_student(small_school.school, "olya", "Козлова", "Оля", small_school.class_5a)
    mother = make_parent("kozlova", "Козлова", "Вера", "Ивановна", [child, second])
    issue_login(mother, class_teacher)
    client.force_login(diary_coordinator)
    response = client.get(reverse("coordinator:chase"), {"which": "never_signed_in",
                                                        "school_class": small_school.class_5a.pk})
    rows = response.context["page"].object_list
    assert [(m.user.full_name, m.child.full_name) for m in rows] == [
        ("Козлова Вера Ивановна", "Козлов Коля"), ("Козлова Вера Ивановна", "Козлова Оля")]
    page = response.content.decode()
    assert "5А класс" in page and "Руднева А. П." in page  # who to ask: the class teacher


def test_a_bad_list_name_is_named_and_a_foreign_class_is_404(client, diary_coordinator,
                                                              families):
    client.force_login(diary_coordinator)
    response = client.get(reverse("coordinator:chase"), {"which": "everyone"})
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert 'data-testid="chase-row"' not in response.content.decode()
    other = make_other_school()
    response = client.get(reverse("coordinator:chase"), {"school_class": other.school_class.pk})
    assert response.status_code == 404


def test_the_pages_run_a_fixed_number_of_queries(client, diary_coordinator, families,
                                                 small_school, class_teacher,
                                                 django_assert_num_queries):
    client.force_login(diary_coordinator)
    # The navigation's unread counts cached, as after any first page.
    client.get(reverse("coordinator:classes"))
    counts = {}
    for name, params in (("coordinator:classes", {}),
                         ("coordinator:chase", {"which": "no_application"})):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(name), params)
        counts[name] = len(queries)
    for n in range(40):
        child = make_student(small_school.school, f"c{n}", "Ученик", f"Н{n}",
                             [small_school.class_1a, small_school.class_5b][n % 2])
        mother = make_parent(f"m{n}", "Мать", f"Н{n}", "", [child])
        issue_login(mother, class_teacher)
    for name, params in (("coordinator:classes", {}),
                         ("coordinator:chase", {"which": "no_application"})):
        with django_assert_num_queries(counts[name]):
            response = client.get(reverse(name), params)
        assert response.status_code == 200
    assert response.context["total"] == 41


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "deputy", "director",
                                 "administrator", "secretary", "data_officer", "parent"])
def test_no_one_but_the_coordinator_opens_these_pages(client, request, small_school, children,
                                                      who):
    client.force_login(request.getfixturevalue(who))
    for name in ("coordinator:classes", "coordinator:chase"):
        assert client.get(reverse(name)).status_code == 404, name


def test_the_coordinator_of_another_school_sees_only_its_classes(client, families):
    other = make_other_school()
    coordinator_9 = User.objects.create_user("coord9", password="x-Пароль-2026")
    StaffRole.objects.create(user=coordinator_9, school=other.school,
                             role=Role.DIARY_COORDINATOR)
    _, rows = rows_of(client, coordinator_9)
    assert list(rows) == ["5А"] and rows["5А"].parents == 1


def test_the_coordinators_home_page_and_menu_lead_to_the_tools(client, diary_coordinator,
                                                               teacher, small_school):
    client.force_login(diary_coordinator)
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="coordinator"' in page and 'data-testid="nav-coordinator"' in page
    assert f'href="{reverse("coordinator:classes")}"' in page
    assert f'href="{reverse("coordinator:chase")}?which=never_signed_in"' in page
    client.force_login(teacher)
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="coordinator"' not in page and "nav-coordinator" not in page
