"""From the journal to notifications: which writes tell whom what, once, and never about
another child."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import ContactChannel, StaffRole
from accounts.roles import Role
from journal.models import StudyPeriod
from journal.services.absences import set_absence_reason
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from messaging.models import Delivery, Notification
from messaging.models.notifications import Channel, Event
from messaging.notifications import services
from messaging.notifications.events import tell_about_journal_changes
from tests.journal.journal_setup import TODAY, history_of, make_lesson
from tests.messaging.notifications_setup import (  # noqa: F401 (fixtures)
    choose,
    committed_fixture,
    consent,
    emailed_parent_fixture,
    kolya_fixture,
    kolya_parent_fixture,
    lesson_fixture,
    school_day_fixture,
    vasya_fixture,
)
from tests.messaging.smtp import (  # noqa: F401 (fixtures)
    body,
    header,
    sms_gateway_fixture,
    smtp_server_fixture,
)

pytestmark = pytest.mark.usefixtures("school_day")


def told(user, event: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(recipient=user)
    if event:
        found = found.filter(event=event)
    return list(found.order_by("pk"))


def test_one_absence_edited_three_times_sends_exactly_one_email(
        committed, teacher, class_teacher, lesson, vasya, emailed_parent, smtp_server):
    committed(set_cell, teacher, lesson, vasya, "н")
    absence = lesson.absences.get()
    committed(set_absence_reason, class_teacher, absence, document="звонок мамы не поступал")
    committed(set_cell, teacher, lesson, vasya, "")
    committed(set_cell, teacher, lesson, vasya, "н")

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "petrova@example.ru"
    text = body(message)
    assert "Петров Василий отсутствовал на 2-м уроке «Математика» 16.11.2026" in text
    assert "Средняя школа № 7" in text
    [notice] = told(emailed_parent)
    assert notice.key == f"absence:{lesson.pk}:{vasya.pk}"
    assert notice.deliveries.get().status == Delivery.Status.SENT


def test_an_absence_corrected_to_illness_before_the_digest_goes_tells_nobody(
        committed, teacher, class_teacher, lesson, vasya, emailed_parent, smtp_server):
    services.save_preferences(emailed_parent, {}, daily_digest=True, quiet_from=dt.time(21),
                              quiet_to=dt.time(8))
    committed(set_cell, teacher, lesson, vasya, "н")
    assert told(emailed_parent)[0].deliveries.get().status == Delivery.Status.DIGEST

    committed(set_absence_reason, class_teacher, lesson.absences.get(), kind="ill",
              document="справка")
    from messaging.notifications.delivery import send_digests

    assert send_digests() == 0
    assert told(emailed_parent) == []
    assert smtp_server.messages == []


def test_an_absence_corrected_after_the_email_went_says_nothing_more(
        committed, teacher, class_teacher, lesson, vasya, emailed_parent, smtp_server):
    committed(set_cell, teacher, lesson, vasya, "н")
    committed(set_absence_reason, class_teacher, lesson.absences.get(), kind="ill",
              document="справка")

    assert len(smtp_server.messages) == 1
    assert len(told(emailed_parent)) == 1


def test_one_commit_of_several_writes_runs_one_task(
        django_capture_on_commit_callbacks, teacher, lesson, vasya, kolya, emailed_parent):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        set_cell(teacher, lesson, vasya, "н")
        set_cell(teacher, lesson, kolya, "н")
    tasks = [c for c in callbacks if type(c).__name__ == "_AfterCommit"]
    assert len(tasks) == 1 and len(tasks[0].ids) == 2


def test_without_a_consent_no_email_goes(committed, teacher, lesson, vasya, parent,
                                         smtp_server):
    choose(parent, Channel.EMAIL)  # chosen, but nobody recorded a consent
    ContactChannel.objects.create(user=parent, kind="email", address=parent.email,
                                  consented=False)
    committed(set_cell, teacher, lesson, vasya, "н")

    assert len(told(parent, Event.ABSENCE)) == 1  # in the system
    assert not Delivery.objects.exists()
    assert smtp_server.messages == []


@pytest.mark.parametrize("recorded", [None, ""], ids=["no SMS consent", "consent, no number"])
def test_sms_chosen_without_a_recorded_consent_and_number_sends_no_sms(
        committed, teacher, lesson, vasya, emailed_parent, smtp_server, sms_gateway, recorded):
    receiver = sms_gateway()
    choose(emailed_parent, Channel.SMS)  # her phone is on her card, but that is no consent
    if recorded is not None:
        ContactChannel.objects.create(user=emailed_parent, kind=ContactChannel.Kind.SMS,
                                      address=recorded, consented=True, consented_on=TODAY)
    committed(set_cell, teacher, lesson, vasya, "н")

    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.EMAIL]
    assert len(smtp_server.messages) == 1
    assert receiver.requests == []


def test_a_refusal_stops_everything_outside(committed, teacher, class_teacher, lesson, vasya,
                                           emailed_parent, smtp_server, sms_gateway):
    consent(emailed_parent, ContactChannel.Kind.SMS, "+7 900 111-22-33")
    choose(emailed_parent, Channel.SMS)
    receiver = sms_gateway()
    services.record_refusal(class_teacher, emailed_parent.parent, refused_on=TODAY,
                            document="заявление № 3")
    committed(set_cell, teacher, lesson, vasya, "н")

    assert len(told(emailed_parent)) == 1
    assert not Delivery.objects.exists()
    assert smtp_server.messages == [] and receiver.requests == []


def test_old_lessons_tell_nobody(committed, small_school, teacher, vasya, emailed_parent,
                                 smtp_server):
    october = make_lesson(small_school.maths_5a, dt.date(2026, 10, 12), number=1)
    committed(set_cell, teacher, october, vasya, "н")
    committed(set_cell, teacher, october, vasya, "2 н", over_absence_note="переписал")

    assert Notification.objects.count() == 0
    assert smtp_server.messages == []


def test_a_two_with_a_failing_forecast_tells_the_parents_of_both(
        committed, small_school, teacher, vasya, emailed_parent, smtp_server):
    for days, value in ((7, "3"), (6, "2")):
        earlier = make_lesson(small_school.maths_5a, TODAY - dt.timedelta(days=days), number=1)
        committed(set_cell, teacher, earlier, vasya, value)
    assert told(emailed_parent, Event.FAILING_FORECAST) == []  # 2.50 rounds to 3

    today = make_lesson(small_school.maths_5a, TODAY, number=1)
    committed(set_cell, teacher, today, vasya, "2")

    assert len(told(emailed_parent, Event.LOW_MARK)) == 2
    [forecast] = told(emailed_parent, Event.FAILING_FORECAST)
    assert "прогноз «2» по предмету «Математика» (2-я четверть)" in forecast.title
    assert "средний балл Петров Василий по предмету «Математика» — 2.33" in forecast.text
    subjects = [header(m, "Subject") for m in smtp_server.messages]
    assert sum("прогноз «2»" in s for s in subjects) == 1
    # Another «2» in the same period: the forecast was told already.
    committed(set_cell, teacher, make_lesson(small_school.maths_5a, TODAY, number=3), vasya,
              "2")
    assert len(told(emailed_parent, Event.FAILING_FORECAST)) == 1


@pytest.mark.parametrize("director_is_also_deputy", [False, True])
def test_a_mark_over_an_absence_tells_the_parents_and_the_administration_once_each(
        committed, school, teacher, lesson, vasya, emailed_parent, deputy, director,
        smtp_server, director_is_also_deputy):
    if director_is_also_deputy:
        StaffRole.objects.create(user=director, school=school, role=Role.DEPUTY)
    # The director chose e-mail with a recorded consent; the deputy did not.
    consent(director, ContactChannel.Kind.EMAIL, "director@example.ru")
    choose(director, Channel.EMAIL, [Event.MARK_OVER_ABSENCE])
    committed(set_cell, teacher, lesson, vasya, "н")
    committed(set_cell, teacher, lesson, vasya, "4 н",
              over_absence_note="Контрольная написана после уроков 17.11")

    for user in (emailed_parent, deputy, director):
        [notice] = told(user, Event.MARK_OVER_ABSENCE)
        assert "Пояснение учителя: Контрольная написана после уроков 17.11" in notice.text
        assert "Петров Василий (5А класс)" in notice.text
    # E-mail only where it was chosen and consented to: the deputy's stays in the system.
    over = [m for m in smtp_server.messages if "поверх пропуска" in header(m, "Subject")]
    assert sorted(m["To"] for m in over) == ["director@example.ru", "petrova@example.ru"]


def test_a_term_mark_tells_the_parents(committed, small_school, teacher, vasya, parent):
    quarter = StudyPeriod.objects.get(year=small_school.year, kind="quarter", number=1)
    committed(set_final_mark, teacher, small_school.maths_5a, vasya, "period", quarter, "4")

    [notice] = told(parent, Event.TERM_MARK)
    assert notice.title == ("Петров Василий: итоговая отметка «4» по предмету «Математика» "
                            "(1-я четверть)")


def test_a_notice_about_one_child_never_names_another(
        committed, teacher, lesson, vasya, kolya, parent, kolya_parent):
    committed(set_cell, teacher, lesson, kolya, "н")
    committed(set_cell, teacher, lesson, vasya, "2")

    [kolya_notice] = told(kolya_parent)
    assert "Козлов Николай" in kolya_notice.title + kolya_notice.text
    assert "Петров" not in kolya_notice.title + kolya_notice.text
    # Василий's «2» and, with it as his only mark, his failing forecast.
    assert [n.event for n in told(parent)] == [Event.LOW_MARK, Event.FAILING_FORECAST]
    for notice in told(parent):
        assert "Козлов" not in notice.title + notice.text and notice.student == vasya


def test_only_linked_parents_with_an_active_account_are_told(
        committed, teacher, lesson, vasya, parent, outsider_parent):
    type(parent).objects.filter(pk=parent.pk).update(is_active=False)
    committed(set_cell, teacher, lesson, vasya, "н")

    assert Notification.objects.count() == 0


def test_the_task_reads_the_history_rows_it_is_given(teacher, lesson, vasya, parent):
    set_cell(teacher, lesson, vasya, "н")  # committed callbacks not run: nothing yet
    assert Notification.objects.count() == 0

    rows = [r.pk for r in history_of("absence")]
    assert tell_about_journal_changes(rows) == 1
    assert tell_about_journal_changes(rows) == 0  # told once


def test_a_user_who_switched_the_system_channel_off_gets_it_read(
        committed, teacher, lesson, vasya, emailed_parent, smtp_server):
    choose(emailed_parent, Channel.INTERNAL, enabled=False)
    committed(set_cell, teacher, lesson, vasya, "н")

    [notice] = told(emailed_parent)
    assert notice.read_at is not None  # not shown as new...
    assert len(smtp_server.messages) == 1  # ...but e-mailed as chosen
