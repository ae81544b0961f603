"""A school at the end of its year, ready for the rollover: shared by the rollover's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import Student, User
from accounts.roles import Role
from journal.models import (
    AcademicYear,
    FinalMark,
    RolloverDecision,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    TeachingAssignment,
)
from journal.queries.rollover import (
    Plan,
    propose_plan,
)
from journal.queries.students import journal_students
from journal.services.rights import sync_journal_rights
from tests.conftest import (
    SmallSchool,
    build_small_school,
    make_staff,
    make_student,
)
from tests.journal.journal_setup import MOSCOW

Kind = RolloverDecision.Kind
# The last week of August: the year's marks are in, the term marks' deadlines have passed.
NOW = dt.datetime(2027, 8, 25, 11, 0, tzinfo=MOSCOW)
ORDER_DATE = dt.date(2027, 8, 24)
NEW_START = dt.date(2027, 9, 1)


@dataclass
class RolloverSchool:
    """The small school of the fixtures with every grade the rollover treats differently:
    4А (becomes the new 5А), 5А (led by «klassnaya»; Петров promotes, Двойкин has «2» in
    maths, Неаттестов «н/а» in Russian), 5Б (moves whole with its English group), 9А
    (completes into the new 10А), 10А, 11А (graduates), 1А."""

    small: SmallSchool
    administrator: User
    deputy: User
    class_4a: SchoolClass
    class_9a: SchoolClass
    class_11a: SchoolClass
    petrov: Student       # 5А, promoted
    dvoikin: Student      # 5А, «2» in maths
    neattestov: Student   # 5А, «н/а» in Russian
    chetverkin: Student   # 4А
    sidorov: Student      # 5Б, in 5Б's English group
    devyatov: Student     # 9А
    desyatov: Student     # 10А
    vypusknik: Student    # 11А
    pervoklassnik: Student  # 1А
    group_5b: Subgroup

    @property
    def year(self) -> AcademicYear:
        return self.small.year


def build_rollover_school() -> RolloverSchool:
    """The school above, every student with year marks and the last period's term marks in
    every journal (the two failing marks as said), a minute before the rollover."""
    small = build_small_school()
    school, year = small.school, small.year
    administrator = make_staff(school, "admin", "Админов", "Игорь", "Николаевич",
                               role=Role.ADMINISTRATOR)
    deputy = make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)
    class_4a = SchoolClass.objects.create(year=year, grade=4, letter="А")
    class_9a = SchoolClass.objects.create(year=year, grade=9, letter="А")
    class_11a = SchoolClass.objects.create(year=year, grade=11, letter="А")
    group_5b = Subgroup.objects.create(school_class=small.class_5b, subject=small.english,
                                       name="1 группа")

    def student(login: str, last: str, school_class: SchoolClass) -> Student:
        return make_student(school, login, last, "Иван", school_class)

    people = {
        "petrov": student("petrov", "Петров", small.class_5a),
        "dvoikin": student("dvoikin", "Двойкин", small.class_5a),
        "neattestov": student("neattestov", "Неаттестов", small.class_5a),
        "chetverkin": student("chetverkin", "Четвёркин", class_4a),
        "sidorov": student("sidorov", "Сидоров", small.class_5b),
        "devyatov": student("devyatov", "Девятов", class_9a),
        "desyatov": student("desyatov", "Десятов", small.class_10a),
        "vypusknik": student("vypusknik", "Выпускник", class_11a),
        "pervoklassnik": student("pervoklassnik", "Первоклассник", small.class_1a),
    }
    small.english_5a_group1.subgroup.students.add(people["petrov"], people["dvoikin"])
    small.english_5a_group2.subgroup.students.add(people["neattestov"])
    group_5b.students.add(people["sidorov"])
    english_5b = TeachingAssignment.objects.create(year=year, teacher=small.maths_5b.teacher,
                                                   subject=small.english,
                                                   school_class=small.class_5b,
                                                   subgroup=group_5b)
    sync_journal_rights(english_5b)
    sync_journal_rights(TeachingAssignment.objects.create(
        year=year, teacher=small.maths_5a.teacher, subject=small.maths, school_class=class_9a))
    give_final_marks(year, failing={(people["dvoikin"].pk, small.maths.pk): "2",
                                    (people["neattestov"].pk, small.russian.pk): "н/а"})
    return RolloverSchool(small, administrator, deputy, class_4a, class_9a, class_11a,
                          group_5b=group_5b, **people)


def add_students(built: RolloverSchool, per_class: int, tag: str) -> None:
    """`per_class` more ordinary students in each class of the year, with their final marks
    (for counting queries on a bigger school)."""
    new = []
    for school_class in SchoolClass.objects.filter(year=built.year):
        for number in range(per_class):
            new.append(make_student(built.small.school, f"{tag}-{school_class.pk}-{number}",
                                    f"Ученик{number}", "Пётр", school_class).pk)
    give_final_marks(built.year, only=new)


def give_final_marks(year: AcademicYear, failing: dict[tuple[int, int], str] | None = None,
                     only: list[int] | None = None) -> None:
    """A year mark and a term mark of the grade's last period for every student (or those of
    `only`) of every graded journal of the year: «4», or the value `failing` gives (student
    id, subject id)."""
    failing = failing or {}
    periods = list(StudyPeriod.objects.filter(year=year))
    marks = []
    for journal in TeachingAssignment.objects.filter(year=year, school_class__grade__gt=1
                                                     ).select_related("school_class"):
        grade = journal.school_class.grade
        last = max((p for p in periods if p.applies_to_grade(grade)), key=lambda p: p.ends_on)
        students = journal_students(journal, last.ends_on)
        if only is not None:
            students = students.filter(pk__in=only)
        for student in students:
            value = failing.get((student.pk, journal.subject_id), "4")
            marks.append(FinalMark(assignment=journal, student=student,
                                   kind=FinalMark.Kind.YEAR, value=value))
            marks.append(FinalMark(assignment=journal, student=student,
                                   kind=FinalMark.Kind.PERIOD, period=last, value=value))
    FinalMark.objects.bulk_create(marks)


def ready_plan(built: RolloverSchool) -> Plan:
    """The proposal as the administrator leaves it: the order, warnings read, Двойкин repeating
    the year in the new 5А, Неаттестов promoted conditionally with a debt in Russian."""
    plan = propose_plan(built.year)
    plan.order_number, plan.order_date, plan.warnings_accepted = "45-у", ORDER_DATE, True
    for row in plan.students:
        if row.student_id == built.dvoikin.pk:
            row.kind, row.to_class_key, row.debts = Kind.REPEAT, "5А", []
    return plan
