"""«Журналы»: a teacher's few journals in a plain list; the deputy director's and the director's
many, grouped by class, with filters by class, teacher and subject and a search by name.

The school (the small school and six more classes, 36 journals) is built once for the module
inside a transaction rolled back at the end; the tests only read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from journal.models import SchoolClass, Subject, TeachingAssignment
from journal.services.rights import sync_journal_rights
from journal.views import journals as view
from tests.conftest import SmallSchool, make_school, make_small_school, make_staff, make_year

URL = reverse("journal:my_journals")
MORE_CLASSES = [(6, "А"), (6, "Б"), (7, "А"), (7, "Б"), (8, "А"), (9, "А")]


@dataclass
class School:
    small: SmallSchool
    teacher: User
    deputy: User
    director: User
    physicist: User
    physics: Subject
    class_7b: SchoolClass


@pytest.fixture(scope="module")
def school(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


def _build() -> School:
    built = make_school()
    year = make_year(built)
    teacher = make_staff(built, "matveeva", "Матвеева", "Ольга", "Игоревна")
    class_teacher = make_staff(built, "klassnaya", "Руднева", "Анна", "Павловна")
    small = make_small_school(built, year, teacher, class_teacher)
    deputy = make_staff(built, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)
    director = make_staff(built, "director", "Директорова", "Марина", "Львовна",
                          role=Role.DIRECTOR)
    physicist = make_staff(built, "orlov", "Орлов", "Пётр", "Ильич")
    staff = {
        "Физика": physicist,
        "История": make_staff(built, "sokolova", "Соколова", "Нина", "Юрьевна"),
        "География": make_staff(built, "fedorov", "Фёдоров", "Иван", "Ильич"),
        "Биология": make_staff(built, "yakovleva", "Яковлева", "Ольга", "Петровна"),
    }
    subjects = {name: Subject.objects.create(school=built, name=name, order=10 + n)
                for n, name in enumerate(staff)}
    classes = {}
    for grade, letter in MORE_CLASSES:
        classes[(grade, letter)] = school_class = SchoolClass.objects.create(
            year=year, grade=grade, letter=letter, class_teacher=physicist)
        for name, who in [*staff.items(), ("Математика", teacher)]:
            subject = subjects.get(name) or small.maths
            sync_journal_rights(TeachingAssignment.objects.create(
                year=year, teacher=who, subject=subject, school_class=school_class))
    return School(small, teacher, deputy, director, physicist, subjects["Физика"],
                  classes[(7, "Б")])


def page_of(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def classes_listed(page: str) -> list[str]:
    return re.findall(r'data-testid="journal-class" data-class="([^"]+)"', page)


def rows(page: str) -> list[str]:
    """Each listed journal as «class subject — teacher», in page order."""
    found = []
    for block in page.split('data-testid="journal-class"')[1:]:
        school_class = re.match(r' data-class="([^"]+)"', block)[1]
        for subject, group, teacher in re.findall(
                r'data-testid="journal-row">\s*<span>([^<]+)(?:<span[^>]*>([^<]*)</span>)?</span>'
                r'\s*<span class="text-muted">([^<]+)</span>', block):
            found.append(f"{school_class} {subject.strip()}{' ' + group if group else ''} — "
                         f"{teacher}")
    return found


def test_a_teacher_with_a_few_journals_sees_a_plain_list(db, client, school):
    page = page_of(client, school.teacher)
    assert 'data-testid="journal-filter"' not in page
    assert 'data-testid="journal-class"' not in page
    # Maths and the 1st English group in 5А, and maths in the six more classes.
    assert page.count('data-testid="journal-row"') == 8
    assert page.index("5А</b> · Математика") < page.index("5А</b> · Английский язык (1 группа)") \
        < page.index("6А</b> · Математика")


@pytest.mark.parametrize("who", ["deputy", "director"])
def test_a_reader_of_many_journals_sees_them_grouped_by_class(db, client, school, who):
    page = page_of(client, getattr(school, who))
    assert 'data-testid="journal-filter"' in page
    assert classes_listed(page) == ["1А", "5А", "5Б", "6А", "6Б", "7А", "7Б", "8А", "9А"]
    listed = rows(page)
    assert len(listed) == len(set(listed)) == 36
    assert "всего: 36" in page
    assert "5А Английский язык (1 группа) — Матвеева О. И." in listed
    assert "7Б Физика — Орлов П. И." in listed
    assert "классный руководитель Руднева А. П." in page  # 5А's heading


def test_groups_are_closed_on_a_long_list_and_open_when_narrowed(db, client, school,
                                                                 monkeypatch):
    monkeypatch.setattr(view, "OPEN_GROUPS_UP_TO", 30)
    page = page_of(client, school.deputy)
    assert page.count('data-testid="journal-class"') == 9
    assert " open>" not in page
    page = page_of(client, school.deputy, q="физика")
    assert page.count(" open>") == 6


def test_the_filters_narrow_by_class_teacher_and_subject(db, client, school):
    page = page_of(client, school.deputy, **{"class": school.class_7b.pk})
    assert classes_listed(page) == ["7Б"]
    assert len(rows(page)) == 5
    assert f'<option value="{school.class_7b.pk}" selected>7Б</option>' in page
    assert "найдено: 5 из 36" in page

    page = page_of(client, school.deputy, teacher=school.physicist.pk)
    assert {row.split(" ", 1)[1] for row in rows(page)} == {"Физика — Орлов П. И."}
    assert len(rows(page)) == 6

    page = page_of(client, school.deputy, subject=school.small.maths.pk,
                   teacher=school.teacher.pk)
    assert rows(page) == [f"{c} Математика — Матвеева О. И." for c in
                          ["5А", "6А", "6Б", "7А", "7Б", "8А", "9А"]]


@pytest.mark.parametrize(("search", "expected"), [
    ("орлов", {"Физика — Орлов П. И."}),                      # a surname in lower case
    ("ФЁДОРОВ", {"География — Фёдоров И. И."}),
    ("биолог", {"Биология — Яковлева О. П."}),                 # part of a subject
    ("5 а", None),                                             # a class, written apart
    ("матем 7б", {"Математика — Матвеева О. И."}),             # every word must match
])
def test_the_search_finds_by_surname_subject_and_class(db, client, school, search, expected):
    listed = rows(page_of(client, school.deputy, q=search))
    assert listed
    if expected is None:
        assert {row.split(" ")[0] for row in listed} == {"5А"}
        assert len(listed) == 4
    else:
        assert {row.split(" ", 1)[1] for row in listed} == expected
    if search == "матем 7б":
        assert listed == ["7Б Математика — Матвеева О. И."]


def test_nothing_found_is_said_in_russian(db, client, school):
    page = page_of(client, school.deputy, q="Химия")
    assert 'data-testid="no-journals-found"' in page
    assert "Журналов, подходящих под условия поиска, не найдено" in page
    assert 'data-testid="reset-filter"' in page
    assert 'value="Химия"' in page


def test_unreadable_filter_values_are_ignored(db, client, school):
    page = page_of(client, school.deputy, **{"class": "7Б", "teacher": "-1", "subject": ""})
    assert len(rows(page)) == 36


def test_a_teacher_filtering_their_own_list_sees_only_their_journals(db, client, school):
    page = page_of(client, school.teacher, q="физика")
    assert 'data-testid="no-journals-found"' in page
    assert "Орлов" not in page


def test_the_list_runs_a_fixed_number_of_queries(db, client, school,
                                                 django_assert_num_queries):
    client.force_login(school.deputy)
    # The navigation's unread counts cached, as after any first page.
    client.get(URL)
    with CaptureQueriesContext(connection) as narrow:
        client.get(URL, {"class": school.class_7b.pk})
    with django_assert_num_queries(len(narrow)):
        client.get(URL)
    with django_assert_num_queries(len(narrow)):
        client.get(URL, {"q": "матем 7б", "teacher": school.teacher.pk})
    # The session, the user; the count, the journals and the three filter lists (the menu's
    # roles come from the cache).
    assert len(narrow) == 7
    client.force_login(school.teacher)
    # The navigation's unread counts cached, as after any first page.
    client.get(URL)
    with django_assert_num_queries(7 - 3):
        client.get(URL)
