"""The check page: who may open it, what it shows and links to, its filters, its cost, and the
справка of a kept check."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import (
    AcademicYear,
    JournalCheck,
    Lesson,
    Remark,
    RemarkStep,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
)
from journal.queries.checks import CheckSpan
from journal.queries.late_entries import Month
from journal.services.checks import keep_check
from tests.accounts.families_setup import assert_fonts_embedded, needs_poppler, pdf_text
from tests.conftest import YEAR_END, YEAR_START, make_staff
from tests.journal.check_setup import (
    NOVEMBER,
    TODAY,
    built_fixture,  # noqa: F401
    frozen_time_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db
URL = reverse("journal:checks")
NOVEMBER_SPAN = CheckSpan.of_month(Month(NOVEMBER))


def page_of(client, user, url: str = URL, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def journal_card(page: str, assignment) -> str:
    start = page.index(f'data-testid="check-journal" data-journal="{assignment.pk}"')
    end = page.find('data-testid="check-journal"', start + 1)
    return page[start:end if end != -1 else len(page)]


def finding_row(block: str, key: str) -> str:
    start = block.index(f'data-finding="{key}"')
    return block[start:block.index("</tr>", start)]


@pytest.fixture(name="kept")
def kept_fixture(built):
    check, _ = keep_check(built.small.school, NOVEMBER_SPAN, by=built.deputy, today=TODAY)
    return check


@pytest.mark.parametrize("who", ["deputy", "director"])
def test_the_deputy_and_the_director_open_last_months_check(client, built, who):
    page = page_of(client, getattr(built, who))

    assert "Проверка журналов · ноябрь 2026" in page
    assert 'data-testid="check-journal"' in page


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "parent", "substitute", "ivanov"])
def test_everyone_else_gets_404(client, built, kept, who):
    client.force_login(getattr(built, who))

    assert client.get(URL).status_code == 404
    assert client.get(reverse("journal:check", args=[kept.pk])).status_code == 404
    assert client.get(reverse("journal:check_spravka", args=[kept.pk])).status_code == 404
    assert client.post(reverse("journal:check_keep"), {"month": "2026-11"}).status_code == 404


def test_a_students_family_gets_404(client, built):
    client.force_login(built.vasya.user)

    assert client.get(URL).status_code == 404


def test_a_check_of_another_school_is_not_found(client, built):
    other = School.objects.create(name="Школа № 9", short_name="Школа № 9")
    AcademicYear.objects.create(school=other, name="2026/2027", starts_on=YEAR_START,
                                ends_on=YEAR_END, is_current=True)
    theirs = JournalCheck.objects.create(school=other, starts_on=NOVEMBER,
                                         ends_on=dt.date(2026, 11, 30))
    client.force_login(built.deputy)

    assert client.get(reverse("journal:check", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("journal:check_spravka", args=[theirs.pk])).status_code == 404


def test_a_finding_lists_what_is_behind_it_and_offers_a_remark(client, built):
    page = page_of(client, built.deputy)
    maths = journal_card(page, built.small.maths_5a)
    no_topic = finding_row(maths, "no_topic")
    lesson = built.lessons["no_topic"]

    assert reverse("journal:journal", args=[built.small.maths_5a.pk]) in maths
    assert f'href="{reverse("journal:lesson", args=[lesson.pk])}"' in no_topic
    assert "10.11.2026, 2 ур." in no_topic
    [remark] = re.findall(r'href="([^"]+)" data-testid="remark-from-finding"', no_topic)
    url = urlsplit(remark.replace("&amp;", "&"))
    assert url.path == reverse("journal:remark_new")
    assert parse_qs(url.query, keep_blank_values=True) == {
        "assignment": [str(built.small.maths_5a.pk)], "finding": ["no_topic"],
        "text": ["5А · Математика: Уроки без темы (1): 10.11.2026, 2 ур."],
        "link": [reverse("journal:lesson", args=[lesson.pk])], "check": [""]}


def test_totals_on_top(client, built):
    page = page_of(client, built.deputy)

    row = page[page.index('data-testid="total-row" data-finding="few_marks"'):]
    row = row[:row.index("</tr>")]
    # Maths (3 students), Russian (3) and Петров's English group (1): none has three marks.
    assert 'data-testid="live">7<' in row and 'data-label="Журналов">3<' in row
    assert re.search(r"Учителя: <a [^>]+>делали записи 1 из 3</a>", page)
    assert 'data-testid="idle-teacher"' in page and "Руднева Анна Павловна" in page


def test_a_total_links_to_the_journals_behind_it(client, built):
    page = page_of(client, built.deputy)
    row = page[page.index('data-testid="total-row" data-finding="few_marks"'):]
    [link] = re.findall(r'href="([^"]+)" data-testid="total-link"', row[:row.index("</tr>")])
    url = urlsplit(link.replace("&amp;", "&"))
    assert url.fragment == "journals"
    assert parse_qs(url.query)["finding"] == ["few_marks"]

    narrowed = page_of(client, built.deputy, **{k: v[0] for k, v in parse_qs(url.query).items()})
    cards = re.findall(r'data-testid="check-journal" data-journal="(\d+)"', narrowed)
    small = built.small
    assert {int(pk) for pk in cards} == {small.maths_5a.pk, small.russian_5a.pk,
                                         small.english_5a_group1.pk}
    assert set(re.findall(r'data-testid="journal-finding" data-finding="(\w+)"', narrowed)) == {
        "few_marks"}
    assert "Показано только: «Меньше отметок, чем нужно для отметки за период»" in narrowed
    # The totals stay whole; a finding with nothing found is not a link.
    assert 'data-testid="total-row" data-finding="no_topic"' in narrowed
    nothing = page[page.index('data-testid="total-row" data-finding="term_missing"'):]
    assert 'data-testid="total-link"' not in nothing[:nothing.index("</tr>")]


def test_a_kept_checks_remark_link_names_the_check(client, built, kept):
    page = page_of(client, built.deputy, reverse("journal:check", args=[kept.pk]))
    remark = re.search(r'href="([^"]+)" data-testid="remark-from-finding"', page).group(1)

    assert parse_qs(urlsplit(remark.replace("&amp;", "&")).query)["check"] == [str(kept.pk)]
    assert 'data-testid="spravka-link"' in page


def test_the_filters_narrow_the_page_and_the_kept_figures(client, built, kept):
    page = page_of(client, built.deputy, reverse("journal:check", args=[kept.pk]),
                   **{"class": built.small.class_5b.pk})

    # 5Б's maths has no plan (kept and live); 5А's missing topic is not counted for 5Б.
    assert re.findall(r'data-testid="check-journal" data-journal="(\d+)"', page) == [
        str(built.small.maths_5b.pk)]
    no_topic = page[page.index('data-testid="total-row" data-finding="no_topic"'):]
    assert 'data-testid="kept">0<' in no_topic[:no_topic.index("</tr>")]
    no_plan = page[page.index('data-testid="total-row" data-finding="no_plan"'):]
    assert 'data-testid="kept">1<' in no_plan[:no_plan.index("</tr>")]


def test_a_study_period_is_chosen(client, built):
    page = page_of(client, built.deputy, period=built.q1.pk)

    assert "1-я четверть (01.09.2026–24.10.2026)" in page
    maths = journal_card(page, built.small.maths_5a)
    assert "Козлов Николай: 1-я четверть" in finding_row(maths, "term_missing")


@pytest.mark.parametrize(("params", "message"), [
    ({"month": "позавчера"}, "Не удалось прочитать месяц"),
    ({"period": "99999"}, "Такого учебного периода в школе нет"),
])
def test_a_span_that_cannot_be_read_says_so(client, built, params, message):
    page = page_of(client, built.deputy, **params)

    assert message in page


def test_another_schools_period_is_not_found(client, built):
    other = School.objects.create(name="Школа № 9", short_name="Школа № 9")
    year = AcademicYear.objects.create(school=other, name="2026/2027", starts_on=YEAR_START,
                                       ends_on=YEAR_END, is_current=True)
    theirs = year.periods.create(kind="quarter", number=1, starts_on=YEAR_START,
                                 ends_on=dt.date(2026, 10, 24))

    page = page_of(client, built.deputy, period=theirs.pk)

    assert "Такого учебного периода в школе нет" in page


def test_the_page_is_usable_on_a_phone(client, built):
    """Tables stack into labelled rows below the small breakpoint (the site's `table-stack`)."""
    page = page_of(client, built.deputy)

    for table in ("check-totals", "check-figures", "check-families"):
        assert re.search(rf'class="[^"]*table-stack[^"]*" data-testid="{table}"', page), table


def page_queries(client, user) -> int:
    client.force_login(user)
    client.get(URL)  # the base page's unread counts are cached after the first one
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_pages_queries_do_not_grow_with_the_journals(client, built):
    small = built.small
    before = page_queries(client, built.deputy)
    school_class = SchoolClass.objects.create(year=small.year, grade=5, letter="В")
    teacher = make_staff(small.school, "novenkaya", "Новенькая", "Ирина")
    for n in range(4):
        subject = Subject.objects.create(school=small.school, name=f"Курс {n}", order=50 + n)
        journal = TeachingAssignment.objects.create(year=small.year, teacher=teacher,
                                                    subject=subject, school_class=school_class)
        Lesson.objects.create(assignment=journal, date=dt.date(2026, 11, 12), number=n + 1)

    assert page_queries(client, built.deputy) == before


@needs_poppler
def test_the_spravka_has_the_figures_and_the_remarks_in_embedded_fonts(client, built, kept):
    remark = Remark.objects.create(
        school=built.small.school, check_run=kept, author=built.deputy,
        addressee=built.teacher, assignment=built.small.maths_5a, finding="no_topic",
        text="Записать тему урока 10.11.2026", due_on=dt.date(2026, 12, 9))
    RemarkStep.objects.create(remark=remark, status=Remark.Status.OPEN, by=built.deputy)
    client.force_login(built.director)

    response = client.get(reverse("journal:check_spravka", args=[kept.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for expected in ("Средняя школа № 7", "Справка по итогам проверки электронных журналов",
                     "ноябрь 2026", "Завьялова Елена Викторовна", "Уроки без темы",
                     "5А · Математика", "Записать тему урока 10.11.2026", "к исправлению",
                     "Матвеева Ольга Игоревна", "Со справкой ознакомлен(а)"):
        assert expected in text, expected
    assert_fonts_embedded(response.content)
