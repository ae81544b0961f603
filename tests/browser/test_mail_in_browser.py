"""The internal mail in a real browser: the class teacher's message reaches a parent, who
replies from the thread page; the class teacher sees the reply unread (the navigation's badge
and the inbox's mark) and opens it. The parent writes a new message through the picker's
filter, and a crafted request to write to another class's teacher is refused with 404. The
pages fit a 360 px phone and pass the accessibility check."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import User
from messaging.mail.audience import audience_of
from messaging.mail.services import start_thread
from messaging.models import Message, Thread
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.browser.test_families_access import second_browser
from tests.conftest import PASSWORD
from tests.messaging.mail_setup import NOW


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=True):
        yield


def fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways on a phone ({width} px)"
    page.set_viewport_size({"width": 1280, "height": 900})


def shows_in_full_on_a_phone(page, option, picker, screenshot) -> None:
    """At 360 px the option's whole text is on screen: wrapped inside the picker, not cut."""
    page.set_viewport_size({"width": 360, "height": 740})
    label = option.locator("xpath=following-sibling::label")
    label.scroll_into_view_if_needed()
    box, frame = label.bounding_box(), picker.bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth")
    screenshot(page, "mail-compose-parent-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_parent_replies_to_the_class_teacher_who_sees_it_unread(
        page, live_server, transactional_db, csp_violations, small_school, class_teacher,
        parent, screenshot):
    start_thread(class_teacher, small_school.school, [parent], "Родительское собрание",
                 "Наталья Андреевна, добрый день!\nСобрание в четверг в 18:00.")

    sign_in(page, "petrova", PASSWORD)
    expect(page.get_by_test_id("mail-badge")).to_contain_text("1")
    page.get_by_test_id("nav-mail").click()
    row = page.get_by_test_id("thread-row").filter(has_text="Родительское собрание")
    expect(row.get_by_test_id("unread-mark")).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)
    row.click()
    expect(page.get_by_test_id("message-body")).to_contain_text("Собрание в четверг в 18:00.")
    expect(page.get_by_test_id("mail-badge")).to_have_count(0)
    page.get_by_label("Текст ответа").fill("Анна Павловна, спасибо!\nБуду обязательно.")
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.get_by_role("alert")).to_contain_text("Ответ отправлен.")
    expect(page.get_by_test_id("message")).to_have_count(2)
    assert_accessible(page)
    fits_a_phone(page)
    screenshot(page, "mail-thread-parent")

    school = second_browser(page, live_server, csp_violations)
    sign_in(school, "klassnaya", PASSWORD)
    expect(school.get_by_test_id("mail-badge")).to_contain_text("1")
    school.get_by_test_id("nav-mail").click()
    row = school.get_by_test_id("thread-row").filter(has_text="Родительское собрание")
    expect(row).to_have_attribute("data-unread", "1")
    expect(row).to_contain_text("Буду обязательно.")
    row.click()
    expect(school.get_by_test_id("message").last).to_contain_text("Анна Павловна, спасибо!")
    expect(school.get_by_test_id("mail-badge")).to_have_count(0)
    school.get_by_test_id("nav-mail").click()
    expect(school.get_by_test_id("thread-row").first).not_to_have_attribute("data-unread", "1")


def test_a_parent_writes_through_the_picker_and_may_not_write_to_another_classs_teacher(
        page, live_server, transactional_db, small_school, class_teacher, parent, screenshot):
    other_teacher = User.objects.get(username="ivanov")  # 5Б maths: not her children's
    assert other_teacher not in audience_of(parent).people()

    sign_in(page, "petrova", PASSWORD)
    page.get_by_test_id("nav-mail").click()
    page.get_by_test_id("compose-link").click()
    expect(page.get_by_test_id("not-official")).to_contain_text(
        "не является официальной перепиской школы")
    fits_a_phone(page)
    picker = page.get_by_role("group", name="Кому", exact=True)
    expect(picker.get_by_text("Иванов")).to_have_count(0)
    teacher = picker.get_by_label("Руднева Анна Павловна — русский язык, литературное чтение, "
                                  "классный руководитель 5А")
    shows_in_full_on_a_phone(page, teacher, picker, screenshot)
    page.get_by_label("Найти адресата").fill("рудн")
    expect(picker.get_by_role("checkbox")).to_have_count(1)  # the others are hidden
    teacher.check()
    name = teacher.locator("xpath=following-sibling::label")
    assert teacher.bounding_box()["x"] < name.bounding_box()["x"]  # the box by its name
    expect(page.get_by_text("Выбрано: 1")).to_be_visible()
    page.get_by_label("Тема", exact=True).fill("Справка")
    page.get_by_label("Текст сообщения").fill("<b>Справку</b> принесём завтра.")
    assert_accessible(page)
    screenshot(page, "mail-compose-parent")
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("alert")).to_contain_text("Сообщение отправлено.")
    expect(page.get_by_test_id("message-body")).to_have_text("<b>Справку</b> принесём завтра.")
    assert Thread.objects.filter(subject="Справка").count() == 1

    # A crafted request to write to another class's teacher: 404, nothing sent.
    token = page.evaluate("document.querySelector('meta[name=csrf-token]').content")
    response = page.goto(f"/messages/mail/new/?to=user:{other_teacher.pk}")
    assert response.status == 404
    answer = page.request.post("/messages/mail/new/", form={
        "to": f"user:{other_teacher.pk}", "subject": "Вопрос", "body": "Текст",
        "csrfmiddlewaretoken": token}, headers={"Referer": live_server.url + "/"})
    assert answer.status == 404
    assert Message.objects.count() == 1
