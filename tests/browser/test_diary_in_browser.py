"""A parent's evening in a real browser: the first child's week with what the teacher entered
today, the second child, the marks page with the average and forecast, a foreign id refused,
and the week at phone width."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from journal.services.cells import set_cell
from journal.services.homework import set_homework
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 18), tick=True):
        yield


def test_a_parent_reads_both_childrens_diaries(page, transactional_db, small_school, teacher,
                                               parent, children, outsider_child, screenshot):
    vasya, masha = children
    # What the teacher entered today, through the journal's services.
    earlier = make_lesson(small_school.maths_5a, TODAY - dt.timedelta(days=7), number=2)
    set_cell(teacher, earlier, vasya, "3")
    lesson = make_lesson(small_school.maths_5a, TODAY, number=2, topic="Сложение дробей")
    set_homework(teacher, lesson, text="№ 245, 247")
    set_cell(teacher, lesson, vasya, "5")
    make_lesson(small_school.reading_1a, TODAY, number=1, topic="Звук и буква А")

    sign_in(page, "petrova", PASSWORD)
    page.get_by_test_id("nav-diary").click()
    expect(page.get_by_test_id("diary-student")).to_have_text("Петров Василий")
    today = page.locator('[data-testid="day"][aria-current="date"]')
    expect(today.get_by_test_id("lesson")).to_contain_text("Сложение дробей")
    expect(today.get_by_test_id("mark")).to_have_text("5")
    expect(today.get_by_test_id("homework")).to_contain_text("№ 245, 247")

    page.get_by_test_id("child-tab").filter(has_text="Мария").click()
    expect(page.get_by_test_id("diary-student")).to_have_text("Петрова Мария")
    expect(page.get_by_test_id("lesson")).to_contain_text("Звук и буква А")
    expect(page.get_by_text("Сложение дробей")).to_have_count(0)

    page.get_by_role("link", name="Отметки").click()
    expect(page.get_by_text("В 1 классе отметки не выставляются.")).to_be_visible()
    page.get_by_test_id("child-tab").filter(has_text="Василий").click()
    maths = page.locator('[data-testid="subject-row"][data-subject="Математика"]')
    expect(maths.get_by_test_id("average")).to_have_text("4,00")
    expect(maths.get_by_test_id("forecast")).to_have_text("4")

    response = page.goto(f"/diary/{outsider_child.pk}/week/")
    assert response.status == 404
    expect(page.get_by_text("Петров Василий")).to_have_count(0)

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/diary/{vasya.pk}/week/")
    expect(page.get_by_test_id("mark").first).to_be_visible()
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the week page scrolls sideways on a phone ({width} px)"
    screenshot(page, "diary-week-phone")
