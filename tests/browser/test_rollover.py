"""The year rollover in a real browser, on the demo school in the last week of August: the
administrator runs the whole wizard — one student repeats the year, one goes up conditionally
with an academic debt — and afterwards 5А is 6А with its students, the repeating student is in
the new 5th class, the new year is current, last year's journals open read-only and the diary
shows last year's final marks. The wizard's pages also fit a 360 px phone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Student
from journal.demo.cast import DEMO_PASSWORD
from journal.models import (
    AcademicDebt,
    AcademicYear,
    Enrolment,
    FinalMark,
    RolloverDecision,
    SchoolClass,
    StudyPeriod,
    TeachingAssignment,
)
from journal.queries.students import journal_students
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in

# A Monday of the last week of August: the year's lessons are over. (The demo cannot be seeded
# later in August: its check remarks would be due after the year ends.)
NOW = dt.datetime(2027, 8, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
SEPTEMBER = dt.datetime(2027, 9, 6, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
Kind = RolloverDecision.Kind


def give_year_marks(year: AcademicYear, failing: dict[int, str]) -> None:
    """What teachers do in May: a year mark for every student of every graded journal (and
    the last period's term mark where the demo left none) — «4», or «2» for the students of
    `failing` in its subject (student id → subject name)."""
    periods = list(StudyPeriod.objects.filter(year=year))
    have = set(FinalMark.objects.filter(assignment__year=year, kind=FinalMark.Kind.PERIOD)
               .values_list("assignment_id", "student_id", "period_id"))
    marks = []
    for journal in TeachingAssignment.objects.filter(year=year, school_class__grade__gt=1) \
            .select_related("school_class", "subject"):
        last = max((p for p in periods if p.applies_to_grade(journal.school_class.grade)),
                   key=lambda p: p.ends_on)
        for student in journal_students(journal, last.ends_on):
            value = "2" if failing.get(student.pk) == journal.subject.name else "4"
            marks.append(FinalMark(assignment=journal, student=student,
                                   kind=FinalMark.Kind.YEAR, value=value))
            if (journal.pk, student.pk, last.pk) not in have:
                marks.append(FinalMark(assignment=journal, student=student,
                                       kind=FinalMark.Kind.PERIOD, period=last, value=value))
    FinalMark.objects.bulk_create(marks)


@pytest.fixture
def demo_school(transactional_db):
    """The small demo school (1А, 5А, 10А) at the end of its year, the marks given; two
    students of 5А with a «2» in maths: the administrator decides about them."""
    with time_machine.travel(NOW, tick=True):
        call_command("seed_demo", size="small", verbosity=0)
        year = AcademicYear.objects.get(is_current=True)
        class_5a = SchoolClass.objects.get(year=year, grade=5, letter="А")
        others = (Student.objects.filter(enrolments__school_class=class_5a)
                  .exclude(user__username="student")
                  .order_by("user__last_name", "user__first_name"))
        repeating, conditional = others[0], others[1]
        give_year_marks(year, {repeating.pk: "Математика", conditional.pk: "Математика"})
        yield year, class_5a, repeating, conditional


def fits_the_phone(page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def next_step(page, number: int) -> None:
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(rf"/journal/rollover/step/{number}/$"))


def test_the_administrator_rolls_the_demo_school_over(page, demo_school, screenshot):
    year, class_5a, repeating, conditional = demo_school
    sign_in(page, "admin", DEMO_PASSWORD)

    page.get_by_test_id("nav-school").click()
    page.get_by_test_id("nav-rollover").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Переход на новый учебный год")
    page.get_by_test_id("begin").click()

    # 1. The checks: warnings only (the two «2», journals still open), passed with the tick.
    expect(page.get_by_test_id("check-warnings")).to_contain_text("годовой «2» или «н/а»: 2")
    expect(page.get_by_test_id("check-errors")).to_have_count(0)
    page.get_by_test_id("next").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Продолжить, несмотря на")
    page.get_by_label("Продолжить, несмотря на предупреждения").check()
    next_step(page, 2)

    # 2. The next year as proposed.
    expect(page.get_by_label("Название учебного года")).to_have_value("2027/2028")
    next_step(page, 3)

    # 3. Classes: 5А → 6А as proposed, and a new 5А for those who repeat the 5th grade.
    new_row = page.locator('tr[data-testid="class-row"][data-source=""]').last
    new_row.get_by_label("Параллель").fill("5")
    new_row.get_by_label("Литера").fill("А")
    screenshot(page, "rollover-classes")
    next_step(page, 4)

    # 4. Students: the order, and in 5А one student repeating the year, one conditional.
    page.get_by_label("Номер приказа").fill("45-у")
    page.get_by_label("Дата приказа").fill("20.08.2027")
    row_5a = page.locator('tr[data-testid="student-class"][data-class="5А"]')
    expect(row_5a.get_by_test_id("needs-choice")).to_contain_text("2")
    row_5a.get_by_test_id("class-students").click()
    name = f"{repeating.user.last_name} {repeating.user.first_name}"
    student = page.locator(f'tr[data-testid="student-row"][data-student="{name}"]')
    expect(student).to_have_class(re.compile("table-warning"))
    student.get_by_label("Решение").select_option(Kind.REPEAT)
    student.get_by_label("В класс").select_option("5А")
    name = f"{conditional.user.last_name} {conditional.user.first_name}"
    other = page.locator(f'tr[data-testid="student-row"][data-student="{name}"]')
    expect(other.get_by_label("Решение")).to_have_value(Kind.CONDITIONAL)
    expect(other.get_by_label("Задолженность по предметам")).to_have_values(
        [re.compile(r"\d+")])
    page.get_by_test_id("save-class").click()
    expect(page).to_have_url(re.compile(r"/journal/rollover/step/4/$"))
    # What was typed on the step before leaving it for the class is still there.
    expect(page.get_by_label("Номер приказа")).to_have_value("45-у")
    expect(page.get_by_label("Дата приказа")).to_have_value("20.08.2027")
    next_step(page, 5)

    # 5. The summary, and the rollover.
    kinds = page.get_by_test_id("kinds")
    expect(kinds.locator("tr", has_text="оставлен на повторное обучение")).to_contain_text("1")
    expect(kinds.locator("tr", has_text="переведён условно")).to_contain_text("1")
    screenshot(page, "rollover-confirm")
    page.get_by_test_id("confirm").click()
    expect(page).to_have_url(re.compile(r"/journal/rollover/\d+/$"))
    expect(page.get_by_test_id("record-order")).to_have_text("№ 45-у от 20.08.2027")
    screenshot(page, "rollover-record")

    new_year = AcademicYear.objects.get(is_current=True)
    assert new_year.name == "2027/2028"
    year.refresh_from_db()
    assert year.is_closed
    class_6a = SchoolClass.objects.get(year=new_year, grade=6, letter="А")
    assert class_6a.class_teacher_id == class_5a.class_teacher_id
    moved = set(Enrolment.objects.filter(school_class=class_6a).values_list("student",
                                                                           flat=True))
    stayed = set(Enrolment.objects.filter(school_class=class_5a).values_list("student",
                                                                            flat=True))
    assert moved == stayed - {repeating.pk}
    assert Enrolment.objects.get(student=repeating, school_class__year=new_year
                                 ).school_class.grade == 5
    assert AcademicDebt.objects.get(student=conditional).subject.name == "Математика"

    # Last year's journals: read-only, even for their own teacher.
    maths_5a = TeachingAssignment.objects.get(year=year, school_class=class_5a,
                                              subject__name="Математика")
    page.context.clear_cookies()
    sign_in(page, maths_5a.teacher.username, DEMO_PASSWORD)
    page.goto(f"/journal/{maths_5a.pk}/")
    expect(page.get_by_test_id("closed-year")).to_be_visible()
    expect(page.get_by_test_id("read-only")).to_be_visible()

    # The diary in September: the new year's, and last year's final marks chosen by year.
    petrov = Student.objects.get(user__username="student")
    with time_machine.travel(SEPTEMBER, tick=True):
        page.context.clear_cookies()
        sign_in(page, "student", DEMO_PASSWORD)
        page.goto(f"/diary/{petrov.pk}/finals/")
        page.get_by_label("Учебный год").select_option(str(year.pk))
        expect(page).to_have_url(re.compile(rf"year={year.pk}"))
        expect(page.get_by_test_id("finals-year")).to_contain_text("2026/2027 учебный год, 5А")
        maths = page.locator('tr[data-testid="finals-row"][data-subject="Математика"]')
        expect(maths.get_by_test_id("year-mark")).to_have_text("4")
        screenshot(page, "rollover-diary-last-year")


def test_the_wizards_pages_fit_a_phone_and_are_accessible(page, demo_school, screenshot):
    sign_in(page, "admin", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/journal/rollover/")
    fits_the_phone(page)
    page.get_by_test_id("begin").click()
    fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("Продолжить, несмотря на предупреждения").check()
    for number in (2, 3, 4):
        page.get_by_test_id("next").click()
        expect(page).to_have_url(re.compile(rf"/step/{number}/$"))
        fits_the_phone(page)
        assert_accessible(page)
        screenshot(page, f"rollover-phone-step-{number}")
    page.locator('tr[data-testid="student-class"][data-class="5А"]').get_by_test_id(
        "class-students").click()
    fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, "rollover-phone-class")
    page.get_by_role("link", name="Вернуться без сохранения").click()
    page.get_by_label("Номер приказа").fill("45-у")
    page.get_by_label("Дата приказа").fill("20.08.2027")
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(r"/step/5/$"))
    fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, "rollover-phone-confirm")
