"""The movement page: the secretary and the deputy director list the year's moves and make
them by order through a form per kind; anyone else gets 404; a refusal comes back in Russian
and changes nothing. Time is frozen on Monday 16 November 2026."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Student
from journal.models import Enrolment, StudentMove
from journal.services import movement
from tests.accounts.role_pages_setup import make_other_school
from tests.conftest import make_student, make_user
from tests.journal.journal_setup import TODAY, at

pytestmark = pytest.mark.django_db
LIST = reverse("journal:movement")


def form_url(kind: str) -> str:
    return reverse("journal:movement_form", args=[kind])


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def vasya(children):
    return children[0]


@pytest.fixture
def newcomer(small_school) -> Student:
    return Student.objects.create(user=make_user("novikova", "Новикова", "Ева"),
                                  school=small_school.school, birth_date=dt.date(2015, 7, 1),
                                  sex="f")


@pytest.fixture
def signed_in(client, secretary):
    client.force_login(secretary)
    return client


def enrolments_now() -> list[tuple]:
    return list(Enrolment.objects.order_by("pk").values_list(
        "pk", "student_id", "school_class_id", "enrolled_on", "left_on"))


ARRIVAL = {"on": "10.11.2026", "order_number": "45-у", "order_date": "09.11.2026",
           "reason": "из школы № 3"}


# Rights -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["secretary", "deputy"])
def test_the_secretary_and_the_deputy_open_the_page_and_every_form(client, request, small_school,
                                                                   who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 200
    for kind in ("arrival", "transfer", "subgroup", "departure"):
        assert client.get(form_url(kind)).status_code == 200, kind
    assert 'data-testid="nav-movement"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "director", "administrator",
                                 "data_officer", "parent"])
def test_no_one_else_opens_it_or_moves_anybody(client, request, small_school, vasya, who):
    client.force_login(request.getfixturevalue(who))
    before = enrolments_now()
    assert client.get(LIST).status_code == 404
    assert client.get(form_url("arrival")).status_code == 404
    response = client.post(form_url("departure"), {"student": vasya.pk, **ARRIVAL})
    assert response.status_code == 404
    assert enrolments_now() == before and not StudentMove.objects.exists()
    assert "nav-movement" not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, small_school):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_kind_is_404(signed_in, small_school):
    assert signed_in.get(form_url("expulsion")).status_code == 404


def test_a_student_of_another_school_is_a_crafted_request(signed_in, small_school):
    other = make_other_school()
    response = signed_in.post(form_url("departure"), {"student": other.student.pk, **ARRIVAL})
    assert response.status_code == 404
    assert not StudentMove.objects.exists()


# Forms ------------------------------------------------------------------------------------

def test_the_arrival_form_offers_students_without_a_class_and_links_to_the_card_index(
        signed_in, small_school, vasya, newcomer):
    page = signed_in.get(form_url("arrival")).content.decode()
    options = page.split('id="move-student"')[1].split("</select>")[0]
    assert "Новикова Ева, 01.07.2015 г. р." in options
    assert "Петров Василий" not in options
    assert f'href="{reverse("admin:accounts_student_add")}"' in page


def test_the_transfer_form_offers_the_students_in_a_class_with_their_class(
        signed_in, small_school, vasya, newcomer):
    page = signed_in.get(form_url("transfer")).content.decode()
    options = page.split('id="move-student"')[1].split("</select>")[0]
    assert "Петров Василий — 5А" in options
    assert "Новикова" not in options


def test_an_arrival_is_made_from_the_form_and_listed(signed_in, small_school, newcomer,
                                                     secretary):
    response = signed_in.post(form_url("arrival"), {
        "student": newcomer.pk, "school_class": small_school.class_5b.pk, **ARRIVAL})

    assert response.status_code == 302 and response["Location"] == LIST
    enrolment = Enrolment.objects.get(student=newcomer)
    assert (enrolment.school_class, enrolment.enrolled_on, enrolment.order_number) == (
        small_school.class_5b, dt.date(2026, 11, 10), "45-у")
    page = signed_in.get(LIST).content.decode()
    assert ("Оформлено: прибытие в 5Б класс — Новикова Ева, с 10.11.2026, приказ № 45-у от "
            "09.11.2026.") in page
    [row] = page.split('data-testid="move-row"')[1:]
    assert "10.11.2026" in row and "Новикова Ева" in row and "→ 5Б" in row
    assert "№ 45-у от 09.11.2026" in row and "из школы № 3" in row
    assert "Григорьева С. П." in row


def test_a_transfer_a_change_of_subgroup_and_a_departure_from_the_forms(
        signed_in, small_school, vasya):
    order = {"order_number": "46-у", "order_date": "13.11.2026"}
    group2 = small_school.english_5a_group2.subgroup
    assert signed_in.post(form_url("subgroup"), {
        "student": vasya.pk, "subgroup": group2.pk, "on": "16.11.2026", **order,
    }).status_code == 302
    assert signed_in.post(form_url("transfer"), {
        "student": vasya.pk, "school_class": small_school.class_5b.pk, "on": "17.11.2026",
        **order}).status_code == 302
    assert signed_in.post(form_url("departure"), {
        "student": vasya.pk, "on": "20.11.2026", "reason": "в гимназию № 2", **order,
    }).status_code == 302

    assert list(vasya.subgroups.all()) == [group2]
    assert list(Enrolment.objects.filter(student=vasya).order_by("enrolled_on").values_list(
        "school_class__letter", "enrolled_on", "left_on")) == [
        ("А", dt.date(2026, 9, 1), dt.date(2026, 11, 16)),
        ("Б", dt.date(2026, 11, 17), dt.date(2026, 11, 20))]
    assert list(StudentMove.objects.order_by("pk").values_list("kind", flat=True)) == [
        "subgroup", "transfer", "departure"]


def test_missing_order_fields_are_named_in_russian_and_nothing_changes(
        signed_in, small_school, vasya):
    before = enrolments_now()
    response = signed_in.post(form_url("departure"), {"student": vasya.pk, "on": "20.11.2026",
                                                      "order_number": "", "order_date": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Укажите номер приказа." in page and "Укажите дату приказа." in page
    assert "Заполните поле «Куда выбыл(а) или причина»." in page
    assert 'aria-invalid="true"' in page
    assert enrolments_now() == before and not StudentMove.objects.exists()


def test_an_empty_form_asks_for_each_field_in_russian(signed_in, small_school):
    page = signed_in.post(form_url("transfer"), {}).content.decode()

    for message in ("Выберите обучающегося.", "Выберите класс.", "Укажите дату.",
                    "Укажите номер приказа.", "Укажите дату приказа."):
        assert message in page, message
    assert not StudentMove.objects.exists()


def test_a_date_typed_wrong_is_explained(signed_in, small_school, vasya):
    response = signed_in.post(form_url("departure"), {
        "student": vasya.pk, "on": "20/112026", "order_number": "1", "order_date": "13.11.2026",
        "reason": "переезд"})

    assert response.status_code == 400
    assert "Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2026." in response.content.decode()


def test_the_services_refusal_comes_back_under_its_field_and_nothing_changes(
        signed_in, small_school, vasya):
    before = enrolments_now()
    response = signed_in.post(form_url("transfer"), {
        "student": vasya.pk, "school_class": small_school.class_5a.pk, "on": "16.11.2026",
        "order_number": "46-у", "order_date": "13.11.2026"})

    assert response.status_code == 400
    page = response.content.decode()
    error = page.split('id="move-school-class-error"')[1].split("</div>")[0]
    assert "Петров Василий уже учится в 5А классе." in error
    assert enrolments_now() == before and not StudentMove.objects.exists()


def test_a_date_outside_the_year_is_refused_in_russian(signed_in, small_school, newcomer):
    response = signed_in.post(form_url("arrival"), {
        "student": newcomer.pk, "school_class": small_school.class_5b.pk, "on": "01.09.2027",
        "order_number": "45-у", "order_date": "13.11.2026"})

    assert response.status_code == 400
    assert ("Дата 01.09.2027 вне 2026/2027 учебного года (01.09.2026–31.08.2027)."
            in response.content.decode())
    assert not Enrolment.objects.filter(student=newcomer).exists()


# The list ---------------------------------------------------------------------------------

@pytest.fixture
def moves(small_school, vasya, newcomer, secretary):
    order = {"order_number": "45-у", "order_date": dt.date(2026, 10, 1)}
    movement.arrive(secretary, newcomer, small_school.class_5b, dt.date(2026, 10, 5), **order)
    movement.transfer(secretary, vasya, small_school.class_5b, dt.date(2026, 11, 9), **order)
    masha = Student.objects.get(user__username="masha")
    movement.depart(secretary, masha, dt.date(2026, 11, 13), reason="переезд", **order)


def listed(client, **query) -> list[tuple[str, str]]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [(m.kind, m.student.user.last_name) for m in response.context["page"].object_list]


def test_the_list_is_newest_first_and_filters_by_class_kind_and_month(signed_in, small_school,
                                                                      moves):
    assert listed(signed_in) == [("departure", "Петрова"), ("transfer", "Петров"),
                                 ("arrival", "Новикова")]
    assert listed(signed_in, school_class=small_school.class_5a.pk) == [("transfer", "Петров")]
    assert listed(signed_in, school_class=small_school.class_5b.pk) == [
        ("transfer", "Петров"), ("arrival", "Новикова")]
    assert listed(signed_in, kind="departure") == [("departure", "Петрова")]
    assert listed(signed_in, month="2026-10") == [("arrival", "Новикова")]


def test_a_class_of_another_school_in_the_filter_is_404(signed_in, small_school):
    other = make_other_school()
    assert signed_in.get(LIST, {"school_class": other.school_class.pk}).status_code == 404


# The session and the user, the school of the role, the year, the filter's classes, the list's
# count and its rows: the same for 3 moves or 300. (Who the user is, for the menu, comes from the
# cache: accounts.access.navigation_of.)
LIST_QUERIES = 7


def test_the_list_runs_a_fixed_number_of_queries(signed_in, small_school, moves, secretary,
                                                 django_assert_num_queries):
    signed_in.get(LIST)  # the first request of a session writes it
    for n in range(5):
        student = make_student(small_school.school, f"m{n}", "Новенький", f"Н{n}",
                               small_school.class_5a)
        movement.depart(secretary, student, dt.date(2026, 11, 2 + n), order_number=f"{n}",
                        order_date=dt.date(2026, 11, 1))
    with django_assert_num_queries(LIST_QUERIES):
        response = signed_in.get(LIST)
    assert len(response.context["page"].object_list) == 8


def test_the_deputy_finds_the_report_from_the_list_and_runs_it(client, small_school, deputy,
                                                                secretary):
    client.force_login(deputy)
    page = client.get(LIST).content.decode()
    report = reverse("exports:report", args=["movement"])
    assert f'href="{report}" data-testid="movement-report"' in page
    assert client.get(report).status_code == 200
    client.force_login(secretary)
    assert "movement-report" not in client.get(LIST).content.decode()


def test_the_secretarys_old_movement_list_links_to_the_page(signed_in, small_school):
    page = signed_in.get(reverse("secretary:movement")).content.decode()
    assert f'href="{LIST}" data-testid="movement-orders-link"' in page
