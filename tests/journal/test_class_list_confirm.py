"""Class teachers confirm their class's list and the decisions proposed for the rollover, when
the school asks for it; a later change of the list asks them again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import ClassListConfirmation, Enrolment, FinalMark
from journal.rules import NoAccess
from journal.services.class_lists import (
    class_list,
    classes_to_confirm,
    confirm_class_list,
    confirmed_lists,
    list_confirmed,
)
from tests.conftest import make_staff, make_student
from tests.journal.journal_setup import at

IN_MAY = dt.date(2027, 5, 20)


@pytest.fixture(autouse=True)
def _may(time_machine):
    time_machine.move_to(at(IN_MAY), tick=False)


@pytest.fixture
def asking(small_school):
    small_school.school.class_teachers_confirm_lists = True
    small_school.school.save(update_fields=["class_teachers_confirm_lists"])
    return small_school


@pytest.fixture
def class_5a(asking):
    return asking.class_5a


@pytest.fixture
def vasya(children):
    return children[0]


@pytest.fixture
def kolya(asking):
    """Николай has «2» as the year mark in maths: proposed for a conditional promotion."""
    kolya = make_student(asking.school, "kolya", "Козлов", "Николай", asking.class_5a)
    FinalMark.objects.create(assignment=asking.maths_5a, student=kolya, kind="year", value="2")
    return kolya


def page(client, user, school_class, expected: int = 200) -> str:
    client.force_login(user)
    response = client.get(reverse("journal:confirm_class_list", args=[school_class.pk]))
    assert response.status_code == expected
    return response.content.decode()


def row_of(html: str, student) -> str:
    return html.split(f'data-student="{student.pk}"')[1].split("</tr>")[0]


def test_the_class_teacher_sees_the_list_with_the_proposed_decisions(
        client, class_teacher, class_5a, vasya, kolya, django_assert_max_num_queries):
    client.force_login(class_teacher)
    url = reverse("journal:confirm_class_list", args=[class_5a.pk])
    client.get(url)   # the session and the second factor settle first
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert "Список ещё не подтверждён" in html
    assert "Петров Василий" in row_of(html, vasya)
    assert "переведён в следующий класс" in row_of(html, vasya) and ">6А<" in row_of(html, vasya)
    assert "переведён условно" in row_of(html, kolya)
    assert "годовая «2» или «н/а»" in row_of(html, kolya)
    assert "годовая «2»" not in row_of(html, vasya)


def test_the_query_count_does_not_grow_with_the_class(client, class_teacher, class_5a, vasya,
                                                      django_assert_num_queries):
    client.force_login(class_teacher)
    url = reverse("journal:confirm_class_list", args=[class_5a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        make_student(class_5a.year.school, f"more{n}", "Новиков", f"Ученик{n}", class_5a)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('data-testid="list-row"') == 6


def test_confirming_keeps_the_students_and_their_decisions(client, class_teacher, class_5a,
                                                           vasya, kolya):
    assert not list_confirmed(class_5a)
    html = page(client, class_teacher, class_5a)
    shown = html.split('name="shown" value="')[1].split('"')[0]
    response = client.post(reverse("journal:confirm_class_list", args=[class_5a.pk]),
                           {"shown": shown})
    assert response.status_code == 302
    confirmation = ClassListConfirmation.objects.get(school_class=class_5a)
    assert confirmation.students == {str(vasya.pk): "promote", str(kolya.pk): "conditional"}
    assert confirmation.by == class_teacher
    assert list_confirmed(class_5a)
    assert confirmed_lists(class_5a.year)[class_5a.pk] is True
    assert "Список подтверждён" in page(client, class_teacher, class_5a)


def test_an_arrival_asks_for_the_list_again(client, class_teacher, class_5a, vasya):
    confirm_class_list(class_teacher, class_5a)
    assert list_confirmed(class_5a)
    newcomer = make_student(class_5a.year.school, "novik", "Новиков", "Игорь", class_5a)
    Enrolment.objects.filter(student=newcomer).update(enrolled_on=IN_MAY)
    assert not list_confirmed(class_5a)
    assert confirmed_lists(class_5a.year)[class_5a.pk] is False
    html = page(client, class_teacher, class_5a)
    assert "Список изменился после подтверждения" in html
    assert "Новиков Игорь: в списке после подтверждения" in html


def test_a_departure_asks_for_the_list_again(class_teacher, class_5a, vasya, kolya):
    confirm_class_list(class_teacher, class_5a)
    Enrolment.objects.filter(student=kolya).update(left_on=IN_MAY)
    assert not list_confirmed(class_5a)
    assert class_list(class_5a).changes == ["выбыли из списка после подтверждения: 1"]


def test_a_changed_proposal_asks_for_the_list_again(class_teacher, class_5a, vasya, asking):
    confirm_class_list(class_teacher, class_5a)
    FinalMark.objects.create(assignment=asking.maths_5a, student=vasya, kind="year", value="н/а")
    assert not list_confirmed(class_5a)
    assert class_list(class_5a).changes == [
        "Петров Василий: предлагаемое решение изменилось — переведён условно (академическая "
        "задолженность)"]


def test_a_list_changed_while_the_page_was_open_is_not_confirmed(client, class_teacher,
                                                                 class_5a, vasya):
    html = page(client, class_teacher, class_5a)
    shown = html.split('name="shown" value="')[1].split('"')[0]
    make_student(class_5a.year.school, "novik", "Новиков", "Игорь", class_5a)
    response = client.post(reverse("journal:confirm_class_list", args=[class_5a.pk]),
                           {"shown": shown})
    assert response.status_code == 400
    assert "Список класса изменился, пока страница была открыта" in response.content.decode()
    bad = client.post(reverse("journal:confirm_class_list", args=[class_5a.pk]), {"shown": "x"})
    assert bad.status_code == 400 and "Страница устарела" in bad.content.decode()
    assert not ClassListConfirmation.objects.exists()


def test_only_the_class_teacher_of_the_current_year_confirms_when_the_school_asks(
        client, class_teacher, teacher, deputy, class_5a, vasya, asking):
    page(client, teacher, class_5a, 404)
    page(client, deputy, class_5a, 404)
    page(client, class_teacher, asking.class_5b, 404)
    with pytest.raises(NoAccess):
        confirm_class_list(deputy, class_5a)
    asking.year.closed_at = at(IN_MAY)
    asking.year.save(update_fields=["closed_at"])
    page(client, class_teacher, class_5a, 404)
    asking.year.closed_at = None
    asking.year.save(update_fields=["closed_at"])
    asking.school.class_teachers_confirm_lists = False
    asking.school.save(update_fields=["class_teachers_confirm_lists"])
    page(client, class_teacher, class_5a, 404)
    assert not ClassListConfirmation.objects.exists()


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_the_home_page_reminds_the_class_teacher_from_may_until_confirmed(
        client, class_teacher, class_5a, vasya, time_machine):
    link = reverse("journal:confirm_class_list", args=[class_5a.pk])
    assert link in home(client, class_teacher)
    time_machine.move_to(at(dt.date(2027, 4, 28)), tick=False)
    assert link not in home(client, class_teacher)
    time_machine.move_to(at(IN_MAY), tick=False)
    confirm_class_list(class_teacher, class_5a)
    assert link not in home(client, class_teacher)
    assert classes_to_confirm(class_teacher, class_5a.year, IN_MAY) == []


def test_no_reminder_when_the_school_does_not_ask(client, class_teacher, small_school, children):
    assert "confirm-list-reminder" not in home(client, class_teacher)
    other = make_staff(small_school.school, "drugoy", "Другов", "Пётр")
    assert classes_to_confirm(other, small_school.year, IN_MAY) == []
