"""A teacher's day in a real browser: keyboard entry, reload, history, a save whose answer was
lost; a parent is refused."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import Absence, Lesson, Mark
from tests.browser.conftest import grid_cells, sign_in
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
    cells = grid_cells(page)
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
    cells = grid_cells(page)
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
    cell = grid_cells(page).nth(0)
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


def test_a_save_whose_answer_was_lost_is_retried_without_a_conflict(page, teacher, todays_lesson):
    """The first attempt commits but its answer never reaches the page, so the grid retries
    with the same request_id and the server answers as it did the first time. Without the key
    the retry carries the cell's old version and is refused as another user's change."""
    attempts: dict[str, list[str]] = {}  # student id -> request_id of each attempt

    def lose_the_first_answer(route):
        form = parse_qs(route.request.post_data or "")
        sent = attempts.setdefault(form["student"][0], [])
        sent.append(form.get("request_id", [""])[0])
        if len(sent) == 1:
            route.fetch()   # the server saves the mark...
            route.abort()   # ...and the page never hears back
        else:
            route.continue_()

    dialogs: list[str] = []  # a conflict would ask the teacher whether to overwrite

    def answer_no(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer_no)
    sign_in(page, "matveeva", PASSWORD)
    page.route(f"**/journal/{todays_lesson.assignment_id}/cell/", lose_the_first_answer)
    page.goto(f"/journal/{todays_lesson.assignment_id}/")
    cells = grid_cells(page)

    kolya, vasya = cells.nth(0), cells.nth(1)
    kolya.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(kolya).to_have_attribute("data-status", "saved")
    expect(kolya).to_have_text("5")
    # Over plain http, as on a school's closed network, browsers have no crypto.randomUUID.
    page.evaluate("delete Crypto.prototype.randomUUID")
    vasya.focus()
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(vasya).to_have_attribute("data-status", "saved")
    expect(vasya).to_have_text("4")

    assert dialogs == []
    first, second = (attempts[cell.get_attribute("data-student")] for cell in (kolya, vasya))
    assert len(first) == 2 and first[0] == first[1]
    assert re.fullmatch(r"[0-9a-f-]{36}", first[0])
    assert len(second) == 2 and second[0] == second[1] != first[0]
    assert re.fullmatch(r"[0-9a-f]{32}", second[0])
    assert sorted(Mark.objects.values_list("value", flat=True)) == ["4", "5"]


def test_a_parent_is_refused_the_journal(page, parent, todays_lesson):
    sign_in(page, "petrova", PASSWORD)
    response = page.goto(f"/journal/{todays_lesson.assignment_id}/")
    assert response.status == 404
