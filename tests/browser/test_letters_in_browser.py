"""The information letter in a real browser: the class teacher finds the letters from the home
page, orders one for a student, and downloads the PDF; a letter still being made shows a progress
bar that polls until the download link appears. No CSP refusal, nothing serious for axe, fits a
phone."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from messaging.letters.services import make_letter
from messaging.models import InformationLetter
from tests.accounts.families_setup import needs_poppler, pdf_text
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.messaging.letters_setup import NOW, Q2_END, Q2_START, build_school


@pytest.fixture(name="school")
def school_fixture(transactional_db):
    with time_machine.travel(NOW, tick=True):
        yield build_school()


@needs_poppler
def test_the_class_teacher_orders_a_letter_and_downloads_it(page, school):
    sign_in(page, "klassnaya", PASSWORD)
    page.get_by_test_id("class-letters-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "5А класс: информационные письма родителям")
    assert_accessible(page)

    dates = page.locator("[data-letters-dates]").first
    expect(dates).to_be_hidden()  # a study period is chosen: no dates to type
    page.get_by_label("Период").select_option(label="Свои даты (указать ниже)")
    expect(dates).to_be_visible()
    page.get_by_label("Период").select_option(label="2-я четверть: 05.11.2026–28.12.2026")
    page.get_by_label("О ком").select_option(label="Петров Василий")
    expect(page.locator("[data-letters-files]")).to_be_hidden()
    page.get_by_label("Слово классного руководителя").fill("Василий много помогал классу.")
    page.get_by_test_id("order-letter").click()

    row = page.get_by_test_id("letter-row").first
    expect(row).to_contain_text("Петров Василий")
    with page.expect_download() as download:
        row.get_by_test_id("letter-download").click()
    content = open(download.value.path(), "rb").read()  # noqa: PTH123
    text = " ".join(pdf_text(content).split())
    assert "Петров Василий" in text and "Василий много помогал классу." in text


def test_a_letter_in_the_making_shows_a_bar_that_turns_into_the_link(page, school):
    letter = InformationLetter.objects.create(
        school_class=school.class_5a, date_from=Q2_START, date_to=Q2_END,
        requested_by=school.class_teacher)
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, "klassnaya", PASSWORD)
    page.goto(f"/messages/letters/class/{school.class_5a.pk}/")

    expect(page.get_by_test_id("letter-progress")).to_contain_text("В очереди")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    make_letter(letter.pk)
    expect(page.get_by_test_id("letter-download")).to_have_text("Скачать PDF", timeout=5_000)
    expect(page.get_by_test_id("letter-progress")).to_have_count(0)
