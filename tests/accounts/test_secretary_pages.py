"""The secretary's pages: people's data (search, a person's card, logged as a view), notices of
change, the movement of students and the reminders' log; for the secretary only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import (
    ContactChannel,
    DataChangeNotice,
    DataUpdateReminder,
    PersonalDataEvent,
)
from journal.models import Enrolment
from journal.services.movement import transfer
from tests.accounts.role_pages_setup import (
    NOW,
    TODAY,
    at,
    log_event,
    make_other_school,
    record_application,
    record_consent,
)
from tests.conftest import make_parent, make_student


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def signed_in_secretary(client, secretary, small_school):
    client.force_login(secretary)
    return secretary


def search(client, **params):
    response = client.get(reverse("secretary:people"), params)
    assert response.status_code == 200
    return response


def names(response) -> list[str]:
    page = response.context["page"]
    return [item.user.full_name for item in page.object_list] if page else []


def test_the_secretary_finds_students_and_parents_by_name(client, signed_in_secretary, parent,
                                                         outsider_parent):
    other = make_other_school()
    assert names(search(client, q="петров")) == ["Петров Василий", "Петрова Мария"]
    response = search(client, q="петров вас")
    assert names(response) == ["Петров Василий"]
    assert "5А" in response.content.decode()
    response = search(client, q="петрова", kind="parents")
    assert names(response) == ["Петрова Наталья Андреевна"]
    page = response.content.decode()
    assert "Петров Василий, 5А" in page and "Петрова Мария, 1А" in page
    assert names(search(client, q="чужая")) == []  # another school's student
    assert names(search(client, q=other.parent.username, kind="parents")) == []
    assert 'data-testid="search-prompt"' in search(client).content.decode()


def test_a_class_lists_its_students_and_parents(client, signed_in_secretary, parent,
                                                outsider_parent, small_school):
    assert names(search(client, school_class=small_school.class_5b.pk)) == ["Сидоров Артём"]
    assert names(search(client, school_class=small_school.class_5b.pk, kind="parents")) == [
        "Сидоров Олег Иванович"]


def test_the_search_runs_a_fixed_number_of_queries(client, signed_in_secretary, small_school,
                                                   django_assert_num_queries):
    def add(count, start):
        for n in range(start, start + count):
            child = make_student(small_school.school, f"s{n}", "Смирнов", f"Н{n}",
                                 small_school.class_5b)
            make_parent(f"p{n}", "Смирнова", f"Н{n}", "", [child])

    add(2, 0)
    # The navigation's unread counts cached, as after any first page.
    search(client, q="смирнов")
    counts = {}
    for kind in ("students", "parents"):
        with CaptureQueriesContext(connection) as queries:
            search(client, q="смирнов", kind=kind)
        counts[kind] = len(queries)
    add(60, 2)
    for kind in ("students", "parents"):
        with django_assert_num_queries(counts[kind]):
            response = search(client, q="смирнов", kind=kind)
        assert response.context["page"].paginator.count == 62


def test_a_students_card_shows_their_data_class_and_parents_and_is_logged(
        client, signed_in_secretary, secretary, parent, children):
    vasya = children[0]
    ContactChannel.objects.create(user=parent, kind="email", address="petrova@example.ru",
                                  consented=True, consented_on=dt.date(2026, 9, 2))
    response = client.get(reverse("secretary:person", args=[vasya.user_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Петров Василий" in page and "14.03.2015" in page
    assert 'data-testid="nav-secretary"' in page  # the card leaves the site's menu whole
    assert f'href="{reverse("accounts:person", args=[vasya.user_id])}"' in page  # to change it
    assert "5А класс, 2026/2027 учебный год — с 01.09.2026" in page
    assert "классный руководитель Руднева Анна Павловна" in page
    assert "Петрова Наталья Андреевна</a> — мать" in page and "+7 900 111-22-33" in page
    event = PersonalDataEvent.objects.get()
    assert (event.kind, event.actor, event.subject, event.what) == (
        PersonalDataEvent.Kind.VIEW_DATA, secretary, vasya.user, "Картотека: карточка")
    assert event.address == "127.0.0.1"


def test_a_parents_card_shows_children_documents_and_contacts(client, signed_in_secretary,
                                                             parent, class_teacher):
    record_application(parent, class_teacher, dt.date(2026, 9, 3))
    record_consent(parent, class_teacher, True, dt.date(2026, 9, 3), "согласие № 7")
    ContactChannel.objects.create(user=parent, kind="sms", address="+7 900 111-22-33")
    page = client.get(reverse("secretary:person", args=[parent.pk])).content.decode()
    assert "Петров Василий</a> — мать, 5А класс" in page
    assert "Петрова Мария</a> — мать, 1А класс" in page
    assert "Заявление на электронный дневник от 03.09.2026" in page
    assert "Согласие на обработку персональных данных от 03.09.2026: согласие № 7" in page
    assert "SMS: +7 900 111-22-33 — без согласия на уведомления" in page


def test_another_schools_person_or_a_staff_account_is_404_and_not_logged(
        client, signed_in_secretary, teacher):
    other = make_other_school()
    for user_id in (other.student.pk, other.parent.pk, teacher.pk, 999999):
        assert client.get(reverse("secretary:person", args=[user_id])).status_code == 404
    assert not PersonalDataEvent.objects.exists()


def test_a_notice_of_change_is_recorded_and_the_class_teacher_told_at_once(
        client, signed_in_secretary, secretary, children, class_teacher,
        django_capture_on_commit_callbacks):
    class_teacher.email = "rudneva@example.ru"
    class_teacher.save()
    vasya = children[0]
    url = reverse("secretary:person", args=[vasya.user_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"received_on": "22.11.2026",
                                     "description": "  новый   адрес проживания "}, follow=True)
    assert response.redirect_chain[-1][0] == url
    notice = DataChangeNotice.objects.get()
    assert (notice.subject, notice.received_on, notice.description, notice.recorded_by) == (
        vasya.user, dt.date(2026, 11, 22), "новый адрес проживания", secretary)
    page = response.content.decode()
    assert "Уведомление записано" in page
    assert "новый адрес проживания" in page and "25.11.2026" in page and "ждёт изменения" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rudneva@example.ru"]
    assert message.subject == "Изменились данные: Петров Василий (5А класс)"
    assert "не позднее 25.11.2026" in message.body
    assert DataUpdateReminder.objects.get().status == DataUpdateReminder.Status.SENT


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"received_on": "24.11.2026", "description": "адрес"}, "received_on",
     "Дата получения уведомления ещё не наступила."),
    ({"received_on": "2026-13-01", "description": "адрес"}, "received_on",
     "Введите дату в виде ДД.ММ.ГГГГ"),
    ({"received_on": "22.11.2026", "description": "   "}, "description", "Обязательное поле."),
])
def test_a_bad_notice_is_refused_with_the_field_named(client, signed_in_secretary, children,
                                                      data, field, message):
    response = client.post(reverse("secretary:person", args=[children[0].user_id]), data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert "Уведомление не записано" in response.content.decode()
    assert not DataChangeNotice.objects.exists() and not mail.outbox


def test_a_notice_for_another_schools_person_is_404_and_not_recorded(client,
                                                                     signed_in_secretary):
    other = make_other_school()
    response = client.post(reverse("secretary:person", args=[other.student.pk]),
                           {"received_on": "22.11.2026", "description": "адрес"})
    assert response.status_code == 404
    assert not DataChangeNotice.objects.exists()


def test_the_movement_lists_arrivals_and_departures_with_their_orders(
        client, signed_in_secretary, small_school, children, outsider_child):
    Enrolment.objects.filter(student=outsider_child).update(
        left_on=dt.date(2026, 10, 30), order_number="45-у", order_date=dt.date(2026, 10, 29))
    newcomer = make_student(small_school.school, "novenky", "Новиков", "Иван",
                            small_school.class_5b)
    Enrolment.objects.filter(student=newcomer).update(enrolled_on=dt.date(2026, 11, 2),
                                                      order_number="47-у")
    response = client.get(reverse("secretary:movement"))
    page = response.content.decode()
    rows = response.context["page"].object_list
    assert [(r.day, r.enrolment.student.user.last_name, r.arrival) for r in rows] == [
        (dt.date(2026, 11, 2), "Новиков", True), (dt.date(2026, 10, 30), "Сидоров", False)]
    assert "№ 45-у от 29.10.2026" in page and "№ 47-у" in page
    assert "вносятся в «Настройке школы»" in page
    response = client.get(reverse("secretary:movement"), {"kind": "year_start"})
    assert {r.enrolment.student.user.last_name for r in response.context["page"].object_list} \
        == {"Петров", "Петрова", "Сидоров"}
    response = client.get(reverse("secretary:movement"), {"kind": "departures"})
    assert len(response.context["page"].object_list) == 1


def test_a_transfer_by_the_movement_service_shows_with_its_order(
        client, signed_in_secretary, secretary, small_school, children):
    vasya, _ = children
    transfer(secretary, vasya, small_school.class_5b, dt.date(2026, 11, 9), "52-у",
             dt.date(2026, 11, 6))
    response = client.get(reverse("secretary:movement"))
    rows = response.context["page"].object_list
    assert [(r.day, str(r.enrolment.school_class), r.arrival) for r in rows] == [
        (dt.date(2026, 11, 9), "5Б", True), (dt.date(2026, 11, 8), "5А", False)]
    page = response.content.decode()
    assert page.count("№ 52-у от 06.11.2026") == 2
    # Orders are recorded on the movement page, which the secretary keeps.
    link = f'href="{reverse("journal:movement")}" data-testid="movement-orders-link"'
    assert link in page
    assert client.get(reverse("journal:movement")).status_code == 200


def test_the_reminders_page_shows_the_notices_and_the_reminders_sent(
        client, signed_in_secretary, secretary, small_school, children, class_teacher):
    notice = DataChangeNotice.objects.create(school=small_school.school, subject=children[0].user,
                                             received_on=dt.date(2026, 11, 10),
                                             description="новая фамилия", recorded_by=secretary)
    DataChangeNotice.objects.create(school=small_school.school, subject=children[1].user,
                                    received_on=dt.date(2026, 11, 20), description="телефон",
                                    recorded_by=secretary)
    log_event(children[1].user, class_teacher, when=at(dt.date(2026, 11, 21)))
    DataUpdateReminder.objects.create(school=small_school.school,
                                      school_class=small_school.class_5a, kind="notice",
                                      key=str(notice.pk), notice=notice, recipient=class_teacher,
                                      status="no_address", families=1)
    page = client.get(reverse("secretary:reminders")).content.decode()
    assert page.count('data-testid="notice-row"') == 2
    assert "срок истёк" in page  # 10 November + 3 days, nothing changed
    assert "изменение внесено 21.11.2026" in page
    assert page.count('data-testid="reminder-row"') == 1
    assert "у классного руководителя нет адреса электронной почты" in page


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "deputy", "director",
                                 "administrator", "data_officer", "diary_coordinator", "parent"])
def test_no_one_but_the_secretary_opens_these_pages(client, request, small_school, children, who):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse("secretary:people"), reverse("secretary:movement"),
                reverse("secretary:reminders"),
                reverse("secretary:person", args=[children[0].user_id])):
        assert client.get(url).status_code == 404, url
    assert not PersonalDataEvent.objects.exists()


def test_the_secretarys_home_page_and_menu_lead_to_the_tools(client, signed_in_secretary,
                                                             teacher):
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="secretary"' in page and 'data-testid="nav-secretary"' in page
    for name in ("secretary:people", "secretary:movement", "secretary:reminders"):
        assert f'href="{reverse(name)}"' in page, name
    client.force_login(teacher)
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="secretary"' not in page and "nav-secretary" not in page


@pytest.mark.parametrize("name", ["secretary:movement", "secretary:reminders"])
def test_the_movement_and_reminders_run_a_fixed_number_of_queries(
        client, signed_in_secretary, secretary, small_school, class_teacher, name,
        django_assert_num_queries):
    def add(count: int, start: int):
        for n in range(start, start + count):
            child = make_student(small_school.school, f"m{n}", "Новенький", f"Н{n}",
                                 small_school.class_5a)
            Enrolment.objects.filter(student=child).update(enrolled_on=dt.date(2026, 10, 1),
                                                           order_number=f"{n}-у")
            notice = DataChangeNotice.objects.create(
                school=small_school.school, subject=child.user, received_on=TODAY,
                description="адрес", recorded_by=secretary)
            DataUpdateReminder.objects.create(
                school=small_school.school, school_class=small_school.class_5a, kind="notice",
                key=str(notice.pk), notice=notice, recipient=class_teacher, status="sent")

    add(2, 0)
    # The navigation's unread counts cached, as after any first page.
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    add(60, 2)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse(name))
    assert response.context["page"].paginator.count == 62
