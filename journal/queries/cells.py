"""A grid cell: one student on one lesson, with its marks and absence. The journal page draws
it, the cell save writes it, the cell detail shows it: one `Cell` for all three."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from journal.models import Absence, Lesson, Mark
from journal.rules import cell_text


def cell_version(marks: Iterable[Mark], absence: Absence | None) -> str:
    """A cell's version: changes whenever any of its rows is created, changed or deleted.
    "" is an empty cell. The grid keeps it and sends it back with the next save."""
    parts = [f"m{m.pk}.{m.version}" for m in sorted(marks, key=lambda m: m.pk)]
    if absence is not None:
        parts.append(f"a{absence.pk}.{absence.version}")
    return " ".join(parts)


@dataclass
class Cell:
    lesson: Lesson
    student_id: int
    marks: list[Mark] = field(default_factory=list)
    absence: Absence | None = None
    enrolled: bool = True      # in the journal on the lesson's day
    future: bool = False       # the lesson has not taken place yet
    today: bool = False        # the lesson is today's: the grid highlights its column
    # Marks a save put over a missed lesson, with their explanation: the parents and the
    # administration are to be told (REQUIREMENTS, "The journal").
    explained: list[Mark] = field(default_factory=list)

    @property
    def text(self) -> str:
        """As the grid shows it and as it can be typed back: "5/4", "н", "5 б", "4 оп10"."""
        absence = self.absence
        return cell_text([m.value for m in self.marks], absence.kind if absence else None,
                         absence.minutes_late if absence else None)

    @property
    def version(self) -> str:
        """What the cell looked like when it was read: a save compares it to refuse
        overwriting someone else's change."""
        return cell_version(self.marks, self.absence)

    @property
    def html(self) -> str:
        """The grid's <td>, built here rather than in the template: a 30 × 60 grid has 1,800
        of them, and the template engine would spend most of the page's time on them."""
        classes = ["cell"]
        if not self.enrolled:
            classes.append("not-enrolled")
        if self.future:
            classes.append("future")
        if self.today:
            classes.append("today")
        if self.absence:
            classes.append("absent")
        notes = " ".join(n for m in self.marks for n in (m.comment, m.over_absence_note) if n)
        title = f' title="{escape(notes)}"' if notes else ""
        return mark_safe(  # noqa: S308 - every value is escaped or a number
            f'<td class="{" ".join(classes)}" tabindex="{0 if self.enrolled else -1}" '
            f'data-lesson="{self.lesson.pk}" data-student="{self.student_id}" '
            f'data-version="{escape(self.version)}" data-testid="cell"{title}>'
            f"{escape(self.text)}</td>")


def load_cell(lesson: Lesson, student_id: int, *, lock: bool = False) -> Cell:
    """The cell as it is in the database; `lock` (inside a transaction) holds its rows until
    the transaction ends."""
    marks = Mark.objects.filter(lesson=lesson, student_id=student_id).order_by("pk")
    absences = Absence.objects.filter(lesson=lesson, student_id=student_id)
    if lock:
        marks, absences = marks.select_for_update(), absences.select_for_update()
    cell = Cell(lesson, student_id, list(marks), absences.first())
    for row in [*cell.marks, cell.absence]:
        if row is not None:
            row.lesson = lesson
    return cell


def load_column(lesson: Lesson) -> list[Cell]:
    """Every cell of a lesson that holds something (two queries)."""
    cells: dict[int, Cell] = {}
    for mark in Mark.objects.filter(lesson=lesson).order_by("pk"):
        mark.lesson = lesson
        cells.setdefault(mark.student_id, Cell(lesson, mark.student_id)).marks.append(mark)
    for absence in Absence.objects.filter(lesson=lesson):
        absence.lesson = lesson
        cells.setdefault(absence.student_id, Cell(lesson, absence.student_id)).absence = absence
    return list(cells.values())
