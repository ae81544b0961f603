"""A teacher's day in a real browser: keyboard entry, reload, history; a parent is refused."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import Absence, Lesson, Mark
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_student
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 9), tick=True):
        yield


@pytest.fixture
def todays_lesson(transactional_db, small_school, children):
    make_student(small_school.school, "kolya", "Козлов", "Николай", small_school.class_5a)
    return make_lesson(small_school.maths_5a, TODAY)


def test_teacher_fills_a_lesson_from_the_keyboard(page, teacher, todays_lesson, screenshot):
    sign_in(page, "matveeva", PASSWORD)
    page.get_by_role("link", name="5А").first.click()  # today's lesson on the home page
    page.get_by_label("Тема урока").fill("Сложение обыкновенных дробей")
    page.get_by_label("Домашнее задание").fill("№ 245, 247")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Запись урока сохранена.")).to_be_visible()

    page.get_by_role("link", name=re.compile("5А · Математика")).click()
    cells = page.locator('td[data-testid="cell"]')
    first = cells.nth(0)  # Козлов
    first.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")            # saves and moves down to Петров
    page.keyboard.press("F2")               # edit the cell, as in a spreadsheet
    page.keyboard.type("н")
    page.keyboard.press("Enter")
    expect(cells.nth(0)).to_have_attribute("data-status", "saved")
    expect(cells.nth(1)).to_have_attribute("data-status", "saved")
    screenshot(page, "journal-grid")

    page.reload()
    cells = page.locator('td[data-testid="cell"]')
    expect(cells.nth(0)).to_have_text("5")
    expect(cells.nth(1)).to_have_text("н")
    assert Mark.objects.get().value == "5"
    assert Absence.objects.get().kind == "absent"
    lesson = Lesson.objects.get(pk=todays_lesson.pk)
    assert lesson.topic == "Сложение обыкновенных дробей"

    cells.nth(0).focus()
    page.keyboard.press("Enter")            # the cell's detail with its history
    history = page.locator('[data-testid="cell-history"]')
    expect(history).to_contain_text("отметка: 5")
    expect(history).to_contain_text("Матвеева О. И.")


def test_a_bad_value_shows_a_russian_error_in_the_cell(page, teacher, todays_lesson):
    sign_in(page, "matveeva", PASSWORD)
    page.goto(f"/journal/{todays_lesson.assignment_id}/")
    cell = page.locator('td[data-testid="cell"]').nth(0)
    cell.focus()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-status", "error")
    expect(cell).to_have_attribute("title", re.compile("такой отметки нет в шкале школы"))
    expect(cell).to_have_text("7")          # what was typed stays in view
    cell.focus()
    page.keyboard.press("F2")
    page.keyboard.press("Control+a")
    page.keyboard.type("а")
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("title", re.compile("такой отметки нет"))
    assert not Mark.objects.exists()


def test_a_parent_is_refused_the_journal(page, parent, todays_lesson):
    sign_in(page, "petrova", PASSWORD)
    response = page.goto(f"/journal/{todays_lesson.assignment_id}/")
    assert response.status == 404
