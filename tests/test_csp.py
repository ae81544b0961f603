"""The Content-Security-Policy: every kind of page carries the one strict policy, and no template
holds what it refuses (inline scripts, event handler attributes, style elements or attributes),
so a template cannot bring one back without failing here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path, reverse

from tests.test_deploy import production_env, settings_of

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def assert_strict_policy(response) -> None:
    assert policy_of(response) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response


def test_the_sign_in_page_has_the_strict_policy(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_strict_policy(response)


def test_a_signed_in_home_page_has_the_strict_policy(client, small_school, teacher):
    client.force_login(teacher)
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert_strict_policy(response)


def test_the_setup_screens_have_the_same_policy(client, small_school, deputy):
    sign_in_page = client.get(reverse("admin:login"))
    client.force_login(deputy)  # sets the school up, with no second factor to pass first
    pages = [client.get(reverse("admin:index")),
             client.get(reverse("admin:journal_schoolclass_changelist")),
             client.get(reverse("admin:journal_school_change", args=[small_school.school.pk]))]

    for response in [sign_in_page, *pages]:
        assert response.status_code == 200
        assert_strict_policy(response)
        assert "<style" not in response.content.decode()
    assert [page.resolver_match.url_name for page in pages] == [
        "index", "journal_schoolclass_changelist", "journal_school_change"]


def test_a_list_that_hides_its_actions_bar_keeps_its_look_without_a_style_element(
        client, small_school, deputy, monkeypatch):
    from django.contrib import admin

    from journal.models import SchoolClass

    classes_admin = admin.site._registry[SchoolClass]
    monkeypatch.setattr(classes_admin, "actions_on_top", False)
    monkeypatch.setattr(classes_admin, "actions_on_bottom", False)
    client.force_login(deputy)
    response = client.get(reverse("admin:journal_schoolclass_changelist"))
    html = response.content.decode()

    assert response.resolver_match.url_name == "journal_schoolclass_changelist"
    assert "<style" not in html
    assert re.search(r'<body class="[^"]*change-list-without-actions', html)
    assert ".change-list-without-actions #changelist table thead th:first-child" in (
        Path(settings.BASE_DIR, "static/css/admin.css").read_text())


def test_the_error_pages_have_the_strict_policy(client, small_school, parent):
    missing = client.get("/no-such-page/")
    client.force_login(parent)
    refused = client.get(reverse("journal:journal", args=[small_school.maths_5a.pk]))

    assert missing.status_code == 404
    assert_strict_policy(missing)
    assert refused.status_code == 404
    assert_strict_policy(refused)


def broken_view(request):
    raise RuntimeError("сбой для проверки")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.urls(__name__)
def test_the_server_error_page_has_the_policy_and_its_own_stylesheet(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")

    assert response.status_code == 500
    assert_strict_policy(response)
    html = response.content.decode()
    assert "Ошибка на сервере" in html
    assert "<style" not in html
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)
    assert stylesheet == "/static/css/error-500.css"  # no manifest needed to find it
    assert client.get(stylesheet).status_code == 200


def test_the_pages_ask_htmx_not_to_add_a_style_element(client, db):
    html = client.get(reverse("login")).content.decode()

    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_a_pages_scripts_and_stylesheets_are_files_of_this_site(client, small_school, teacher):
    """The pages' behaviour comes from files the policy allows: each script and stylesheet a
    page names is on this site and is served."""
    client.force_login(teacher)
    html = client.get(reverse("home")).content.decode()
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)

    assert "/static/js/site.js" in sources
    for url in sources + sheets:
        assert url.startswith("/"), url  # 'self': nothing from another site
        assert client.get(url).status_code == 200, url


# The templates ------------------------------------------------------------------------------

TEMPLATE_DIRS = [Path(settings.BASE_DIR, "templates"),
                 *Path(settings.BASE_DIR).glob("*/templates")]
COMMENTS = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>", re.S)
REFUSED_ATTRIBUTE = re.compile(r"(?:^|\s)(on[a-z]+|style)\s*=", re.I)
DATA_SCRIPT = re.compile(r"""\stype\s*=\s*["']?application/json""", re.I)


def refused_inline(source: str) -> list[str]:
    """What the policy would refuse in a template's source, one line each."""
    # Template code stands in for values inside a tag; it may hold a ">" of its own.
    text = TEMPLATE_CODE.sub(" T ", COMMENTS.sub("", source))
    problems = []
    for tag in TAG.finditer(text):
        name, attributes = tag.group(1).lower(), tag.group(2)
        line = text.count("\n", 0, tag.start()) + 1
        if name == "style":
            problems.append(f"line {line}: a <style> element")
        if name == "script" and not re.search(r"\ssrc\s*=", attributes) \
                and not DATA_SCRIPT.search(attributes):
            problems.append(f"line {line}: an inline <script>")
        for attribute in REFUSED_ATTRIBUTE.findall(attributes):
            problems.append(f"line {line}: a {attribute.lower()}= attribute on <{name}>")
    return problems


@pytest.mark.parametrize("source, problem", [
    ("<script>alert(1)</script>", "an inline <script>"),
    ('<script type="module">import "x";</script>', "an inline <script>"),
    ("<style>p { color: red }</style>", "a <style> element"),
    ('<p style="color: red">', "a style= attribute on <p>"),
    ('<div class="a"\n     style="width: {{ w }}%">', "a style= attribute on <div>"),
    ('<div{% if a > b %} style="x"{% endif %}>', "a style= attribute on <div>"),
    ('<select onchange="this.form.submit()">', "a onchange= attribute on <select>"),
    ('<button type="button" onClick="go()">', "a onclick= attribute on <button>"),
])
def test_the_template_check_finds_what_the_policy_refuses(source, problem):
    assert [p.split(": ", 1)[1] for p in refused_inline(source)] == [problem]


@pytest.mark.parametrize("source", [
    '<script src="{% static \'js/site.js\' %}"></script>',
    '<script id="data" type="application/json">{"a": 1}</script>',
    '<link rel="stylesheet" href="/static/css/error-500.css">',
    '<div data-progress="40" data-submit-on-change class="stylish" data-onchange="x">',
    "{% comment %}<script>old()</script>{% endcomment %}{# <p style=\"x\"> #}",
])
def test_the_template_check_lets_the_allowed_forms_through(source):
    assert refused_inline(source) == []


def test_no_template_has_inline_scripts_handlers_or_styles():
    templates = [file for folder in TEMPLATE_DIRS for file in folder.rglob("*.html")]
    problems = [f"{file.relative_to(settings.BASE_DIR)} {problem}"
                for file in templates for problem in refused_inline(file.read_text())]

    assert len(templates) > 50  # the walk found the site's templates
    assert not problems, ("The Content-Security-Policy refuses these; move them to static/js/ "
                          "or static/css/ (data for scripts in data-* attributes):\n"
                          + "\n".join(problems))


@pytest.mark.parametrize("environment", [{}, {"DEMO": "1", "SECRET_KEY": None}],
                         ids=["production", "demo"])
def test_production_and_the_demo_have_the_tests_policy(settings, tmp_path, environment):
    seen = settings_of(production_env(tmp_path, **environment),
                       "CONTENT_SECURITY_POLICY", "MIDDLEWARE")

    assert seen["CONTENT_SECURITY_POLICY"] == str(settings.CONTENT_SECURITY_POLICY)
    assert "csp.middleware.CSPMiddleware" in seen["MIDDLEWARE"]
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"] == POLICY
