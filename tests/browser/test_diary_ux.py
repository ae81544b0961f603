"""The diary as parents and students found it, at desktop width and on a 360 px phone: homework
written against the lesson it is due for, a new mark marked on the mark itself, a neutral note
when a forecast rests on few marks, one small chart per subject, every tab in view, nothing
scrolling sideways, axe-core's WCAG 2.2 AA checks and keyboard-only use."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import Lesson, Mark, Subject, TeachingAssignment
from journal.services.cells import set_cell
from journal.services.homework import set_homework
from journal.services.rights import sync_journal_rights
from tests.browser.axe import assert_accessible
from tests.browser.conftest import box_of, sign_in
from tests.conftest import PASSWORD
from tests.journal.journal_setup import LAST_WEEK, TODAY, at, make_lesson

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TABS = ["Неделя", "Отметки", "Итоговые", "Посещаемость", "Задания", "Динамика"]
PAGES = ["week", "marks", "finals", "attendance", "homework", "chart"]
MORE_SUBJECTS = ["Литература", "История", "География", "Биология", "Музыка",
                 "Изобразительное искусство", "Технология", "Физическая культура"]


@pytest.fixture(autouse=True)
def _evening():
    with time_machine.travel(at(TODAY, 18), tick=True):
        yield


@pytest.fixture
def diary(transactional_db, small_school, teacher, class_teacher, parent, children):
    """Василий's diary: last Monday's maths set homework for today; today's maths, Russian and
    English (his group) with a mark, an absence and homework; eleven subjects with marks since
    September for the chart."""
    vasya = children[0]
    small_school.english_5a_group1.subgroup.students.add(vasya)
    last_monday = make_lesson(small_school.maths_5a, LAST_WEEK - dt.timedelta(days=1), number=2,
                              topic="Обыкновенные дроби")
    set_homework(teacher, last_monday, text="Упражнение 12, с. 40")
    maths = make_lesson(small_school.maths_5a, TODAY, number=2, topic="Сложение дробей",
                        room="21")
    make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=2), number=2)
    set_homework(teacher, maths, text="№ 245, 247")
    set_cell(teacher, maths, vasya, "5")
    russian = make_lesson(small_school.russian_5a, TODAY, number=3, topic="Имя существительное")
    set_homework(class_teacher, russian, text="Выучить правило на с. 56 и выполнить "
                 "упражнение 312 (выписать существительные, определить род и падеж)")
    english = make_lesson(small_school.english_5a_group1, TODAY, number=1)
    set_cell(teacher, english, vasya, "б")
    Mark.objects.create(lesson=make_lesson(small_school.english_5a_group1, dt.date(2026, 10, 6),
                                           number=1), student=vasya, value="4")

    for order, name in enumerate(MORE_SUBJECTS, start=10):
        subject = Subject.objects.create(school=small_school.school, name=name, order=order)
        assignment = TeachingAssignment.objects.create(
            year=small_school.year, teacher=class_teacher, subject=subject,
            school_class=small_school.class_5a)
        sync_journal_rights(assignment)
        for month, value in ((9, "3"), (10, "4"), (11, str(3 + order % 3))):
            lesson = Lesson.objects.create(assignment=assignment, date=dt.date(2026, month, 7),
                                           number=4)
            Mark.objects.create(lesson=lesson, student=vasya, value=value)
    for month, value in ((9, "4"), (10, "3")):
        lesson = make_lesson(small_school.russian_5a, dt.date(2026, month, 8), number=3)
        Mark.objects.create(lesson=lesson, student=vasya, value=value)
    return vasya


def _today(page):
    return page.locator('[data-testid="day"][aria-current="date"]')


def _lesson(page, subject: str):
    return _today(page).get_by_test_id("lesson").filter(has_text=subject)


def _sideways(page) -> dict:
    """How wide the document is, and any box inside it that scrolls sideways."""
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    return page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        scrollers: [...document.querySelectorAll("body *")].filter(e => {
            const x = getComputedStyle(e).overflowX;
            return (x === "auto" || x === "scroll") && e.scrollWidth > e.clientWidth + 1;
        }).map(e => e.tagName.toLowerCase() + "." + [...e.classList].join(".")),
    })""")


# Homework against the lesson it is due for ------------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_homework_due_today_is_beside_todays_lesson_and_on_the_homework_tab(
        page, diary, screenshot, viewport):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(f"/diary/{diary.pk}/week/")
    maths = _lesson(page, "Математика")
    due = maths.get_by_test_id("homework-due")
    expect(due).to_contain_text("Д/з к этому уроку:")
    expect(due).to_contain_text("Упражнение 12, с. 40")
    expect(due).to_contain_text("задано 09.11")
    expect(due).not_to_contain_text("не задано")
    # What was set today is secondary, with the lesson it is due for.
    set_here = maths.get_by_test_id("homework-set")
    expect(set_here).to_contain_text("Задано на этом уроке к 18.11:")
    expect(set_here).to_contain_text("№ 245, 247")
    # Nothing was due for Russian: «не задано» there, and only there.
    expect(_lesson(page, "Русский язык").get_by_test_id("homework-due")).to_contain_text(
        "не задано")
    wednesday = page.locator('[data-testid="day"][data-date="2026-11-18"]')
    expect(wednesday.get_by_test_id("homework-due")).to_contain_text("№ 245, 247")
    name = "desktop" if viewport is DESKTOP else "phone"
    screenshot(page, f"diary-ux-week-homework-{name}")

    page.get_by_role("link", name="Задания").click()
    today = page.get_by_test_id("homework-day").filter(has_text="На 16 ноября, понедельник")
    expect(today.get_by_test_id("homework-item")).to_have_count(1)
    expect(today.get_by_test_id("homework-item")).to_contain_text("Упражнение 12, с. 40")
    expect(page.get_by_test_id("homework-day").filter(has_text="На 18 ноября, среда")
           ).to_contain_text("№ 245, 247")
    screenshot(page, f"diary-ux-homework-tab-{name}")


# Marks: the new mark and the note on few marks ---------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_new_mark_carries_its_own_dot_and_few_marks_make_a_neutral_note(
        page, diary, small_school, class_teacher, screenshot, viewport):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(f"/diary/{diary.pk}/week/")                    # the visit the next one compares to
    expect(page.get_by_test_id("new")).to_have_count(0)
    russian = Lesson.objects.get(assignment=small_school.russian_5a, date=TODAY)
    set_cell(class_teacher, russian, diary, "4")
    name = "desktop" if viewport is DESKTOP else "phone"

    page.get_by_role("link", name="Отметки").click()
    row = page.locator('[data-testid="subject-row"][data-subject="Русский язык"]')
    expect(row.get_by_test_id("mark").get_by_test_id("new")).to_have_count(1)
    expect(page.get_by_test_id("new")).to_have_count(1)
    maths = page.locator('[data-testid="subject-row"][data-subject="Математика"]')
    note = maths.get_by_test_id("few-marks-note")
    expect(note).to_have_text("Прогноз предварительный: пока 1 отметка, а для отметки за "
                              "четверть обычно нужно не меньше 3.")
    expect(maths.get_by_test_id("forecast")).to_have_text("5")
    colour = note.evaluate("e => getComputedStyle(e).color")
    assert colour != "rgb(220, 53, 69)", "the note reads as an alarm (Bootstrap's danger red)"
    screenshot(page, f"diary-ux-marks-{name}")

    set_cell(class_teacher, russian, diary, "5")             # corrected: new again
    page.get_by_role("link", name="Неделя").click()
    old, new = (_lesson(page, subject).get_by_test_id("mark")
                for subject in ("Математика", "Русский язык"))
    expect(old.get_by_test_id("new")).to_have_count(0)
    dot = new.get_by_test_id("new")
    expect(dot).to_have_count(1)                              # inside the mark's own element
    expect(new).to_have_text("5, новая отметка")             # as a screen reader reads it
    mark_box, dot_box = box_of(new), box_of(dot)
    # The dot sits on the mark's top right corner, not after it.
    dot_x = dot_box["x"] + dot_box["width"] / 2
    dot_y = dot_box["y"] + dot_box["height"] / 2
    assert abs(dot_x - (mark_box["x"] + mark_box["width"])) <= dot_box["width"] / 2
    assert abs(dot_y - mark_box["y"]) <= dot_box["height"] / 2
    expect(page.get_by_test_id("new-legend")).to_be_visible()
    expect(page.get_by_test_id("new-legend")).to_contain_text("новая или изменённая отметка")
    screenshot(page, f"diary-ux-new-mark-{name}")


# The chart -------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chart_is_a_small_legible_chart_per_subject(page, diary, screenshot, viewport):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(f"/diary/{diary.pk}/chart/")
    charts = page.get_by_test_id("subject-chart")
    expect(charts).to_have_count(3 + len(MORE_SUBJECTS))     # one per subject, not 11 lines
    russian = charts.filter(has_text="Русский язык")
    expect(russian.get_by_test_id("chart-last")).to_have_text("3,00")
    expect(russian.locator("svg")).to_have_attribute(
        "aria-label", re.compile("сен 4,00; окт 3,00"))
    for index in (0, 10):
        chart = charts.nth(index)
        svg = chart.locator("svg")
        expect(svg.locator("polyline")).to_have_count(1 if index == 10 else 0)
        box = box_of(svg)
        assert box["width"] >= 280, f"a chart is {box['width']:.0f} px wide"
        label = box_of(svg.locator("text", has_text="окт"))
        assert label["height"] >= 11, f"month labels are {label['height']:.1f} px high"
    name = "desktop" if viewport is DESKTOP else "phone"
    screenshot(page, f"diary-ux-chart-{name}")


# A phone: every tab in view, nothing sideways --------------------------------------------

@pytest.mark.parametrize("login", ["petrova", "vasya"], ids=["parent", "student"])
def test_no_diary_page_scrolls_sideways_on_a_phone_and_every_tab_is_in_view(
        page, diary, screenshot, login):
    sign_in(page, login, PASSWORD)
    page.set_viewport_size(PHONE)
    for name in PAGES:
        page.goto(f"/diary/{diary.pk}/{name}/")
        tabs = page.get_by_test_id("diary-tabs").get_by_role("link")
        expect(tabs).to_have_text(TABS)
        for index in range(len(TABS)):
            expect(tabs.nth(index)).to_be_in_viewport(ratio=1)
            box = box_of(tabs.nth(index))
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert box["height"] >= 24 and box["width"] >= 24
        found = _sideways(page)
        assert found["width"] <= PHONE["width"], f"{name} is {found['width']} px wide"
        assert not found["scrollers"], f"{name} scrolls sideways inside: {found['scrollers']}"
        screenshot(page, f"diary-ux-{name}-{login}-phone")


# Accessibility ---------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_week_and_the_marks_pass_axe(page, diary, small_school, class_teacher, viewport):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(f"/diary/{diary.pk}/week/")
    set_cell(class_teacher, Lesson.objects.get(assignment=small_school.russian_5a, date=TODAY),
             diary, "4")
    page.reload()                                # with a new mark's dot and its legend
    expect(page.get_by_test_id("new")).to_have_count(1)
    assert_accessible(page)
    page.goto(f"/diary/{diary.pk}/marks/")
    expect(page.get_by_test_id("few-marks-note").first).to_be_visible()
    assert_accessible(page)


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_diary_tabs_read_at_least_4_5_to_1(page, diary, viewport):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(f"/diary/{diary.pk}/week/")
    for tab in page.get_by_test_id("diary-tabs").get_by_role("link").all():
        colours = tab.evaluate("""e => {
            let back = e;
            while (back && getComputedStyle(back).backgroundColor === "rgba(0, 0, 0, 0)") {
                back = back.parentElement;
            }
            return [getComputedStyle(e).color, getComputedStyle(back).backgroundColor];
        }""")
        ratio = _contrast(*colours)
        assert ratio >= 4.5, f"«{tab.inner_text().strip()}» reads {ratio:.2f}:1 ({colours})"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_diary_works_from_the_keyboard(page, diary, viewport):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(f"/diary/{diary.pk}/week/")
    page.locator("body").focus()
    marks_tab = page.get_by_test_id("diary-tabs").get_by_role("link", name="Отметки")
    for _ in range(40):
        page.keyboard.press("Tab")
        if marks_tab.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("the «Отметки» tab cannot be reached with Tab")
    expect(marks_tab).to_be_focused()
    outline = marks_tab.evaluate(
        "e => { const s = getComputedStyle(e); return s.outlineStyle + ' ' + s.boxShadow; }")
    assert outline != "none none", "the focused tab does not show focus"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/diary/{diary.pk}/marks/$"))
    expect(page.get_by_test_id("diary-tabs").get_by_role("link", name="Отметки")
           ).to_have_attribute("aria-current", "page")
    # The period picker: an arrow key chooses the 1st quarter and shows it (once the page's
    # scripts have run: the picker submits from site.js, loaded at the end of the page).
    page.wait_for_load_state("load")
    page.get_by_label("Период").focus()
    page.keyboard.press("ArrowUp")
    expect(page).to_have_url(re.compile(r"\?period=\d+$"))
    expect(page.get_by_label("Период")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Период").locator("option:checked")).to_contain_text("1-я четверть")
    # The week's child switcher and week arrows are links too.
    page.goto(f"/diary/{diary.pk}/week/")
    page.get_by_test_id("next-week").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?week=2026-11-23$"))
