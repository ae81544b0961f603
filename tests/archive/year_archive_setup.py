"""A small school whose 2026/2027 year is closed, with a few lessons, marks, an absence and
term and year marks, and the next year open: shared by the year archive's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from accounts.models import Student, User
from accounts.roles import Role
from archive.models import YearArchive
from archive.years.build import build_all_parts, start_archive
from archive.years.files import folder_path
from journal.models import (
    Absence,
    AcademicYear,
    FinalMark,
    Lesson,
    Mark,
    StudyPeriod,
)
from tests.conftest import (
    SmallSchool,
    build_small_school,
    make_children,
    make_parent,
    make_staff,
)

MOSCOW = ZoneInfo("Europe/Moscow")
CLOSED_AT = dt.datetime(2027, 8, 27, 15, 0, tzinfo=MOSCOW)
NOW = dt.datetime(2027, 9, 10, 12, 0, tzinfo=MOSCOW)  # the next year has begun
JOURNALS, CLASSES = 6, 4  # of the small school
FILES = JOURNALS + 4 * CLASSES + 1  # a PDF per journal, four statements per class, manifest


@dataclass
class ClosedSchool:
    small: SmallSchool
    next_year: AcademicYear
    director: User
    administrator: User
    deputy: User
    parent: User
    vasya: Student

    @property
    def year(self) -> AcademicYear:
        return self.small.year


def build_closed_school() -> ClosedSchool:
    small = build_small_school()
    school, year = small.school, small.year
    director = make_staff(school, "director", "Директорова", "Марина", "Львовна",
                          role=Role.DIRECTOR)
    administrator = make_staff(school, "admin", "Админов", "Игорь", "Николаевич",
                               role=Role.ADMINISTRATOR)
    deputy = make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)
    vasya, masha = make_children(small)
    parent = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    first = Lesson.objects.create(assignment=small.maths_5a, date=dt.date(2026, 9, 7), number=2,
                                  topic="Натуральные числа", is_held=True)
    second = Lesson.objects.create(assignment=small.maths_5a, date=dt.date(2026, 9, 14),
                                   number=2, topic="Сложение", is_held=True)
    Mark.objects.create(lesson=first, student=vasya, value="5")
    Mark.objects.create(lesson=second, student=vasya, value="4")
    Absence.objects.create(lesson=second, student=vasya, kind=Absence.Kind.ILL)
    quarter = StudyPeriod.objects.get(year=year, kind="quarter", number=1)
    FinalMark.objects.create(assignment=small.maths_5a, student=vasya,
                             kind=FinalMark.Kind.PERIOD, period=quarter, value="5")
    FinalMark.objects.create(assignment=small.maths_5a, student=vasya, kind=FinalMark.Kind.YEAR,
                             value="5")
    AcademicYear.objects.filter(pk=year.pk).update(closed_at=CLOSED_AT, is_current=False)
    year.refresh_from_db()
    next_year = AcademicYear.objects.create(school=school, name="2027/2028",
                                            starts_on=dt.date(2027, 9, 1),
                                            ends_on=dt.date(2028, 8, 31), is_current=True)
    return ClosedSchool(small=small, next_year=next_year, director=director,
                        administrator=administrator, deputy=deputy, parent=parent, vasya=vasya)


def archive_root_fixture():
    """A module-scoped `archive_root`: ARCHIVE_ROOT in a temporary folder for the module."""
    @pytest.fixture(name="archive_root", scope="module")
    def archive_root(tmp_path_factory):
        root = tmp_path_factory.mktemp("archive")
        with override_settings(ARCHIVE_ROOT=root):
            yield root
    return archive_root


def archived_fixture():
    """A module-scoped `archived`: the closed year's archive of `built`, every part built in
    this process."""
    @pytest.fixture(name="archived", scope="module")
    def archived(built, archive_root, django_db_blocker) -> YearArchive:
        with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
            return build_all_parts(start_archive(built.year, built.director))
    return archived


def build_archive(closed: ClosedSchool) -> YearArchive:
    return build_all_parts(start_archive(closed.year, closed.director))


def folder_of(archive: YearArchive) -> Path:
    return folder_path(archive.folder)
