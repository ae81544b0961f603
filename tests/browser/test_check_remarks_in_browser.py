"""A remark from the journal check, in a real browser: the deputy director opens last month's
check and sends a remark from a finding (a lesson without a topic), the teacher sees it on her
home page, writes the topic on the lesson's page, marks the remark fixed, and the deputy
director accepts it. Every page of it fits a 360 px phone and has no serious accessibility
fault."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import Lesson, Remark
from tests.browser.test_deputy_in_browser import PHONE, as_user, check_phone
from tests.journal.journal_setup import TODAY, at, make_lesson

LAST_MONTH = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 10), tick=True):
        yield


@pytest.fixture
def lesson(transactional_db, small_school, teacher, class_teacher, deputy) -> Lesson:
    """Maths in 5А on Tuesday 20 October (last month), held, its topic not written."""
    return make_lesson(small_school.maths_5a, LAST_MONTH, 2, is_held=True)


def test_a_remark_from_a_finding_is_fixed_and_verified(page, lesson, screenshot):
    as_user(page, "zavuch")
    page.goto("/journal/checks/")                                    # last month's check
    journal = page.locator(f'[data-testid="check-journal"][data-journal="{lesson.assignment_id}"]')
    journal.locator('[data-finding="no_topic"]').get_by_test_id("remark-from-finding").click()
    expect(page.get_by_test_id("remark-finding")).to_have_text("Уроки без темы")
    expect(page.get_by_label("Кому")).to_have_value(str(lesson.assignment.teacher_id))
    expect(page.get_by_label("Исправить до")).to_have_value("23.11.2026")
    check_phone(page, page.url, "remark-form", screenshot)
    page.get_by_role("button", name="Отправить замечание").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Замечание отправлено: Матвеева Ольга Игоревна, исправить до 23.11.2026.")
    remark_url = page.url

    as_user(page, "matveeva")
    check_phone(page, "/", "home-teacher-remark", screenshot)
    to_fix = page.get_by_test_id("home-remark")
    expect(to_fix).to_have_count(1)
    expect(to_fix).to_contain_text("23.11.2026")
    to_fix.get_by_role("link").click()
    expect(page.get_by_test_id("remark-text")).to_contain_text("Уроки без темы")
    check_phone(page, page.url, "remark-teacher", screenshot)
    page.get_by_test_id("remark-target").click()                   # the lesson behind it
    expect(page).to_have_url(re.compile(f"/journal/lesson/{lesson.pk}/$"))
    page.get_by_label("Тема урока").fill("Сложение обыкновенных дробей")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Запись урока сохранена.")).to_be_visible()
    page.goto(remark_url)
    page.get_by_label("Комментарий").fill("Тема записана")
    page.get_by_role("button", name="Исправлено").click()
    expect(page.get_by_test_id("remark-status")).to_have_text("исправлено")
    expect(page.get_by_test_id("remark-waits")).to_be_visible()

    as_user(page, "zavuch")
    page.set_viewport_size(PHONE)
    page.goto("/")
    waiting = page.get_by_test_id("home-remark-to-verify")
    expect(waiting).to_have_count(1)
    waiting.get_by_role("link").click()
    expect(page.get_by_test_id("remark-step-comment")).to_have_text("Тема записана")
    page.get_by_role("button", name="Принять").click()
    expect(page.get_by_test_id("remark-status")).to_have_text("принято")
    expect(page.get_by_test_id("remark-step")).to_have_count(3)
    check_phone(page, page.url, "remark-verified", screenshot)
    check_phone(page, "/journal/remarks/", "remarks-list", screenshot)
    expect(page.get_by_test_id("remark-row")).to_have_count(1)

    lesson.refresh_from_db()
    assert lesson.topic == "Сложение обыкновенных дробей"
    assert Remark.objects.get().status == Remark.Status.VERIFIED
