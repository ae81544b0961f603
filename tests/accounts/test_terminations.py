"""Termination of the service: the account is annulled and blocked, its open sessions end at
once, and a notice (PDF, and e-mail when there is an address) names the applicant, the
address, the service and the reason."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import CredentialIssue, PersonalDataEvent, Termination, User
from accounts.services.terminations import send_notice
from tests.accounts.families_setup import (  # noqa: F401 (fixtures)
    NOW,
    assert_fonts_embedded,
    needs_poppler,
    pdf_text,
    record_application,
    school_day_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day")]
REASON = "Заявление родителя (законного представителя) об отказе от услуги"


def terminate(client, person: User, **fields):
    return client.post(reverse("accounts:terminate", args=[person.pk]), {
        "applicant_name": "Петрова Наталья Андреевна",
        "applicant_address": "г. Воронеж, ул. Липовая, д. 3, кв. 14",
        "notice_email": "petrova@example.ru", "reason": REASON, "terminated_on": "16.11.2026",
        "confirm": "on", **fields})


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@needs_poppler
def test_termination_blocks_the_account_ends_its_sessions_and_sends_the_notice(
        client, class_teacher, director, parent, django_capture_on_commit_callbacks):
    record_application(parent, class_teacher)
    families_phone = signed_in(parent)
    assert families_phone.get(reverse("diary:index")).status_code == 302  # to the diary
    client.force_login(class_teacher)
    form = client.get(reverse("accounts:terminate", args=[parent.pk])).content.decode()
    assert 'value="Петрова Наталья Андреевна"' in form and 'value="petrova@example.ru"' in form

    with django_capture_on_commit_callbacks(execute=True):
        response = terminate(client, parent)

    assert response.status_code == 302
    parent.refresh_from_db()
    assert not parent.is_active and not parent.has_usable_password()
    # The parent's open session is refused on the next click.
    next_click = families_phone.get(reverse("diary:index"))
    assert next_click.status_code == 302 and next_click.url.startswith(reverse("login"))
    termination = Termination.objects.get(user=parent)
    assert (termination.applicant_name, termination.reason, termination.recorded_by) == (
        "Петрова Наталья Андреевна", REASON, class_teacher)
    assert termination.notice_sent_to == "petrova@example.ru" and termination.notice_sent_at
    (message,) = mail.outbox
    assert message.to == ["petrova@example.ru"]
    assert "прекращении предоставления услуги" in message.subject
    assert REASON in message.body
    (name, content, kind), = message.attachments
    assert kind == "application/pdf" and name.endswith(".pdf")
    assert_fonts_embedded(content)
    text = " ".join(pdf_text(content).split())
    for words in ("Средняя школа № 7", "Уведомление о прекращении предоставления услуги",
                  "Петрова Наталья Андреевна", "ул. Липовая, д. 3, кв. 14",
                  "в форме электронного дневника", REASON, "16.11.2026", "Директорова М. Л.",
                  f"№ {termination.pk}"):
        assert words in text, words
    assert PersonalDataEvent.objects.filter(
        subject=parent, kind=PersonalDataEvent.Kind.ACCESS, what__startswith="услуга прекращена",
    ).exists()
    page = client.get(reverse("accounts:person", args=[parent.pk])).content.decode()
    assert "услуга прекращена 16.11.2026" in page and "Уведомление отправлено" in page


def test_a_notice_is_sent_once_and_can_be_printed_again(client, class_teacher, parent,
                                                        django_capture_on_commit_callbacks):
    client.force_login(class_teacher)
    with django_capture_on_commit_callbacks(execute=True):
        terminate(client, parent, notice_email="")
    assert mail.outbox == []
    termination = Termination.objects.get()
    assert termination.notice_sent_at is None
    printed = client.get(reverse("accounts:termination_notice", args=[termination.pk]))
    assert printed["Content-Type"] == "application/pdf"

    assert send_notice(termination.pk, "petrova@example.ru")
    assert not send_notice(termination.pk, "petrova@example.ru")
    assert len(mail.outbox) == 1


def test_no_new_login_after_termination_until_a_new_application(client, class_teacher, parent,
                                                                 children):
    record_application(parent, class_teacher)
    client.force_login(class_teacher)
    terminate(client, parent)
    refused = client.post(reverse("accounts:issue", args=[parent.pk]), follow=True)
    assert "логин можно выдать только после нового заявления" in refused.content.decode()
    assert not CredentialIssue.objects.exists()
    assert terminate(client, parent).status_code == 400  # already terminated

    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        client.force_login(class_teacher)
        client.post(reverse("accounts:application", args=[parent.parent.pk]), {
            "received_on": "17.11.2026", "passport_checked_by": class_teacher.pk,
            "children": [children[0].pk]})
        assert parent.parent.applications.count() == 2
        assert client.post(reverse("accounts:issue", args=[parent.pk]))["Content-Type"] == \
            "application/pdf"
    parent.refresh_from_db()
    assert parent.is_active and parent.has_usable_password()


def test_termination_bad_input_gets_russian_field_errors_and_changes_nothing(
        client, class_teacher, parent):
    client.force_login(class_teacher)
    cases = [({"reason": ""}, "Обязательное поле."),
             ({"confirm": ""}, "Подтвердите прекращение услуги."),
             ({"terminated_on": "32.11.2026"}, "Введите дату в виде ДД.ММ.ГГГГ"),
             ({"notice_email": "petrova@"}, "Введите правильный адрес электронной почты."),
             ({"applicant_address": ""}, "Обязательное поле.")]
    for change, message in cases:
        response = terminate(client, parent, **change)
        assert response.status_code == 400 and message in response.content.decode(), change
    parent.refresh_from_db()
    assert parent.is_active and parent.has_usable_password()
    assert not Termination.objects.exists() and mail.outbox == []


def test_who_may_end_the_service(client, class_teacher, diary_coordinator, administrator,
                                 data_officer, parent, outsider_parent, children):
    vasya, masha = children
    client.force_login(class_teacher)
    assert terminate(client, outsider_parent).status_code == 404
    client.force_login(data_officer)
    assert terminate(client, parent).status_code == 403
    assert not Termination.objects.exists()
    client.force_login(diary_coordinator)
    assert terminate(client, masha.user).status_code == 302
    client.force_login(administrator)
    assert terminate(client, parent).status_code == 302
    notice = Termination.objects.get(user=parent)
    client.force_login(class_teacher)  # leads 5А: the mother of Василий is theirs, Мария not
    assert client.get(reverse("accounts:termination_notice", args=[notice.pk])).status_code \
        == 200
    mashas = Termination.objects.get(user=masha.user)
    assert client.get(reverse("accounts:termination_notice",
                              args=[mashas.pk])).status_code == 404


def test_another_classs_notice_is_not_found(client, class_teacher, outsider_parent,
                                             diary_coordinator):
    client.force_login(diary_coordinator)
    terminate(client, outsider_parent)
    notice = Termination.objects.get()
    client.force_login(class_teacher)  # leads 5А, not 5Б
    assert client.get(reverse("accounts:termination_notice", args=[notice.pk])).status_code \
        == 404
