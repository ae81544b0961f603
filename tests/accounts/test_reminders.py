"""Data-update reminders e-mailed to class teachers by the daily beat task: yearly by
5 September, monthly checks, notices of change with their 3-day limit; at most once."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from accounts import reminders
from accounts.models import DataChangeNotice, DataUpdateReminder, PersonalDataEvent
from accounts.reminders import record_notice, send_data_update_reminders
from accounts.tasks import send_data_update_reminders_task
from tests.accounts.role_pages_setup import MOSCOW, at, log_event

Status = DataUpdateReminder.Status


def on(day: dt.date, hour: int = 7):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 30,
                                           tzinfo=MOSCOW), tick=False)


@pytest.fixture
def teacher_with_email(class_teacher):
    class_teacher.email = "rudneva@example.ru"
    class_teacher.save()
    return class_teacher


@pytest.fixture
def school_families(small_school, parent, outsider_parent, teacher_with_email):
    """5А (Руднева): Василий and his mother; 1А: Мария; 5Б: Артём and his father; 1А, 5Б and
    10А have no class teacher."""
    return small_school


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_the_beat_runs_the_task_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["data-update-reminders"]
    assert entry["task"] == "accounts.send_data_update_reminders"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {30}


def test_from_25_august_the_class_teacher_gets_the_families_not_updated_since_1_june(
        school_families, children, parent, teacher_with_email, outsider_child):
    with on(dt.date(2026, 8, 25)):
        assert send_data_update_reminders_task.delay().get() == 1
    (message,) = mail.outbox
    assert message.to == ["rudneva@example.ru"]
    assert message.subject == "Обновите данные обучающихся и родителей 5А класса до 05.09.2026"
    assert "с 01.06.2026 не изменялись данные этих семей (1)" in message.body
    assert "- Петров Василий; родители: Петрова Наталья Андреевна (мать)" in message.body
    assert "до 05.09.2026" in message.body
    assert "Сидоров" not in message.body  # 5Б is not her class
    # The classes with no class teacher are on the secretary's list as such.
    rows = {str(r.school_class): r for r in DataUpdateReminder.objects.all()}
    assert rows["5А"].status == Status.SENT and rows["5А"].families == 1
    assert rows["5Б"].status == Status.NO_RECIPIENT
    assert rows["1А"].status == Status.NO_RECIPIENT


def test_a_second_run_the_same_day_and_the_next_days_send_nothing_again(school_families):
    with on(dt.date(2026, 8, 25)):
        send_data_update_reminders()
        assert send_data_update_reminders() == 0
    with on(dt.date(2026, 8, 26)):
        assert send_data_update_reminders() == 0
    assert len(mail.outbox) == 1
    assert DataUpdateReminder.objects.filter(school_class__letter="А", school_class__grade=5) \
        .count() == 1


def test_a_family_whose_data_changed_since_1_june_is_not_listed(school_families, children,
                                                                parent, teacher_with_email):
    log_event(parent, teacher_with_email, when=at(dt.date(2026, 6, 15)),
              changes={"Телефон": ["1", "2"]})
    with on(dt.date(2026, 8, 25)):
        assert send_data_update_reminders() == 0
    assert not mail.outbox
    assert not DataUpdateReminder.objects.filter(school_class__grade=5, school_class__letter="А")


def test_a_view_or_an_older_change_does_not_count_as_an_update(school_families, children,
                                                               parent, teacher_with_email):
    log_event(parent, teacher_with_email, when=at(dt.date(2026, 5, 30)))
    log_event(children[0].user, teacher_with_email, PersonalDataEvent.Kind.VIEW_DATA,
              when=at(dt.date(2026, 7, 1)))
    with on(dt.date(2026, 9, 5)):
        assert send_data_update_reminders() == 1


@pytest.mark.parametrize("day", [dt.date(2026, 8, 24), dt.date(2026, 9, 6),
                                 dt.date(2026, 11, 23), dt.date(2026, 9, 1)])
def test_no_reminder_outside_their_days(school_families, day):
    if day == dt.date(2026, 9, 1):
        DataUpdateReminder.objects.create(school=school_families.school,
                                          school_class=school_families.class_5a, kind="yearly",
                                          key="2026", status=Status.SENT)
    with on(day):
        assert send_data_update_reminders() == 0
    assert not mail.outbox


def test_in_the_first_week_of_a_month_the_class_teacher_is_asked_to_check_the_data(
        school_families, secretary, children, teacher_with_email):
    DataChangeNotice.objects.create(school=school_families.school, subject=children[0].user,
                                    received_on=dt.date(2026, 9, 28),
                                    description="новый адрес", recorded_by=secretary)
    with on(dt.date(2026, 10, 1)):
        send_data_update_reminders()
    (message,) = [m for m in sent_to("rudneva@example.ru") if "Ежемесячная" in m.subject]
    assert message.subject == "Ежемесячная проверка данных обучающихся и родителей 5А класса"
    assert "Проверьте данные 5А класса за октябрь 2026" in message.body
    assert "Петров Василий: новый адрес (уведомление от 28.09.2026, срок — 01.10.2026)" \
        in message.body
    mail.outbox.clear()
    with on(dt.date(2026, 10, 2)):
        send_data_update_reminders()
    with on(dt.date(2026, 10, 8)):
        send_data_update_reminders()
    assert not [m for m in mail.outbox if "Ежемесячная" in m.subject]
    with on(dt.date(2026, 11, 1)):
        send_data_update_reminders()
    assert [m.subject for m in mail.outbox if "Ежемесячная" in m.subject] == [
        "Ежемесячная проверка данных обучающихся и родителей 5А класса"]


def test_a_reminder_that_could_not_go_is_tried_again_the_next_day(school_families,
                                                                  class_teacher):
    class_teacher.email = ""
    class_teacher.save()
    with on(dt.date(2026, 10, 1)):
        send_data_update_reminders()
        send_data_update_reminders()  # the same day: not tried again
    row = DataUpdateReminder.objects.get(kind="monthly", school_class__grade=5,
                                         school_class__letter="А")
    assert (row.status, row.attempts) == (Status.NO_ADDRESS, 1)
    class_teacher.email = "rudneva@example.ru"
    class_teacher.save()
    with on(dt.date(2026, 10, 2)):
        send_data_update_reminders()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.address) == (Status.SENT, 2, "rudneva@example.ru")
    assert len(sent_to("rudneva@example.ru")) == 1


def test_a_mail_error_is_kept_and_retried_within_a_budget(school_families, monkeypatch):
    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(reminders, "send_mail", broken)
    for day in range(1, 8):
        with on(dt.date(2026, 10, day)):
            send_data_update_reminders()
    row = DataUpdateReminder.objects.get(kind="monthly", school_class__grade=5,
                                         school_class__letter="А")
    assert row.status == Status.FAILED
    assert row.attempts == DataUpdateReminder.MAX_ATTEMPTS
    assert row.error == "Connection unexpectedly closed"


def test_a_notice_reminds_at_once_and_again_on_its_last_day_if_nothing_changed(
        school_families, secretary, children, django_capture_on_commit_callbacks):
    vasya = children[0].user
    with on(dt.date(2026, 11, 23), 11), django_capture_on_commit_callbacks(execute=True):
        record_notice(secretary, school_families.school, vasya, dt.date(2026, 11, 23),
                      "новый адрес")
    (first,) = mail.outbox
    assert first.subject == "Изменились данные: Петров Василий (5А класс)"
    assert "Поступило уведомление об изменении данных" in first.body
    assert "не позднее 26.11.2026" in first.body
    with on(dt.date(2026, 11, 24)):
        assert send_data_update_reminders() == 0
    with on(dt.date(2026, 11, 26)):
        assert send_data_update_reminders() == 1
        assert send_data_update_reminders() == 0
    last = mail.outbox[-1]
    assert last.subject == "Истекает срок внесения изменения: Петров Василий"
    assert "Сегодня истекает срок" in last.body


def test_a_change_recorded_in_time_stops_the_last_days_reminder(school_families, secretary,
                                                                 children, parent,
                                                                 teacher_with_email):
    notice = DataChangeNotice.objects.create(school=school_families.school, subject=parent,
                                             received_on=dt.date(2026, 11, 20),
                                             description="новая фамилия", recorded_by=secretary)
    log_event(parent, teacher_with_email, when=at(dt.date(2026, 11, 21)),
              changes={"Фамилия": ["Петрова", "Иванова"]})
    with on(dt.date(2026, 11, 23)):
        assert send_data_update_reminders() == 0
    assert not DataUpdateReminder.objects.filter(notice=notice)


def test_a_parents_notice_goes_to_each_of_the_childrens_class_teachers(
        school_families, secretary, parent, teacher_with_email, teacher, small_school):
    small_school.class_1a.class_teacher = teacher
    small_school.class_1a.save()
    teacher.email = "matveeva@example.ru"
    teacher.save()
    DataChangeNotice.objects.create(school=school_families.school, subject=parent,
                                    received_on=dt.date(2026, 11, 10), description="телефон",
                                    recorded_by=secretary)
    with on(dt.date(2026, 11, 23)):
        assert send_data_update_reminders() == 2
    assert {m.to[0] for m in mail.outbox} == {"rudneva@example.ru", "matveeva@example.ru"}
    assert all(m.subject == "Истекает срок внесения изменения: Петрова Наталья Андреевна"
               and "Истёк срок" in m.body for m in mail.outbox)
