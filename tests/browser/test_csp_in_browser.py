"""The browser tests' own watch over the Content-Security-Policy: a page that runs an inline
script or takes an inline style is refused by the browser, and the refusal fails the test that
saw it (tests/browser/conftest.py), so no page can bring one back unnoticed."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from journal.services.plans import PlanRow, save_plan
from tests.browser.conftest import assert_no_csp_violations, grid_cells, sign_in
from tests.conftest import PASSWORD
from tests.journal.journal_setup import LAST_WEEK, TODAY, at, make_lesson

# Each adds something to the page and waits there for the browser's report of the refusal; the
# conftest's listener, registered first, has been told by then.
WAIT = """new Promise((resolve) => document.addEventListener(
  "securitypolicyviolation", (event) => resolve(event.violatedDirective), {once: true}))"""
ADD_SCRIPT = f"""(code) => {{
  const refused = {WAIT};
  const script = document.createElement("script");
  script.textContent = code;
  document.body.append(script);
  return refused;
}}"""
ADD_HTML = f"""(html) => {{
  const refused = {WAIT};
  document.body.insertAdjacentHTML("beforeend", html);
  return refused;
}}"""


def caught(violations: list[str], directive: str) -> str:
    """The check's message for what was caught; then forgets it, so this test itself passes."""
    with pytest.raises(AssertionError) as failure:
        assert_no_csp_violations(violations)
    violations.clear()
    assert directive in str(failure.value)
    return str(failure.value)


def test_an_inline_script_on_the_sites_page_is_refused_and_fails_the_test(page, transactional_db,
                                                                          csp_violations):
    page.goto(reverse("login"))
    expect(page.get_by_role("button", name="Войти")).to_be_visible()
    assert csp_violations == []  # the sign-in page itself is clean

    directive = page.evaluate(ADD_SCRIPT, "window.ranInline = true")

    assert directive == "script-src-elem"
    assert page.evaluate("window.ranInline === undefined")  # the script never ran
    caught(csp_violations, "script-src-elem refused inline on /login/")


def test_a_style_attribute_and_an_event_handler_are_refused(page, transactional_db,
                                                             csp_violations):
    page.goto(reverse("login"))

    directive = page.evaluate(ADD_HTML, '<p id="red" style="color: rgb(255, 0, 0)">Красный</p>')

    assert directive == "style-src-attr"
    assert page.locator("#red").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    caught(csp_violations, "style-src-attr refused inline on /login/")

    directive = page.evaluate(ADD_HTML,
                              '<img id="handler" src="/static/favicon.svg" '
                              'onload="window.ranInline = true" alt="">')

    assert directive == "script-src-attr"
    assert page.evaluate("window.ranInline === undefined")
    caught(csp_violations, "script-src-attr refused inline on /login/")


def test_a_refusal_the_page_cannot_hear_is_caught_in_the_console(page, transactional_db,
                                                                 csp_violations):
    page.goto(reverse("login"))
    # document.write() keeps the page's policy but drops every listener the page had.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.set_content("<p>Подмена</p><script>window.ranInline = true</script>")

    assert page.evaluate("window.ranInline === undefined")
    caught(csp_violations, "console: ")


@pytest.fixture
def plan(transactional_db, small_school, teacher):
    """A plan of 5 hours for 5А's maths, 2 of them held: 40 % done."""
    with time_machine.travel(at(TODAY, 10), tick=True):
        make_lesson(small_school.maths_5a, TODAY, 2)
        save_plan(teacher, small_school.maths_5a, [
            PlanRow(topic="Дроби", number=1, hours=2, planned_on=LAST_WEEK),
            PlanRow(topic="Умножение дробей", number=2, hours=3)])
        for number in (2, 3):
            make_lesson(small_school.maths_5a, LAST_WEEK, number, is_held=True)
        yield small_school.maths_5a


def test_what_style_attributes_did_scripts_now_do_on_the_teachers_pages(page, plan, teacher,
                                                                         csp_violations):
    sign_in(page, teacher.username, PASSWORD)
    page.goto(reverse("journal:journal", args=[plan.pk]))
    grid_cells(page)
    page.goto(reverse("journal:plan", args=[plan.pk]))

    done = page.get_by_test_id("of-planned")
    expect(done).to_contain_text("40 %")
    # The bar's width came from a style attribute and now comes from its data-progress.
    filled = done.locator(".progress-bar").evaluate(
        "bar => Math.round(100 * bar.offsetWidth / bar.parentElement.offsetWidth)")
    assert filled == 40
    assert_no_csp_violations(csp_violations)


def test_the_diarys_period_still_changes_on_choosing_it(page, transactional_db, small_school,
                                                       parent, children, csp_violations):
    vasya = children[0]
    sign_in(page, parent.username, PASSWORD)
    page.goto(reverse("diary:marks", args=[vasya.pk]))
    period = page.get_by_label("Период")
    value = period.locator("option").nth(1).get_attribute("value")

    period.select_option(value)  # no button: the form goes on the change (it was onchange=)

    expect(page).to_have_url(re.compile(rf"period={value}$"))
    expect(period).to_have_value(value)
    assert_no_csp_violations(csp_violations)
