"""Two teachers' saves of one cell at the same moment on the embedded SQLite database: run by
tests/test_sqlite_concurrency.py in its own process (the suite's database is PostgreSQL).

Prints one line per save: the HTTP status. Every pair must be one 200 and one 409, never a
500 "database is locked".
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejournal.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def build():
    from accounts.models import StaffRole, Student, User
    from accounts.roles import Role
    from journal.models import (
        AcademicYear,
        Enrolment,
        Lesson,
        School,
        SchoolClass,
        Subject,
        TeachingAssignment,
    )
    from journal.services.rights import sync_journal_rights

    today = timezone.localdate()
    school = School.objects.create(name="Школа", short_name="Школа")
    year = AcademicYear.objects.create(school=school, name="Год", is_current=True,
                                       starts_on=today - dt.timedelta(days=60),
                                       ends_on=today + dt.timedelta(days=200))
    school_class = SchoolClass.objects.create(year=year, grade=5, letter="А")
    subject = Subject.objects.create(school=school, name="Математика")
    teacher = User.objects.create_user("teacher", password="x")
    deputy = User.objects.create_user("deputy", password="x")
    StaffRole.objects.create(user=teacher, school=school, role=Role.TEACHER)
    StaffRole.objects.create(user=deputy, school=school, role=Role.DEPUTY)
    assignment = TeachingAssignment.objects.create(year=year, teacher=teacher, subject=subject,
                                                   school_class=school_class)
    sync_journal_rights(assignment)
    student = Student.objects.create(user=User.objects.create_user("student"), school=school,
                                     birth_date=dt.date(2015, 1, 1), sex="m")
    Enrolment.objects.create(student=student, school_class=school_class,
                             enrolled_on=year.starts_on)
    lessons = [Lesson.objects.create(assignment=assignment, date=today, number=n)
               for n in range(1, ROUNDS + 1)]
    return assignment, student, lessons, teacher, deputy


def main() -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    assignment, student, lessons, teacher, deputy = build()
    url = reverse("journal:save_cell", args=[assignment.pk])
    clients = []
    for user in (teacher, deputy):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    connection.close()
    def save(client: Client, lesson, value: str, barrier: threading.Barrier,
             statuses: list[int]) -> None:
        barrier.wait()
        response = client.post(url, {"lesson": lesson.pk, "student": student.pk,
                                     "entry": value, "version": "", "reason": "проверка"})
        statuses.append(response.status_code)
        if response.status_code not in (200, 409):
            print(response.content[:300], file=sys.stderr)
        connection.close()

    for lesson in lessons:
        barrier = threading.Barrier(2)
        statuses: list[int] = []
        threads = [threading.Thread(target=save, args=(c, lesson, v, barrier, statuses))
                   for c, v in zip(clients, ("5", "4"), strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(" ".join(str(s) for s in sorted(statuses)), flush=True)


if __name__ == "__main__":
    main()
