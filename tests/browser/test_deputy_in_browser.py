"""The deputy director's and the director's lists in a real browser, and the home pages of every
role on a 360 px phone: the journals grouped by class with their filters at a desk, and no page
of the home, the plan, the journal list or the late entries scrolling sideways or cutting a
table off on a phone (and none with a serious accessibility fault)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.roles import Role
from journal.models import Lesson, PlanItem, SchoolClass, Subject, TeachingAssignment
from journal.services.plans import PlanRow, save_plan
from journal.services.rights import sync_journal_rights
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_staff
from tests.journal.journal_setup import LAST_WEEK, TODAY, at, make_lesson

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The widest right edge of any table cell in the page's main part, and the page's own width.
WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  cells: Math.max(0, ...[...document.querySelectorAll("main td")]
    .filter((td) => td.offsetParent !== null)
    .map((td) => Math.round(td.getBoundingClientRect().right))),
})"""
LONG_TOPIC = ("Сложение и вычитание обыкновенных дробей с разными знаменателями: "
              "решение текстовых задач повышенной трудности")


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 10), tick=True):
        yield


@pytest.fixture
def school(transactional_db, small_school, teacher, class_teacher, children, parent):
    """Today's lessons for the teacher, the class teacher and Василий; a thematic plan with held
    lessons; a late entry; and six more classes of five journals each."""
    deputy = make_staff(small_school.school, "zavuch", "Завьялова", "Елена", "Викторовна",
                        role=Role.DEPUTY)
    make_staff(small_school.school, "director", "Директорова", "Марина", "Львовна",
               role=Role.DIRECTOR)
    make_lesson(small_school.maths_5a, TODAY, 2, room="21")
    make_lesson(small_school.russian_5a, TODAY, 3, room="Лингафонный каб. 3")
    save_plan(teacher, small_school.maths_5a, [
        PlanRow(topic=LONG_TOPIC, number=1, section="Обыкновенные дроби", hours=2,
                planned_on=LAST_WEEK),
        PlanRow(topic="Умножение дробей", number=2, section="Обыкновенные дроби", hours=3)])
    first = PlanItem.objects.get(number=1)
    make_lesson(small_school.maths_5a, LAST_WEEK, 2, is_held=True, topic=LONG_TOPIC,
                plan_item=first)
    make_lesson(small_school.maths_5a, LAST_WEEK, 3, is_held=True, late_days=2,
                entered_by=teacher, plan_item=first)
    physicist = make_staff(small_school.school, "orlov", "Орлов", "Пётр", "Ильич")
    subjects = [Subject.objects.create(school=small_school.school, name=name, order=10 + n)
                for n, name in enumerate(["Физика", "История", "География", "Биология"])]
    for grade, letter in [(6, "А"), (6, "Б"), (7, "А"), (7, "Б"), (8, "А"), (9, "А")]:
        school_class = SchoolClass.objects.create(year=small_school.year, grade=grade,
                                                  letter=letter, class_teacher=physicist)
        for subject in [small_school.maths, *subjects]:
            sync_journal_rights(TeachingAssignment.objects.create(
                year=small_school.year, teacher=physicist, subject=subject,
                school_class=school_class))
    Lesson.objects.create(assignment=TeachingAssignment.objects.get(
        school_class__grade=7, school_class__letter="Б", subject__name="Физика"),
        date=LAST_WEEK, number=1)
    return small_school, deputy


def as_user(page, login: str) -> None:
    """Sign in at desk width (the phone's menu hides the user menu sign_in waits for)."""
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    sign_in(page, login, PASSWORD)


def check_phone(page, url: str, name: str, screenshot) -> None:
    page.set_viewport_size(PHONE)
    response = page.goto(url)
    assert response.status == 200, url
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= 360, f"{name}: the page is {widths['page']} px wide on a phone"
    assert widths["cells"] <= 360, f"{name}: a table cell ends at {widths['cells']} px"
    screenshot(page, f"{name}-phone")
    assert_accessible(page)


@pytest.mark.parametrize(("login", "role"), [
    ("matveeva", "teacher"), ("klassnaya", "class-teacher"), ("zavuch", "deputy"),
    ("director", "director"), ("petrova", "parent"), ("vasya", "student"),
])
def test_home_pages_fit_a_phone(page, school, login, role, screenshot):
    as_user(page, login)
    check_phone(page, "/", f"home-{role}", screenshot)
    if role in ("teacher", "class-teacher"):
        held = page.get_by_test_id("lessons-held").first
        expect(held).to_be_in_viewport()
    if role == "teacher":
        expect(page.get_by_test_id("today-lesson")).to_contain_text("21")


def test_the_deputys_pages_fit_a_phone(page, school, screenshot):
    small_school, _ = school
    as_user(page, "zavuch")
    check_phone(page, "/journal/", "journal-list", screenshot)
    expect(page.get_by_test_id("journal-class").first).to_be_visible()
    check_phone(page, "/journal/checks/late/", "late-entries", screenshot)
    expect(page.get_by_test_id("late-entry")).to_have_count(1)
    check_phone(page, f"/journal/{small_school.maths_5a.pk}/plan/", "plan-reader", screenshot)
    expect(page.get_by_test_id("plan-table")).to_contain_text("Умножение дробей")

    as_user(page, "matveeva")
    check_phone(page, f"/journal/{small_school.maths_5a.pk}/plan/", "plan-teacher", screenshot)
    expect(page.get_by_test_id("held")).to_have_text("2")


def test_the_deputy_finds_a_journal_among_many(page, school, screenshot):
    as_user(page, "zavuch")
    page.get_by_role("link", name="Журналы", exact=True).click()
    groups = page.get_by_test_id("journal-class")
    expect(groups).to_have_count(9)
    expect(page.get_by_test_id("journal-count")).to_have_text("всего: 36")
    expect(groups.first).to_contain_text("1А класс")
    screenshot(page, "journal-list-desktop")
    assert_accessible(page)

    page.get_by_label("Класс").select_option(label="7Б")
    page.get_by_role("button", name="Показать").click()
    expect(groups).to_have_count(1)
    expect(groups.first.get_by_test_id("journal-row")).to_have_count(5)
    expect(page.get_by_test_id("journal-count")).to_have_text("найдено: 5 из 36")

    page.get_by_role("searchbox", name="Поиск").fill("физика")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("journal-row")).to_have_count(1)
    expect(page.get_by_test_id("journal-row")).to_contain_text("Орлов П. И.")
    screenshot(page, "journal-list-filtered-desktop")

    page.get_by_label("Класс").select_option(label="все")
    page.get_by_role("searchbox", name="Поиск").fill("химия")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("no-journals-found")).to_contain_text(
        "Журналов, подходящих под условия поиска, не найдено")
    page.get_by_test_id("reset-filter").click()
    expect(groups).to_have_count(9)

    page.get_by_role("link", name="Главная").click()
    page.get_by_test_id("late-entries-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ноябрь 2026")


def test_the_late_entries_open_on_the_last_month_with_entries_on_the_1st(page, school,
                                                                         screenshot):
    with time_machine.travel(at(dt.date(2026, 12, 1), 10), tick=True):
        as_user(page, "director")
        page.goto("/journal/checks/late/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("ноябрь 2026")
        expect(page.get_by_test_id("late-entry")).to_have_count(1)
        expect(page.get_by_test_id("latest-month-note")).to_contain_text(
            "За декабрь 2026 записей позже срока пока нет")
        screenshot(page, "late-entries-on-the-1st-desktop")


def test_the_plans_dates_are_replaced_after_an_in_page_question(page, school):
    small_school, _ = school
    native = []
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    as_user(page, "matveeva")
    page.goto(f"/journal/{small_school.maths_5a.pk}/plan/")
    ask = page.get_by_role("button", name="Расставить даты по расписанию")
    ask.click()
    dialog = page.get_by_role("dialog", name="Расставить даты по расписанию?")
    expect(dialog.get_by_role("button", name="Заменить даты")).to_be_focused()
    page.keyboard.press("Escape")             # cancelled from the keyboard: nothing sent
    expect(dialog).to_be_hidden()
    ask.click()
    expect(dialog.get_by_role("button", name="Заменить даты")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_be_visible()
    assert native == [], "the browser's own confirm() was shown"
