"""Who teaches what: subgroups, teaching assignments (journals), class teachers and the object
rights that go with them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from journal.demo.curriculum import GROUP_NAMES, SUBJECTS, is_split, speciality
from journal.demo.people import Pupils, Staffroom, Teacher
from journal.demo.school import DemoSchool
from journal.models import SchoolClass, Subgroup, TeachingAssignment
from journal.services.rights import sync_class_rights, sync_journal_rights


@dataclass
class Journal:
    """A teaching assignment with what the demo needs to know about it."""

    assignment: TeachingAssignment
    subject_code: str
    teacher: Teacher
    student_ids: list[int]
    hours: int


@dataclass
class Staffing:
    journals: list[Journal]
    by_class: dict[int, list[Journal]]


def _pick_teacher(candidates: list[Teacher], spec: str, hours: int,
                  exclude: Teacher | None) -> Teacher:
    """The teacher of the speciality with no class of it yet, else the one with most room."""
    eligible = [t for t in candidates if t is not exclude]
    return min(eligible, key=lambda t: (t.load.get(spec, 0) > 0,
                                        -(t.caps[spec] - t.load.get(spec, 0) - hours)))


def _allocate(demo: DemoSchool, staff: Staffroom) -> dict[tuple[int, str, int], Teacher]:
    """(class id, speciality, group index) → teacher; group index 0 for a whole class."""
    units: dict[tuple[int, str, int], int] = defaultdict(int)
    for school_class in demo.classes:
        for spec in SUBJECTS:
            hours = spec.hours_in(school_class.grade)
            if not hours:
                continue
            kind = speciality(spec.code, school_class.grade)
            groups = range(1, 3) if is_split(spec.code, school_class.grade) else range(1)
            for group in groups:
                units[(school_class.pk, kind, group)] += hours

    grade_of = {c.pk: c.grade for c in demo.classes}
    first_of_grade = {g: demo.first_class_of(g).pk for g in set(grade_of.values())}
    chosen: dict[tuple[int, str, int], Teacher] = {}
    for teacher in staff.teachers:
        for spec, grade in teacher.pins:
            class_id = first_of_grade.get(grade)
            for key in ((class_id, spec, 0), (class_id, spec, 1)):
                if key in units:
                    chosen[key] = teacher

    by_spec: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in staff.teachers:
        for spec in teacher.caps:
            by_spec[spec].append(teacher)
    for key, hours in units.items():
        class_id, spec, group = key
        if spec == "primary":
            chosen[key] = staff.primary_teacher_of[class_id]
        elif key not in chosen:
            other_group = chosen.get((class_id, spec, 3 - group)) if group else None
            chosen[key] = _pick_teacher(by_spec[spec], spec, hours, other_group)
        teacher = chosen[key]
        teacher.load[spec] = teacher.load.get(spec, 0) + hours
    return chosen


def _split(school_class: SchoolClass, subject_code: str, students, sex_of: dict[int, str]):
    """Two groups: by sex for labour lessons, by the class list's halves for languages."""
    if subject_code == "trud":
        return ([s.pk for s in students if sex_of[s.pk] == "m"],
                [s.pk for s in students if sex_of[s.pk] == "f"])
    half = (len(students) + 1) // 2
    return [s.pk for s in students[:half]], [s.pk for s in students[half:]]


def _choose_class_teachers(demo: DemoSchool, staff: Staffroom,
                           by_class: dict[int, list[Journal]]) -> None:
    leading: set[int] = set()
    first_of_grade = {c.grade: c for c in reversed(demo.classes)}
    for teacher in staff.teachers:
        if teacher.leads_grade in first_of_grade:
            first_of_grade[teacher.leads_grade].class_teacher = teacher.user
            leading.add(id(teacher))
    for school_class in demo.classes:
        if school_class.class_teacher is not None:
            continue
        if school_class.pk in staff.primary_teacher_of:
            school_class.class_teacher = staff.primary_teacher_of[school_class.pk].user
            continue
        hours: dict[int, int] = defaultdict(int)
        teachers = {}
        for journal in by_class[school_class.pk]:
            hours[id(journal.teacher)] += journal.hours
            teachers[id(journal.teacher)] = journal.teacher
        ranked = sorted(teachers, key=lambda k: -hours[k])
        for key in ranked:
            teacher = teachers[key]
            if teacher.may_lead_class and key not in leading:
                school_class.class_teacher = teacher.user
                leading.add(key)
                break
    SchoolClass.objects.bulk_update(demo.classes, ["class_teacher"])


def assign_teaching(demo: DemoSchool, staff: Staffroom, pupils: Pupils) -> Staffing:
    chosen = _allocate(demo, staff)
    sex_of = {s.pk: s.sex for students in pupils.by_class.values() for s in students}

    subgroups: list[tuple[Subgroup, list[int]]] = []
    plans: list[tuple[SchoolClass, str, int, int, Subgroup | None, list[int]]] = []
    for school_class in demo.classes:
        students = pupils.by_class[school_class.pk]
        for spec in SUBJECTS:
            hours = spec.hours_in(school_class.grade)
            if not hours:
                continue
            if is_split(spec.code, school_class.grade):
                for group, members in enumerate(_split(school_class, spec.code, students,
                                                       sex_of), start=1):
                    subgroup = Subgroup(school_class=school_class,
                                        subject=demo.subjects[spec.code],
                                        name=GROUP_NAMES[group - 1])
                    subgroups.append((subgroup, members))
                    plans.append((school_class, spec.code, hours, group, subgroup, members))
            else:
                plans.append((school_class, spec.code, hours, 0, None,
                              [s.pk for s in students]))

    Subgroup.objects.bulk_create([s for s, _ in subgroups])
    Membership = Subgroup.students.through
    Membership.objects.bulk_create(
        [Membership(subgroup_id=s.pk, student_id=pk) for s, members in subgroups
         for pk in members], batch_size=2000)

    journals = []
    for school_class, code, hours, group, subgroup, members in plans:
        teacher = chosen[(school_class.pk, speciality(code, school_class.grade), group)]
        assignment = TeachingAssignment(year=demo.year, teacher=teacher.user,
                                        subject=demo.subjects[code], school_class=school_class,
                                        subgroup=subgroup)
        journals.append(Journal(assignment, code, teacher, members, hours))
    TeachingAssignment.objects.bulk_create([j.assignment for j in journals], batch_size=1000)

    by_class: dict[int, list[Journal]] = defaultdict(list)
    for journal in journals:
        by_class[journal.assignment.school_class_id].append(journal)
    _choose_class_teachers(demo, staff, by_class)

    for journal in journals:
        sync_journal_rights(journal.assignment)
    for school_class in demo.classes:
        sync_class_rights(school_class)
    return Staffing(journals=journals, by_class=dict(by_class))
