"""Browser tests: headless Chromium from Debian's package, driven by Playwright.

Playwright's own browser download does not work on closed networks; we launch the system's
Chromium. Its sync API runs an event loop in the test thread, so the ORM must be told that
this is fine.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic", "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="chromium is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


# Every page in the browser reports what the site's Content-Security-Policy refused, so that a
# browser test fails on an inline script, style or handler even where it changes nothing the test
# looks at. Init scripts and page.evaluate() are the browser's own and exempt from the policy.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} refused ${event.blockedURI || "(none)"}` +
                       ` on ${document.location.pathname}` +
                       (event.sourceFile && event.sourceFile !== document.location.href
                        ? ` by ${new URL(event.sourceFile, document.baseURI).pathname}` : "") +
                       (event.lineNumber ? ` (line ${event.lineNumber})` : "") +
                       (event.sample ? `: ${event.sample}` : ""));
}, true);
"""


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy refused during the test, one line each."""
    return []


def assert_no_csp_violations(violations: list[str]) -> None:
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport={"width": 1280, "height": 900})

    def violation(line: str) -> None:
        csp_violations.append(line)

    def console(message) -> None:
        # Chromium also says so in the console, also where the event cannot be heard (a
        # document rewritten by document.write() has lost its listeners).
        if "Content Security Policy" in message.text:
            csp_violations.append(f"console: {message.text}")

    context.expose_function("__cspViolation", violation)
    context.add_init_script(CSP_WATCH)
    context.on("console", console)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert_no_csp_violations(csp_violations)


@pytest.fixture
def screenshot():
    """Saves a screenshot under test-artifacts/ (not committed) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, login: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    # Signed in, on the next page (on a phone the menu is folded under the navbar's toggler);
    # the director and the administrator give the second factor first.
    second_factor = page.get_by_test_id("second-factor")
    expect(page.get_by_test_id("user-menu").or_(second_factor)).to_be_attached()
    if second_factor.count():
        pass_second_factor(page, login)
    expect(page.get_by_test_id("user-menu")).to_be_attached()


def box_of(locator) -> dict:
    """The element's box once its page's stylesheets apply: a click that opens another page
    does not wait for that page's `load`, and a box measured before it is the unstyled one."""
    locator.page.wait_for_load_state("load")
    return locator.bounding_box()


def authenticator_code(key: bytes, after_step: int = -1) -> str:
    """What the authenticator app shows now; after a sign-in in this half-minute, the next
    step's code, which the site also accepts (a code is taken once)."""
    from django_otp.oath import TOTP, hotp

    return f"{hotp(key, max(TOTP(key).t(), after_step + 1)):06d}"


def pass_second_factor(page, login: str) -> None:
    """The second step of sign-in, as a person with the phone does it: the current code; at the
    first sign-in of a director or an administrator, setting up the app from the key the page
    shows, then past the recovery codes."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    if page.get_by_test_id("second-factor").get_attribute("data-step") == "setup":
        secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Код из приложения").fill(authenticator_code(base64.b32decode(secret)))
        page.get_by_role("button", name="Включить").click()
        page.get_by_role("link", name="Коды сохранены, продолжить").click()
        return
    device = TOTPDevice.objects.get(user__username=login, confirmed=True)
    page.get_by_label("Код").fill(authenticator_code(device.bin_key, device.last_t))
    page.get_by_role("button", name="Войти").click()


def grid_cells(page):
    """The journal grid's cells, once its script is ready for typing. The cells can take focus
    before the script has run (a click on a link waits for the next page to start, not for its
    scripts), and keys typed then go nowhere."""
    from playwright.sync_api import expect

    expect(page.locator("table.journal-grid")).to_have_attribute("data-ready", "1")
    return page.locator('td[data-testid="cell"]')
