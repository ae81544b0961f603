"""Delivering notifications: real SMTP and a real HTTP SMS gateway on loopback, retries within
the budget, quiet hours, the daily digest and the one-click "stop" link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ContactChannel
from journal.services.cells import set_cell
from messaging.models import Delivery, NotificationPreference
from messaging.models.notifications import Channel, Event
from messaging.notifications.delivery import send_digests, send_due
from messaging.notifications.preferences import in_quiet_hours
from messaging.notifications.services import notify
from tests.journal.journal_setup import TODAY, at, make_lesson
from tests.messaging.notifications_setup import (  # noqa: F401 (fixtures)
    choose,
    committed_fixture,
    consent,
    digest,
    emailed_parent_fixture,
    kolya_fixture,
    kolya_parent_fixture,
    lesson_fixture,
    school_day_fixture,
    vasya_fixture,
)
from tests.messaging.smtp import (  # noqa: F401 (fixtures)
    SMS_TOKEN,
    body,
    header,
    sms_gateway_fixture,
    smtp_server_fixture,
)

pytestmark = pytest.mark.usefixtures("school_day")
PHONE = "+7 900 111-22-33"


@pytest.fixture
def texted_parent(parent):
    """Петрова with an SMS consent who chose SMS for absences."""
    consent(parent, ContactChannel.Kind.SMS, PHONE)
    choose(parent, Channel.SMS, [Event.ABSENCE])
    return parent


def test_an_sms_goes_to_the_gateway_with_its_token(committed, teacher, lesson, vasya,
                                                   texted_parent, sms_gateway):
    receiver = sms_gateway()
    committed(set_cell, teacher, lesson, vasya, "н")

    [(headers, payload)] = receiver.requests
    assert headers["Authorization"] == f"Bearer {SMS_TOKEN}"
    assert payload["to"] == PHONE
    assert payload["text"] == ("Школа № 7: Петров Василий: пропуск урока «Математика» "
                               "16.11.2026")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.sent_at is not None) == (
        Delivery.Status.SENT, 1, True)


def test_an_sms_is_retried_after_the_gateway_fails_twice(committed, teacher, lesson, vasya,
                                                         texted_parent, sms_gateway):
    receiver = sms_gateway(failures=2)
    committed(set_cell, teacher, lesson, vasya, "н")

    assert len(receiver.requests) == 3 and len(receiver.delivered) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 3)
    assert delivery.last_error == ""


def test_when_the_budget_is_spent_the_delivery_fails_and_is_listed(
        client, settings, committed, teacher, lesson, vasya, texted_parent, sms_gateway,
        administrator):
    settings.NOTIFICATION_DELIVERY_ATTEMPTS = 3
    receiver = sms_gateway(failures=-1)
    committed(set_cell, teacher, lesson, vasya, "н")

    delivery = Delivery.objects.get()
    assert len(receiver.requests) == 3
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 3)
    assert "SMS-шлюз ответил 503" in delivery.last_error

    client.force_login(administrator)
    page = client.get(reverse("messaging:notifications:deliveries"),
                      {"status": "failed"}).content.decode()
    assert 'data-status="failed" class="table-danger"' in page
    assert "SMS-шлюз ответил 503" in page and "не доставлено: 1" in page

    receiver.failures = 0  # the gateway is back
    with_commit = committed(client.post, reverse("messaging:notifications:retry",
                                                 args=[delivery.pk]))
    assert with_commit.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)


def test_an_sms_in_the_quiet_hours_waits_for_the_morning(committed, teacher, lesson, vasya,
                                                         texted_parent, sms_gateway):
    receiver = sms_gateway()
    with time_machine.travel(at(TODAY, 22), tick=False):
        committed(set_cell, teacher, lesson, vasya, "н")
        assert send_due() == 0
    delivery = Delivery.objects.get()
    assert delivery.not_before == at(TODAY + dt.timedelta(days=1), 8)
    assert receiver.requests == []

    with time_machine.travel(at(TODAY + dt.timedelta(days=1), 7), tick=False):
        assert send_due() == 0
    with time_machine.travel(at(TODAY + dt.timedelta(days=1), 8), tick=False):
        assert send_due() == 1
        assert send_due() == 0  # handed once
    assert len(receiver.delivered) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_the_daily_digest_is_one_email_with_every_item(committed, small_school, teacher,
                                                       lesson, vasya, emailed_parent,
                                                       smtp_server):
    digest(emailed_parent)
    committed(set_cell, teacher, lesson, vasya, "н")
    other = make_lesson(small_school.maths_5a, TODAY, number=3)
    committed(set_cell, teacher, other, vasya, "2")
    assert smtp_server.messages == []
    # The absence, the «2» and, with it as the only mark, the failing forecast.
    assert Delivery.objects.filter(status=Delivery.Status.DIGEST).count() == 3

    assert send_digests() == 1
    [message] = smtp_server.messages
    assert header(message, "Subject") == ("Уведомления за 16.11.2026 — Муниципальное бюджетное "
                                  "общеобразовательное учреждение «Средняя школа № 7»")
    text = body(message)
    assert "Уведомления за 16.11.2026 (3):" in text
    assert "пропуск урока «Математика» 16.11.2026" in text
    assert "отметка «2» по предмету «Математика»" in text
    assert "прогноз «2»" in text
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert send_digests() == 0


def _stop_link(message) -> str:
    link = re.search(r"Больше не присылать такие письма.*?: (\S+)", body(message)).group(1)
    return link.removeprefix("http://localhost:8000")


def test_the_stop_link_works_without_signing_in_and_only_for_its_user(
        client, committed, teacher, lesson, vasya, kolya, emailed_parent, kolya_parent,
        smtp_server):
    consent(kolya_parent, ContactChannel.Kind.EMAIL, kolya_parent.email)
    choose(kolya_parent, Channel.EMAIL)
    committed(set_cell, teacher, lesson, vasya, "н")
    committed(set_cell, teacher, lesson, kolya, "н")
    mine = smtp_server.to("petrova@example.ru")[0]
    stop = _stop_link(mine)
    assert header(mine, "List-Unsubscribe") == f"<http://localhost:8000{stop}>"
    assert header(mine, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    page = client.get(stop)  # nobody is signed in
    assert page.status_code == 200
    assert "Письма «пропуск без уважительной причины» больше не будут приходить" in \
        page.content.decode()
    off = NotificationPreference.objects.filter(channel=Channel.EMAIL, enabled=False)
    assert list(off.values_list("user__username", "event")) == [("petrova", Event.ABSENCE)]

    other = make_lesson(lesson.assignment, TODAY, number=3)
    committed(set_cell, teacher, other, vasya, "н")
    committed(set_cell, teacher, other, kolya, "н")
    assert len(smtp_server.to("petrova@example.ru")) == 1
    assert len(smtp_server.to("kozlova@example.ru")) == 2

    token = stop.split("/")[-3]
    assert client.get(stop.replace(token, token[:-2] + "xx")).status_code == 404
    assert client.get(stop.replace("/absence/", "/nonsense/")).status_code == 404


def test_a_mail_program_stops_it_with_one_post(client, committed, teacher, lesson, vasya,
                                               emailed_parent, smtp_server):
    committed(set_cell, teacher, lesson, vasya, "н")
    stop = _stop_link(smtp_server.messages[0])

    answer = client.post(stop, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert "отключены" in answer.content.decode()
    assert not NotificationPreference.objects.get(user=emailed_parent, event=Event.ABSENCE,
                                                  channel=Channel.EMAIL).enabled


def test_the_stop_page_can_switch_it_back_on(client, committed, teacher, lesson, vasya,
                                             emailed_parent, smtp_server):
    committed(set_cell, teacher, lesson, vasya, "н")
    stop = _stop_link(smtp_server.messages[0])
    client.get(stop)
    page = client.post(stop + "resume/").content.decode()
    assert "снова приходят уведомления" in page
    assert NotificationPreference.objects.get(user=emailed_parent, event=Event.ABSENCE,
                                              channel=Channel.EMAIL).enabled


def test_a_consent_withdrawn_before_sending_stops_the_email(committed, teacher, lesson, vasya,
                                                            emailed_parent, smtp_server):
    digest(emailed_parent)
    committed(set_cell, teacher, lesson, vasya, "н")
    ContactChannel.objects.filter(user=emailed_parent).update(consented=False)

    assert send_digests() == 0
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SKIPPED
    assert "Нет записанного согласия" in delivery.last_error
    assert smtp_server.messages == []


def test_a_new_message_is_emailed_with_the_school_named(committed, teacher, emailed_parent,
                                                        smtp_server, children):
    choose(emailed_parent, Channel.EMAIL, [Event.MESSAGE])
    committed(notify, [emailed_parent.pk], event=Event.MESSAGE, key="message:1",
              title="Новое сообщение от Матвеевой О. И.", text="Тема: экскурсия",
              link="/messages/mail/")
    [message] = smtp_server.messages
    assert header(message, "Subject").startswith("Новое сообщение от Матвеевой О. И. — ")
    assert "Средняя школа № 7" in body(message)
    assert "http://localhost:8000/messages/mail/" in body(message)


@pytest.mark.parametrize(("moment", "quiet"), [
    (dt.time(20, 59), False), (dt.time(21, 0), True), (dt.time(0, 30), True),
    (dt.time(7, 59), True), (dt.time(8, 0), False), (dt.time(13, 0), False)])
def test_quiet_hours_pass_midnight(moment, quiet):
    assert in_quiet_hours(moment, dt.time(21), dt.time(8)) is quiet


def test_equal_ends_mean_no_quiet_hours():
    assert not in_quiet_hours(dt.time(3), dt.time(22), dt.time(22))
    assert in_quiet_hours(dt.time(13), dt.time(12), dt.time(14))
