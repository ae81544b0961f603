"""The school of the result reports' tests, built once per module inside a transaction rolled
back at its end (the tests only read it). Time is frozen on Monday 11 January 2027, after the
2nd quarter (05.11–28.12.2026); grades 10–11 have halves (the 1st: 01.09–28.12.2026).

5А, the hand-made class (term marks of the 2nd quarter; «осв» — exempt):

    student            maths  russian  English            note
    1 Андреев Артём      5      5      5 (1st group)
    2 Борисова Вера      4      5      4 (1st group)
    3 Волков Глеб        3      4
    4 Галкина Дарья      3      3      — (2nd group)
    5 Дмитриев Егор      2      4
    6 Егорова Жанна     н/а     3
    7 Жуков Захар       осв     5
    8 Зайцева Инна       —      —                          maths 5 for the 1st quarter only
    9 Ильин Кирилл       5      —                          left on 01.12.2026
   10 Козлова Лариса     4      4                          arrived on 01.12.2026

5Б: Сидоров Артём 4, Тихонов Борис 3 (maths, 2nd quarter); in November Сидоров has 3 for a
control work (weight 3) and 5 (weight 1), Тихонов 5; Сидоров's October 2 is outside November.
10А: Яковлев Юрий, maths 5 for the 1st half. 1А gets no marks.

Year, exam and final marks, lessons, absences, plans, journal history and diary visits: see
`build`. Tables were filled in straight: the journal's services are tested elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from accounts.models import Student, User
from diary.models import ActivityRecord
from journal.models import (
    Absence,
    AssessmentType,
    ChangeRecord,
    CurriculumItem,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    PlanItem,
    SchoolClass,
    StudyPeriod,
    TeachingAssignment,
    ThematicPlan,
)
from journal.queries.results import EXEMPT
from journal.rules import NOT_CERTIFIED
from journal.services.rights import sync_journal_rights
from tests.accounts.role_pages_setup import OtherSchool, make_other_school
from tests.conftest import SmallSchool, build_small_school, make_parent, make_staff, make_student

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2027, 1, 11, 10, 0, tzinfo=MOSCOW)
TODAY = NOW.date()
LEFT_ON = ARRIVED_ON = dt.date(2026, 12, 1)
PERIOD, YEAR, EXAM, FINAL = (FinalMark.Kind.PERIOD, FinalMark.Kind.YEAR, FinalMark.Kind.EXAM,
                             FinalMark.Kind.FINAL)

STUDENTS_5A = ["Андреев Артём", "Борисова Вера", "Волков Глеб", "Галкина Дарья", "Дмитриев Егор",
               "Егорова Жанна", "Жуков Захар", "Зайцева Инна", "Ильин Кирилл", "Козлова Лариса"]
Q2_MATHS = ["5", "4", "3", "3", "2", NOT_CERTIFIED, EXEMPT, None, "5", "4"]
Q2_RUSSIAN = ["5", "5", "4", "3", "4", "3", "5", None, None, "4"]


@dataclass
class World:
    small: SmallSchool
    teacher: User          # Матвеева: maths 5А, English 1st group, maths 10А
    class_teacher: User    # Руднева: 5А, russian 5А
    ivanov: User           # maths 5Б, English 2nd group
    substitute: User
    class_5a: SchoolClass
    students: list[Student]          # 5А in the order above
    maths_10a: TeachingAssignment
    q1: StudyPeriod
    q2: StudyPeriod
    half1: StudyPeriod
    other: OtherSchool
    lessons: dict[str, Lesson] = field(default_factory=dict)

    @property
    def school(self):
        return self.small.school

    def student(self, name: str) -> Student:
        return self.students[STUDENTS_5A.index(name)]


@pytest.fixture(name="frozen_time", autouse=True)
def frozen_time_fixture():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(name="world", scope="module")
def world_fixture(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(NOW, tick=False):
        yield build()
        transaction.set_rollback(True)


def final(assignment: TeachingAssignment, student: Student, value: str | None, kind: str = PERIOD,
          period: StudyPeriod | None = None) -> None:
    if value is not None:
        FinalMark.objects.create(assignment=assignment, student=student, kind=kind,
                                 period=period if kind == PERIOD else None, value=value)


def lesson(assignment: TeachingAssignment, day: dt.date, *, held: bool = True,
           number: int = 2, **fields) -> Lesson:
    return Lesson.objects.create(assignment=assignment, date=day, number=number, is_held=held,
                                 **fields)


def moment(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


def build() -> World:
    small = build_small_school()
    school, year = small.school, small.year
    periods = {(p.kind, p.number): p for p in StudyPeriod.objects.filter(year=year)}
    q1, q2, half1 = periods["quarter", 1], periods["quarter", 2], periods["half", 1]
    students = []
    for n, name in enumerate(STUDENTS_5A):
        last, first = name.split()
        students.append(make_student(school, f"s5a{n + 1}", last, first, small.class_5a,
                                     sex="f" if last.endswith("а") else "m"))
    Enrolment.objects.filter(student=students[8]).update(left_on=LEFT_ON)
    Enrolment.objects.filter(student=students[9]).update(enrolled_on=ARRIVED_ON)
    small.english_5a_group1.subgroup.students.add(students[0], students[1])
    small.english_5a_group2.subgroup.students.add(students[3])
    teacher, class_teacher = small.maths_5a.teacher, small.class_5a.class_teacher
    maths_10a = TeachingAssignment.objects.create(year=year, teacher=teacher, subject=small.maths,
                                                  school_class=small.class_10a)
    sync_journal_rights(maths_10a)
    world = World(small=small, teacher=teacher, class_teacher=class_teacher,
                  ivanov=User.objects.get(username="ivanov"),
                  substitute=make_staff(school, "zamenin", "Заменин", "Пётр", "Сергеевич"),
                  class_5a=small.class_5a, students=students, maths_10a=maths_10a,
                  q1=q1, q2=q2, half1=half1, other=make_other_school())
    _term_marks(world)
    _year_marks(world)
    _lessons(world)
    _plan(world)
    _history(world)
    _diary_visits(world)
    return world


def _term_marks(w: World) -> None:
    small = w.small
    for student, maths, russian in zip(w.students, Q2_MATHS, Q2_RUSSIAN, strict=True):
        final(small.maths_5a, student, maths, period=w.q2)
        final(small.russian_5a, student, russian, period=w.q2)
    final(small.english_5a_group1, w.students[0], "5", period=w.q2)
    final(small.english_5a_group1, w.students[1], "4", period=w.q2)
    final(small.maths_5a, w.student("Зайцева Инна"), "5", period=w.q1)

    sidorov = make_student(small.school, "sidorov", "Сидоров", "Артём", small.class_5b)
    tikhonov = make_student(small.school, "tikhonov", "Тихонов", "Борис", small.class_5b)
    final(small.maths_5b, sidorov, "4", period=w.q2)
    final(small.maths_5b, tikhonov, "3", period=w.q2)
    control = AssessmentType.objects.get(school=small.school, name="Контрольная работа")
    Mark.objects.create(lesson=lesson(small.maths_5b, dt.date(2026, 11, 10),
                                      assessment_type=control), student=sidorov, value="3")
    on_12th = lesson(small.maths_5b, dt.date(2026, 11, 12))
    Mark.objects.create(lesson=on_12th, student=sidorov, value="5")
    Mark.objects.create(lesson=on_12th, student=tikhonov, value="5")
    Mark.objects.create(lesson=lesson(small.maths_5b, dt.date(2026, 10, 20)), student=sidorov,
                        value="2")

    yakovlev = make_student(small.school, "yakovlev", "Яковлев", "Юрий", small.class_10a)
    final(w.maths_10a, yakovlev, "5", period=w.half1)


def _year_marks(w: World) -> None:
    """Андреев: 5, 5, 5 (English); Борисова: 4, 5, no English; Волков: maths 3 for the year,
    4 at the exam and 4 final, russian 4; Дмитриев: maths 2, russian 4; Егорова: maths «н/а»,
    russian 3; Жуков: maths «осв», russian 5."""
    small = w.small
    maths, russian, english = small.maths_5a, small.russian_5a, small.english_5a_group1
    for name, values in {"Андреев Артём": ("5", "5"), "Борисова Вера": ("4", "5"),
                         "Волков Глеб": ("3", "4"), "Дмитриев Егор": ("2", "4"),
                         "Егорова Жанна": (NOT_CERTIFIED, "3"), "Жуков Захар": (EXEMPT, "5")
                         }.items():
        final(maths, w.student(name), values[0], YEAR)
        final(russian, w.student(name), values[1], YEAR)
    final(english, w.student("Андреев Артём"), "5", YEAR)
    final(maths, w.student("Волков Глеб"), "4", EXAM)
    final(maths, w.student("Волков Глеб"), "4", FINAL)


def _lessons(w: World) -> None:
    """Maths in 5А: held on 16.11 (Андреев ill, Дмитриев absent, Волков 10 minutes late),
    given by Заменин on 18.11, not held on 25.11, held on 07.12 (Дмитриев absent, Галкина
    excused), not yet held today and on 13.01. Maths in 5Б: not held on 02.12."""
    small, s = w.small, w.student
    maths = small.maths_5a
    day = dt.date
    w.lessons["16.11"] = first = lesson(maths, day(2026, 11, 16))
    Absence.objects.create(lesson=first, student=s("Андреев Артём"), kind=Absence.Kind.ILL)
    Absence.objects.create(lesson=first, student=s("Дмитриев Егор"), kind=Absence.Kind.ABSENT)
    Absence.objects.create(lesson=first, student=s("Волков Глеб"), kind=Absence.Kind.LATE,
                           minutes_late=10)
    w.lessons["18.11"] = lesson(maths, day(2026, 11, 18), substitute=w.substitute,
                                substitute_reason="болезнь учителя")
    w.lessons["25.11"] = lesson(maths, day(2026, 11, 25), held=False)
    w.lessons["07.12"] = fourth = lesson(maths, day(2026, 12, 7))
    Absence.objects.create(lesson=fourth, student=s("Дмитриев Егор"), kind=Absence.Kind.ABSENT)
    Absence.objects.create(lesson=fourth, student=s("Галкина Дарья"), kind=Absence.Kind.EXCUSED)
    w.lessons["today"] = lesson(maths, TODAY, held=False)
    w.lessons["13.01"] = lesson(maths, day(2027, 1, 13), held=False)
    w.lessons["5Б 02.12"] = lesson(small.maths_5b, day(2026, 12, 2), held=False)


def _plan(w: World) -> None:
    """Maths in 5А: 5 hours a week; the plan: 2 hours by 16.11, 1 by 25.11, 3 by 01.02."""
    maths = w.small.maths_5a
    CurriculumItem.objects.create(year=w.small.year, subject=w.small.maths, grade=5,
                                  hours_per_week=5)
    plan = ThematicPlan.objects.create(assignment=maths)
    items = [PlanItem.objects.create(plan=plan, number=n, topic=f"Тема {n}", hours=hours,
                                     planned_on=planned)
             for n, (hours, planned) in enumerate([(2, dt.date(2026, 11, 16)),
                                                   (1, dt.date(2026, 11, 25)),
                                                   (3, dt.date(2027, 2, 1))], start=1)]
    Lesson.objects.filter(pk=w.lessons["16.11"].pk).update(plan_item=items[0])


def _history(w: World) -> None:
    """Матвеева: 3 entries in maths 5А in November, 1 in December, 1 right (not an entry) in
    November; Руднева: 2 in russian 5А in November; Иванов: 4 in maths 5Б in December."""
    small = w.small

    def entries(user, assignment, day, count, entity=ChangeRecord.Entity.MARK):
        for n in range(count):
            ChangeRecord.objects.create(user=user, at=moment(day, 9 + n), entity=entity,
                                        action=ChangeRecord.Action.CREATE, entity_id=n + 1,
                                        assignment_id=assignment.pk)

    entries(w.teacher, small.maths_5a, dt.date(2026, 11, 16), 3)
    entries(w.teacher, small.maths_5a, dt.date(2026, 12, 7), 1)
    entries(w.teacher, small.maths_5a, dt.date(2026, 11, 2), 1, ChangeRecord.Entity.ACCESS)
    entries(w.class_teacher, small.russian_5a, dt.date(2026, 11, 20), 2)
    entries(w.ivanov, small.maths_5b, dt.date(2026, 12, 2), 4)


def _diary_visits(w: World) -> None:
    """Андреев's mother opens the diary twice in November; Дмитриев's father only in October;
    Волков himself once in December."""
    mother = make_parent("andreeva", "Андреева", "Ольга", "Ивановна", [w.student("Андреев Артём")])
    father = make_parent("dmitriev", "Дмитриев", "Олег", "Петрович",
                         [w.student("Дмитриев Егор")], relation="father")
    for user, day in ((mother, dt.date(2026, 11, 20)), (mother, dt.date(2026, 11, 21)),
                      (father, dt.date(2026, 10, 1)),
                      (w.student("Волков Глеб").user, dt.date(2026, 12, 3))):
        ActivityRecord.objects.create(user=user, at=moment(day), kind=ActivityRecord.Kind.VIEW,
                                      page="week")
