"""The school of the information letters' tests, built once per module inside a transaction
rolled back at its end (tests only read it, or change it inside their own transaction).

Time is frozen on Friday 25 December 2026, in the second quarter (05.11–28.12). In 5А Василий
Петров (1st English group) and Николай Козлов (2nd group) have marks and absences in the
quarter; Ева Новикова arrived on 01.12. The journals were filled in straight in the tables: the
tests check what a letter reads, the journal's services are tested elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Student, User
from accounts.roles import Role
from journal.models import (
    Absence,
    AssessmentType,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
)
from journal.services.rights import sync_class_rights, sync_journal_rights
from tests.conftest import (
    SmallSchool,
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_staff,
    make_student,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 12, 25, 11, 0, tzinfo=MOSCOW)
TODAY = NOW.date()
Q2_START, Q2_END = dt.date(2026, 11, 5), dt.date(2026, 12, 28)


@dataclass
class LetterSchool:
    small: SmallSchool
    class_teacher: User
    teacher: User
    deputy: User
    director: User
    class_teacher_5b: User
    parent: User
    vasya: Student
    kolya: Student
    newcomer: Student
    stranger: Student   # in 5Б
    q1: StudyPeriod
    q2: StudyPeriod

    @property
    def class_5a(self) -> SchoolClass:
        return self.small.class_5a


@pytest.fixture(name="frozen_time", autouse=True)
def frozen_time_fixture():
    with time_machine.travel(NOW, tick=False):
        yield


def lesson(assignment: TeachingAssignment, day: dt.date, number: int,
           assessment: AssessmentType | None = None) -> Lesson:
    return Lesson.objects.create(assignment=assignment, date=day, number=number,
                                 is_held=True, assessment_type=assessment)


def mark(at: Lesson, student: Student, value: str) -> Mark:
    return Mark.objects.create(lesson=at, student=student, value=value)


def absent(at: Lesson, student: Student, kind: str, minutes: int | None = None) -> Absence:
    return Absence.objects.create(lesson=at, student=student, kind=kind, minutes_late=minutes)


def build_school() -> LetterSchool:
    small = build_small_school()
    school, year = small.school, small.year
    teacher, class_teacher = small.maths_5a.teacher, small.class_5a.class_teacher
    vasya, masha = make_children(small)
    parent = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    kolya = make_student(school, "kolya", "Козлов", "Николай", small.class_5a)
    newcomer = make_student(school, "eva", "Новикова", "Ева", small.class_5a, sex="f")
    Enrolment.objects.filter(student=newcomer).update(enrolled_on=dt.date(2026, 12, 1))
    stranger = make_student(school, "chuzhoy", "Сидоров", "Артём", small.class_5b)
    small.english_5a_group1.subgroup.students.add(vasya)
    small.english_5a_group2.subgroup.students.add(kolya)
    class_teacher_5b = make_staff(school, "klass5b", "Белова", "Ирина", "Олеговна")
    small.class_5b.class_teacher = class_teacher_5b
    small.class_5b.save()
    sync_class_rights(small.class_5b)
    periods = StudyPeriod.objects.filter(year=year, kind="quarter").order_by("number")
    built = LetterSchool(
        small=small, class_teacher=class_teacher, teacher=teacher,
        deputy=make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY),
        director=make_staff(school, "director", "Директорова", "Марина", "Львовна",
                            role=Role.DIRECTOR),
        class_teacher_5b=class_teacher_5b, parent=parent, vasya=vasya, kolya=kolya,
        newcomer=newcomer, stranger=stranger, q1=periods[0], q2=periods[1])
    fill_second_quarter(built)
    return built


def fill_second_quarter(s: LetterSchool) -> None:
    """Василий: maths 5, 4 and 3 for a test (weight 3), russian 4 and 5, English 5; away ill on
    24.11 (russian, his only lesson that day) and all of 02.12, on 03.12 without a reason in
    maths and excused in russian, in maths on 30.11 without a reason (russian attended), 10
    minutes late on 04.12. Term marks: maths 5 for the 1st quarter, 4 for the 2nd. Николай:
    maths 2 and 2, English (2nd group) 4."""
    small, vasya, kolya = s.small, s.vasya, s.kolya
    test = AssessmentType.objects.get(school=small.school, name="Контрольная работа")
    maths, russian = small.maths_5a, small.russian_5a
    group1, group2 = small.english_5a_group1, small.english_5a_group2
    day = dt.date

    mark(lesson(maths, day(2026, 11, 9), 2), vasya, "5")
    mark(lesson(maths, day(2026, 11, 16), 2), vasya, "4")
    in_test = lesson(maths, day(2026, 11, 23), 2, assessment=test)
    mark(in_test, vasya, "3")
    mark(in_test, kolya, "2")
    mark(lesson(maths, day(2026, 10, 12), 2), vasya, "2")   # the 1st quarter's
    mark(lesson(russian, day(2026, 11, 10), 1), vasya, "4")
    mark(lesson(russian, day(2026, 11, 17), 1), vasya, "5")
    mark(lesson(group1, day(2026, 11, 11), 3), vasya, "5")
    mark(lesson(group2, day(2026, 11, 11), 4), kolya, "4")
    mark(lesson(maths, day(2026, 11, 25), 1), kolya, "2")

    absent(lesson(russian, day(2026, 11, 24), 1), vasya, Absence.Kind.ILL)
    absent(lesson(maths, day(2026, 11, 30), 1), vasya, Absence.Kind.ABSENT)
    lesson(russian, day(2026, 11, 30), 2)
    absent(lesson(maths, day(2026, 12, 2), 1), vasya, Absence.Kind.ILL)
    absent(lesson(russian, day(2026, 12, 2), 2), vasya, Absence.Kind.ILL)
    lesson(group2, day(2026, 12, 2), 3)   # not his group's lesson: his day is still missed
    absent(lesson(maths, day(2026, 12, 3), 1), vasya, Absence.Kind.ABSENT)
    absent(lesson(russian, day(2026, 12, 3), 2), vasya, Absence.Kind.EXCUSED)
    absent(lesson(maths, day(2026, 12, 4), 1), vasya, Absence.Kind.LATE, minutes=10)

    for value, period in (("5", s.q1), ("4", s.q2)):
        FinalMark.objects.create(assignment=maths, student=vasya, kind=FinalMark.Kind.PERIOD,
                                 period=period, value=value)


def make_big_class(s: LetterSchool, size: int = 30, subjects: int = 8) -> SchoolClass:
    """6А of `size` students with `subjects` journals, a lesson of each every school day of
    the 2nd quarter and a mark every other lesson, a few absences: a class teacher's ordinary
    class to time a letter by."""
    small = s.small
    school_class = SchoolClass.objects.create(year=small.year, grade=6, letter="А",
                                              class_teacher=s.class_teacher)
    sync_class_rights(school_class)
    students = [make_student(small.school, f"six{n}", f"Шестаков{n:02d}", "Иван", school_class)
                for n in range(size)]
    journals = []
    for n in range(subjects):
        subject = Subject.objects.create(school=small.school, name=f"Предмет {n + 1}",
                                         order=20 + n)
        journals.append(TeachingAssignment.objects.create(
            year=small.year, teacher=s.teacher, subject=subject, school_class=school_class))
        sync_journal_rights(journals[-1])
    days = [Q2_START + dt.timedelta(days=n) for n in range((Q2_END - Q2_START).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    lessons = Lesson.objects.bulk_create(
        Lesson(assignment=journal, date=d, number=number + 1, is_held=True)
        for d in days for number, journal in enumerate(journals[:5]) if (d.toordinal() + number) % 2)
    values = "54435"
    Mark.objects.bulk_create(
        Mark(lesson=at, student=student, value=values[(i + j) % len(values)])
        for i, at in enumerate(lessons) for j, student in enumerate(students) if (i + j) % 2)
    Absence.objects.bulk_create(
        Absence(lesson=at, student=students[i % size], kind=Absence.Kind.ILL)
        for i, at in enumerate(lessons[::7]))
    return school_class


built_fixture = built_once(build_school)
