"""The school of the report registry's tests: the information letters' school
(`tests.messaging.letters_setup`: time frozen on Friday 25 December 2026, in the second quarter
05.11–28.12) with a few more absences, a student who left, last year's quarter and another
school; built once per module inside a transaction rolled back at its end.

5А (class teacher Руднева) has Василий Петров (1st English group) and Николай Козлов (2nd
group) all quarter, Ева Новикова from 01.12 and Елена Лебедева until 20.11; 5Б (class teacher
Белова) has Артём Сидоров; 1А has Мария Петрова. Absences of the quarter, by hand:

    Василий  lessons б 3, у 2, н 2 (7); days б 2, у 1, н 1 (4); late once, 10 min
    Николай  lessons у 1; no day; late once, 5 min
    Елена    lessons н 1; no day
    Артём    lessons б 1; days б 1 (5Б)

Матвеева keeps maths of 5А and its 1st English group; Иванов maths of 5Б and the 2nd group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import Student, User
from accounts.roles import Role
from exports.table import Span
from journal.models import Absence, AcademicYear, Enrolment, StudyPeriod
from tests.accounts.role_pages_setup import OtherSchool, make_other_school
from tests.conftest import built_once, make_staff, make_student
from tests.messaging import letters_setup
from tests.messaging.letters_setup import (  # noqa: F401 (the fixture, for the tests)
    NOW,
    Q2_END,
    Q2_START,
    TODAY,
    LetterSchool,
    absent,
    frozen_time_fixture,
    lesson,
)

Q2 = Span(Q2_START, Q2_END)


def rows_of(table) -> list[list]:
    return [list(row) for row in table.rows]


@dataclass
class ReportSchool(LetterSchool):
    administrator: User = None
    lena: Student = None
    last_years_q2: StudyPeriod = None
    other: OtherSchool = None
    other_period: StudyPeriod = None

    @property
    def eva(self) -> Student:
        return self.newcomer

    @property
    def artyom(self) -> Student:
        return self.stranger

    @property
    def class_5b(self):
        return self.small.class_5b


def build_school() -> ReportSchool:
    letters = letters_setup.build_school()
    small = letters.small
    lena = make_student(small.school, "lena", "Лебедева", "Елена", small.class_5a, sex="f")
    Enrolment.objects.filter(student=lena).update(left_on=dt.date(2026, 11, 20))
    last_year = AcademicYear.objects.create(school=small.school, name="2025/2026",
                                            starts_on=dt.date(2025, 9, 1),
                                            ends_on=dt.date(2026, 8, 31))
    other = make_other_school()
    built = ReportSchool(
        **vars(letters), lena=lena, other=other,
        administrator=make_staff(small.school, "admin", "Админов", "Игорь", "Николаевич",
                                 role=Role.ADMINISTRATOR),
        last_years_q2=StudyPeriod.objects.create(
            year=last_year, kind="quarter", number=2, starts_on=dt.date(2025, 11, 5),
            ends_on=dt.date(2025, 12, 28), grade_from=1, grade_to=9),
        other_period=StudyPeriod.objects.create(
            year=other.school_class.year, kind="quarter", number=2, starts_on=Q2_START,
            ends_on=Q2_END))
    add_absences(built)
    return built


def add_absences(s: ReportSchool) -> None:
    """To the letters' (Василий: 24.11 ill all day, 30.11 maths «н», 02.12 ill all day, 03.12
    maths «н» and russian «у», 04.12 ten minutes late), these."""
    small, day = s.small, dt.date
    group1, group2 = small.english_5a_group1, small.english_5a_group2
    # Василий's only lesson on 18.11 is his group's English (the 2nd group's is not his).
    absent(lesson(group1, day(2026, 11, 18), 3), s.vasya, Absence.Kind.EXCUSED)
    lesson(group2, day(2026, 11, 18), 4)
    # Николай misses the 2nd group's English on 02.12, not his day; late on 07.12.
    second_group = small.english_5a_group2.lessons.get(date=day(2026, 12, 2))
    absent(second_group, s.kolya, Absence.Kind.EXCUSED)
    absent(lesson(small.maths_5a, day(2026, 12, 7), 1), s.kolya, Absence.Kind.LATE, minutes=5)
    # Елена: maths without a reason on 10.11, the day's russian attended.
    absent(lesson(small.maths_5a, day(2026, 11, 10), 3), s.lena, Absence.Kind.ABSENT)
    # 5Б: Артём ill at the day's only lesson.
    absent(lesson(small.maths_5b, day(2026, 11, 24), 1), s.artyom, Absence.Kind.ILL)


built_fixture = built_once(build_school)
