"""State sign-in (Госуслуги) in a real browser, against the test provider on loopback: a user
links it from the user menu, signs out, and signs in again with the button on the sign-in page,
with the site's Content-Security-Policy in force throughout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import ExternalIdentity
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_user
from tests.oidc_provider import running_provider

CLIENT_ID, CLIENT_SECRET = "ejournal-browser", "client-secret-for-the-browser-test-of-esia"
PORTAL_PASSWORD = "Пароль-на-портале-2"


@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    with running_provider(tmp_path_factory.mktemp("oidc_provider_browser"), client_id=CLIENT_ID,
                          client_secret=CLIENT_SECRET,
                          redirect_uris=[f"{live_server.url}/oidc/callback/"],
                          users={"anna-esia": PORTAL_PASSWORD}) as running:
        yield running


@pytest.fixture
def state_sign_in(settings, provider):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = provider["discovery"]
    return provider


def test_a_parent_links_gosuslugi_and_signs_in_with_the_button(transactional_db, state_sign_in,
                                                               page, screenshot):
    anna = make_user("ivanova", "Иванова", "Анна", "Петровна")
    sign_in(page, "ivanova", PASSWORD)

    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Вход через Госуслуги").click()
    expect(page.get_by_test_id("oidc-status")).to_contain_text("не привязан")
    screenshot(page, "oidc-link-page")
    assert_accessible(page)
    page.get_by_role("link", name="Привязать вход через Госуслуги").click()
    # The portal's own sign-in form.
    page.locator('input[name="username"]').fill("anna-esia")
    page.locator('input[name="password"]').fill(PORTAL_PASSWORD)
    page.locator('button[type="submit"]').click()

    expect(page.get_by_role("alert")).to_contain_text("Вход через Госуслуги привязан")
    expect(page.get_by_test_id("oidc-status")).to_contain_text("привязан к вашей учётной записи")
    assert ExternalIdentity.objects.get(user=anna).subject == state_sign_in["subjects"]["anna-esia"]

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Выйти", exact=True).click()
    expect(page.get_by_test_id("oidc-sign-in")).to_be_visible()
    screenshot(page, "oidc-login-page")
    assert_accessible(page)
    page.get_by_test_id("oidc-sign-in").click()

    # Still signed in at the portal: straight back, signed in as the same person.
    expect(page.get_by_test_id("user-menu")).to_contain_text("Иванова А. П.")
    assert "/oidc/" not in page.url
