"""The timetable dispatcher's morning in a real browser, at desktop width and on a 360 px
phone: a lesson added in place, a clash refused with its reason, a substitute assigned."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.roles import Role
from journal.models import Lesson, TimetableSlot
from journal.services.lessons import generate_lessons
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, YEAR_END, YEAR_START, make_staff
from tests.journal.journal_setup import TODAY, at

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 8), tick=True):
        yield


@pytest.fixture
def timetable(transactional_db, small_school, substitute):
    """Maths in 5А on Mondays, 2nd lesson, room 21, with its lessons; a dispatcher."""
    TimetableSlot.objects.create(assignment=small_school.maths_5a, weekday=1, lesson_number=2,
                                 room="21", valid_from=YEAR_START, valid_to=YEAR_END)
    generate_lessons(small_school.year)
    make_staff(small_school.school, "dispetcher", "Расписанова", "Вера", "Олеговна",
               role=Role.DISPATCHER)
    return small_school


def assert_no_sideways_scroll(page, width: int) -> None:
    # A click navigates without waiting for the stylesheets; measured before them, the page
    # has no layout of its own yet.
    page.wait_for_load_state("load")
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways ({scrolled} px at {width} px)"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_dispatcher_adds_a_lesson_sees_a_clash_and_assigns_a_substitute(
        page, timetable, screenshot, device):
    viewport = VIEWPORTS[device]
    sign_in(page, "dispetcher", PASSWORD)  # the sign-in helper looks for the desktop menu
    page.set_viewport_size(viewport)
    if device == "phone":
        page.get_by_role("button", name="Меню").click()
    page.get_by_test_id("nav-school").click()
    page.get_by_test_id("nav-timetable").click()
    page.get_by_label("Класс или учитель").select_option(label="5А класс")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("heading", name="Расписание уроков · 5А класс")).to_be_visible()
    monday = page.locator("#cell-1-2")
    expect(monday).to_contain_text("Матвеева О. И. · каб. 21")
    assert_no_sideways_scroll(page, viewport["width"])

    # A Russian lesson on Tuesday, 1st lesson, added in the cell itself.
    page.get_by_role("link", name="Добавить урок: вторник, 1 урок").click()
    tuesday = page.locator("#cell-2-1")
    expect(tuesday.get_by_label("Журнал")).to_be_focused()
    tuesday.get_by_label("Журнал").select_option(label="5А Русский язык — Руднева А. П.")
    tuesday.get_by_label("Кабинет").fill("30")
    tuesday.get_by_role("button", name="Добавить").click()
    expect(tuesday).to_contain_text("Руднева А. П. · каб. 30")
    expect(page.get_by_test_id("tt-status")).to_contain_text(
        "Урок добавлен в расписание с 16.11.2026: 5А Русский язык")
    assert TimetableSlot.objects.filter(assignment=timetable.russian_5a, weekday=2,
                                        lesson_number=1, room="30").exists()
    assert Lesson.objects.filter(assignment=timetable.russian_5a).count() > 20
    screenshot(page, f"dispatcher-timetable-added-{device}")

    # Russian at the same time as maths: refused, with the clash named, nothing saved.
    page.get_by_role("link", name="Изменить: понедельник, 2 урок").click()
    adding = monday.get_by_test_id("tt-add-form")
    adding.get_by_label("Журнал").select_option(label="5А Русский язык — Руднева А. П.")
    adding.get_by_label("Кабинет").fill("31")
    adding.get_by_role("button", name="Добавить").click()
    expect(monday.get_by_test_id("tt-error")).to_have_text(
        "Не сохранено. Класс 5А уже занят в это время (понедельник, 2 урок): Математика.")
    expect(monday.get_by_test_id("tt-add-form").get_by_label("Кабинет")).to_have_value("31")
    assert TimetableSlot.objects.count() == 2
    assert_no_sideways_scroll(page, viewport["width"])
    screenshot(page, f"dispatcher-timetable-clash-{device}")
    assert_accessible(page)
    monday.get_by_role("link", name="Готово").click()
    expect(monday.get_by_test_id("tt-edit")).to_be_focused()

    # Second thoughts: the Tuesday lesson goes again.
    page.get_by_role("link", name="Изменить: вторник, 1 урок").click()
    tuesday.get_by_role("button", name="Убрать").click()
    expect(page.get_by_test_id("tt-status")).to_contain_text(
        "Урок убран из расписания с 16.11.2026: 5А Русский язык")
    expect(tuesday.get_by_role("link", name="Добавить урок: вторник, 1 урок")).to_be_focused()
    assert not TimetableSlot.objects.filter(assignment=timetable.russian_5a).exists()

    # The day's substitutions: Матвеева is ill today.
    page.get_by_test_id("substitutions-link").click()
    page.get_by_label("Отсутствует учитель").select_option(label="Матвеева Ольга Игоревна")
    page.get_by_role("button", name="Показать уроки").click()
    lesson = page.get_by_test_id("sub-lesson")
    expect(lesson).to_contain_text("2 урок, 09:25–10:10: 5А Математика")
    lesson.get_by_label("Кто заменяет").select_option(label="Заменин Пётр Сергеевич")
    lesson.get_by_label("Причина").fill("болезнь")
    lesson.get_by_role("button", name="Назначить замену").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Замена записана: 2 урок, 5А Математика ведёт Заменин Пётр Сергеевич.")
    expect(page.get_by_test_id("sub-current")).to_contain_text(
        "Урок ведёт Заменин Пётр Сергеевич (болезнь)")
    lesson_today = Lesson.objects.get(assignment=timetable.maths_5a, date=TODAY)
    assert lesson_today.substitute.username == "zamenin"
    assert_no_sideways_scroll(page, viewport["width"])
    screenshot(page, f"dispatcher-substitutions-{device}")
    assert_accessible(page)


def test_the_timetable_grid_scrolls_inside_its_own_box_on_a_phone(page, timetable, screenshot):
    sign_in(page, "dispetcher", PASSWORD)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"/journal/timetable/?show=t{timetable.maths_5a.teacher_id}")
    expect(page.locator("#cell-1-2")).to_contain_text("5А класс · каб. 21")
    grid = page.get_by_test_id("tt-grid")
    assert grid.evaluate("box => box.scrollWidth > box.clientWidth")
    assert_no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, "dispatcher-timetable-teacher-phone")
