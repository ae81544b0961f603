"""The school itself: its year, terms, holidays, bells, subjects, curriculum and classes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from journal.demo.curriculum import ASSESSMENT_TYPES, SUBJECTS
from journal.demo.school_year import BELLS, YearCalendar
from journal.models import (
    AcademicYear,
    AssessmentType,
    BellSchedule,
    CurriculumItem,
    Holiday,
    School,
    SchoolClass,
    StudyPeriod,
    Subject,
)

SCHOOL_NAME = "МБОУ «Средняя общеобразовательная школа № 12»"
SCHOOL_SHORT_NAME = "СОШ № 12"
SCHOOL_ADDRESS = "г. Новоград, ул. Школьная, д. 12"
LETTERS = "АБВГДЕЖЗ"


@dataclass(frozen=True)
class Size:
    name: str
    classes_per_grade: dict[int, int]
    class_size: tuple[int, int]


SIZES = {
    "small": Size("small", {1: 1, 5: 1, 10: 1}, (9, 11)),
    "normal": Size("normal", {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 3, 9: 2, 10: 2, 11: 2},
                   (22, 28)),
    "large": Size("large", {1: 8, 2: 8, 3: 8, 4: 8, 5: 8, 6: 8, 7: 8, 8: 8, 9: 7, 10: 5, 11: 5},
                  (23, 27)),
}


@dataclass
class DemoSchool:
    school: School
    year: AcademicYear
    calendar: YearCalendar
    today: dt.date
    classes: list[SchoolClass]
    subjects: dict[str, Subject]
    assessment_types: dict[str, AssessmentType]
    periods: list[StudyPeriod] = field(default_factory=list)

    def first_class_of(self, grade: int) -> SchoolClass | None:
        return next((c for c in self.classes if c.grade == grade), None)


def create_school(size: Size, today: dt.date, start_year: int) -> DemoSchool:
    calendar = YearCalendar(start_year)
    school = School.objects.create(name=SCHOOL_NAME, short_name=SCHOOL_SHORT_NAME,
                                   address=SCHOOL_ADDRESS, days_per_week=5)
    year = AcademicYear.objects.create(school=school, name=calendar.name,
                                       starts_on=calendar.starts_on, ends_on=calendar.ends_on,
                                       is_current=True)
    periods = StudyPeriod.objects.bulk_create(
        StudyPeriod(year=year, kind=t.kind, number=t.number, starts_on=t.starts_on,
                    ends_on=t.ends_on, grade_from=t.grade_from, grade_to=t.grade_to)
        for t in calendar.terms())
    Holiday.objects.bulk_create(
        Holiday(year=year, name=h.name, starts_on=h.starts_on, ends_on=h.ends_on,
                grade_from=h.grade_from, grade_to=h.grade_to) for h in calendar.holidays())
    BellSchedule.objects.bulk_create(
        BellSchedule(school=school, lesson_number=n, starts_at=s, ends_at=e) for n, s, e in BELLS)
    assessment_types = AssessmentType.objects.bulk_create(
        AssessmentType(school=school, name=a.name, weight=a.weight, is_written=a.is_written)
        for a in ASSESSMENT_TYPES)

    grades = sorted(size.classes_per_grade)
    subjects = {}
    for order, spec in enumerate(SUBJECTS, start=1):
        if any(spec.hours_in(g) for g in grades):
            subjects[spec.code] = Subject(school=school, name=spec.name, short_name=spec.short_name,
                                          is_elective=spec.is_elective, order=order)
    Subject.objects.bulk_create(subjects.values())
    CurriculumItem.objects.bulk_create(
        CurriculumItem(year=year, subject=subjects[spec.code], grade=grade,
                       hours_per_week=Decimal(spec.hours_in(grade)))
        for spec in SUBJECTS for grade in grades if spec.hours_in(grade))

    classes = SchoolClass.objects.bulk_create(
        SchoolClass(year=year, grade=grade, letter=LETTERS[i])
        for grade in grades for i in range(size.classes_per_grade[grade]))
    return DemoSchool(school=school, year=year, calendar=calendar, today=today, classes=classes,
                      subjects=subjects, assessment_types={a.name: a for a in assessment_types},
                      periods=periods)
