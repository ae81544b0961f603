"""Every page of every role on a 360 px phone: nothing scrolls sideways (a wide table may
scroll inside its own box, the page may not), and every page is the site's own: Russian, with
its icon, answering without an error.

The pages are found as a person finds them: from the home page, the menu and the links of the
pages reached from there, three clicks deep, once per kind of page (the same path with another
id or another week is the same kind). A kind is checked for the first role that reaches it — the
roles that see the most (the deputy director, the director) go first — and every role's home
page is checked for that role: the crawl stays within the suite's time as pages are added."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from journal.demo.cast import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, sign_in

PHONE = {"width": 360, "height": 740}
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Moscow"))
# Every demo login: each role, and the people who hold several.
LOGINS = ["zavuch", "director", "klass", "teacher", "admin", "dispatcher", "secretary",
          "coordinator", "dpo", "editor", "parent", "student"]
DEPTH = 3
# Not pages: sign-out, files and downloads, and the admin's forms of single records (the
# lists are visited; the forms are the setup's, checked there).
SKIP = re.compile(r"^/(logout|admin/logout|admin/jsi18n|admin/r)/|\.(xlsx|csv|pdf|zip|ico)$"
                  r"|/file/|/template|/download|^/admin/.+/(\d+/|add/)|^/static/|^/media/")
# Bootstrap icons that draw a fixed weekday or date ("Fri", "31"), wrong on every other day.
FIXED_DATE_ICONS = ".bi-calendar-day, .bi-calendar2-day, .bi-calendar-date, .bi-calendar2-date"

WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") return true;
    }
    return false;
  };
  let worst = null;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && !clipped(el) && (!worst || r.right > worst.right)) {
      worst = {right: Math.round(r.right), what: el.tagName.toLowerCase()
        + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string"
        ? "." + el.className.trim().split(/\\s+/).slice(0, 3).join(".") : "")};
    }
  }
  return worst ? `${worst.what} reaches ${worst.right} px` : "";
}"""


def kind_of(url: str) -> str:
    """/journal/13/?period=5 and /journal/29/?period=6 are one kind of page."""
    parts = urlsplit(url)
    keys = ",".join(sorted({key for key, _ in parse_qsl(parts.query)}))
    return re.sub(r"\d+", "N", parts.path) + (f"?{keys}" if keys else "")


def links_on(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        href = href.split("#")[0]
        if href.startswith("?"):
            href = urlsplit(page.url).path + href
        if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
            found.append(href)
    return found


def check_page(page, login: str, url: str, status: int) -> list[str]:
    problems = []
    where = f"{login} {url}"
    if status >= 400:
        problems.append(f"{where}: answers {status}")
        return problems
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{where}: {width} px wide ({page.evaluate(WIDEST)})")
    if page.evaluate("document.documentElement.lang") != "ru":
        problems.append(f"{where}: not lang=ru")
    if not url.startswith("/admin/") and page.locator("link[rel=icon]").count() == 0:
        problems.append(f"{where}: links no icon")
    if page.locator(FIXED_DATE_ICONS).count():
        problems.append(f"{where}: an icon shows a fixed weekday or date")
    return problems


@pytest.fixture
def demo_school(transactional_db):
    with time_machine.travel(MONDAY, tick=True):
        call_command("seed_demo", size="small", verbosity=0)
        yield


def test_no_page_of_any_role_scrolls_sideways_on_a_phone(browser, live_server, demo_school,
                                                         screenshot):
    problems: list[str] = []
    visited = 0
    seen: set[str] = set()  # kinds of page already checked, for whichever role
    for login in LOGINS:
        context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, login, DEMO_PASSWORD)  # its check looks for the menu a phone folds away
        page.set_viewport_size(PHONE)
        screenshot(page, f"phone-home-{login}")
        queue = deque([("/", 0)])
        while queue:
            url, depth = queue.popleft()
            kind = urlsplit(url).path if url.startswith(("/admin/", "/password/")) else kind_of(url)
            if url == "/":
                kind = f"/ {login}"
            if kind in seen:
                continue
            seen.add(kind)
            # The styles are in by then (the scripts at the end of the page wait for them).
            response = page.goto(url, wait_until="domcontentloaded")
            visited += 1
            found = check_page(page, login, url, response.status if response else 0)
            if found:
                screenshot(page, "phone-overflow-" + re.sub(r"\W+", "-", f"{login} {kind}").strip("-"))
            problems += found
            # The setup's index leads to its lists; their sorting and filter links do not count.
            if depth < DEPTH and (url == "/admin/" or not url.startswith("/admin/")):
                queue.extend((link, depth + 1) for link in links_on(page)
                             if kind_of(link) not in seen)
        context.close()

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "phone-overflow.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert visited > 3 * len(LOGINS)
    assert not problems, f"{len(problems)} of {visited} pages:\n" + "\n".join(problems)
