"""State sign-in (Госуслуги) through OpenID Connect, against a real provider: a small
django-oidc-provider site (tests/oidc_provider/) started on loopback for this module. The site is
driven with Django's test client; the person's browser at the provider is a requests session."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse

from accounts.models import ExternalIdentity, PersonalDataEvent, User
from accounts.oidc import StateSignInBackend
from tests.conftest import PASSWORD, make_user
from tests.oidc_provider import ROOT, running_provider

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
CLIENT_ID, CLIENT_SECRET = "ejournal-school-42", "client-secret-for-the-tests-of-state-sign-in"
PROVIDER_PASSWORD = "Пароль-на-портале-1"
# The provider's people: one to link, one nobody linked, one linked to somebody else.
PROVIDER_USERS = ("anna-esia", "stranger-esia", "petrov-esia")
NOT_LINKED = ("Этот вход через Госуслуги не привязан ни к одной учётной записи. Войдите по логину "
              "и паролю и привяжите его в профиле.")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The running provider: its address and the `sub` of each of its users."""
    with running_provider(tmp_path_factory.mktemp("oidc_provider"), client_id=CLIENT_ID,
                          client_secret=CLIENT_SECRET, redirect_uris=[f"{SITE}/oidc/callback/"],
                          users=dict.fromkeys(PROVIDER_USERS, PROVIDER_PASSWORD)) as running:
        yield running


@pytest.fixture
def state_sign_in(settings, provider):
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Госуслуги"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = provider["discovery"]
    return provider


class ProviderBrowser:
    """The person's browser at the provider: its sign-in form and its redirects, until the
    provider sends the browser back to the site."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.sign_in_forms_seen = 0

    def go(self, url: str, login: str, password: str = PROVIDER_PASSWORD) -> str:
        for _ in range(10):
            if url.startswith(SITE):
                return url.removeprefix(SITE)
            answer = self.session.get(url, allow_redirects=False, timeout=10)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["Location"])
                continue
            assert answer.status_code == 200, answer.text
            self.sign_in_forms_seen += 1
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.text)[1]
            next_url = re.search(r'name="next" value="([^"]*)"', answer.text)[1]
            answer = self.session.post(
                answer.url, allow_redirects=False, timeout=10,
                data={"csrfmiddlewaretoken": token, "username": login, "password": password,
                      "next": next_url.replace("&amp;", "&")})
            assert answer.is_redirect, "the provider refused the credentials"
            url = urljoin(answer.url, answer.headers["Location"])
        raise AssertionError("the provider never sent the browser back")


def signed_in_with_password(user: User) -> Client:
    client = Client()
    answer = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302 and client.get("/").wsgi_request.user == user
    return client


def sign_in_through_provider(client: Client, browser: ProviderBrowser, login: str,
                             start: str = "/oidc/start/"):
    """Presses «Войти через Госуслуги» and signs in at the provider; the site's last page."""
    answer = client.get(start)
    assert answer.status_code == 302
    return client.get(browser.go(answer["Location"], login), follow=True)


def link_through_provider(client: Client, browser: ProviderBrowser, login: str):
    page = client.get("/oidc/link/")
    assert "Вход через Госуслуги не привязан" in page.text
    answer = client.get("/oidc/link/start/")
    assert answer.status_code == 302
    return client.get(browser.go(answer["Location"], login), follow=True)


def is_signed_in_as(client: Client, user: User) -> bool:
    return client.get("/").wsgi_request.user == user


def test_a_user_links_the_state_sign_in_and_then_signs_in_through_it(state_sign_in):
    anna = make_user("ivanova", "Иванова", "Анна", "Петровна")
    client, browser = signed_in_with_password(anna), ProviderBrowser()

    linked = link_through_provider(client, browser, "anna-esia")

    assert "Вход через Госуслуги привязан" in linked.text
    identity = ExternalIdentity.objects.get(user=anna)
    assert (identity.provider, identity.subject) == ("esia", state_sign_in["subjects"]["anna-esia"])
    event = PersonalDataEvent.objects.get(subject=anna)
    assert (event.kind, event.what, event.actor, event.address) == (
        PersonalDataEvent.Kind.ACCESS, "вход через Госуслуги привязан", anna, "127.0.0.1")
    assert browser.sign_in_forms_seen == 1  # linking always asks for the portal's password

    client.post("/logout/")
    assert not client.get("/").wsgi_request.user.is_authenticated
    login_page = client.get("/login/?next=/password/")
    assert 'href="/oidc/start/?next=/password/"' in login_page.text
    assert "Войти через Госуслуги" in login_page.text

    # Still signed in at the portal: back without a second password, to the page asked for.
    page = sign_in_through_provider(client, browser, "anna-esia", start="/oidc/start/?next=/password/")

    assert page.wsgi_request.path == "/password/"
    assert is_signed_in_as(client, anna)
    assert browser.sign_in_forms_seen == 1
    identity.refresh_from_db()
    assert identity.last_used_at is not None
    assert "Последний вход через Госуслуги" in client.get("/oidc/link/").text


def test_an_unknown_identifier_is_refused_and_no_account_is_made(state_sign_in):
    make_user("ivanova", "Иванова", "Анна")
    users_before = User.objects.count()
    client = Client()

    page = sign_in_through_provider(client, ProviderBrowser(), "stranger-esia")

    assert page.wsgi_request.path == "/login/"
    assert NOT_LINKED in page.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()


def test_an_identifier_linked_to_someone_else_cannot_be_linked_again(state_sign_in):
    anna, petrov = make_user("ivanova", "Иванова", "Анна"), make_user("petrov", "Петров", "Пётр")
    taken = state_sign_in["subjects"]["petrov-esia"]
    ExternalIdentity.objects.create(user=petrov, provider="esia", subject=taken)
    client = signed_in_with_password(anna)

    page = link_through_provider(client, ProviderBrowser(), "petrov-esia")

    assert "уже привязан к другой учётной записи" in page.text
    assert list(ExternalIdentity.objects.values_list("user", "subject")) == [(petrov.pk, taken)]
    assert not PersonalDataEvent.objects.filter(subject=anna).exists()
    assert is_signed_in_as(client, anna)


def test_unlinking_ends_the_sign_in_through_the_provider_and_is_logged(state_sign_in):
    anna = make_user("ivanova", "Иванова", "Анна")
    ExternalIdentity.objects.create(user=anna, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    client = signed_in_with_password(anna)
    assert "Отвязать вход через Госуслуги" in client.get("/oidc/link/").text

    page = client.post("/oidc/unlink/", follow=True)

    assert "Вход через Госуслуги отвязан" in page.text
    assert not ExternalIdentity.objects.exists()
    assert PersonalDataEvent.objects.get(subject=anna).what == "вход через Госуслуги отвязан"
    client.post("/logout/")
    refused = sign_in_through_provider(client, ProviderBrowser(), "anna-esia")
    assert NOT_LINKED in refused.text
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_annulled_account_is_signed_out_and_cannot_sign_in_through_the_provider(
        state_sign_in):
    anna = make_user("ivanova", "Иванова", "Анна")
    ExternalIdentity.objects.create(user=anna, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    client, browser = Client(), ProviderBrowser()
    sign_in_through_provider(client, browser, "anna-esia")
    assert is_signed_in_as(client, anna)

    User.objects.filter(pk=anna.pk).update(is_active=False)

    assert not client.get("/").wsgi_request.user.is_authenticated
    page = sign_in_through_provider(client, browser, "anna-esia")
    assert "заблокирована" in page.text
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_answer_is_used_once_and_a_forged_one_is_refused(state_sign_in):
    anna = make_user("ivanova", "Иванова", "Анна")
    ExternalIdentity.objects.create(user=anna, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    client, browser = Client(), ProviderBrowser()
    back = browser.go(client.get("/oidc/start/")["Location"], "anna-esia")
    assert client.get(back, follow=True).wsgi_request.user == anna

    # The same answer again, in the same browser or in the attacker's: refused.
    client.post("/logout/")
    for other in (client, Client()):
        page = other.get(back, follow=True)
        assert "страница устарела" in page.text
        assert not other.get("/").wsgi_request.user.is_authenticated
    # A made-up code for a flow this browser did start: the provider refuses it.
    forged = Client()
    state = parse_qs(urlsplit(forged.get("/oidc/start/")["Location"]).query)["state"][0]
    page = forged.get(f"/oidc/callback/?code=made-up&state={state}", follow=True)
    assert "Вход через Госуслуги не удался" in page.text
    assert not forged.get("/").wsgi_request.user.is_authenticated


def test_a_person_who_cancels_at_the_provider_is_told_so(state_sign_in):
    client = Client()
    state = parse_qs(urlsplit(client.get("/oidc/start/")["Location"]).query)["state"][0]

    page = client.get(f"/oidc/callback/?error=access_denied&state={state}", follow=True)

    assert page.wsgi_request.path == "/login/"
    assert "Вход через Госуслуги отменён" in page.text


def test_a_provider_that_does_not_answer_leaves_the_password_sign_in(settings, state_sign_in):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.OIDC_OP_DISCOVERY_URL = f"http://127.0.0.1:{closed_port}/.well-known/openid-configuration"

    page = Client().get("/oidc/start/", follow=True)

    assert page.wsgi_request.path == "/login/"
    assert "Вход через Госуслуги не удался" in page.text
    assert 'name="password"' in page.text


def test_with_the_state_sign_in_off_its_pages_answer_404_and_no_button_shows(settings):
    settings.OIDC_ENABLED = False
    anna = make_user("ivanova", "Иванова", "Анна")
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(anna)

    for client in (anonymous, signed_in):
        for url in ("/oidc/start/", "/oidc/callback/?code=x&state=y", "/oidc/link/",
                    "/oidc/link/start/"):
            assert client.get(url).status_code == 404, url
        assert client.post("/oidc/unlink/").status_code == 404
    assert "Госуслуг" not in anonymous.get("/login/").text
    assert "Госуслуг" not in signed_in.get("/").text


def test_the_user_menu_leads_to_the_state_sign_in_page(state_sign_in):
    client = Client()
    client.force_login(make_user("ivanova", "Иванова", "Анна"))

    assert 'href="/oidc/link/">Вход через Госуслуги</a>' in client.get("/").text


def test_a_token_for_another_client_or_from_another_issuer_is_refused(state_sign_in):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = f"{state_sign_in['base']}/openid"
    now = int(time.time())
    claims = {"iss": issuer, "aud": CLIENT_ID, "sub": "1", "iat": now, "exp": now + 600}
    backend = StateSignInBackend()

    def verify(**changes):
        token = jwt.encode({**claims, **changes}, key, algorithm="RS256")
        return backend._verify_jws(token, key.public_key())

    assert verify()["sub"] == "1"
    with pytest.raises(jwt.InvalidAudienceError):
        verify(aud="another-site")
    with pytest.raises(jwt.InvalidIssuerError):
        verify(iss="http://127.0.0.1:1/openid")
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(exp=now - 3600)
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(jwt.encode(claims, CLIENT_SECRET, algorithm="HS256"), CLIENT_SECRET)


def test_a_director_signed_in_through_the_provider_still_owes_the_second_factor(
        state_sign_in, director):
    ExternalIdentity.objects.create(user=director, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    client = Client()

    page = sign_in_through_provider(client, ProviderBrowser(), "anna-esia")

    assert page.wsgi_request.user == director
    assert page.wsgi_request.path != "/"
    answer = client.get("/journal/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("two_factor_verify"))


def test_refusals_through_the_provider_lock_nobody_out(settings, state_sign_in):
    anna = make_user("ivanova", "Иванова", "Анна")
    ExternalIdentity.objects.create(user=anna, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    stranger = ProviderBrowser()
    for _ in range(settings.SIGNIN_LOGIN_FAILURES + 1):
        assert NOT_LINKED in sign_in_through_provider(Client(), stranger, "stranger-esia").text

    client = Client()
    sign_in_through_provider(client, ProviderBrowser(), "anna-esia")

    assert is_signed_in_as(client, anna)


def test_switching_it_on_without_a_provider_stops_the_start():
    base = {name: value for name, value in os.environ.items() if not name.startswith("OIDC_")}
    base.update(DEBUG="1", OIDC_ENABLED="1", OIDC_RP_CLIENT_ID=CLIENT_ID,
                OIDC_RP_CLIENT_SECRET=CLIENT_SECRET)

    def start(**env) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import ejournal.settings"],  # noqa: S603
                              cwd=ROOT, env={**base, **env}, capture_output=True, text=True,
                              check=False)

    refused = start()
    assert refused.returncode != 0 and "OIDC_OP_DISCOVERY_URL" in refused.stderr
    assert start(OIDC_OP_DISCOVERY_URL="https://esia.example/.well-known/openid-configuration"
                 ).returncode == 0


def test_an_address_locked_out_for_wrong_passwords_cannot_sign_in_through_the_provider(
        settings, state_sign_in):
    settings.SIGNIN_ADDRESS_FAILURES = 2
    anna = make_user("ivanova", "Иванова", "Анна")
    ExternalIdentity.objects.create(user=anna, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    for login in ("petrov", "sidorov"):
        Client().post("/login/", {"username": login, "password": "не тот"})
    client = Client()

    page = sign_in_through_provider(client, ProviderBrowser(), "anna-esia")

    assert page.status_code == 429
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_it_works_with_endpoints_set_one_by_one_and_the_secret_in_a_header(settings,
                                                                          state_sign_in):
    openid = f"{state_sign_in['base']}/openid"
    settings.OIDC_OP_DISCOVERY_URL = ""
    settings.OIDC_OP_ISSUER = openid
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{openid}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{openid}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{openid}/jwks"
    settings.OIDC_TOKEN_USE_BASIC_AUTH = True
    anna = make_user("ivanova", "Иванова", "Анна")
    ExternalIdentity.objects.create(user=anna, provider="esia",
                                    subject=state_sign_in["subjects"]["anna-esia"])
    client = Client()

    sign_in_through_provider(client, ProviderBrowser(), "anna-esia")

    assert is_signed_in_as(client, anna)
