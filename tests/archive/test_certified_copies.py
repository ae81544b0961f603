"""Certified copies of a journal during the year («Копия верна»): the director, the deputy
director, the administrator and the secretary of the school print any journal, as a page for
the printer or as a PDF; each print is recorded with who made it and when, and says so on the
copy. Everyone else gets 404, as journals answer outsiders.

The school is built once for the module; each test runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Student, User
from accounts.roles import Role
from archive.models import CertifiedCopy
from journal.models import School, TeachingAssignment
from journal.services.cells import set_cell
from journal.services.homework import set_homework
from journal.services.lesson_record import save_lesson_record
from tests.accounts.families_setup import assert_fonts_embedded, needs_poppler, pdf_text
from tests.conftest import (
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_school,
    make_staff,
)
from tests.journal.journal_setup import MOSCOW, at, make_lesson

NOW = dt.datetime(2026, 11, 16, 10, 5, tzinfo=MOSCOW)
PRINTED = "Копия верна. Распечатал(а): Григорьева С. П., 16.11.2026 10:05"


@dataclass
class World:
    journal: TeachingAssignment
    other_journal: TeachingAssignment
    vasya: Student
    users: dict[str, User]


def _build() -> World:
    small = build_small_school()
    school = small.school
    users = {
        "teacher": User.objects.get(username="matveeva"),
        "other_teacher": User.objects.get(username="ivanov"),
        "secretary": make_staff(school, "secretary", "Григорьева", "Светлана", "Петровна",
                                role=Role.SECRETARY),
        "director": make_staff(school, "director", "Директорова", "Марина", role=Role.DIRECTOR),
        "deputy": make_staff(school, "zavuch", "Завьялова", "Елена", role=Role.DEPUTY),
        "administrator": make_staff(school, "admin", "Админов", "Игорь",
                                    role=Role.ADMINISTRATOR),
        "superuser": User.objects.create_superuser("root", password="x", last_name="Главный"),
    }
    elsewhere = School.objects.exclude(pk=school.pk).first() or make_school()
    users["other_director"] = make_staff(elsewhere, "director2", "Чужая", "Ольга",
                                         role=Role.DIRECTOR)
    vasya, _ = make_children(small)
    users["parent"] = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya])
    teacher = users["teacher"]
    held = make_lesson(small.maths_5a, dt.date(2026, 11, 9), 2)
    save_lesson_record(teacher, held, topic="Обыкновенные дроби", is_held=True)
    set_homework(teacher, held, text="№ 101")
    set_cell(teacher, held, vasya, "5/4")
    planned = make_lesson(small.maths_5a, dt.date(2026, 11, 23), 2)
    save_lesson_record(teacher, planned, topic="Будущая тема")
    return World(small.maths_5a, small.maths_5b, vasya, users)


built = built_once(_build, at(dt.date(2026, 11, 9)))


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db, built) -> World:
    return built


def _open(client, user: User, name: str, journal: TeachingAssignment):
    client.force_login(user)
    return client.get(reverse(f"archive:{name}", args=[journal.pk]))


def test_the_secretary_prints_a_journal_with_its_marks_and_the_certification(client, world):
    response = _open(client, world.users["secretary"], "copy_print", world.journal)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Классный журнал" in page and "Обыкновенные дроби" in page and "№ 101" in page
    assert "<td>5/4</td>" in page
    assert page.count(PRINTED) == 2  # on the title page and under the signatures
    assert "Будущая тема" not in page  # the copy shows the journal as of the day it is printed
    assert reverse("archive:copy_pdf", args=[world.journal.pk]) in page
    copy = CertifiedCopy.objects.get()
    assert (copy.journal, copy.printed_by, copy.format, copy.printed_at) == (
        world.journal, world.users["secretary"], CertifiedCopy.Format.PRINT, NOW)


@needs_poppler
def test_the_pdf_copy_carries_who_printed_it_and_when_on_every_page(client, world):
    response = _open(client, world.users["secretary"], "copy_pdf", world.journal)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 5
    assert all(PRINTED in page for page in pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Обыкновенные дроби" in flat and " 5/4 " in flat
    assert_fonts_embedded(response.content)
    copy = CertifiedCopy.objects.get()
    assert (copy.printed_by, copy.format) == (world.users["secretary"], CertifiedCopy.Format.PDF)


@pytest.mark.parametrize("who", ["director", "deputy", "administrator", "superuser"])
def test_the_schools_administration_prints_copies_too(client, world, who):
    response = _open(client, world.users[who], "copy_print", world.journal)

    assert response.status_code == 200
    assert CertifiedCopy.objects.filter(printed_by=world.users[who]).count() == 1


@pytest.mark.parametrize("who", ["teacher", "other_teacher", "parent", "other_director"])
@pytest.mark.parametrize("name", ["copy_print", "copy_pdf"])
def test_anyone_else_gets_404_and_nothing_is_recorded(client, world, who, name):
    response = _open(client, world.users[who], name, world.journal)

    assert response.status_code == 404
    assert not CertifiedCopy.objects.exists()


def test_a_missing_journal_answers_404(client, world):
    client.force_login(world.users["secretary"])
    response = client.get(reverse("archive:copy_print", args=[999_999]))
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("archive:copy_print", args=[world.journal.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_journal_page_links_the_copy_only_for_those_who_may_print_it(client, world):
    url = reverse("journal:journal", args=[world.journal.pk])
    link = 'data-testid="certified-copy-link"'
    client.force_login(world.users["deputy"])
    assert link in client.get(url).content.decode()
    client.force_login(world.users["teacher"])
    assert link not in client.get(url).content.decode()
