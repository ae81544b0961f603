"""The journal grid as a teacher meets it at a desk (1280 px) and on a phone in class (360 px):
refused values explained in view, leaving the page, opening on today, the entry panel, in-page
dialogs driven from the keyboard, and the page's accessibility."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Student
from journal.models import Absence, AssessmentType, FinalMark, Lesson, Mark
from journal.services.cells import set_cell
from tests.browser.axe import assert_accessible
from tests.browser.conftest import box_of, grid_cells
from tests.conftest import make_student
from tests.journal.journal_setup import at

DAY = dt.date(2026, 12, 14)  # a Monday, four weeks before the end of the second quarter
QUARTER = (dt.date(2026, 11, 5), dt.date(2026, 12, 28))
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
LONG_ENTRY = ("Отвечал у доски, но правило не выучил; " * 8)[:300]


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(DAY, 9), tick=True):
        yield


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Nobody here signs in with a password (see `signed_in`): hash the cast's quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Journal:
    assignment_id: int
    lessons: list[Lesson]
    today: Lesson
    vasya: Student
    kolya: Student

    @property
    def url(self) -> str:
        return f"/journal/{self.assignment_id}/"

    def cell(self, page, student: Student, lesson: Lesson | None = None):
        lesson = lesson or self.today
        return page.locator(f'td.cell[data-lesson="{lesson.pk}"][data-student="{student.pk}"]')


@pytest.fixture
def journal(transactional_db, small_school, children) -> Journal:
    """Maths in a 5А of 30: every school day of the quarter, 28 lessons up to today, 10 to
    come. The grid is taller than the screen, as in a real class."""
    kolya = make_student(small_school.school, "kolya", "Козлов", "Николай", small_school.class_5a)
    for login, last, first in [("anya", "Смирнова", "Анна"), ("petya", "Константинопольский",
                                                                 "Пётр")]:
        make_student(small_school.school, login, last, first, small_school.class_5a)
    for n in range(26):
        make_student(small_school.school, f"u{n}", f"Ученик{n:02}", "Иван", small_school.class_5a)
    days = [QUARTER[0] + dt.timedelta(days=n) for n in range((QUARTER[1] - QUARTER[0]).days + 1)]
    lessons = Lesson.objects.bulk_create([
        Lesson(assignment=small_school.maths_5a, date=day, number=2)
        for day in days if day.weekday() < 5])
    today = next(lesson for lesson in lessons if lesson.date == DAY)
    return Journal(small_school.maths_5a.pk, lessons, today, children[0], kolya)


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, live_server):
    """A page at desk width or on a 360 px touch phone."""
    name = request.param
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport=SCREENS[name], has_touch=name == "phone",
                                  is_mobile=name == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.screen_name = name
    yield page
    context.close()


def native_dialogs(page) -> list[str]:
    """Every native dialog (alert, confirm, prompt, "leave site?") the page opens: dismissed
    and listed, so a test can assert there were none."""
    seen: list[str] = []

    def record(dialog):
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", record)
    return seen


def signed_in(page, user, live_server):
    """The page with the user's session, without the sign-in form (tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value,
                               "url": live_server.url}])
    return page


def open_journal(page, journal: Journal, user, live_server, url: str = ""):
    signed_in(page, user, live_server).goto(url or journal.url)
    return grid_cells(page)


def visible_box(locator) -> dict:
    """Where the element is against the grid's visible box: the scroll container less the
    sticky names column."""
    return locator.evaluate("""el => {
        const scroller = el.closest('.journal-scroll').getBoundingClientRect();
        const names = el.closest('table').tHead.rows[0].cells[0].getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return {left: box.left, right: box.right, width: box.width,
                from: names.right, to: scroller.right};
    }""")


def fully_visible(box: dict) -> bool:
    return box["left"] >= box["from"] - 0.5 and box["right"] <= box["to"] + 0.5


def no_sideways_scroll(page) -> bool:
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# A refused value: explained in view, in its place, and the page can be left ----------------

def test_a_refused_value_is_explained_under_the_grid_without_widening_its_column(
        screen, teacher, journal, live_server, screenshot):
    dialogs = native_dialogs(screen)
    open_journal(screen, journal, teacher, live_server)
    cell = journal.cell(screen, journal.vasya)
    header = screen.locator(f'th[data-lesson="{journal.today.pk}"]')
    width = box_of(header)["width"]
    if screen.screen_name == "phone":
        cell.tap()
        panel = screen.get_by_test_id("entry-panel")
        expect(panel).to_be_visible()
        panel.get_by_label("Другое значение").fill(LONG_ENTRY)
        panel.get_by_label("Другое значение").press("Enter")
    else:
        cell.focus()
        screen.keyboard.press("F2")
        screen.keyboard.insert_text(LONG_ENTRY)
        screen.keyboard.press("Enter")

    expect(cell).to_have_attribute("data-status", "error")
    problem = screen.get_by_test_id("grid-status").get_by_test_id("grid-problem")
    expect(problem).to_have_text(re.compile(
        r"^Петров Василий, 14\.12\.2026 — не сохранено: „отвечал“ — такой "
        r"отметки нет в шкале школы"))
    expect(problem).to_be_in_viewport()
    assert box_of(header)["width"] == pytest.approx(width, abs=0.5)
    assert box_of(cell)["width"] == pytest.approx(width, abs=0.5)
    assert no_sideways_scroll(screen)
    screenshot(screen, f"journal-grid-refused-{screen.screen_name}")

    # The refused value is shown as refused, not held as unsaved: the page reloads at once.
    screen.reload()
    grid_cells(screen)
    expect(screen.get_by_test_id("grid-problem")).to_have_count(0)
    assert dialogs == []
    assert not Mark.objects.exists()


@pytest.mark.parametrize("network", ["no answer", "connection lost"])
def test_leaving_warns_while_a_save_is_still_on_its_way(page, teacher, journal, live_server,
                                                        network):
    warnings: list[str] = []

    def leave_anyway(dialog):
        warnings.append(dialog.type)
        dialog.accept()

    def answer(route):
        if network == "connection lost":
            route.abort()   # the grid keeps the value and retries
        # else: no answer at all, the save stays in flight

    page.on("dialog", leave_anyway)
    page.route(f"**{journal.url}cell/", answer)
    cells = open_journal(page, journal, teacher, live_server)
    cell = journal.cell(page, journal.vasya)
    cell.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-status",
                                   "offline" if network == "connection lost" else "saving")
    if network == "connection lost":
        expect(page.get_by_test_id("grid-status")).to_contain_text(
            "Нет связи с сервером: Петров Василий, 14.12.2026 — значение «5» ещё не сохранено")

    page.reload()
    expect(cells.first).to_be_visible()
    assert warnings == ["beforeunload"]
    assert not Mark.objects.exists()


# Opening on today; lessons still to come ---------------------------------------------------

def test_the_grid_opens_on_today_with_the_lessons_to_come_set_apart_and_short_names(
        screen, teacher, journal, live_server, screenshot):
    open_journal(screen, journal, teacher, live_server)
    today = screen.locator("thead th.today")
    expect(today).to_have_attribute("data-lesson", str(journal.today.pk))
    assert fully_visible(visible_box(today)), "today's column is scrolled out of view"
    headers = screen.locator("thead th.lesson-col")
    in_view = [i for i in range(headers.count()) if fully_visible(visible_box(headers.nth(i)))]
    assert len(in_view) >= 4
    assert no_sideways_scroll(screen)

    past, future = screen.locator("thead th.lesson-col:not(.future)").first, \
        screen.locator("thead th.lesson-col.future").first
    expect(future).to_have_attribute("data-day", "2026-12-15")
    look = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).fontStyle]"
    assert past.evaluate(look) != future.evaluate(look)
    assert journal.cell(screen, journal.vasya, journal.lessons[-1]).evaluate(
        "el => getComputedStyle(el).backgroundImage") != "none"
    expect(screen.get_by_test_id("legend-future")).to_be_visible()
    expect(screen.get_by_test_id("legend-future")).to_contain_text("будущие уроки")
    screenshot(screen, f"journal-grid-today-{screen.screen_name}")

    # On a phone the names column is narrow: surname and initial, the full name for the rest.
    name = screen.locator(f'tr[data-student="{journal.kolya.pk}"] th')
    expect(name).to_have_attribute("title", "Козлов Николай")
    expect(name).to_have_accessible_name(re.compile("Козлов Николай"))
    if screen.screen_name == "phone":
        expect(name.locator(".name-short")).to_be_visible()
        expect(name.locator(".name-short")).to_have_text("Козлов Н.")
        assert box_of(name)["width"] <= 110
    else:
        expect(name).to_have_text(re.compile(r"^\d\. Козлов Николай"))

    # A lesson still to come takes no entry: the grid says so instead of opening the panel.
    to_come = journal.cell(screen, journal.vasya, journal.lessons[28])
    to_come.click()
    expect(screen.get_by_test_id("grid-status")).to_contain_text(
        "Урок 15.12.2026 ещё не прошёл: отметки и пропуски ставятся после урока.")
    expect(screen.get_by_test_id("entry-panel")).to_be_hidden()


# The entry panel: a tap opens it ---------------------------------------------------------------

def press(page, locator) -> None:
    """A tap on a phone, a click at a desk."""
    if page.screen_name == "phone":
        locator.tap()
    else:
        locator.click()


def test_a_tap_on_a_cell_opens_large_buttons_for_marks_and_absences(
        screen, teacher, journal, live_server, screenshot):
    dialogs = native_dialogs(screen)
    open_journal(screen, journal, teacher, live_server)
    kolya = journal.cell(screen, journal.kolya)
    panel = screen.get_by_test_id("entry-panel")

    press(screen, kolya)
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text("Козлов Николай · 14.12.2026")
    expect(panel.get_by_test_id("entry-current")).to_have_text("В клетке: пусто")
    buttons = panel.locator("button.entry-value:visible")
    assert [buttons.nth(i).get_attribute("data-value") for i in range(buttons.count())] == \
        ["5", "4", "3", "2", "1", "н", "б", "у", ""]
    expect(buttons.last).to_have_text("очистить")
    for i in range(buttons.count()):
        box = box_of(buttons.nth(i))
        assert box["width"] >= 44 and box["height"] >= 44
    if screen.screen_name == "phone":   # a bottom sheet across the screen
        box = box_of(panel)
        assert box["width"] == pytest.approx(360, abs=1)
        assert box["y"] + box["height"] == pytest.approx(740, abs=1)
    screenshot(screen, f"journal-grid-entry-panel-{screen.screen_name}")

    press(screen, panel.locator('[data-value="5"]'))
    expect(panel).to_be_hidden()
    expect(kolya).to_have_text("5")
    expect(kolya).to_have_attribute("data-status", "saved")
    assert Mark.objects.get(student=journal.kolya).value == "5"

    press(screen, kolya)
    expect(panel.get_by_test_id("entry-current")).to_have_text("В клетке: «5»")
    press(screen, panel.get_by_role("button", name="очистить"))
    expect(kolya).to_have_text("")
    expect(kolya).to_have_attribute("data-status", "saved")
    assert not Mark.objects.exists()

    press(screen, kolya)
    panel.get_by_label("Другое значение").fill("5/4")
    press(screen, panel.get_by_role("button", name="Записать"))
    expect(kolya).to_have_text("5/4")
    expect(kolya).to_have_attribute("data-status", "saved")

    press(screen, kolya)
    press(screen, panel.get_by_role("button", name="Подробности и история клетки"))
    expect(screen.get_by_test_id("cell-history")).to_contain_text("отметка: 5")
    assert dialogs == []


def test_grade_one_gets_no_mark_buttons(screen, class_teacher, small_school, children,
                                        live_server):
    lesson = Lesson.objects.create(assignment=small_school.reading_1a, date=DAY, number=1)
    signed_in(screen, class_teacher, live_server).goto(f"/journal/{small_school.reading_1a.pk}/")
    grid_cells(screen)
    masha = screen.locator(f'td.cell[data-lesson="{lesson.pk}"][data-student="{children[1].pk}"]')
    press(screen, masha)
    panel = screen.get_by_test_id("entry-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("button.entry-value:visible")).to_have_text(["н", "б", "у", "очистить"])
    press(screen, panel.locator('[data-value="б"]'))
    expect(masha).to_have_text("б")
    expect(masha).to_have_attribute("data-status", "saved")
    assert Absence.objects.get().kind == "ill"


def test_the_year_marks_take_the_panel_too(page, teacher, journal, live_server):
    open_journal(page, journal, teacher, live_server, f"{journal.url}?view=year")
    year_mark = page.locator(f'tr[data-student="{journal.vasya.pk}"] [data-testid="year-mark"]')
    panel = page.get_by_test_id("entry-panel")
    year_mark.click()
    expect(panel.get_by_role("heading")).to_have_text("Петров Василий · годовая отметка")
    expect(panel.locator("button.entry-value:visible")).to_have_text(
        ["5", "4", "3", "2", "1", "н/а", "очистить"])
    expect(panel.get_by_role("button", name="Подробности и история клетки")).to_be_hidden()
    panel.locator('[data-value="4"]').click()
    expect(year_mark).to_have_text("4")
    expect(year_mark).to_have_attribute("data-status", "saved")
    assert FinalMark.objects.get(student=journal.vasya, kind="year").value == "4"


def test_the_panel_and_the_grid_work_from_the_keyboard(page, teacher, journal, live_server):
    open_journal(page, journal, teacher, live_server)
    kolya, vasya = journal.cell(page, journal.kolya), journal.cell(page, journal.vasya)
    panel = page.get_by_test_id("entry-panel")
    kolya.focus()
    outline = kolya.evaluate("el => [getComputedStyle(el).outlineStyle, "
                             "parseFloat(getComputedStyle(el).outlineWidth)]")
    assert outline[0] == "solid" and outline[1] >= 2      # where the keyboard is, is visible
    page.keyboard.press(" ")                  # the space bar opens the panel...
    expect(panel).to_be_visible()
    expect(panel.locator('[data-value="5"]')).to_be_focused()   # ...with the focus in it
    page.keyboard.press("Tab")
    expect(panel.locator('[data-value="4"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel).to_be_hidden()
    expect(kolya).to_be_focused()
    expect(kolya).to_have_text("4")

    page.keyboard.press(" ")
    expect(panel).to_be_visible()
    page.keyboard.press("Escape")              # closes it, back on the cell
    expect(panel).to_be_hidden()
    expect(kolya).to_be_focused()

    page.keyboard.press("ArrowDown")           # Константинопольский
    page.keyboard.press("ArrowDown")           # Петров
    expect(vasya).to_be_focused()
    page.keyboard.press("F2")
    page.keyboard.type("н")                    # Playwright types Cyrillic as text, not keys
    page.keyboard.press("Enter")
    expect(vasya).to_have_text("н")
    expect(vasya).to_have_attribute("data-status", "saved")
    assert Absence.objects.get(student=journal.vasya).kind == "absent"

    # Tab after the grid's last cell leaves the grid: the keyboard is not trapped in it.
    page.locator('[data-testid="term-mark"]').last.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('table')")


# In-page dialogs, driven from the keyboard -------------------------------------------------------

def test_a_column_is_filled_through_an_in_page_dialog(page, teacher, journal, live_server):
    dialogs = native_dialogs(page)
    open_journal(page, journal, teacher, live_server)
    fill = page.get_by_role("button", name="Заполнить столбец 14.12.2026")
    dialog = page.get_by_test_id("grid-dialog")
    expect(fill).to_be_in_viewport()
    box = box_of(fill)
    assert box["width"] >= 24 and box["height"] >= 24

    fill.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Заполнить столбец 14.12.2026")
    expect(dialog.get_by_label("Что поставить")).to_be_focused()
    page.keyboard.type("5")
    page.keyboard.press("Escape")              # changed their mind: nothing is filled
    expect(dialog).to_be_hidden()
    expect(fill).to_be_focused()
    assert not Mark.objects.exists()

    page.route(f"**{journal.url}column/", lambda route: route.abort())
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Что поставить")).to_be_focused()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading")).to_have_text("Нет связи с сервером")
    expect(dialog.get_by_role("button", name="Повторить")).to_be_focused()
    page.unroute(f"**{journal.url}column/")
    page.keyboard.press("Enter")               # the connection is back: try again
    expect(dialog).to_be_hidden()
    expect(fill).to_be_focused()
    expect(page.get_by_test_id("grid-status")).to_have_text(
        "Столбец 14.12.2026 заполнен: «5» в 30 клетках.")
    expect(journal.cell(page, journal.kolya)).to_have_text("5")
    assert Mark.objects.filter(lesson=journal.today).count() == 30
    assert dialogs == []


def test_someone_elses_change_is_asked_about_in_an_in_page_dialog(page, teacher, deputy, journal,
                                                                  live_server, screenshot):
    dialogs = native_dialogs(page)
    open_journal(page, journal, teacher, live_server)
    for student in (journal.kolya, journal.vasya):   # the deputy corrects both after the page
        set_cell(deputy, journal.today, student, "3", reason="исправление по заявлению")
    kolya, vasya = journal.cell(page, journal.kolya), journal.cell(page, journal.vasya)
    dialog = page.get_by_test_id("grid-dialog")

    kolya.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Клетку изменил другой пользователь")
    expect(dialog).to_contain_text("Сейчас в клетке: «3». Вы ввели: «5».")
    expect(dialog.get_by_role("button", name="Записать моё")).to_be_focused()
    screenshot(page, "journal-grid-conflict-dialog")
    page.keyboard.press("Escape")               # keep the deputy's value
    expect(dialog).to_be_hidden()
    expect(kolya).to_be_focused()
    expect(kolya).to_have_text("3")

    vasya.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Записать моё")).to_be_focused()
    page.keyboard.press("Enter")                # overwrite it
    expect(vasya).to_have_attribute("data-status", "saved")
    expect(vasya).to_have_text("5")
    expect(vasya).to_be_focused()
    assert Mark.objects.get(student=journal.kolya).value == "3"
    assert Mark.objects.get(student=journal.vasya).value == "5"
    assert dialogs == []


def test_a_mark_over_an_absence_asks_for_the_explanation_in_the_page(page, teacher, journal,
                                                                      live_server):
    dialogs = native_dialogs(page)
    set_cell(teacher, journal.today, journal.kolya, "б")
    open_journal(page, journal, teacher, live_server)
    kolya = journal.cell(page, journal.kolya)
    dialog = page.get_by_test_id("grid-dialog")

    kolya.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading")).to_have_text("Отметка поверх пропуска")
    field = dialog.get_by_label("Пояснение для родителей и администрации")
    expect(field).to_be_focused()
    page.keyboard.type("Написал работу после болезни")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(kolya).to_have_text("5 б")
    expect(kolya).to_have_attribute("data-status", "saved")
    expect(kolya).to_be_focused()
    assert Mark.objects.get().over_absence_note == "Написал работу после болезни"
    assert dialogs == []


# Accessibility --------------------------------------------------------------------------------

def test_the_grid_page_passes_axe(screen, teacher, journal, live_server):
    Lesson.objects.filter(pk=journal.lessons[26].pk).update(
        assessment_type=AssessmentType.objects.get(name="Контрольная работа"))
    set_cell(teacher, journal.lessons[26], journal.vasya, "5")
    open_journal(screen, journal, teacher, live_server)
    cell = journal.cell(screen, journal.kolya)
    cell.focus()
    screen.keyboard.type("7")
    screen.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-status", "error")
    assert_accessible(screen)

    press(screen, journal.cell(screen, journal.vasya))
    expect(screen.get_by_test_id("entry-panel")).to_be_visible()
    assert_accessible(screen)

    press(screen, screen.get_by_role("button", name="Заполнить столбец 14.12.2026"))
    expect(screen.get_by_test_id("grid-dialog")).to_be_visible()
    assert_accessible(screen)

