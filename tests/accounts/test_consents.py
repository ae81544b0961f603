"""Consent or refusal to personal-data processing per parent (the latest by date in force; a
refusal stops logins), and each person's consents to be notified by e-mail and SMS."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ContactChannel, CredentialIssue, PersonalDataConsent, PersonalDataEvent
from accounts.queries.family_access import status_of
from tests.accounts.families_setup import (  # noqa: F401 (fixtures)
    record_application,
    school_day_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day")]


def post_consent(client, parent, given: str, signed_on: str, document: str = "№ 12"):
    return client.post(reverse("accounts:consent", args=[parent.parent.pk]),
                       {"given": given, "signed_on": signed_on, "document": document})


def test_the_latest_consent_by_date_is_in_force(client, class_teacher, parent):
    client.force_login(class_teacher)
    assert post_consent(client, parent, "yes", "01.09.2026", "согласие № 12").status_code == 302
    assert post_consent(client, parent, "no", "10.11.2026", "отказ от 10.11.2026").status_code \
        == 302
    # Entered later, but signed earlier: the refusal stays in force.
    assert post_consent(client, parent, "yes", "02.09.2026").status_code == 302

    status = status_of(parent)
    assert status.consent is False and status.consent_on.isoformat() == "2026-11-10"
    page = client.get(reverse("accounts:class_families",
                              args=[parent.parent.children.first().classes.first().pk]))
    assert "отказ от 10.11.2026" in page.content.decode()
    events = PersonalDataEvent.objects.filter(subject=parent, kind=PersonalDataEvent.Kind.CHANGE)
    assert events.count() == 3
    first, _, last = events.order_by("pk")
    assert first.changes == {
        "Документ о согласии": ["", "согласие № 12 от 01.09.2026"],
        "Согласие на обработку персональных данных": [
            "не записано", "согласие от 01.09.2026 (согласие № 12)"]}
    assert last.changes == {"Документ о согласии": ["", "№ 12 от 02.09.2026"]}


def test_a_refusal_stops_the_parents_and_the_childs_logins_with_a_clear_message(
        client, class_teacher, parent, children):
    vasya, _ = children
    record_application(parent, class_teacher)
    client.force_login(class_teacher)
    post_consent(client, parent, "no", "10.11.2026", "отказ № 3")

    for person in (parent, vasya.user):
        response = client.post(reverse("accounts:issue", args=[person.pk]), follow=True)
        page = response.content.decode()
        assert response["Content-Type"].startswith("text/html")
        assert 'class="alert alert-danger"' in page  # the message after the refused issue
        assert "от обработки персональных данных" in page and "логин не выдаётся" in page
    assert not CredentialIssue.objects.exists()
    class_page = client.get(reverse("accounts:class_families", args=[vasya.classes.first().pk]))
    assert "Выдать всем без логина (0)" in class_page.content.decode()


def test_consent_bad_input_gets_russian_field_errors(client, class_teacher, parent):
    client.force_login(class_teacher)
    cases = [({"given": "", "signed_on": "01.09.2026", "document": "№ 1"},
              "Выберите: согласие или отказ."),
             ({"given": "yes", "signed_on": "01.13.2026", "document": "№ 1"},
              "Введите дату в виде ДД.ММ.ГГГГ"),
             ({"given": "yes", "signed_on": "01.12.2026", "document": "№ 1"},
              "Дата не может быть позже сегодняшнего дня."),
             ({"given": "yes", "signed_on": "01.09.2026", "document": "  "},
              "Обязательное поле.")]
    for data, message in cases:
        response = client.post(reverse("accounts:consent", args=[parent.parent.pk]), data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not PersonalDataConsent.objects.exists()


def test_only_the_familys_keepers_record_consents(client, class_teacher, data_officer, parent,
                                                   outsider_parent):
    client.force_login(class_teacher)
    assert post_consent(client, outsider_parent, "yes", "01.09.2026").status_code == 404
    client.force_login(data_officer)
    assert post_consent(client, parent, "yes", "01.09.2026").status_code == 403
    assert not PersonalDataConsent.objects.exists()


def post_contacts(client, person, **data):
    return client.post(reverse("accounts:edit_contacts", args=[person.pk]), data)


def test_channel_consents_take_the_persons_email_and_phone(client, class_teacher, parent):
    client.force_login(class_teacher)
    response = post_contacts(client, parent, email_consent="on", email_consent_on="01.09.2026",
                             sms_consent="on", sms_consent_on="02.09.2026")
    assert response.status_code == 302
    channels = {c.kind: c for c in ContactChannel.objects.filter(user=parent)}
    assert (channels["email"].address, channels["email"].consented,
            channels["email"].consented_on.isoformat()) == ("petrova@example.ru", True,
                                                            "2026-09-01")
    assert (channels["sms"].address, channels["sms"].consented) == ("+7 900 111-22-33", True)
    event = PersonalDataEvent.objects.get(subject=parent)
    assert event.changes["Согласие на уведомления по SMS"] == [
        "нет", "да с 02.09.2026 (+7 900 111-22-33)"]
    page = client.get(reverse("accounts:person", args=[parent.pk])).content.decode()
    assert "Сохранено: согласие на уведомления по электронной почте, согласие на уведомления " \
           "по sms." in page
    again = post_contacts(client, parent, email_consent="on", email_consent_on="01.09.2026",
                          sms_consent="on", sms_consent_on="02.09.2026")
    assert "Изменений нет." in client.get(again.url).content.decode()
    assert PersonalDataEvent.objects.filter(subject=parent,
                                            kind=PersonalDataEvent.Kind.CHANGE).count() == 1

    # The channel follows the address it was given for; withdrawn, it says no.
    client.post(reverse("accounts:edit_person", args=[parent.pk]), {
        "last_name": "Петрова", "first_name": "Наталья", "patronymic": "Андреевна",
        "email": "n.petrova@example.ru", "phone": "", "address": "",
        f"relation_{parent.parent.links.first().pk}": "mother",
        f"relation_{parent.parent.links.last().pk}": "mother"})
    channels = {c.kind: c for c in ContactChannel.objects.filter(user=parent)}
    assert channels["email"].address == "n.petrova@example.ru" and "sms" not in channels
    post_contacts(client, parent, email_consent_on="")
    assert not ContactChannel.objects.get(user=parent, kind="email").consented


def test_a_channel_consent_needs_an_address_and_a_date(client, class_teacher, children):
    vasya, _ = children
    client.force_login(class_teacher)
    response = post_contacts(client, vasya.user, email_consent="on", email_consent_on="")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Сначала укажите адрес электронной почты в данных выше." in page
    vasya.user.email = "vasya@example.ru"
    vasya.user.save()
    response = post_contacts(client, vasya.user, email_consent="on", email_consent_on="")
    assert "Укажите дату согласия." in response.content.decode()
    assert not ContactChannel.objects.exists()
