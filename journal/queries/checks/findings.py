"""What the check counts: each finding's key, its name and what it is counted in.

The keys are stored in the kept figures (`JournalCheck.figures`) and in a remark made from a
finding (`Remark.finding`), so a key, once used, keeps its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

STUDENTS = "обучающийся,обучающихся,обучающихся"
LESSONS = "урок,урока,уроков"
JOURNALS = "журнал,журнала,журналов"


@dataclass(frozen=True)
class Finding:
    key: str
    label: str        # what is wrong, as the page and the справка name it
    units: str        # what it is counted in, for `plural_ru` (diary_tags): LESSONS
    period_only: bool = False   # looked for at a study period's end only
    per_row: bool = True        # the count is of the rows behind it (not of hours)

    @property
    def of_journal(self) -> bool:
        """Said of the journal as a whole (no plan, no written work): counted once in it."""
        return self.units == JOURNALS


FINDINGS: tuple[Finding, ...] = (
    Finding("no_topic", "Уроки без темы", LESSONS),
    Finding("not_held", "Уроки не отмечены проведёнными", LESSONS),
    Finding("no_homework", "Домашнее задание не записано", LESSONS),
    Finding("homework_none", "Домашнее задание «не задано»", LESSONS),
    Finding("late", "Записи позже срока", "запись,записи,записей"),
    Finding("no_marks", "Обучающиеся без отметок", STUDENTS),
    Finding("one_mark", "Обучающиеся с одной отметкой", STUDENTS),
    Finding("few_marks", "Меньше отметок, чем нужно для отметки за период", STUDENTS),
    Finding("term_missing", "Нет отметки за период после срока", STUDENTS),
    Finding("term_objectivity", "Отметка за период расходится с рекомендуемой на балл и более",
            "отметка,отметки,отметок"),
    Finding("behind_plan", "Отставание от КТП", "час,часа,часов", per_row=False),
    Finding("no_plan", "КТП не заполнено", JOURNALS),
    Finding("no_written", "Нет контрольных и письменных работ", JOURNALS, period_only=True),
    Finding("substitution_no_reason", "Замена без причины", LESSONS),
    Finding("unrecorded_substitution", "Урок записан другим учителем без оформленной замены",
            LESSONS),
)
BY_KEY = {finding.key: finding for finding in FINDINGS}
KEYS = tuple(BY_KEY)
