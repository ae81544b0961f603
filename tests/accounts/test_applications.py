"""The parent's application: printed pre-filled from the data, recorded as received with the
passport check, and only then does the parent's login open the diary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import DiaryApplication, PersonalDataEvent, StaffRole, User
from tests.accounts.families_setup import (  # noqa: F401 (fixtures)
    assert_fonts_embedded,
    needs_poppler,
    pdf_text,
    record_consent,
    school_day_fixture,
    slip_passwords,
)
from tests.conftest import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day")]


def application_url(parent: User) -> str:
    return reverse("accounts:application", args=[parent.parent.pk])


def post_application(client, parent: User, **fields):
    return client.post(application_url(parent), {
        "received_on": "14.11.2026", "passport_checked_by": fields.pop("checker"),
        "children": fields.pop("children"), "note": "", **fields})


def can_sign_in(client, login: str, password: str) -> bool:
    client.logout()
    client.post(reverse("login"), {"username": login, "password": password})
    return client.get(reverse("password_change")).wsgi_request.user.is_authenticated


@needs_poppler
def test_the_blank_application_is_filled_in_from_the_data(client, class_teacher, director,
                                                          parent, children):
    parent.parent.address = "г. Воронеж, ул. Липовая, д. 3, кв. 14"
    parent.parent.save()
    client.force_login(class_teacher)

    response = client.get(reverse("accounts:application_blank", args=[parent.parent.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert_fonts_embedded(response.content)
    text = " ".join(pdf_text(response.content).split())
    for words in ("Средняя школа № 7", "Директорова М. Л.", "Петрова Наталья Андреевна",
                  "ул. Липовая, д. 3, кв. 14", "+7 900 111-22-33",
                  "petrova@example.ru", "Петров Василий 14.03.2015 5А мать",
                  "Петрова Мария 02.05.2019 1А мать", "паспорт серия", "152-ФЗ",
                  "паспорт проверил(а)"):
        assert words in text, words
    event = PersonalDataEvent.objects.get(subject=parent)
    assert (event.kind, event.actor) == (PersonalDataEvent.Kind.VIEW_DATA, class_teacher)


@needs_poppler
def test_a_login_issued_before_the_application_opens_only_when_it_is_recorded(
        client, class_teacher, parent, children):
    vasya, masha = children
    client.force_login(class_teacher)
    slip = client.post(reverse("accounts:issue", args=[parent.pk]))
    password = slip_passwords(pdf_text(slip.content))["petrova.na"]
    client.force_login(class_teacher)
    page = client.get(reverse("accounts:person", args=[parent.pk])).content.decode()
    assert "нет заявления: вход закрыт" in page
    assert not can_sign_in(client, "petrova.na", password)

    client.force_login(class_teacher)
    response = post_application(client, parent, checker=class_teacher.pk,
                                children=[vasya.pk, masha.pk])

    assert response.status_code == 302
    application = DiaryApplication.objects.get(parent=parent.parent)
    assert (application.received_on.isoformat(), application.passport_checked_by,
            application.recorded_by) == ("2026-11-14", class_teacher, class_teacher)
    assert set(application.children.all()) == {vasya, masha}
    assert can_sign_in(client, "petrova.na", password)
    assert PersonalDataEvent.objects.filter(subject=parent, kind=PersonalDataEvent.Kind.ACCESS,
                                            what__contains="вход открыт").exists()


def test_bad_input_gets_russian_field_errors_and_records_nothing(client, class_teacher, parent,
                                                                 children, outsider_child):
    vasya, _ = children
    stranger = make_staff(outsider_child.school, "stranger", "Чужой", "Пётр")
    StaffRole.objects.filter(user=stranger).delete()
    client.force_login(class_teacher)
    cases = [
        ({"received_on": "31.02.2026"}, "Введите дату в виде ДД.ММ.ГГГГ"),
        ({"received_on": "20.11.2026"}, "Дата не может быть позже сегодняшнего дня."),
        ({"children": []}, "Отметьте хотя бы одного ребёнка."),
        ({"children": [outsider_child.pk]}, "Выберите корректный вариант"),
        ({"checker": stranger.pk}, "Выберите корректный вариант"),
    ]
    for change, message in cases:
        fields = {"checker": class_teacher.pk, "children": [vasya.pk], **change}
        response = post_application(client, parent, **fields)
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    assert not DiaryApplication.objects.exists()


def test_a_refusal_in_force_stops_the_application(client, class_teacher, parent, children):
    record_consent(parent, class_teacher, given=False)
    client.force_login(class_teacher)
    response = post_application(client, parent, checker=class_teacher.pk,
                                children=[children[0].pk])
    assert response.status_code == 400
    assert "сначала внесите согласие" in response.content.decode()
    assert not DiaryApplication.objects.exists()


def test_only_those_who_keep_the_familys_access_record_applications(
        client, class_teacher, teacher, data_officer, parent, outsider_parent, children):
    client.force_login(class_teacher)
    assert client.get(application_url(outsider_parent)).status_code == 404
    assert client.get(reverse("accounts:application_blank",
                              args=[outsider_parent.parent.pk])).status_code == 404
    client.force_login(teacher)
    assert client.get(application_url(parent)).status_code == 404
    client.force_login(data_officer)
    response = post_application(client, parent, checker=data_officer.pk,
                                children=[children[0].pk])
    assert response.status_code == 403
    assert not DiaryApplication.objects.exists()
    assert not PersonalDataEvent.objects.exists()


def test_the_coordinator_records_applications_for_any_class(client, diary_coordinator, parent,
                                                            children):
    client.force_login(diary_coordinator)
    response = post_application(client, parent, checker=diary_coordinator.pk,
                                children=[children[1].pk])
    assert response.status_code == 302
    assert DiaryApplication.objects.get().recorded_by == diary_coordinator
