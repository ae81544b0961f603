"""The «Журналы» list: the current year's journals a person may open, narrowed by class,
teacher, subject and a search by name, and what the filters offer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.queries.search import case_variants
from journal.models import SchoolClass, Subject, TeachingAssignment
from journal.permissions import assignments_readable_by

SEARCH_LENGTH = 100
# «5А», «5 а», «10-Б»: a class named in the search.
_CLASS_NAME = re.compile(r"(\d{1,2})\s*-?\s*([А-ЯЁа-яё])(?![А-ЯЁа-яё])")


@dataclass(frozen=True)
class JournalFilter:
    """What the list is narrowed to: ids from the filter's lists and the search words."""

    school_class: int | None = None
    teacher: int | None = None
    subject: int | None = None
    search: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> JournalFilter:
        def number(name: str) -> int | None:
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) < 10 else None

        search = " ".join((params.get("q") or "").split())[:SEARCH_LENGTH]
        return cls(number("class"), number("teacher"), number("subject"), search)

    @property
    def is_set(self) -> bool:
        return bool(self.school_class or self.teacher or self.subject or self.search)


def current_journals(user) -> QuerySet[TeachingAssignment]:
    """The journals of the current year the user may open."""
    return assignments_readable_by(user).filter(year__is_current=True)


def _word_matches(word: str) -> Q:
    """A journal matches a search word by its teacher's surname, its subject or its class."""
    class_name = _CLASS_NAME.fullmatch(word)
    if class_name:
        grade, letter = class_name.groups()
        return Q(school_class__grade=int(grade),
                 school_class__letter__in=[letter.upper(), letter.lower()])
    if word.isdigit():
        return Q(school_class__grade=int(word)) if len(word) <= 2 else Q(pk__in=[])
    matches = Q()
    for variant in case_variants(word):
        matches |= (Q(teacher__last_name__icontains=variant)
                    | Q(subject__name__icontains=variant)
                    | Q(subject__short_name__icontains=variant))
    return matches


def search_words(search: str) -> list[str]:
    """The search split into words, a class name («5 А») kept as one."""
    return _CLASS_NAME.sub(lambda m: f"{m[1]}{m[2]}", search).split()


def filtered(journals: QuerySet[TeachingAssignment], wanted: JournalFilter
             ) -> QuerySet[TeachingAssignment]:
    if wanted.school_class:
        journals = journals.filter(school_class_id=wanted.school_class)
    if wanted.teacher:
        journals = journals.filter(teacher_id=wanted.teacher)
    if wanted.subject:
        journals = journals.filter(subject_id=wanted.subject)
    for word in search_words(wanted.search):
        journals = journals.filter(_word_matches(word))
    return journals


def listed(journals: QuerySet[TeachingAssignment]) -> QuerySet[TeachingAssignment]:
    """In class order, then the subject's order in the school's lists: one query."""
    return (journals.select_related("school_class__class_teacher", "subject", "subgroup",
                                    "teacher")
            .order_by("school_class__grade", "school_class__letter", "subject__order",
                      "subject__name", "subgroup__name", "pk"))


@dataclass(frozen=True)
class ClassGroup:
    school_class: SchoolClass
    journals: list[TeachingAssignment]


def by_class(journals) -> list[ClassGroup]:
    """Listed journals grouped by class, in the order they come."""
    return [ClassGroup(school_class, list(rows))
            for school_class, rows in groupby(journals, key=lambda a: a.school_class)]


@dataclass(frozen=True)
class FilterChoices:
    classes: list[SchoolClass]
    teachers: list[User]
    subjects: list[Subject]


def filter_choices(journals: QuerySet[TeachingAssignment]) -> FilterChoices:
    """The classes, teachers and subjects of the given journals, for the filter's lists:
    three queries."""
    ids = journals.values("pk")
    return FilterChoices(
        classes=list(SchoolClass.objects.filter(assignments__in=ids).distinct()
                     .order_by("grade", "letter")),
        teachers=list(User.objects.filter(assignments__in=ids).distinct()
                      .order_by("last_name", "first_name", "patronymic", "pk")),
        subjects=list(Subject.objects.filter(assignments__in=ids).distinct()
                      .order_by("order", "name")),
    )
