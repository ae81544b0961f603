"""The school's current year and which class each student (and each parent's child) is in."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from journal.models import AcademicYear, Enrolment, School


def current_year(school: School) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, is_current=True).first()


def class_label(grade: int, letter: str) -> str:
    return f"{grade}{letter}"


def class_names_by_user(year: AcademicYear | None, day: dt.date,
                        user_ids: Iterable[int] | None = None) -> dict[int, str]:
    """«5А» for a student in 5А on `day`, «1А, 5А» for a parent of children in both: two
    queries, for the given users or (None) for the whole school."""
    if year is None:
        return {}
    enrolled = Enrolment.objects.active_on(day).filter(school_class__year=year)
    ids = None if user_ids is None else set(user_ids)
    students = enrolled if ids is None else enrolled.filter(student__user_id__in=ids)
    parents = enrolled.filter(student__parent_links__isnull=False)
    if ids is not None:
        parents = enrolled.filter(student__parent_links__parent__user_id__in=ids)
    found: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for user_id, grade, letter in students.values_list(
            "student__user_id", "school_class__grade", "school_class__letter"):
        found[user_id].add((grade, letter))
    for user_id, grade, letter in parents.values_list(
            "student__parent_links__parent__user_id", "school_class__grade",
            "school_class__letter"):
        found[user_id].add((grade, letter))
    return {user_id: ", ".join(class_label(grade, letter) for grade, letter in sorted(classes))
            for user_id, classes in found.items()}
