"""A teacher marks a student absent in the journal grid; the parent, who chose e-mail, gets
exactly one e-mail on the local SMTP server however often the cell is edited, and sees the
notice in the diary; then stops those e-mails from the link, signed out."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import ContactChannel
from messaging.models import NotificationPreference
from messaging.models.notifications import Channel, Event
from messaging.notifications.services import notify
from tests.browser.axe import assert_accessible
from tests.browser.conftest import grid_cells, sign_in
from tests.conftest import PASSWORD
from tests.journal.journal_setup import TODAY, at, make_lesson
from tests.messaging.notifications_setup import choose, consent
from tests.messaging.smtp import body, smtp_server_fixture  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 9), tick=True):
        yield


def _type_into(page, cell, text: str) -> None:
    cell.focus()
    page.keyboard.press("F2")
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-status", "saved")
    expect(cell).to_have_text(text)


def test_an_absence_reaches_the_parent_once_by_email_and_in_the_diary(
        page, transactional_db, small_school, children, parent, teacher, smtp_server):
    vasya = children[0]
    consent(parent, ContactChannel.Kind.EMAIL, parent.email)
    choose(parent, Channel.EMAIL, [Event.ABSENCE])
    make_lesson(small_school.maths_5a, TODAY)

    sign_in(page, "matveeva", PASSWORD)
    page.goto(f"/journal/{small_school.maths_5a.pk}/")
    cell = grid_cells(page).nth(0)  # Петров Василий, the class's only student
    _type_into(page, cell, "н")
    [message] = smtp_server.wait_for(1)
    _type_into(page, cell, "б")  # the teacher corrects it, and back again
    _type_into(page, cell, "н")

    assert message["To"] == "petrova@example.ru"
    text = body(message)
    assert "Петров Василий отсутствовал на 2-м уроке «Математика»" in text
    assert "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 7»" in text
    page.wait_for_timeout(500)  # anything more would have been sent on those saves' commits
    assert len(smtp_server.messages) == 1

    page.context.clear_cookies()
    sign_in(page, "petrova", PASSWORD)
    page.goto(f"/diary/{vasya.pk}/week/")
    box = page.get_by_test_id("diary-notifications")
    expect(box).to_contain_text("Петров Василий: пропуск урока «Математика»")
    assert_accessible(page)
    box.get_by_role("button", name=re.compile("Прочитано")).click()
    expect(page.get_by_test_id("diary-notifications")).to_have_count(0)

    page.context.clear_cookies()
    stop = re.search(r"Больше не присылать такие письма.*?: (\S+)", text).group(1)
    page.goto(stop.removeprefix("http://localhost:8000"))
    expect(page.get_by_test_id("stop-result")).to_contain_text(
        "Письма «пропуск без уважительной причины» больше не будут приходить")
    assert not NotificationPreference.objects.get(user=parent, event=Event.ABSENCE,
                                                  channel=Channel.EMAIL).enabled


def test_the_preferences_and_the_list_work_on_a_phone(page, transactional_db, parent, children):
    consent(parent, ContactChannel.Kind.EMAIL, parent.email)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "petrova", PASSWORD)
    page.goto("/messages/notifications/settings/")
    page.get_by_label("пропуск без уважительной причины: электронная почта").check()
    page.get_by_label("Присылать электронные письма одной сводкой в день").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки уведомлений сохранены.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    assert NotificationPreference.objects.get(user=parent, event=Event.ABSENCE,
                                              channel=Channel.EMAIL).enabled

    notify([parent.pk], event=Event.ABSENCE, key="absence:1:1",
           title="Петров Василий: пропуск урока «Математика» 16.11.2026",
           text="Петров Василий отсутствовал на 2-м уроке «Математика» 16.11.2026 без "
                "уважительной причины («н»).", student_id=children[0].pk)
    page.goto("/messages/notifications/")
    expect(page.get_by_test_id("notification")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_test_id("mark-read").click()
    expect(page.locator('[data-unread="1"]')).to_have_count(0)
