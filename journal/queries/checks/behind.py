"""What each general figure of the check counts, and the list behind it: the journals with
their part of it (and one journal's lessons), the teachers, or the classes' families.

Every figure is read from the totals of the figures (`summary.totals`), so the same definition
serves the live page, a kept check and the справка.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from journal.models import Lesson
from journal.queries.checks.book import lesson_label, page_link
from journal.queries.checks.span import CheckSpan
from journal.queries.checks.summary import share

JOURNALS, TEACHERS, FAMILIES = "journals", "teachers", "families"


@dataclass(frozen=True)
class Column:
    """A number of each journal listed behind a figure."""

    header: str
    read: Callable[[dict], int]       # of a journal's figures (`JournalBook.as_json`)
    lessons: str = ""                 # the figure whose lessons of the journal it links to
    finding: str = ""                 # the finding whose rows on the check page it links to


@dataclass(frozen=True)
class GeneralFigure:
    key: str
    label: str
    read: Callable[[dict], int | None]   # of the totals
    lists: str = JOURNALS                # what is listed behind it
    columns: tuple[Column, ...] = ()     # for journals: a share's whole, then its part
    percent: bool = False
    lessons: Q | None = None             # a journal's lessons it counts (None: not lessons)

    @property
    def title(self) -> str:
        """The label without its unit: «Родителей, открывавших дневник» (then «: 40 %»)."""
        return self.label.removesuffix(", %")

    @property
    def listed_journals(self) -> Callable[[dict], bool]:
        """Journals listed behind it: all for a count of journals or lessons, else those it
        counts something in."""
        if self.key in ("journals", "lessons"):
            return lambda journal: True
        return lambda journal: bool(self.columns[0].read(journal))


def _lessons(journal: dict) -> int:
    return journal["lessons"]


def _found(key: str) -> Callable[[dict], int]:
    return lambda journal: journal["counts"].get(key, 0)


LESSONS = Column("Прошедших уроков", _lessons, lessons="lessons")
STUDENTS = Column("Обучающихся", lambda j: j["students"])

GENERAL_FIGURES: tuple[GeneralFigure, ...] = (
    GeneralFigure("journals", "Журналов", lambda t: t["journals"], columns=(LESSONS, STUDENTS)),
    GeneralFigure("lessons", "Прошедших уроков", lambda t: t["lessons"], columns=(LESSONS,),
                  lessons=Q()),
    GeneralFigure("topics", "Темы уроков записаны, %", lambda t: t["shares"]["topics"],
                  columns=(Column("Прошедших уроков", _lessons, lessons="topics"),
                           Column("С темой", lambda j: j["lessons"] - _found("no_topic")(j))),
                  percent=True, lessons=Q()),
    GeneralFigure("homework", "Домашнее задание записано, %", lambda t: t["shares"]["homework"],
                  columns=(Column("Уроков с домашним заданием по программе",
                                  lambda j: j["homework_lessons"], lessons="homework"),
                           Column("Записано", lambda j: j["homework_lessons"]
                                  - _found("no_homework")(j))),
                  percent=True, lessons=Q()),
    GeneralFigure("students", "Обучающихся в журналах (по журналам)", lambda t: t["students"],
                  columns=(STUDENTS,)),
    GeneralFigure("no_marks", "Без отметок, %", lambda t: t["shares"]["no_marks"],
                  columns=(STUDENTS, Column("Без отметок", _found("no_marks"),
                                            finding="no_marks")), percent=True),
    GeneralFigure("one_mark", "С одной отметкой, %", lambda t: t["shares"]["one_mark"],
                  columns=(STUDENTS, Column("С одной отметкой", _found("one_mark"),
                                            finding="one_mark")), percent=True),
    GeneralFigure("written", "Контрольных и письменных работ", lambda t: t["written"],
                  columns=(Column("Контрольных и письменных работ", lambda j: j["written"],
                                  lessons="written"),),
                  lessons=Q(assessment_type__is_written=True)),
    GeneralFigure("substitutions", "Уроков с заменой", lambda t: t["substitutions"],
                  columns=(Column("Уроков с заменой", lambda j: j["substitutions"],
                                  lessons="substitutions"),),
                  lessons=Q(substitute__isnull=False)),
    GeneralFigure("teachers", "Учителей, делавших записи в журнале, %",
                  lambda t: t["shares"]["teachers"], lists=TEACHERS, percent=True),
    GeneralFigure("diary_students", "Обучающихся, открывавших дневник, %",
                  lambda t: t["shares"]["students"], lists=FAMILIES, percent=True),
    GeneralFigure("diary_parents", "Родителей, открывавших дневник, %",
                  lambda t: t["shares"]["parents"], lists=FAMILIES, percent=True),
)
BY_KEY = {figure.key: figure for figure in GENERAL_FIGURES}


@dataclass(frozen=True)
class JournalLine:
    """A journal listed behind a figure, with its numbers and where each of them leads."""

    journal: dict
    numbers: list[tuple[str, int, str]]     # (header, number, link or "")
    percent: int | None = None


def journal_lines(figure: GeneralFigure, journals: list[dict],
                  lessons_link: Callable[[str, dict], str],
                  finding_link: Callable[[str, dict], str]) -> list[JournalLine]:
    """The journals behind a figure of journals, each number linked to the journal's lessons
    behind it (`lessons_link(figure key, journal)`) or to the check page's rows of a finding
    of the journal (`finding_link(finding key, journal)`)."""
    lines = []
    for journal in filter(figure.listed_journals, journals):
        numbers = []
        for column in figure.columns:
            value = column.read(journal)
            link = ""
            if value and column.lessons:
                link = lessons_link(column.lessons, journal)
            elif value and column.finding:
                link = finding_link(column.finding, journal)
            numbers.append((column.header, value, link))
        percent = share(numbers[1][1], numbers[0][1]) if figure.percent else None
        lines.append(JournalLine(journal, numbers, percent))
    return lines


def journal_lessons(figure: GeneralFigure, journal_id: int, span: CheckSpan, as_of: dt.date
                    ) -> list[dict]:
    """The journal's lessons of the span up to the day looked at that the figure counts, as
    `lessons.lesson_findings` counts them."""
    rows = (Lesson.objects.filter(figure.lessons, assignment_id=journal_id, date__gte=span.first,
                                  date__lte=as_of)
            .order_by("date", "number", "pk")
            .values("pk", "date", "number", "topic", "is_held", "homework__text",
                    "homework__is_none", "homework__pk", "assessment_type__name",
                    "assessment_type__is_written", "substitute__last_name",
                    "substitute__first_name", "substitute_reason"))
    return [{**row, "label": lesson_label(row["date"], row["number"]),
             "link": page_link("journal:lesson", row["pk"])} for row in rows]
