"""The information letter's page: who may order and download a class's letters (the class
teacher, the deputy director, the director; everyone else 404), the order form's Russian
errors, and one background task per order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journal.models.rights import CHECK_CLASS_JOURNALS
from journal.services.rights import grant
from messaging.models import InformationLetter
from tests.messaging.letters_setup import (  # noqa: F401 (fixtures)
    Q2_END,
    Q2_START,
    built_fixture,
    frozen_time_fixture,
)

pytestmark = pytest.mark.django_db


def page_url(built) -> str:
    return reverse("messaging:letters_class", args=[built.class_5a.pk])


def order(client, user, built, **fields):
    client.force_login(user)
    data = {"student": "", "period": "", "date_from": "", "date_to": "", "note": "",
            "files": "one", **fields}
    return client.post(page_url(built), data)


def made_letter(built, **fields) -> InformationLetter:
    """A finished letter of 5А (its file is not needed to test who may reach it)."""
    return InformationLetter.objects.create(
        school_class=built.class_5a, date_from=Q2_START, date_to=Q2_END,
        requested_by=built.class_teacher, status=InformationLetter.Status.DONE,
        file="letters/2026/12/letter.pdf", **fields)


# Who --------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["class_teacher", "deputy", "director"])
def test_the_class_teacher_and_the_administration_open_the_letters_page(client, built, who):
    client.force_login(getattr(built, who))
    response = client.get(page_url(built))

    assert response.status_code == 200
    page = response.content.decode()
    assert "5А класс: информационные письма родителям" in page
    assert 'data-testid="letter-form"' in page
    assert f'<option value="{built.vasya.pk}">Петров Василий</option>' in page
    assert "Сидоров" not in page  # 5Б's student is offered to nobody


@pytest.mark.parametrize("who", ["teacher", "class_teacher_5b", "parent"])
def test_anyone_else_gets_404_on_every_address_of_the_class(client, built, who):
    letter = made_letter(built)
    client.force_login(getattr(built, who))
    before = InformationLetter.objects.count()

    assert client.get(page_url(built)).status_code == 404
    assert order(client, getattr(built, who), built, period=built.q2.pk).status_code == 404
    assert client.get(reverse("messaging:letter_status", args=[letter.pk])).status_code == 404
    assert client.get(reverse("messaging:letter_download", args=[letter.pk])).status_code == 404
    assert InformationLetter.objects.count() == before


def test_a_student_gets_404_on_their_own_class(client, built):
    client.force_login(built.vasya.user)
    assert client.get(page_url(built)).status_code == 404


def test_a_checker_of_the_class_journals_makes_no_letters(client, built):
    grant(None, CHECK_CLASS_JOURNALS, built.class_5a, built.teacher)
    client.force_login(built.teacher)

    assert client.get(reverse("journal:class_attendance", args=[built.class_5a.pk])
                      ).status_code == 200  # the checker does read the class's attendance
    assert client.get(page_url(built)).status_code == 404


def test_a_crafted_class_id_gets_404(client, built):
    client.force_login(built.deputy)
    assert client.get(reverse("messaging:letters_class", args=[999999])).status_code == 404
    assert client.get(reverse("messaging:letter_status", args=[999999])).status_code == 404


def test_a_crafted_student_id_gets_404_and_orders_nothing(client, built):
    response = order(client, built.class_teacher, built, student=built.stranger.pk,
                     period=built.q2.pk)

    assert response.status_code == 404
    assert not InformationLetter.objects.exists()


def test_the_home_page_links_the_class_teacher_to_the_letters(client, built):
    client.force_login(built.class_teacher)
    page = client.get(reverse("home")).content.decode()

    assert (f'<a href="{page_url(built)}" data-testid="class-letters-link">'
            f'Информационные письма</a>') in page


def test_the_class_list_offers_the_administration_every_class(client, built):
    client.force_login(built.director)
    page = client.get(reverse("messaging:letters")).content.decode()
    assert page.count('class="list-group-item list-group-item-action"') == 4  # 1А 5А 5Б 10А

    client.force_login(built.class_teacher_5b)
    assert client.get(reverse("messaging:letters")).url == reverse(
        "messaging:letters_class", args=[built.small.class_5b.pk])

    client.force_login(built.parent)
    assert client.get(reverse("messaging:letters")).status_code == 404


# The order ---------------------------------------------------------------------------------

def test_an_order_is_recorded_and_one_task_is_enqueued_after_the_commit(
        client, built, monkeypatch, django_capture_on_commit_callbacks):
    enqueued = []
    monkeypatch.setattr("messaging.letters.tasks.make_information_letter.delay",
                        lambda letter_id: enqueued.append(letter_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = order(client, built.class_teacher, built, period=built.q2.pk,
                         note="Спасибо за помощь с экскурсией!", files="each")

    assert response.status_code == 302
    letter = InformationLetter.objects.get()
    assert (letter.student, letter.date_from, letter.date_to) == (None, Q2_START, Q2_END)
    assert (letter.one_file, letter.status, letter.requested_by) == (
        False, "queued", built.class_teacher)
    assert letter.note == "Спасибо за помощь с экскурсией!"
    assert enqueued == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert enqueued == [letter.pk]


def test_an_order_for_one_student_over_dates_of_ones_own(client, built):
    order(client, built.deputy, built, student=built.vasya.pk, date_from="09.11.2026",
          date_to="20.11.2026", files="each")

    letter = InformationLetter.objects.get()
    assert letter.student == built.vasya
    assert (f"{letter.date_from:%d.%m.%Y}", f"{letter.date_to:%d.%m.%Y}") == (
        "09.11.2026", "20.11.2026")
    assert letter.one_file  # one student: one PDF, whatever the choice for a class


def errors_of(response) -> str:
    assert response.status_code == 200
    assert not InformationLetter.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize("fields, message", [
    ({"date_from": "20.11.2026", "date_to": "09.11.2026"}, "Дата окончания раньше даты начала."),
    ({"date_from": "20.08.2026", "date_to": "09.11.2026"},
     "Даты должны быть в пределах учебного года 2026/2027: с 01.09.2026 по 31.08.2027."),
    ({"date_from": "01.09.2026", "date_to": "01.09.2027"},
     "Даты должны быть в пределах учебного года 2026/2027: с 01.09.2026 по 31.08.2027."),
    ({"date_from": "", "date_to": "09.11.2026"}, "Укажите дату или выберите учебный период."),
    ({"date_from": "31.11.2026", "date_to": "09.12.2026"},
     "Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2026."),
])
def test_bad_dates_are_refused_in_russian(client, built, fields, message):
    page = errors_of(order(client, built.class_teacher, built, **fields))
    assert message in page


def test_a_student_who_was_not_in_the_class_in_those_dates_is_refused(client, built):
    page = errors_of(order(client, built.class_teacher, built, student=built.newcomer.pk,
                           period=built.q1.pk))
    assert "Новикова Ева не учился(ась) в 5А классе с 01.09.2026 по 24.10.2026." in page


def test_a_note_too_long_is_refused(client, built):
    page = errors_of(order(client, built.class_teacher, built, period=built.q2.pk,
                           note="Очень " * 600))
    assert "Убедитесь, что это значение содержит не более 3000 символов" in page


def test_the_form_offers_the_current_quarter_first(client, built):
    client.force_login(built.class_teacher)
    page = client.get(page_url(built)).content.decode()

    assert (f'<option value="{built.q2.pk}" selected>2-я четверть: 05.11.2026–28.12.2026'
            f'</option>') in page
    assert "1-е полугодие" not in page  # 10–11 grades' periods are not 5А's


def test_the_page_lists_the_class_letters_in_the_same_queries_however_many(
        client, built, django_assert_max_num_queries):
    client.force_login(built.class_teacher)
    made_letter(built, student=built.vasya)
    client.get(page_url(built))  # the session and the person, cached after the first page
    with django_assert_max_num_queries(30) as one:
        client.get(page_url(built))
    for student in (built.kolya, built.vasya, None, None):
        made_letter(built, student=student)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(page_url(built)).content.decode()

    assert page.count('data-testid="letter-row"') == 5


def test_a_chosen_period_wins_over_dates_left_in_the_hidden_fields(client, built):
    order(client, built.class_teacher, built, period=built.q2.pk, date_from="вчера",
          date_to="01.01.2026")

    letter = InformationLetter.objects.get()
    assert (letter.date_from, letter.date_to) == (Q2_START, Q2_END)


def test_a_class_with_nobody_in_those_dates_is_refused(client, built):
    client.force_login(built.deputy)
    response = client.post(reverse("messaging:letters_class", args=[built.small.class_10a.pk]),
                           {"date_from": "01.09.2026", "date_to": "30.09.2026", "files": "one"})

    assert "В эти даты в классе не было обучающихся." in errors_of(response)
