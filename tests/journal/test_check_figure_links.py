"""Every general figure of the check page leads to what it counts: the journals with their
share, a journal's lessons, the teachers, a class's families by name."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from journal.models import AcademicYear, School, SchoolClass, Subject, TeachingAssignment
from journal.queries.checks import CheckSpan
from journal.queries.checks.behind import GENERAL_FIGURES
from journal.queries.late_entries import Month
from journal.services.checks import keep_check
from tests.conftest import YEAR_END, YEAR_START, make_staff
from tests.journal.check_setup import (
    NOVEMBER,
    TODAY,
    built_fixture,  # noqa: F401
    frozen_time_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db
URL = reverse("journal:checks")


def opened(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def followed(client, user, link: str) -> str:
    return opened(client, user, unescape(link))


def links_marked(page: str, testid: str) -> list[str]:
    return re.findall(rf'<a href="([^"]+)"[^>]*data-testid="{testid}"', page)


def row_of(page: str, testid: str, attribute: str, value) -> str:
    start = page.index(f'data-testid="{testid}" {attribute}="{value}"')
    return page[start:page.index("</tr>", start)]


def figure_link(page: str, key: str) -> str:
    [link] = links_marked(row_of(page, "figure-row", "data-figure", key), "figure-link")
    return link


def names_marked(page: str, seen: str) -> list[str]:
    return [re.sub(r"\s+", " ", name).strip() for name in re.findall(
        rf'data-testid="figure-person" data-seen="{seen}">(?:<span>)?([^<]+)', page)]


def test_every_general_figure_is_a_link_to_its_list(client, built):
    page = opened(client, built.deputy, URL)

    for figure in GENERAL_FIGURES:
        listed = followed(client, built.deputy, figure_link(page, figure.key))
        assert f"{figure.title}: " in listed, figure.key
        assert "Проверка журналов · ноябрь 2026" in listed


def test_a_kept_checks_figures_lead_to_the_same_span(client, built):
    kept, _ = keep_check(built.small.school, CheckSpan.of_month(Month(NOVEMBER)),
                         by=built.deputy, today=TODAY)
    page = opened(client, built.deputy, reverse("journal:check", args=[kept.pk]))

    link = unescape(figure_link(page, "lessons"))
    assert urlsplit(link).path == reverse("journal:check_figure", args=["lessons"])
    assert "month=2026-11" in urlsplit(link).query


def test_lessons_held_lead_to_each_journals_lessons(client, built):
    small = built.small
    page = opened(client, built.deputy, URL)
    journals = followed(client, built.deputy, figure_link(page, "lessons"))

    assert "Прошедших уроков: 6" in journals
    maths = row_of(journals, "figure-journal", "data-journal", small.maths_5a.pk)
    assert re.search(r'data-testid="figure-number">5<', maths)
    assert re.search(r'data-testid="figure-number">1<',
                     row_of(journals, "figure-journal", "data-journal", small.reading_1a.pk))
    # A journal with no lesson in November is listed with 0, not linked.
    english = row_of(journals, "figure-journal", "data-journal", small.english_5a_group1.pk)
    assert 'data-testid="figure-number"' not in english

    [lessons_link] = links_marked(maths, "figure-number")
    lessons = followed(client, built.deputy, lessons_link)
    assert re.findall(r'data-testid="figure-lesson">\s*<td[^>]*><a href="([^"]+)">', lessons) == [
        reverse("journal:lesson", args=[built.lessons[name].pk])
        for name in ("fractions", "no_topic", "not_held", "substituted", "unrecorded")]
    assert "не задано" in lessons and "Заменин Пётр" in lessons


def test_a_journal_cards_written_works_and_substitutions_list_their_lessons(client, built):
    page = opened(client, built.deputy, URL)
    start = page.index(f'data-journal="{built.small.maths_5a.pk}"')
    card = page[start:page.index("</span>", page.index('data-testid="completion"', start))]
    written, substitutions = (
        followed(client, built.deputy, link) for link in links_marked(card, "card-link")
        if "/figures/" in link)
    plan = reverse("journal:plan", args=[built.small.maths_5a.pk])

    assert links_marked(card, "card-link").count(plan) == 2   # КТП and curriculum, in %
    assert re.findall(r'data-testid="figure-lesson">\s*<td[^>]*><a[^>]*>([^<]+)', written) == [
        "16.11.2026, 2 ур."]
    assert "Контрольная работа (письменная)" in written
    assert re.findall(r'data-testid="figure-lesson">\s*<td[^>]*><a[^>]*>([^<]+)',
                      substitutions) == ["23.11.2026, 2 ур."]


def test_a_share_of_students_leads_to_the_journals_and_their_students_rows(client, built):
    small = built.small
    page = opened(client, built.deputy, URL)
    journals = followed(client, built.deputy, figure_link(page, "no_marks"))
    maths = row_of(journals, "figure-journal", "data-journal", small.maths_5a.pk)

    # 3 students in 5А's maths, Новикова has no mark: 33 %.
    assert re.search(r'data-label="Обучающихся">3<', maths)
    assert re.search(r'data-label="%">33<', maths)
    [students_link] = links_marked(maths, "figure-number")
    found = followed(client, built.deputy, students_link.split("#")[0])
    assert re.findall(r'data-testid="check-journal" data-journal="(\d+)"', found) == [
        str(small.maths_5a.pk)]
    assert "Новикова Ева" in row_of(found, "journal-finding", "data-finding", "no_marks")


def test_the_teachers_share_lists_who_wrote_and_who_did_not(client, built):
    page = opened(client, built.deputy, URL)
    [header_link] = links_marked(page, "teachers-link")
    teachers = followed(client, built.deputy, figure_link(page, "teachers"))

    assert unescape(header_link) == unescape(figure_link(page, "teachers"))
    assert "Учителей, делавших записи в журнале: 33 %" in teachers
    active = re.findall(r'data-active="1">\s*<a href="[^"]+">([^<]+)', teachers)
    idle = re.findall(r'data-active="0">\s*<a href="[^"]+">([^<]+)', teachers)
    assert active == ["Матвеева Ольга Игоревна"]
    assert idle == ["Иванов Сергей Петрович", "Руднева Анна Павловна"]


def test_the_families_share_lists_a_classs_families_by_name(client, built):
    page = opened(client, built.deputy, URL)
    classes = followed(client, built.deputy, figure_link(page, "diary_parents"))
    five_a = row_of(classes, "figure-class", "data-class", built.small.class_5a.pk)
    [class_link] = links_marked(five_a, "figure-class-link")
    from_the_table = links_marked(row_of(page, "family-row", "data-class",
                                         built.small.class_5a.pk), "family-link")

    for families in (followed(client, built.deputy, class_link),
                     followed(client, built.deputy, from_the_table[-1])):
        # Николай and Петрова opened the diary in November; Василий only in October.
        assert names_marked(families, "1") == ["Козлов Николай", "Петрова Наталья Андреевна"]
        assert names_marked(families, "0") == ["Новикова Ева", "Петров Василий"]
        assert "Петрова Наталья Андреевна <span class=\"small text-muted\">— Петров Василий (" \
            in families


@pytest.fixture(name="other_school")
def other_school_fixture(built):
    other = School.objects.create(name="Школа № 9", short_name="Школа № 9")
    year = AcademicYear.objects.create(school=other, name="2026/2027", starts_on=YEAR_START,
                                       ends_on=YEAR_END, is_current=True)
    school_class = SchoolClass.objects.create(year=year, grade=5, letter="А")
    teacher = make_staff(other, "chuzhoy", "Чужой", "Павел")
    subject = Subject.objects.create(school=other, name="Математика", order=1)
    journal = TeachingAssignment.objects.create(year=year, teacher=teacher, subject=subject,
                                                school_class=school_class)
    period = year.periods.create(kind="quarter", number=1, starts_on=YEAR_START,
                                 ends_on=dt.date(2026, 10, 24))
    return {"class": school_class, "teacher": teacher, "subject": subject, "journal": journal,
            "period": period}


@pytest.mark.parametrize(("key", "params"), [
    ("diary_parents", {"class": "class"}),
    ("no_marks", {"teacher": "teacher"}),
    ("lessons", {"subject": "subject"}),
    ("lessons", {"journal": "journal"}),
    ("lessons", {"period": "period"}),
])
def test_another_schools_figure_is_not_found(client, built, other_school, key, params):
    client.force_login(built.deputy)
    query = {name: other_school[value].pk for name, value in params.items()}
    url = reverse("journal:check_figure", args=[key])

    assert client.get(url, query).status_code == 404
    assert client.get(url).status_code == 200


def test_a_figure_that_is_not_there_is_not_found(client, built):
    client.force_login(built.deputy)
    maths = {"journal": built.small.maths_5a.pk}

    assert client.get(reverse("journal:check_figure", args=["nothing"])).status_code == 404
    # Teachers are not lessons of a journal.
    assert client.get(reverse("journal:check_figure", args=["teachers"]), maths
                      ).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "parent"])
def test_only_the_checkers_see_what_is_behind_a_figure(client, built, who):
    client.force_login(getattr(built, who))

    for key in ("lessons", "teachers", "diary_parents"):
        assert client.get(reverse("journal:check_figure", args=[key]),
                          {"class": built.small.class_5a.pk}).status_code == 404
