"""The school's results for a period: pass rate (успеваемость), quality rate (качество
знаний) and degree of learning (СОУ) of a group of students, and how each student stands (на
«5», на «4» и «5», с одной «3», с «2», не аттестован). The one place of these formulas: reports
and journal pages read them here.

REQUIREMENTS, "Formulas and settings":
    pass rate = (n5 + n4 + n3)·100 / N,  quality rate = (n5 + n4)·100 / N,
    СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n_н/а) / N,
N counting the students of the group less those exempt and those with no mark; «н/а» stays in
N; those who left before the period's end are not in the group. In a journal n5… are the
students with that mark; in a class, the students whose lowest mark it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from django.db.models import Q, QuerySet

from accounts.models import Student
from journal import grading
from journal.models import (
    AcademicYear,
    Enrolment,
    FinalMark,
    Mark,
    School,
    SchoolClass,
    StudyPeriod,
    TeachingAssignment,
)
from journal.queries.checks.roster import Roster
from journal.rules import NOT_CERTIFIED, SCALE

# A term or year mark saying the student is exempt from the subject: not in N.
EXEMPT = "осв"
FAILING = frozenset({Mark.Value.TWO, Mark.Value.ONE})
# Marks that leave an academic debt (the class teacher's list of students to talk about).
DEBTS = FAILING | {Mark.Value.FAIL, NOT_CERTIFIED}
CURRENT = "current"  # a basis: the recommended marks of the span's current marks

FORMULAS = [
    "Успеваемость = (n5 + n4 + n3) · 100 / N; качество знаний = (n5 + n4) · 100 / N; "
    "СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·nн/а) / N.",
    "N — обучающиеся группы на конец периода, кроме освобождённых и не имеющих отметки; "
    "не аттестованные («н/а») входят в N, выбывшие до конца периода — нет. При N = 0 — «—».",
    "По предмету n5 … nн/а — число обучающихся с этой отметкой; по классу — число "
    "обучающихся, чья низшая отметка такова (н/а ниже «2»; «1» считается как «2»); "
    "«с одной «3»» входит в «с «3»».",
]
ELECTIVES_LEFT_OUT = "Курсы с зачётной системой (зачёт/незачёт) в расчёт не входят."
NO_MARKS_IN_GRADE_1 = "1-е классы не оцениваются и в отчёт не входят."
PERCENT_PLACES = Decimal("0.1")


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """A share in per cent to one place; None (shown «—») over nothing."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_PLACES, ROUND_HALF_UP)


class Standing(Enum):
    """Where a student stands by their lowest mark."""

    EXCELLENT = "на «5»"
    GOOD = "на «4» и «5»"
    ONE_THREE = "с одной «3»"
    THREE = "с «3»"
    FAILING = "с «2»"
    NOT_CERTIFIED = "не аттестован(а)"


def standing(marks: Iterable[str]) -> Standing | None:
    """How a student stands by their marks on the scale and «н/а» (other values are passed
    over); None without any: the student has no mark."""
    values = [m for m in marks if m in SCALE or m == NOT_CERTIFIED]
    if not values:
        return None
    if NOT_CERTIFIED in values:
        return Standing.NOT_CERTIFIED
    if FAILING.intersection(values):
        return Standing.FAILING
    threes = values.count("3")
    if threes:
        return Standing.ONE_THREE if threes == 1 else Standing.THREE
    return Standing.GOOD if "4" in values else Standing.EXCELLENT


@dataclass(frozen=True)
class Counts:
    """A group's figures. Add them up for a grade or the school."""

    students: int = 0       # in the group at the end of the period
    exempt: int = 0
    no_mark: int = 0
    five: int = 0           # n5
    four: int = 0           # n4
    three: int = 0          # n3, students with one «3» included
    one_three: int = 0      # of n3, students with exactly one «3» (a class's students only)
    two: int = 0            # n2
    not_certified: int = 0  # n н/а

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def n(self) -> int:
        return self.five + self.four + self.three + self.two + self.not_certified

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.five + self.four + self.three, self.n)

    @property
    def quality_rate(self) -> Decimal | None:
        return percent(self.five + self.four, self.n)

    @property
    def sou(self) -> Decimal | None:
        """Степень обученности учащихся, %."""
        points = (100 * self.five + 64 * self.four + 36 * self.three + 16 * self.two
                  + 7 * self.not_certified)
        return percent(points, self.n * 100)


# Which of the formula's n a standing counts in.
_BY_STANDING = {Standing.EXCELLENT: "five", Standing.GOOD: "four", Standing.ONE_THREE: "three",
                Standing.THREE: "three", Standing.FAILING: "two",
                Standing.NOT_CERTIFIED: "not_certified"}


def count_journal(marks: Iterable[str | None]) -> Counts:
    """A journal's figures from each of its students' mark (None: no mark)."""
    tally: dict[str, int] = defaultdict(int)
    for value in marks:
        tally["students"] += 1
        if value == EXEMPT:
            tally["exempt"] += 1
            continue
        found = standing([value] if value else [])
        if found is None:
            tally["no_mark"] += 1
        else:
            tally[_BY_STANDING[found]] += 1
    return Counts(**tally)


def count_students(students_marks: Iterable[list[str | None]]) -> Counts:
    """A class's figures from each student's marks in their subjects: a student exempt from
    every subject is exempt; one with no mark at all has none."""
    tally: dict[str, int] = defaultdict(int)
    for marks in students_marks:
        tally["students"] += 1
        found = standing(m for m in marks if m)
        if found is None:
            exempt = bool(marks) and all(m == EXEMPT for m in marks)
            tally["exempt" if exempt else "no_mark"] += 1
            continue
        if found is Standing.ONE_THREE:
            tally["one_three"] += 1
        tally[_BY_STANDING[found]] += 1
    return Counts(**tally)


# What the marks are -------------------------------------------------------------------------

@dataclass(frozen=True)
class Basis:
    """Which marks a class's results count, and on which day its class list is taken."""

    kind: str                    # FinalMark.Kind.PERIOD, FinalMark.Kind.YEAR or CURRENT
    as_of: dt.date               # who left before this day is not in the group
    period: StudyPeriod | None = None
    starts_on: dt.date | None = None  # CURRENT: the span's first day

    @property
    def label(self) -> str:
        if self.kind == FinalMark.Kind.YEAR:
            return "годовые отметки"
        if self.kind == FinalMark.Kind.PERIOD:
            return (f"отметки за период «{self.period.title}» ({self.period.starts_on:%d.%m.%Y}–"
                    f"{self.period.ends_on:%d.%m.%Y})")
        return (f"рекомендуемые отметки по текущим отметкам {self.starts_on:%d.%m.%Y}–"
                f"{self.as_of:%d.%m.%Y} (средневзвешенная, округление по правилу школы)")


def basis_for(periods: list[StudyPeriod], starts_on: dt.date, ends_on: dt.date) -> Basis:
    """A grade's basis for dates: year marks when the dates take in all its periods; else the
    marks of the last of its periods that ends within them; else, with no period ending in them
    (a month, a quarter of a grade that has halves), the marks its current marks recommend."""
    periods = sorted(periods, key=lambda p: p.starts_on)
    if periods and starts_on <= periods[0].starts_on and periods[-1].ends_on <= ends_on:
        return Basis(FinalMark.Kind.YEAR, periods[-1].ends_on)
    ended = [p for p in periods if starts_on <= p.ends_on <= ends_on]
    if ended:
        return Basis(FinalMark.Kind.PERIOD, ended[-1].ends_on, ended[-1])
    return Basis(CURRENT, ends_on, starts_on=starts_on)


# Whose results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScopeClasses:
    year: AcademicYear | None
    classes: list[SchoolClass]
    reason: str = ""  # why there are none, said under the empty report


def classes_in(school: School, starts_on: dt.date, ends_on: dt.date, *, grade: int | None = None,
               school_class: SchoolClass | None = None) -> ScopeClasses:
    """The school's classes (a grade's, or one class) of the academic year the dates lie in,
    by grade and letter, with their year, school and class teacher loaded."""
    dates = f"{starts_on:%d.%m.%Y}–{ends_on:%d.%m.%Y}"
    if ends_on < starts_on:
        return ScopeClasses(None, [], f"Период {dates}: окончание раньше начала.")
    year = (AcademicYear.objects.filter(school=school, starts_on__lte=starts_on,
                                        ends_on__gte=ends_on).first())
    if year is None:
        return ScopeClasses(None, [], f"Даты {dates} не лежат в одном учебном году школы.")
    if school_class is not None and school_class.year.school_id != school.pk:
        return ScopeClasses(year, [], f"{school_class} класс — не из этой школы.")
    classes = SchoolClass.objects.filter(year=year).select_related("year__school",
                                                                    "class_teacher")
    if school_class is not None:
        if school_class.year_id != year.pk:
            return ScopeClasses(year, [], f"{school_class} класс относится к другому учебному "
                                          f"году, чем даты {dates}.")
        classes = classes.filter(pk=school_class.pk)
    elif grade is not None:
        classes = classes.filter(grade=grade)
    found = list(classes.order_by("grade", "letter"))
    if not found:
        where = f"{grade}-х классов" if grade is not None and school_class is None else "классов"
        return ScopeClasses(year, [], f"В {year.name} учебном году нет {where}.")
    return ScopeClasses(year, found)


def grades_label(grades: Iterable[int]) -> str:
    """«5 класс», «2–9 классы», «5, 7 классы»."""
    grades = sorted(set(grades))
    if len(grades) == 1:
        return f"{grades[0]} класс"
    if grades == list(range(grades[0], grades[-1] + 1)):
        return f"{grades[0]}–{grades[-1]} классы"
    return f"{', '.join(map(str, grades))} классы"


def basis_notes(found: Iterable[ClassResult]) -> list[str]:
    """«Учтены …» for each basis the classes' results stand on, with the grades it covers."""
    grades: dict[str, list[int]] = defaultdict(list)
    for result in found:
        grades[result.basis.label].append(result.school_class.grade)
    return [f"{grades_label(g)}: учтены {label}." for label, g in grades.items()]


def journals_of_classes(classes: list[SchoolClass], only: QuerySet | None = None
                        ) -> dict[int, list[TeachingAssignment]]:
    """Each class's journals (`only` those, if given: a teacher's own), by subject (its order)
    and subgroup: one query."""
    by_class: dict[int, list[TeachingAssignment]] = defaultdict(list)
    assignments = TeachingAssignment.objects.filter(school_class__in=classes)
    if only is not None:
        assignments = assignments.filter(pk__in=only.values("pk"))
    for assignment in (assignments.select_related("subject", "teacher", "subgroup")
                       .order_by("subject__order", "subject__name", "subgroup__name", "pk")):
        by_class[assignment.school_class_id].append(assignment)
    return by_class


def in_journal(assignment: TeachingAssignment, student_id: int,
               members: dict[int, set[int]]) -> bool:
    """A student of the class is in the journal: the whole class's, or their subgroup's."""
    return not assignment.subgroup_id or student_id in members.get(assignment.subgroup_id, ())


# A class's results ---------------------------------------------------------------------------

@dataclass
class JournalResult:
    assignment: TeachingAssignment
    marks: dict[int, str | None]  # each student of the group on the basis day → their mark

    @property
    def counts(self) -> Counts:
        return count_journal(self.marks.values())


@dataclass
class ClassResult:
    school_class: SchoolClass
    basis: Basis
    students: list[Student]        # in the class on the basis day, by name
    journals: list[JournalResult]  # pass/fail courses included
    standings: dict[int, Standing | None] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)

    @property
    def graded(self) -> list[JournalResult]:
        """The journals the figures count: not the pass/fail courses."""
        return [j for j in self.journals if not j.assignment.subject.is_elective]

    def marks_of(self, student_id: int) -> list[tuple[TeachingAssignment, str]]:
        """A student's marks (exempt and missing ones left out), by subject."""
        return [(j.assignment, j.marks[student_id]) for j in self.journals
                if j.marks.get(student_id) not in (None, EXEMPT)]

    def debts_of(self, student_id: int) -> list[tuple[TeachingAssignment, str]]:
        """The student's «2», «1», «незач» and «н/а»."""
        return [(a, value) for a, value in self.marks_of(student_id) if value in DEBTS]


def _basis_by_class(classes: list[SchoolClass], starts_on: dt.date,
                    ends_on: dt.date) -> dict[int, Basis]:
    periods = list(StudyPeriod.objects.filter(year_id__in={c.year_id for c in classes}))
    return {c.pk: basis_for([p for p in periods if p.year_id == c.year_id
                             and p.applies_to_grade(c.grade)], starts_on, ends_on)
            for c in classes}


def _final_marks(classes: list[SchoolClass], bases: dict[int, Basis]) -> dict[tuple, str]:
    """(assignment id, student id) → the basis's term or year mark: one query."""
    by_kind: dict[tuple, list[int]] = defaultdict(list)  # (kind, period id) → class ids
    for school_class in classes:
        basis = bases[school_class.pk]
        if basis.kind != CURRENT:
            by_kind[basis.kind, basis.period.pk if basis.period else None].append(school_class.pk)
    if not by_kind:
        return {}
    wanted = Q()
    for (kind, period_id), class_ids in by_kind.items():
        wanted |= Q(kind=kind, period_id=period_id, assignment__school_class__in=class_ids)
    return {(assignment_id, student_id): value for assignment_id, student_id, value
            in FinalMark.objects.filter(wanted).values_list("assignment_id", "student_id",
                                                            "value")}


def _recommended_marks(classes: list[SchoolClass], starts_on: dt.date,
                       ends_on: dt.date) -> dict[tuple, str]:
    """(assignment id, student id) → the mark the span's current marks recommend (the
    journal's weighted average and the school's rounding): one query."""
    if not classes:
        return {}
    weighted: dict[tuple, list] = defaultdict(list)
    for assignment_id, student_id, value, own, lessons in Mark.objects.filter(
            lesson__assignment__school_class__in=classes,
            lesson__date__gte=starts_on, lesson__date__lte=ends_on,
    ).values_list("lesson__assignment_id", "student_id", "value", "assessment_type__weight",
                  "lesson__assessment_type__weight"):
        weighted[assignment_id, student_id].append((value, grading.mark_weight(own, lessons)))
    threshold = classes[0].year.school.rounding_threshold
    recommended = {}
    for key, marks in weighted.items():
        mark = grading.recommended_mark(grading.weighted_average(marks), threshold)
        if mark is not None:
            recommended[key] = str(mark)
    return recommended


def class_results(classes: list[SchoolClass], starts_on: dt.date, ends_on: dt.date,
                  journals: QuerySet | None = None) -> list[ClassResult]:
    """The results of each class (of one school and year) that gets marks, for the dates (see
    `basis_for`), from all their journals or `journals` only. Six queries at most, whatever the
    number of classes, students and subjects."""
    classes = [c for c in classes if c.gets_marks]
    if not classes:
        return []
    bases = _basis_by_class(classes, starts_on, ends_on)
    journals = journals_of_classes(classes, journals)
    roster = Roster([j for js in journals.values() for j in js], starts_on, ends_on)
    marks = _final_marks(classes, bases)
    marks.update(_recommended_marks([c for c in classes if bases[c.pk].kind == CURRENT],
                                    starts_on, ends_on))
    results = []
    for school_class in classes:
        basis = bases[school_class.pk]
        result = ClassResult(
            school_class, basis, roster.class_students(school_class.pk, basis.as_of),
            [JournalResult(assignment, {s.pk: marks.get((assignment.pk, s.pk))
                                        for s in roster.students(assignment, basis.as_of)})
             for assignment in journals[school_class.pk]])
        students = result.students
        graded = result.graded
        per_student = {s.pk: [j.marks[s.pk] for j in graded if s.pk in j.marks]
                       for s in students}
        result.standings = {pk: standing(m for m in values if m)
                            for pk, values in per_student.items()}
        result.counts = count_students(per_student.values())
        results.append(result)
    return results


# Term, year, exam and final marks class by class (the statements) ---------------------------

@dataclass
class ClassMarks:
    """A class's students and their term, year, exam and final marks."""

    school_class: SchoolClass
    enrolments: list[Enrolment]          # overlapping the dates, by name
    journals: list[TeachingAssignment]   # by subject
    members: dict[int, set[int]]
    marks: dict[tuple, str]              # (assignment id, student id, kind, period id) → value

    def journals_of(self, student_id: int) -> list[TeachingAssignment]:
        return [a for a in self.journals if in_journal(a, student_id, self.members)]

    def mark(self, assignment: TeachingAssignment, student_id: int, kind: str,
             period_id: int | None = None) -> str:
        return self.marks.get((assignment.pk, student_id, kind, period_id), "")


def final_marks_by_class(classes: list[SchoolClass], starts_on: dt.date, ends_on: dt.date,
                         kinds: Iterable[str] = FinalMark.Kind.values,
                         journals: QuerySet | None = None) -> Iterator[ClassMarks]:
    """Class by class, so that a whole school streams in the memory of one class: four
    queries a class (its journals, enrolments, subgroups if it has any, final marks)."""
    kinds = list(kinds)
    for school_class in (c for c in classes if c.gets_marks):
        own = journals_of_classes([school_class], journals)[school_class.pk]
        roster = Roster(own, starts_on, ends_on)
        marks = {
            (assignment_id, student_id, kind, period_id): value
            for assignment_id, student_id, kind, period_id, value in FinalMark.objects.filter(
                assignment__in=own, kind__in=kinds,
            ).values_list("assignment_id", "student_id", "kind", "period_id", "value")}
        yield ClassMarks(school_class, roster.by_class[school_class.pk], own, roster.members,
                         marks)
