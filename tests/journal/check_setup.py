"""The school of the journal check's tests, with known gaps in 5А's maths journal.

Time is frozen on Wednesday 2 December 2026: November is last month, the 2nd quarter
(05.11–28.12) is running, the 1st (01.09–24.10) ended and its term marks were due on 26.10.
Maths in 5А (Матвеева, 2 hours a week: three marks for a term mark) in November:

| lesson      | topic     | held | homework       | other                                    |
|-------------|-----------|------|----------------|------------------------------------------|
| 09.11 №2    | Дроби     | yes  | № 12           | entered 3 days late; Петров 5, Козлов 4   |
| 10.11 №2    | —         | yes  | none entered   |                                          |
| 16.11 №2    | Проценты  | no   | «не задано»    | control work (written); Петров 3         |
| 23.11 №2    | Уравнения | yes  | № 15           | substitute Заменин, no reason given      |
| 24.11 №2    | Задачи    | yes  | № 16           | recorded by Иванов, no substitution      |

Students of 5А: Петров Василий (1st English group), Козлов Николай, Новикова Ева (arrived
02.11). In November Петров has two marks, Козлов one, Новикова none; none has the three a
term mark needs. 1st quarter: one lesson on 05.10 (no written work); term marks: Петров 5 where
the weighted average was 3,40 (recommended 3), Козлов none, Новикова was not yet in the class.
Thematic plan: 4 hours planned for 01.10 and 3 for 20.11 — 7 hours by the end of November
against 5 lessons held: 2 hours behind. The other journals have no plan. 1А's reading has a
lesson on 12.11 with no homework, as grade 1 should.

In November Матвеева made journal records (the change history says so), Руднева and Иванов
did not. Петрова (Василий's mother) and Николай opened the diary in November; Василий only in
October.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Student, User
from accounts.roles import Role
from diary.models import ActivityRecord
from journal.models import (
    AssessmentType,
    ChangeRecord,
    CurriculumItem,
    Enrolment,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    PlanItem,
    StudyPeriod,
    ThematicPlan,
)
from tests.conftest import SmallSchool, build_small_school, built_once, make_parent, make_staff, make_student
from tests.journal.journal_setup import at

TODAY = dt.date(2026, 12, 2)
NOW = at(TODAY, 10)
NOVEMBER = dt.date(2026, 11, 1)


@dataclass
class CheckSchool:
    small: SmallSchool
    teacher: User
    class_teacher: User
    ivanov: User
    substitute: User
    deputy: User
    director: User
    parent: User
    vasya: Student
    kolya: Student
    eva: Student
    q1: StudyPeriod
    q2: StudyPeriod
    lessons: dict[str, Lesson]


@pytest.fixture(name="frozen_time", autouse=True)
def frozen_time_fixture():
    with time_machine.travel(NOW, tick=False):
        yield


def lesson(assignment, day: dt.date, *, topic: str = "", held: bool = True,
           homework: str | None = None, homework_none: bool = False, **fields) -> Lesson:
    made = Lesson.objects.create(assignment=assignment, date=day, number=2, topic=topic,
                                 is_held=held, **fields)
    if homework is not None or homework_none:
        Homework.objects.create(lesson=made, text=homework or "", is_none=homework_none)
    return made


def build_check_school() -> CheckSchool:
    small = build_small_school()
    school, year = small.school, small.year
    teacher, class_teacher = small.maths_5a.teacher, small.class_5a.class_teacher
    ivanov = User.objects.get(username="ivanov")
    substitute = make_staff(school, "zamenin", "Заменин", "Пётр", "Сергеевич")
    deputy = make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)
    director = make_staff(school, "director", "Директорова", "Марина", "Львовна",
                          role=Role.DIRECTOR)
    vasya = make_student(school, "vasya", "Петров", "Василий", small.class_5a)
    kolya = make_student(school, "kolya", "Козлов", "Николай", small.class_5a)
    eva = make_student(school, "eva", "Новикова", "Ева", small.class_5a, sex="f")
    Enrolment.objects.filter(student=eva).update(enrolled_on=dt.date(2026, 11, 2))
    small.english_5a_group1.subgroup.students.add(vasya)
    parent = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya])
    CurriculumItem.objects.create(year=year, subject=small.maths, grade=5, hours_per_week=2)
    q1, q2 = StudyPeriod.objects.filter(year=year, kind="quarter").order_by("number")[:2]

    maths = small.maths_5a
    test = AssessmentType.objects.get(school=school, name="Контрольная работа")
    day = dt.date
    lessons = {
        "fractions": lesson(maths, day(2026, 11, 9), topic="Дроби", homework="№ 12",
                            late_days=3, entered_by=teacher),
        "no_topic": lesson(maths, day(2026, 11, 10), entered_by=teacher),
        "not_held": lesson(maths, day(2026, 11, 16), topic="Проценты", held=False,
                           homework_none=True, assessment_type=test),
        "substituted": lesson(maths, day(2026, 11, 23), topic="Уравнения", homework="№ 15",
                              substitute=substitute),
        "unrecorded": lesson(maths, day(2026, 11, 24), topic="Задачи", homework="№ 16",
                             entered_by=ivanov),
        "october": lesson(maths, day(2026, 10, 5), topic="Повторение", homework="№ 1"),
        "december": lesson(maths, day(2026, 12, 1), homework="№ 17"),
        "grade_one": lesson(small.reading_1a, day(2026, 11, 12), topic="Буква А"),
    }
    Mark.objects.create(lesson=lessons["fractions"], student=vasya, value="5")
    Mark.objects.create(lesson=lessons["fractions"], student=kolya, value="4")
    Mark.objects.create(lesson=lessons["not_held"], student=vasya, value="3")
    FinalMark.objects.create(assignment=maths, student=vasya, kind=FinalMark.Kind.PERIOD,
                             period=q1, value="5", recommended=Decimal("3.40"))

    plan = ThematicPlan.objects.create(assignment=maths)
    PlanItem.objects.create(plan=plan, number=1, topic="Повторение", hours=4,
                            planned_on=day(2026, 10, 1))
    PlanItem.objects.create(plan=plan, number=2, topic="Дроби", hours=3,
                            planned_on=day(2026, 11, 20))

    ChangeRecord.objects.create(at=at(day(2026, 11, 9)), user=teacher, action="update",
                                entity="lesson", entity_id=lessons["fractions"].pk,
                                assignment_id=maths.pk, lesson_id=lessons["fractions"].pk)
    ChangeRecord.objects.create(at=at(day(2026, 10, 1)), user=class_teacher, action="update",
                                entity="lesson", entity_id=lessons["october"].pk,
                                assignment_id=small.russian_5a.pk)
    ActivityRecord.objects.create(user=parent, kind="view", page="week",
                                  at=at(day(2026, 11, 15)))
    ActivityRecord.objects.create(user=kolya.user, kind="sign_in", at=at(day(2026, 11, 20)))
    ActivityRecord.objects.create(user=vasya.user, kind="sign_in", at=at(day(2026, 10, 1)))
    return CheckSchool(small=small, teacher=teacher, class_teacher=class_teacher,
                       ivanov=ivanov, substitute=substitute, deputy=deputy, director=director,
                       parent=parent, vasya=vasya, kolya=kolya, eva=eva, q1=q1, q2=q2,
                       lessons=lessons)


def journal_of(figures: dict, assignment) -> dict:
    [journal] = [j for j in figures["journals"] if j["id"] == assignment.pk]
    return journal


def labels(journal: dict, key: str) -> list[str]:
    return [item["label"] for item in journal["items"].get(key, [])]


def links(journal: dict, key: str) -> list[str]:
    return [item["link"] for item in journal["items"].get(key, [])]


built_fixture = built_once(build_check_school, NOW)
