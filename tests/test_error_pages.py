"""The site's own error pages: Russian, in the site's look, never Django's English pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from tests.conftest import PASSWORD

ENGLISH = ["Page not found", "Forbidden", "Bad Request", "Server Error", "Using the URLconf"]


def assert_sites_page(html: str, heading: str) -> None:
    assert '<html lang="ru">' in html
    assert f"<h1 class=\"h3\">{heading}</h1>" in html or f"<h1>{heading}</h1>" in html
    assert "Электронный журнал" in html
    assert "На главную" in html
    for words in ENGLISH:
        assert words not in html


def test_a_missing_page_is_the_sites_russian_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert_sites_page(html, "Страница не найдена")
    assert 'rel="icon"' in html


def test_a_journal_nobody_gave_you_is_the_same_404_with_your_menu(client, small_school, parent):
    client.force_login(parent)
    response = client.get(reverse("journal:journal", args=[small_school.maths_5a.pk]))

    assert response.status_code == 404
    html = response.content.decode()
    assert_sites_page(html, "Страница не найдена")
    assert 'data-testid="user-menu"' in html


def test_a_refused_action_is_the_403_page_with_the_reason(client, small_school, class_teacher):
    client.force_login(class_teacher)  # reads the maths journal of 5А, does not keep it
    response = client.post(reverse("journal:plan", args=[small_school.maths_5a.pk]), {})

    assert response.status_code == 403
    html = response.content.decode()
    assert_sites_page(html, "Доступ запрещён")
    assert "Тематическое планирование ведёт учитель этого журнала." in html


def test_djangos_own_english_reasons_are_not_shown(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    handler = get_resolver().resolve_error_handler(403)
    response = handler(request, PermissionDenied("You do not have permission"))

    assert response.status_code == 403
    assert "You do not have permission" not in response.content.decode()


def test_a_stale_form_is_a_russian_page_not_djangos_csrf_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": PASSWORD})

    assert response.status_code == 403
    html = response.content.decode()
    assert_sites_page(html, "Страница устарела")
    assert "CSRF" not in html


def test_a_request_for_a_foreign_host_is_the_russian_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert_sites_page(response.content.decode(), "Неверный запрос")


def test_the_500_page_needs_neither_the_database_nor_the_request():
    # No `db` fixture: any query here fails the test.
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/"))

    assert response.status_code == 500
    assert_sites_page(response.content.decode(), "Ошибка на сервере")


def test_favicon_ico_answers_and_pages_link_an_icon(client, db):
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    login = client.get(reverse("login")).content.decode()
    assert '<link rel="icon"' in login


@pytest.mark.parametrize("path", ["/static/favicon.svg", "/static/favicon.ico"])
def test_the_icons_are_served(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
