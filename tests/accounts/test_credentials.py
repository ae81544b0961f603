"""Logins and one-time passwords: issued by the class teacher (families) and the administrator
(staff) on printed slips, changed at the first sign-in, reset by the class teacher or by e-mail;
a crafted request for someone out of reach gets 404 and changes nothing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import (
    CredentialIssue,
    Parent,
    ParentStudent,
    PersonalDataEvent,
    StaffRole,
    User,
)
from accounts.roles import Role
from accounts.services.credentials import login_base, new_password
from tests.accounts.families_setup import (  # noqa: F401 (fixtures)
    LOOK_ALIKES,
    assert_fonts_embedded,
    needs_poppler,
    pdf_text,
    record_application,
    school_day_fixture,
    slip_passwords,
)
from tests.conftest import PASSWORD, make_parent, make_student

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day")]


def issue(client, user: User, person: User):
    client.force_login(user)
    return client.post(reverse("accounts:issue", args=[person.pk]))


def sign_in(client, login: str, password: str):
    return client.post(reverse("login"), {"username": login, "password": password})


def signed_in_as(client) -> User | None:
    user = client.get(reverse("password_change")).wsgi_request.user
    return user if user.is_authenticated else None


@needs_poppler
def test_class_teacher_issues_a_parents_login_on_a_printed_slip(client, class_teacher, parent,
                                                               small_school):
    record_application(parent, class_teacher)

    response = issue(client, class_teacher, parent)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert_fonts_embedded(response.content)
    for words in ("Петрова Наталья Андреевна", "Средняя школа № 7", "/login/",
                  "При первом входе смените пароль", "мать: Петров Василий (5А)"):
        assert words in " ".join(text.split()), words
    (login, password), = slip_passwords(text).items()
    assert login == "petrova.na"
    assert len(password) == 10 and not set(password) & LOOK_ALIKES
    parent.refresh_from_db()
    assert parent.username == "petrova.na" and parent.must_change_password
    assert parent.check_password(password) and not parent.check_password(PASSWORD)
    assert CredentialIssue.objects.get(user=parent).kind == CredentialIssue.Kind.ISSUED
    event = PersonalDataEvent.objects.get(subject=parent)
    assert (event.kind, event.actor) == (PersonalDataEvent.Kind.ACCESS, class_teacher)
    # Shown on the slip only: no table keeps it in clear.
    for model in (CredentialIssue, PersonalDataEvent, User):
        assert password not in str(list(model.objects.values()))


def test_a_parent_signs_in_with_the_slips_password_and_must_change_it_first(
        client, class_teacher, parent, small_school, monkeypatch):
    record_application(parent, class_teacher)
    monkeypatch.setattr("accounts.services.credentials.new_password", lambda: "Kx7mPq9aBd")
    issue(client, class_teacher, parent)
    client.logout()

    assert sign_in(client, "petrova.na", "Kx7mPq9aBd").status_code == 302
    for page in (reverse("home"), reverse("diary:index"), reverse("journal:my_journals")):
        response = client.get(page)
        assert response.status_code == 302 and response.url == reverse("password_change"), page
    page = client.get(reverse("password_change")).content.decode()
    assert 'data-testid="must-change-password"' in page

    same = client.post(reverse("password_change"), {
        "old_password": "Kx7mPq9aBd", "new_password1": "Kx7mPq9aBd",
        "new_password2": "Kx7mPq9aBd"})
    assert "Новый пароль должен отличаться от прежнего." in same.content.decode()
    changed = client.post(reverse("password_change"), {
        "old_password": "Kx7mPq9aBd", "new_password1": "Своё-пароль-2026",
        "new_password2": "Своё-пароль-2026"})
    assert changed.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    parent.refresh_from_db()
    assert not parent.must_change_password and parent.check_password("Своё-пароль-2026")


def test_logins_are_latin_transliterations_of_the_name_and_unique(client, class_teacher,
                                                                 small_school, children):
    vasya, _ = children
    twins = [make_parent(f"p{i}", "Щукина", "Юлия", "Эдуардовна", [vasya]) for i in range(2)]
    for twin in twins:
        record_application(twin, class_teacher)
        assert issue(client, class_teacher, twin).status_code == 200
    assert sorted(User.objects.filter(pk__in=[t.pk for t in twins])
                  .values_list("username", flat=True)) == ["shchukina.ye", "shchukina.ye2"]
    assert login_base(User(last_name="Ёлкин-Жуков", first_name="Хасан")) == "elkinzhukov.k"


def test_passwords_have_no_look_alike_characters():
    passwords = {new_password() for _ in range(300)}
    assert len(passwords) == 300
    assert not set("".join(passwords)) & LOOK_ALIKES


@needs_poppler
def test_a_reset_keeps_the_login_and_replaces_the_password(client, class_teacher, parent,
                                                           small_school):
    record_application(parent, class_teacher)
    first = slip_passwords(pdf_text(issue(client, class_teacher, parent).content))
    client.logout()
    sign_in(client, "petrova.na", first["petrova.na"])

    second = slip_passwords(pdf_text(issue(client, class_teacher, parent).content))

    assert list(second) == ["petrova.na"] and second != first
    parent.refresh_from_db()
    assert parent.check_password(second["petrova.na"])
    assert not parent.check_password(first["petrova.na"]) and parent.must_change_password
    assert list(CredentialIssue.objects.filter(user=parent).values_list("kind", flat=True)) == [
        CredentialIssue.Kind.RESET, CredentialIssue.Kind.ISSUED]


@needs_poppler
def test_everyone_in_the_class_without_a_login_gets_one_at_once(
        client, class_teacher, parent, small_school, children, outsider_parent):
    vasya, _ = children
    classmate = make_student(small_school.school, "kolya", "Колин", "Николай",
                             small_school.class_5a)
    already = make_parent("already", "Уже", "Вошедший", "", [classmate])
    User.objects.filter(pk=already.pk).update(last_login=vasya.user.date_joined)
    client.force_login(class_teacher)
    page = client.get(reverse("accounts:class_families", args=[small_school.class_5a.pk]))
    assert "Выдать всем без логина (3)" in page.content.decode()

    response = client.post(reverse("accounts:issue_class", args=[small_school.class_5a.pk]))

    logins = slip_passwords(pdf_text(response.content))
    assert sorted(logins) == ["kolin.n", "petrov.v", "petrova.na"]
    assert not CredentialIssue.objects.filter(user__in=[already, outsider_parent]).exists()
    page = client.get(reverse("accounts:class_families", args=[small_school.class_5a.pk]))
    text = page.content.decode()
    assert "Выдать всем без логина (0)" in text
    assert text.count("входа ещё не было") == 3
    # Petrova has no application yet: her login waits for it, and the page says so.
    assert 'data-testid="waits-for-application"' in text


@needs_poppler
def test_class_slips_ask_first_then_reissue_everyone_who_never_signed_in(
        client, diary_coordinator, class_teacher, parent, small_school, children):
    vasya, _ = children
    client.force_login(class_teacher)
    client.post(reverse("accounts:issue_class", args=[small_school.class_5a.pk]))
    User.objects.filter(pk=vasya.user_id).update(last_login=vasya.user.date_joined)
    client.force_login(diary_coordinator)
    address = reverse("accounts:class_slips", args=[small_school.class_5a.pk])

    question = client.get(address).content.decode()
    assert "Петрова Наталья Андреевна" in question
    listed = question.split('data-testid="slip-people"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 1  # Василий signed in: no slip for him
    assert not CredentialIssue.objects.filter(issued_by=diary_coordinator).exists()

    response = client.post(address)
    assert list(slip_passwords(pdf_text(response.content))) == ["petrova.na"]
    assert CredentialIssue.objects.get(issued_by=diary_coordinator).kind == CredentialIssue.Kind.RESET


def test_a_crafted_request_for_another_classs_parent_is_404_and_changes_nothing(
        client, class_teacher, teacher, parent, outsider_parent, small_school):
    before = User.objects.get(pk=outsider_parent.pk).password
    assert issue(client, class_teacher, outsider_parent).status_code == 404
    assert issue(client, teacher, parent).status_code == 404  # teaches 5А, leads no class
    client.force_login(class_teacher)
    assert client.post(reverse("accounts:issue_class",
                               args=[small_school.class_5b.pk])).status_code == 404
    assert client.get(reverse("accounts:class_slips",
                              args=[small_school.class_5b.pk])).status_code == 404
    assert User.objects.get(pk=outsider_parent.pk).password == before
    assert not CredentialIssue.objects.exists() and not PersonalDataEvent.objects.exists()


def test_readers_see_the_families_but_may_not_issue(client, data_officer, parent, small_school):
    client.force_login(data_officer)
    page = client.get(reverse("accounts:class_families", args=[small_school.class_5a.pk]))
    assert page.status_code == 200 and 'data-testid="read-only"' in page.content.decode()
    assert 'data-testid="issue-login"' not in page.content.decode()
    assert issue(client, data_officer, parent).status_code == 403
    assert not CredentialIssue.objects.exists()


def test_a_parent_who_is_staff_is_out_of_the_class_teachers_reach(client, class_teacher, deputy,
                                                                 children, small_school):
    ParentStudent.objects.create(parent=Parent.objects.create(user=deputy), student=children[0],
                                 relation="mother")
    before = User.objects.get(pk=deputy.pk).password
    assert issue(client, class_teacher, deputy).status_code == 404
    assert User.objects.get(pk=deputy.pk).password == before


@needs_poppler
def test_the_administrator_issues_staff_logins_only(client, administrator, teacher, parent,
                                                    small_school, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.ru", PASSWORD)
    StaffRole.objects.create(user=root, school=small_school.school, role=Role.DIRECTOR)
    client.force_login(administrator)
    page = client.get(reverse("accounts:staff_logins")).content.decode()
    assert "Матвеева Ольга Игоревна" in page and "root" not in page

    response = client.post(reverse("accounts:issue_staff", args=[teacher.pk]))
    assert list(slip_passwords(pdf_text(response.content))) == ["matveeva.oi"]
    teacher.refresh_from_db()
    assert teacher.must_change_password
    for foreign in (administrator, root, parent):
        assert client.post(reverse("accounts:issue_staff", args=[foreign.pk])).status_code == 404
    assert issue(client, administrator, parent).status_code == 403  # reads families only
    client.force_login(teacher)
    assert client.get(reverse("accounts:staff_logins")).status_code == 302  # must change first


def test_password_reset_by_email_sends_a_link_that_sets_a_new_password(client, parent):
    response = client.post(reverse("password_reset"), {"email": "petrova@example.ru"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["petrova@example.ru"] and "пароля" in message.subject
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Новый пароль" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Новый-пароль-2026",
                                                    "new_password2": "Новый-пароль-2026"})
    assert done.status_code == 302
    parent.refresh_from_db()
    assert parent.check_password("Новый-пароль-2026")
    assert CredentialIssue.objects.get(user=parent).kind == CredentialIssue.Kind.EMAIL_RESET


def test_the_password_forms_name_bad_input_in_russian_and_change_nothing(client, parent):
    refused = client.post(reverse("password_reset"), {"email": "petrova@"})
    assert refused.status_code == 200 and mail.outbox == []
    assert "Введите правильный адрес электронной почты." in refused.content.decode()

    client.post(reverse("password_reset"), {"email": "petrova@example.ru"})
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    mismatch = client.post(form_url, {"new_password1": "Новый-пароль-2026",
                                      "new_password2": "Другой-пароль-2026"})
    assert "Введенные пароли не совпадают." in mismatch.content.decode()

    client.force_login(parent)
    wrong_old = client.post(reverse("password_change"), {
        "old_password": "не-тот", "new_password1": "Новый-пароль-2026",
        "new_password2": "Новый-пароль-2026"})
    assert wrong_old.status_code == 200
    assert "Ваш старый пароль введен неправильно." in wrong_old.content.decode()
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)
    assert not CredentialIssue.objects.exists()


def test_no_reset_link_for_an_account_that_is_switched_off(client, class_teacher, parent,
                                                           small_school):
    issue(client, class_teacher, parent)  # no application yet: the account stays off
    client.logout()
    assert client.post(reverse("password_reset"),
                       {"email": "petrova@example.ru"}).status_code == 302
    assert mail.outbox == []


def test_the_sign_in_page_offers_the_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Забыли пароль?" in page


def test_the_class_page_costs_the_same_for_a_small_and_a_big_class(client, class_teacher,
                                                                   small_school, parent):
    address = reverse("accounts:class_families", args=[small_school.class_5a.pk])
    client.force_login(class_teacher)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    # The navigation's unread counts cached, as after any first page.
    client.get(address)
    small = count()
    for i in range(15):
        child = make_student(small_school.school, f"s{i}", f"Ученик{i}", "Иван",
                             small_school.class_5a)
        make_parent(f"m{i}", f"Ученик{i}а", "Мария", "", [child])
    assert count() == small


def test_the_staff_page_costs_the_same_for_a_few_and_for_many(client, administrator,
                                                              small_school):
    client.force_login(administrator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:staff_logins")).status_code == 200
        return len(queries)

    # The navigation's unread counts cached, as after any first page.
    client.get(reverse("accounts:staff_logins"))
    few = count()
    for i in range(12):
        StaffRole.objects.create(user=make_parent(f"t{i}", f"Учитель{i}", "Анна", "", []),
                                 school=small_school.school, role=Role.TEACHER)
    assert count() == few


def test_the_families_index_lists_the_classes_one_looks_after(client, class_teacher,
                                                              diary_coordinator, small_school):
    client.force_login(class_teacher)
    response = client.get(reverse("accounts:families"))
    assert response.url == reverse("accounts:class_families", args=[small_school.class_5a.pk])
    client.force_login(diary_coordinator)
    page = client.get(reverse("accounts:families")).content.decode()
    for school_class in ("1А", "5А", "5Б", "10А"):
        assert f"{school_class} класс</a>" in page


def test_a_slip_that_cannot_be_made_leaves_the_password_as_it_was(client, class_teacher, parent,
                                                                  small_school, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr("accounts.views.families.render_pdf", broken)
    before = User.objects.get(pk=parent.pk).password
    with pytest.raises(OSError):
        issue(client, class_teacher, parent)
    assert User.objects.get(pk=parent.pk).password == before
    assert not CredentialIssue.objects.exists() and not PersonalDataEvent.objects.exists()
