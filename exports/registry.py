"""The reports' registry (the pattern of pretix's exporters). A report is one class: its key,
title and short description, who may run it (`audiences`) and for which scopes, its own form
fields, and `table(params)`, the `Table` it makes. `exports.render` turns any Table into the
screen, XLSX, CSV or PDF; `exports.forms` asks the scope and the span; `exports.access` says
who is which audience. A module of `exports/reports/` with a `@register`ed class is all a new
report needs:

    @register
    class ClassSizes(Exporter):
        key = "class_sizes"
        title = "Наполняемость классов"
        description = "Сколько обучающихся было в начале и в конце, кто прибыл и выбыл."

        def table(self, params: Params) -> Table:
            return class_sizes(params.scope, params.span)
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from exports.table import Scope, Span, Table

# Who runs a report; `exports.access` decides who is which.
TEACHER = "teacher"              # for the classes they teach: their own journals only
CLASS_TEACHER = "class_teacher"  # for the class they lead
CHECKER = "checker"              # deputy director, director: any class, grade or the school
EVERYONE = frozenset({TEACHER, CLASS_TEACHER, CHECKER})

# What a report is run for.
CLASS, GRADE, SCHOOL = "class", "grade", "school"
SCOPE_LABELS = {CLASS: "Класс", GRADE: "Параллель", SCHOOL: "Вся школа"}

# How it is given.
SCREEN, XLSX, CSV, PDF = "screen", "xlsx", "csv", "pdf"
FILE_FORMATS = (XLSX, CSV, PDF)


@dataclass(frozen=True)
class Params:
    """What a report is asked for: checked by `exports.forms.ReportForm`, rights included."""

    scope: Scope
    span: Span
    options: dict = field(default_factory=dict)  # the report's own fields, cleaned
    # None: every journal of the scope. Else only these: a teacher's own journals in a class
    # they teach (a report that offers itself to TEACHER must keep to them).
    journals: QuerySet | None = None

    @property
    def scope_kind(self) -> str:
        if self.scope.school_class is not None:
            return CLASS
        return GRADE if self.scope.grade is not None else SCHOOL


class CountedRows:
    """Rows produced as they are written, that know beforehand how many there will be: the
    background run's progress bar counts against it."""

    def __init__(self, count: int, rows: Iterable[list]):
        self.count = count
        self.rows = rows

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[list]:
        return iter(self.rows)


class Exporter:
    key: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    audiences: ClassVar[frozenset[str]] = frozenset({CLASS_TEACHER, CHECKER})
    scopes: ClassVar[tuple[str, ...]] = (CLASS, GRADE, SCHOOL)
    # The report's own fields (name → form field), after the scope and the span. Their cleaned
    # values arrive in `params.options` and must survive JSON (strings, numbers, booleans).
    fields: ClassVar[dict[str, forms.Field]] = {}
    order: ClassVar[int] = 100  # place in the list of reports

    def table(self, params: Params) -> Table:
        raise NotImplementedError

    def runs_in_background(self, params: Params, file_format: str) -> bool:
        """Files expected to take more than about a second: any PDF, and the whole school."""
        return file_format == PDF or params.scope_kind == SCHOOL


REGISTRY: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    known = REGISTRY.get(cls.key)
    if known is not None and known.__qualname__ != cls.__qualname__:
        raise ImproperlyConfigured(f"Two reports share the key {cls.key!r}: {known} and {cls}")
    REGISTRY[cls.key] = cls
    return cls


@cache
def _load_reports() -> None:
    """Imports every module of `exports.reports`, so that their classes register."""
    import exports.reports

    for module in pkgutil.iter_modules(exports.reports.__path__):
        importlib.import_module(f"exports.reports.{module.name}")


def exporters() -> list[Exporter]:
    _load_reports()
    return [cls() for cls in sorted(REGISTRY.values(), key=lambda c: (c.order, c.title))]


def exporter_of(key: str) -> Exporter | None:
    _load_reports()
    cls = REGISTRY.get(key)
    return cls() if cls is not None else None
