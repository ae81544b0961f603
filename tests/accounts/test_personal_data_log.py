"""Class teachers (and the secretary) update students' and parents' data; every change — on
these pages or in the setup screens — is logged with when, who, the client's address, the
fields and their old and new values. Staff opening a family's diary or data are logged too;
the family's own views are not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ParentStudent, PersonalDataEvent, Student, User
from accounts.services.personal_data import record_change
from journal.models import Absence
from tests.accounts.families_setup import school_day_fixture  # noqa: F401 (fixture)
from tests.journal.journal_setup import make_lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day")]
Kind = PersonalDataEvent.Kind
ADDRESS = "203.0.113.7"


def parent_data(parent: User, **changes) -> dict:
    data = {"last_name": "Петрова", "first_name": "Наталья", "patronymic": "Андреевна",
            "email": "petrova@example.ru", "phone": "+7 900 111-22-33", "address": ""}
    data.update({f"relation_{link.pk}": link.relation for link in parent.parent.links.all()})
    data.update(changes)
    return data


def student_data(**changes) -> dict:
    return {"last_name": "Петров", "first_name": "Василий", "patronymic": "", "email": "",
            "birth_date": "14.03.2015", "sex": "m", **changes}


def edit(client, person: User, data: dict):
    return client.post(reverse("accounts:edit_person", args=[person.pk]), data,
                       REMOTE_ADDR=ADDRESS)


def test_a_parents_changed_data_are_saved_and_logged_field_by_field(client, class_teacher,
                                                                    parent, children):
    vasya, _ = children
    link = parent.parent.links.get(student=vasya)
    client.force_login(class_teacher)

    response = edit(client, parent, parent_data(
        parent, phone="+7 900 555-66-77", address="г. Воронеж, ул. Новая, д. 1",
        email="n.petrova@example.ru", **{f"relation_{link.pk}": "guardian"}))

    assert response.status_code == 302
    parent.refresh_from_db()
    parent.parent.refresh_from_db()
    assert (parent.email, parent.parent.phone, parent.parent.address) == (
        "n.petrova@example.ru", "+7 900 555-66-77", "г. Воронеж, ул. Новая, д. 1")
    assert ParentStudent.objects.get(pk=link.pk).relation == "guardian"
    event = PersonalDataEvent.objects.get(kind=Kind.CHANGE)
    assert (event.subject, event.actor, event.address) == (parent, class_teacher, ADDRESS)
    assert event.changes == {
        "Адрес электронной почты": ["petrova@example.ru", "n.petrova@example.ru"],
        "Телефон": ["+7 900 111-22-33", "+7 900 555-66-77"],
        "Адрес": ["", "г. Воронеж, ул. Новая, д. 1"],
        "Кем приходится (Петров Василий)": ["мать", "опекун"],
    }
    page = client.get(reverse("accounts:person", args=[parent.pk])).content.decode()
    assert "Данные сохранены. Изменено: Адрес электронной почты, Телефон, Адрес" in page


def test_a_students_birth_date_and_name_changes_are_logged(client, class_teacher, children):
    vasya, _ = children
    client.force_login(class_teacher)
    edit(client, vasya.user, student_data(first_name="Василий-Андрей", birth_date="15.03.2015"))
    event = PersonalDataEvent.objects.get(kind=Kind.CHANGE)
    assert event.changes == {"Имя": ["Василий", "Василий-Андрей"],
                             "Дата рождения": ["14.03.2015", "15.03.2015"]}
    assert edit(client, vasya.user, student_data(first_name="Василий-Андрей",
                                                 birth_date="15.03.2015")).status_code == 302
    assert PersonalDataEvent.objects.filter(kind=Kind.CHANGE).count() == 1  # nothing changed


def test_bad_input_gets_russian_field_errors_and_changes_nothing(client, class_teacher, parent,
                                                                 children):
    vasya, _ = children
    client.force_login(class_teacher)
    cases = [
        (parent, parent_data(parent, last_name="Петрова2"),
         "Допустимы только буквы, пробел, дефис и апостроф."),
        (parent, parent_data(parent, phone="звоните"), "Телефон: цифры, пробелы, скобки"),
        (parent, parent_data(parent, email="petrova@"),
         "Введите правильный адрес электронной почты."),
        (parent, parent_data(parent, first_name=""), "Обязательное поле."),
        (vasya.user, student_data(birth_date="01.01.2030"),
         "Дата рождения не может быть позже сегодняшнего дня."),
        (vasya.user, student_data(birth_date="30.02.2015"), "Введите дату в виде ДД.ММ.ГГГГ"),
        (vasya.user, student_data(sex="x"), "Выберите корректный вариант"),
    ]
    for person, data, message in cases:
        response = edit(client, person, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    parent.refresh_from_db()
    vasya.refresh_from_db()
    assert parent.last_name == "Петрова" and parent.parent.phone == "+7 900 111-22-33"
    assert vasya.birth_date.isoformat() == "2015-03-14"
    assert not PersonalDataEvent.objects.filter(kind=Kind.CHANGE).exists()


def test_another_classs_family_is_not_found_and_nothing_changes(client, class_teacher, teacher,
                                                                 outsider_parent, parent):
    client.force_login(class_teacher)
    assert client.get(reverse("accounts:person", args=[outsider_parent.pk])).status_code == 404
    assert edit(client, outsider_parent, parent_data(outsider_parent,
                                                     last_name="Взломов")).status_code == 404
    client.force_login(teacher)  # teaches 5А, leads no class
    assert client.get(reverse("accounts:person", args=[parent.pk])).status_code == 404
    assert User.objects.get(pk=outsider_parent.pk).last_name == "Сидоров"
    assert not PersonalDataEvent.objects.exists()


def test_the_secretary_edits_the_data_officer_only_reads(client, secretary, data_officer,
                                                         parent):
    client.force_login(data_officer)
    page = client.get(reverse("accounts:person", args=[parent.pk])).content.decode()
    assert "Петрова Наталья Андреевна" in page and 'data-testid="person-form"' not in page
    assert edit(client, parent, parent_data(parent, address="где-то")).status_code == 403
    client.force_login(secretary)
    assert edit(client, parent, parent_data(parent, address="г. Воронеж")).status_code == 302
    assert PersonalDataEvent.objects.get(kind=Kind.CHANGE).actor == secretary


def test_staff_opening_a_familys_data_or_diary_are_logged_the_family_is_not(
        client, class_teacher, teacher, parent, children):
    vasya, _ = children
    client.force_login(class_teacher)
    client.get(reverse("accounts:person", args=[parent.pk]), REMOTE_ADDR=ADDRESS)
    client.force_login(teacher)
    assert client.get(reverse("diary:marks", args=[vasya.pk])).status_code == 200
    client.force_login(parent)
    assert client.get(reverse("diary:marks", args=[vasya.pk])).status_code == 200

    data, diary = PersonalDataEvent.objects.order_by("pk")
    assert (data.kind, data.actor, data.subject, data.address) == (
        Kind.VIEW_DATA, class_teacher, parent, ADDRESS)
    assert (diary.kind, diary.actor, diary.subject, diary.what) == (
        Kind.VIEW_DIARY, teacher, vasya.user, "дневник: Отметки")


def test_opening_a_students_absences_of_a_day_is_logged(client, class_teacher, teacher,
                                                        small_school, children):
    vasya, _ = children
    lesson = make_lesson(small_school.maths_5a, small_school.year.starts_on.replace(day=7))
    Absence.objects.create(lesson=lesson, student=vasya, kind="ill", reason="справка № 5")
    client.force_login(class_teacher)
    response = client.get(reverse("journal:attendance_day", args=[small_school.class_5a.pk]),
                          {"student": vasya.pk, "date": lesson.date.isoformat()})
    assert response.status_code == 200
    event = PersonalDataEvent.objects.get()
    assert (event.kind, event.actor, event.subject) == (Kind.VIEW_DATA, class_teacher,
                                                        vasya.user)
    assert event.what == "пропуски за 07.09.2026 (5А класс)"


def test_saves_in_the_setup_screens_are_logged(client, administrator, parent, children):
    vasya, masha = children
    links = list(parent.parent.links.order_by("pk"))
    data = {"user": parent.pk, "phone": "+7 900 000-00-00", "address": "г. Воронеж",
            "portal_uid": "", "links-TOTAL_FORMS": 2, "links-INITIAL_FORMS": 2,
            "links-MIN_NUM_FORMS": 0, "links-MAX_NUM_FORMS": 1000}
    for i, link in enumerate(links):
        data.update({f"links-{i}-id": link.pk, f"links-{i}-parent": parent.parent.pk,
                     f"links-{i}-student": link.student_id,
                     f"links-{i}-relation": "father" if link.student == vasya else link.relation,
                     f"links-{i}-is_legal_representative": "on"})
    data["links-1-DELETE"] = "on"
    client.force_login(administrator)

    response = client.post(reverse("admin:accounts_parent_change", args=[parent.parent.pk]),
                           data, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302, response.content.decode()[:2000]
    events = list(PersonalDataEvent.objects.filter(kind=Kind.CHANGE).order_by("pk"))
    assert [e.subject for e in events] == [parent, parent, parent]
    assert all(e.actor == administrator and e.address == ADDRESS for e in events)
    assert events[0].changes == {"Телефон": ["+7 900 111-22-33", "+7 900 000-00-00"],
                                 "Адрес": ["", "г. Воронеж"]}
    assert events[1].changes == {"Кем приходится": ["мать", "отец"]}
    assert events[2].changes == {"Связь с ребёнком": [
        f"Петрова Наталья Андреевна — {masha} (мать)", "удалена"]}

    client.post(reverse("admin:accounts_student_change", args=[vasya.pk]), {
        "user": vasya.user_id, "school": vasya.school_id, "birth_date": "14.03.2015",
        "sex": "m", "portal_uid": "12345", "parent_links-TOTAL_FORMS": 0,
        "parent_links-INITIAL_FORMS": 0, "parent_links-MIN_NUM_FORMS": 0,
        "parent_links-MAX_NUM_FORMS": 1000})
    assert PersonalDataEvent.objects.filter(subject=vasya.user).get().changes == {
        "UID портала": ["", "12345"]}
    assert Student.objects.get(pk=vasya.pk).portal_uid == "12345"


def test_nothing_is_logged_when_nothing_changed(parent, class_teacher):
    assert record_change(class_teacher, "127.0.0.1", parent, {"Телефон": ("1", "1")}) is None
    event = record_change(class_teacher, "не адрес", parent, {"Телефон": ("1", "2")})
    assert event.address is None and event.changes == {"Телефон": ["1", "2"]}
