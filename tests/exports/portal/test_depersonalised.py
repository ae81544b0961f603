"""A full export of the demo school names nobody: no student's, parent's or staff member's
surname, first name, e-mail or phone appears in any of its files, the manifest included.

The demo's lesson topics come from a fixed curriculum, and a few of its public texts carry
names that people of the school share: «И. А. Гончаров. «Обломов»» (a parent Гончаров),
«Былины. «Илья Муромец…»» (a student Илья). Those texts are cut out of the files before the
scan, and only those: a name anywhere else, a teacher's own topic or homework included, fails
the test."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.test import TestCase

from accounts.models import ContactChannel, Parent, Student, User
from exports.models import PortalExport
from exports.portal.formats import get_format
from exports.portal.scope import Scope
from journal.demo.topics import _TOPICS as CURRICULUM
from journal.models import AcademicYear

MOMENT = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
SHORTEST = 3  # shorter values ("Ян") would match inside ordinary words


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), \
            time_machine.travel(MOMENT, tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", size="small", stdout=StringIO())
        # The demo's staff have no UIDs: give them some, so that teachers appear in the files.
        staff().update(staff_portal_uid=Cast("pk", CharField()))
        yield
        transaction.set_rollback(True)


def staff():
    return User.objects.filter(Q(staff_roles__isnull=False) | Q(assignments__isnull=False)
                               | Q(led_classes__isnull=False)).distinct()


def personal_values() -> dict[str, str]:
    """Each surname, first name, e-mail and phone of the school's people → whose it is."""
    people = {"обучающийся": User.objects.filter(student__in=Student.objects.all()),
              "родитель": User.objects.filter(parent__in=Parent.objects.all()),
              "сотрудник": User.objects.filter(pk__in=staff().values("pk"))}
    values: dict[str, str] = {}
    for who, users in people.items():
        for user in users:
            for value in (user.last_name, user.first_name, user.email):
                values[value] = f"{who} {user.username}"
    for phone, login in Parent.objects.values_list("phone", "user__username"):
        values[phone] = f"телефон родителя {login}"
    for address, login in ContactChannel.objects.values_list("address", "user__username"):
        values[address] = f"канал связи {login}"
    return {value.casefold(): whose for value, whose in values.items()
            if len(value.strip()) >= SHORTEST}


def without_curriculum(text: str) -> str:
    """The text without the demo curriculum's fixed topics (see the module's docstring)."""
    for phrase in sorted({t.casefold() for topics in CURRICULUM.values() for t in topics},
                         key=len, reverse=True):
        text = text.replace(phrase, " ")
    return text


def test_a_full_export_of_the_demo_names_nobody(db, seeded, tmp_path):
    year = AcademicYear.objects.get(is_current=True)
    scope = Scope(year.school, year, PortalExport.Kind.FULL, until=MOMENT,
                  date_from=year.starts_on, date_to=year.ends_on)
    written = get_format("ejournal-v1").write(scope, tmp_path)
    assert written.counts["marks"] > 1000 and written.counts["lessons"] > 100

    values = personal_values()
    assert len(values) > 150
    found = []
    for path in sorted(tmp_path.iterdir()):
        text = without_curriculum(path.read_text(encoding="utf-8").casefold())
        found += [f"{path.name}: «{value}» ({whose})" for value, whose in values.items()
                  if value in text]
    assert found == []
