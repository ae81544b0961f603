"""What a report is made of, whatever it is shown as (a page, XLSX, CSV, PDF): typed columns and
rows of values, for a scope (the school, a grade or a class) and a span of dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from journal.models import School, SchoolClass, StudyPeriod


class Kind(Enum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # two places, shown with a comma
    PERCENT = "percent"  # a number of per cent, one place
    DATE = "date"
    DATETIME = "datetime"
    MARK = "mark"  # a mark: a whole number where it is one («5»), else its text («н/а», «осв»)


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    width: int = 12  # characters: the XLSX column's width and the PDF's proportion


@dataclass
class Table:
    """A report's content. Values are typed as their columns say; None is shown as «—» (a
    figure that cannot be computed, such as a rate over no students)."""

    title: str
    columns: list[Column]
    rows: Iterable[list]
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)  # formulas and definitions under the table
    landscape: bool = False


@dataclass(frozen=True)
class Scope:
    """Whose data: the whole school, one grade (parallel) or one class."""

    school: School
    grade: int | None = None
    school_class: SchoolClass | None = None

    @property
    def label(self) -> str:
        if self.school_class is not None:
            return f"{self.school_class} класс"
        if self.grade is not None:
            return f"{self.grade}-е классы"
        return "вся школа"


@dataclass(frozen=True)
class Span:
    """Which dates: a study period's, or any from–to within one academic year."""

    starts_on: dt.date
    ends_on: dt.date
    period: StudyPeriod | None = None

    @property
    def label(self) -> str:
        dates = f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"
        return f"{self.period}, {dates}" if self.period is not None else dates
