"""The news editor publishes the school's news in a real browser; a parent signs in and finds
it on their home page, at a desk and on a 360 px phone, and opens it."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_staff
from tests.journal.journal_setup import TODAY, at

PHONE = {"width": 360, "height": 740}
TITLE = "Школьная ярмарка в субботу"
BODY = "Приходите всей семьёй!\nНачало в 11:00, спортивный зал."


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 10), tick=True):
        yield


def sign_out(page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Выйти", exact=True).click()
    expect(page.get_by_role("button", name="Войти")).to_be_visible()


def test_the_news_editor_publishes_news_that_a_parent_sees_at_home(page, transactional_db,
                                                                   small_school, parent,
                                                                   screenshot):
    make_staff(small_school.school, "redaktor", "Лебедева", "Ирина", "Александровна",
               role=Role.NEWS_EDITOR)
    sign_in(page, "redaktor", PASSWORD)
    page.get_by_test_id("nav-post").click()
    page.get_by_test_id("new-notice").click()
    # The editor publishes news to the whole school: the form asks for nothing else.
    expect(page.get_by_label("Для кого")).to_have_count(0)
    page.get_by_label("Заголовок").fill(TITLE)
    page.get_by_label("Текст").fill(BODY)
    assert_accessible(page)
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Опубликовано.")).to_be_visible()
    expect(page.get_by_test_id("notice-heading")).to_have_text(TITLE)
    sign_out(page)

    sign_in(page, "petrova", PASSWORD)
    news = page.get_by_test_id("home-notices").get_by_test_id("notice")
    expect(news).to_have_count(1)
    expect(news).to_contain_text(TITLE)
    expect(news).to_contain_text("для всей школы")
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("home-notices")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the home page scrolls sideways on a phone ({width} px)"
    screenshot(page, "news-home-phone")
    page.get_by_test_id("home-notices").get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("notice-body").locator("br")).to_have_count(1)
    assert page.get_by_test_id("notice-body").inner_text() == BODY   # its lines kept
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the notice scrolls sideways on a phone ({width} px)"
    assert_accessible(page)
