"""The journal's rules that need no database: what a cell entry means, deadlines, the lock.

Every refusal is a `JournalError` whose message is Russian and is shown to the user as is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

SCALE = ("5", "4", "3", "2", "1")
PASS_FAIL = ("зач", "незач")
NOT_CERTIFIED = "н/а"
MAX_MARKS_PER_CELL = 3
LESSON_MINUTES = 45

# Cell tokens for absences → Absence.Kind values (kept as strings: rules import no models).
ABSENCE_TOKENS = {"н": "absent", "б": "ill", "у": "excused"}
LATE = "late"
ABSENCE_LABELS = {"absent": "н", "ill": "б", "excused": "у", "late": "оп"}
# Absences a mark over which needs an explanation for the parents; a late student was present.
MISSED_LESSON = frozenset({"absent", "ill", "excused"})

_SYNONYMS = {"зачёт": "зач", "зачет": "зач", "незачёт": "незач", "незачет": "незач"}
# Entries in a cell are separated by spaces or by one "/" ("5/4", "5 б"); "оп 10" is one entry.
_SEPARATOR = re.compile(r"\s*/\s*|\s+")
_LATE_WITH_SPACE = re.compile(r"оп\s+(\d+)")
_LATE = re.compile(r"оп(\d*)")
# How much of a refused value a message repeats.
ECHO_LENGTH = 20


def grade_gets_marks(grade: int) -> bool:
    """Grade 1 gets no marks of any kind and no homework section [001 §9.1, 004 §5.5]."""
    return grade > 1


NO_MARKS_IN_GRADE_1 = "В 1 классе отметки не ставятся."
NO_HOMEWORK_IN_GRADE_1 = "В 1 классе домашние задания не задаются."


def echo(value: object) -> str:
    """A value the user typed, quoted for a message and cut to a readable length."""
    text = " ".join(str(value).split())
    if len(text) > ECHO_LENGTH:
        text = text[:ECHO_LENGTH - 1] + "…"
    return f"„{text}“"


class JournalError(Exception):
    """A refused journal write. Nothing was saved; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(JournalError):
    """The user may not make this change (as opposed to a wrong value)."""


class NoAccess(NotAllowed):
    """The user may not even read this journal: pages answer as for a missing one (404)."""


class NeedsExplanation(JournalError):
    """A mark over a missed lesson was given without the explanation the parents are owed."""


class ConflictError(JournalError):
    """Someone changed the record since the user loaded it; nothing was saved.

    `current` is the record as it is now (a `Cell` for grid cells, the model instance for other
    records, None when it was deleted) and `version` its current version, so the page can show
    the current value and let the user decide.
    """

    def __init__(self, message: str, *, current: Any = None, version: Any = None):
        super().__init__(message)
        self.current = current
        self.version = version


@dataclass(frozen=True)
class CellEntry:
    """What was typed into one grid cell (one student, one lesson)."""

    marks: tuple[str, ...] = ()
    absence: str | None = None
    minutes_late: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.marks and self.absence is None


def allowed_entries(*, elective: bool = False) -> str:
    marks = [*SCALE, *PASS_FAIL] if elective else list(SCALE)
    return ", ".join([*marks, "н", "б", "у", "оп"])


def _refuse_special(token: str) -> None:
    if token.rstrip(".") == "осв":
        raise JournalError("„осв.“ ставить нельзя: обучающиеся специальной медицинской группы "
                           "оцениваются по теоретическому материалу.")
    if token in (NOT_CERTIFIED, "на"):
        raise JournalError("„н/а“ ставится только итоговой отметкой за период, а не на уроке.")


def check_mark_value(value: str | int, *, elective: bool = False) -> str:
    """The value as stored, if it is on the school's scale for this subject."""
    token = str(value).strip().lower()
    token = _SYNONYMS.get(token, token)
    _refuse_special(token)
    if token in SCALE:
        return token
    if token in PASS_FAIL:
        if elective:
            return token
        raise JournalError(f"„{token}“ ставится только на элективных курсах (зачёт/незачёт). "
                           f"Допустимы {allowed_entries()}.")
    raise JournalError(f"{echo(value)} — такой отметки нет в шкале школы: допустимы "
                       f"{allowed_entries(elective=elective)}.")


def parse_cell(text: str, *, elective: bool = False,
               lesson_minutes: int = LESSON_MINUTES) -> CellEntry:
    """Read what a teacher typed into a cell: "5", "5 4" or "5/4" (two marks for one lesson),
    "н", "б", "у", "оп" or "оп10" / "оп 10" (late, minutes), marks with an absence ("5 б",
    "4 оп"), or "" (clear).
    """
    text = text.strip().lower()
    _refuse_special(text)
    marks: list[str] = []
    absence: str | None = None
    minutes: int | None = None
    tokens = _SEPARATOR.split(_LATE_WITH_SPACE.sub(r"оп\1", text)) if text else []
    if "" in tokens:
        raise JournalError(f"Запись {echo(text)} не закончена или в ней лишний знак: "
                           f"отметки разделяются пробелом или одной «/», например 5/4.")
    for token in tokens:
        late = _LATE.fullmatch(token)
        if token in ABSENCE_TOKENS or late:
            if absence is not None:
                raise JournalError("В клетке может быть только один пропуск или опоздание.")
            if late:
                absence = LATE
                if late.group(1):
                    minutes = int(late.group(1))
                    if not 1 <= minutes <= lesson_minutes:
                        raise JournalError(f"Опоздание — от 1 до {lesson_minutes} минут, "
                                           f"а указано {minutes}. Если ученика не было, "
                                           f"поставьте «н».")
            else:
                absence = ABSENCE_TOKENS[token]
            continue
        marks.append(check_mark_value(token, elective=elective))
    if len(marks) > MAX_MARKS_PER_CELL:
        raise JournalError(f"В одной клетке — не больше {MAX_MARKS_PER_CELL} отметок за урок.")
    return CellEntry(marks=tuple(marks), absence=absence, minutes_late=minutes)


def parse_final_mark(text: str, *, elective: bool = False) -> str:
    """A term, year, exam or final mark: the scale, «н/а» (not certified), pass/fail for
    electives; "" clears."""
    token = text.strip().lower()
    if token in ("", NOT_CERTIFIED, "на"):
        return NOT_CERTIFIED if token else ""
    try:
        return check_mark_value(token, elective=elective)
    except JournalError:
        marks = [*SCALE, *PASS_FAIL] if elective else list(SCALE)
        raise JournalError(f"{echo(text.strip())} — такой итоговой отметки нет: допустимы "
                           f"{', '.join(marks)}, н/а.") from None


def cell_text(marks: list[str] | tuple[str, ...], absence: str | None = None,
              minutes_late: int | None = None) -> str:
    """How a cell reads in the grid ("5/4", "н", "5 б", "4 оп10"); `parse_cell` reads it back
    to the same entry."""
    parts = ["/".join(marks)] if marks else []
    if absence:
        label = ABSENCE_LABELS[absence]
        parts.append(f"{label}{minutes_late}" if absence == LATE and minutes_late else label)
    return " ".join(parts)


# Deadlines: each record is due a number of days (a school setting) after its date. Late entries
# are accepted and flagged with how many days late they are.

def homework_text(lesson) -> str:
    """A lesson's homework as documents print it: its text, «не задано», or nothing."""
    homework = getattr(lesson, "homework", None)  # a reverse one-to-one: missing raises
    if homework is None:
        return ""
    return "не задано" if homework.is_none else homework.text


def homework_deadline(school, day: dt.date, due: dt.date | None,
                      classes_end: dt.time | None) -> dt.datetime:
    """Homework: on the day of the lesson (or the school's grace days); set the day before it
    is due, within the school's hours after the class's last lesson that day [003 §2.2.2].
    A naive local date-time: compare it with `timezone.localtime()` made naive."""
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=school.homework_entry_days),
                                     dt.time.max)
    if due is not None and due - day == dt.timedelta(days=1) and classes_end is not None:
        after_classes = dt.datetime.combine(day, classes_end) + dt.timedelta(
            hours=school.homework_hours_after_classes)
        return min(end_of_day, after_classes)
    return end_of_day


def days_late_at(deadline: dt.datetime, now: dt.datetime) -> int:
    """Whole days past a deadline, any part of a day counting as one."""
    if now <= deadline:
        return 0
    return max(1, -(-(now - deadline) // dt.timedelta(days=1)))


def lesson_record_deadline(school, day: dt.date) -> dt.date:
    """Topic, held flag, absences and homework: on the day, or the school's grace days."""
    return day + dt.timedelta(days=school.lesson_entry_days)


def mark_deadline(school, day: dt.date, *, written: bool) -> dt.date:
    days = school.written_mark_days if written else school.mark_entry_days
    return day + dt.timedelta(days=days)


def term_mark_deadline(school, period_end: dt.date) -> dt.date:
    return period_end + dt.timedelta(days=school.term_mark_days)


def days_late(deadline: dt.date, today: dt.date) -> int:
    return max(0, (today - deadline).days)


def is_locked(school, day: dt.date, today: dt.date) -> bool:
    """Whether a lesson's cells are closed (the optional lock after `lock_after_days`)."""
    return school.lock_after_days is not None and (today - day).days > school.lock_after_days


def locked_message(school, day: dt.date) -> str:
    return (f"Записи за {day:%d.%m.%Y} закрыты: прошло больше {school.lock_after_days} дн. "
            f"после урока. Исправить их может заместитель директора по УВР.")
