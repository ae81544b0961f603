"""A journal as a document: the closed year's PDF for the archive, and the certified copy
(«Копия верна») printed on demand during the year, as a print view and as a PDF. One template
(templates/archive/journal.html) and one stylesheet (static/css/journal-document.css) for both.

The sections: a title page; the lessons (date, topic, homework, held, who taught them); the
marks grid of each study period, cut into parts of at most `GRID_COLUMNS` lessons so that a part
fits A4 landscape; absences per period; term, year, exam and final marks; the corrections made
after the fact; the signatures.

Built for a whole school's archive: a fixed number of queries per journal, every table row built
here as HTML (the template engine only places the tables), and plain CSS. The same data gives
the same text: nothing reads the clock (a certified copy carries its own moment), and
everything is ordered to the last tie, by id.

A correction after the fact (`corrections`) is a change or a deletion of a value already
written — a mark, an absence, the record of a lesson, its homework — made on a later day (local
time) than the lesson's; for a term, year, exam or final mark, on a later day than the mark was
first set. Filling in what was empty (a topic written the next day) is a late entry, not a
correction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML

from accounts.models import Student, User
from accounts.pdf import BASE_URL, print_stylesheets
from exports.year_workbooks import journal_title
from journal.models import (
    Absence,
    AssessmentType,
    ChangeRecord,
    FinalMark,
    Lesson,
    Mark,
    StudyPeriod,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.history import describe_values
from journal.models.rights import CO_KEEP_JOURNAL
from journal.queries.grid import periods_for
from journal.queries.students import journal_enrolments
from journal.rules import ABSENCE_LABELS, MISSED_LESSON, cell_text, homework_text

TEMPLATE = "archive/journal.html"
PDF_LAYOUT = "archive/journal/_pdf.html"
STYLESHEET = "css/journal-document.css"
# Lesson columns of one part of a period's grid: with the name and the term mark, a part
# fills the width of A4 landscape.
GRID_COLUMNS = 25
ABSENCE_KINDS = ("absent", "ill", "excused", "late")
FINAL_KINDS = ((FinalMark.Kind.YEAR, "Год"), (FinalMark.Kind.EXAM, "Экзамен"),
               (FinalMark.Kind.FINAL, "Итоговая"))


@dataclass(frozen=True)
class Certification:
    """«Копия верна»: who printed the copy and when."""

    printed_by: str
    printed_at: dt.datetime

    @property
    def text(self) -> str:
        moment = timezone.localtime(self.printed_at)
        return f"Копия верна. Распечатал(а): {self.printed_by}, {moment:%d.%m.%Y %H:%M}"

    @property
    def day(self) -> dt.date:
        return timezone.localdate(self.printed_at)


# Tables ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    title: str
    width: str = ""      # a width class of the stylesheet: n, date, name, wide…
    left: bool = False   # text aligned left (names, topics)


@dataclass
class Table:
    """A table of the document. A cell None is shaded: the student was not in the journal on
    that lesson's day. `groups` (title, span) head the columns in a row above theirs; a group
    with no title leaves its column's own head standing through both rows. A table of narrow
    columns of fixed widths (`filler`) ends in a blank column that takes the rest of the page's
    width, so that a few lessons do not stretch across the whole page."""

    columns: list[Column]
    rows: list[list[str | None]]
    groups: list[tuple[str, int]] = field(default_factory=list)
    css: str = ""
    filler: bool = False

    @property
    def html(self) -> SafeString:
        classes = [(' class="l"' if column.left else "") for column in self.columns]
        end = '<td class="f"></td>' if self.filler else ""
        body = []
        for row in self.rows:
            cells = "".join('<td class="o"></td>' if value is None
                            else f"<td{css}>{escape(value, quote=False)}</td>"
                            for value, css in zip(row, classes, strict=True))
            body.append(f"<tr>{cells}{end}</tr>")
        css = f' class="{self.css}"' if self.css else ""
        return mark_safe(  # noqa: S308 - every value is escaped
            f"<table{css}><thead>{self._head()}</thead><tbody>{''.join(body)}</tbody></table>")

    def _head(self) -> str:
        def th(column: Column, extra: str = "") -> str:
            css = f' class="{column.width}"' if column.width else ""
            return f"<th{css}{extra}>{escape(column.title, quote=False)}</th>"

        if not self.groups:
            end = '<th class="f"></th>' if self.filler else ""
            return "<tr>" + "".join(th(column) for column in self.columns) + end + "</tr>"
        top, bottom, index = [], [], 0
        for title, span in self.groups:
            columns = self.columns[index:index + span]
            index += span
            if not title:
                top.extend(th(column, ' rowspan="2"') for column in columns)
            else:
                top.append(f'<th colspan="{span}">{escape(title, quote=False)}</th>')
                bottom.extend(th(column) for column in columns)
        if self.filler:
            top.append('<th class="f" rowspan="2"></th>')
        return f"<tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr>"


@dataclass
class GridPart:
    caption: str
    table: Table


@dataclass
class GridBlock:
    """The marks grid of one study period (or of the lessons outside every period)."""

    title: str
    parts: list[GridPart]


@dataclass
class JournalDocument:
    school: str
    year: str
    class_name: str
    subject: str
    teacher: str
    second_teachers: list[str]
    class_teacher: str
    lesson_count: int
    held_count: int
    marks_allowed: bool
    as_of: dt.date | None      # a copy during the year: the lessons up to this day
    lessons: Table
    grids: list[GridBlock]
    absences: Table
    finals: Table | None
    corrections: Table

    @property
    def caption(self) -> str:
        """Heads every page of the PDF."""
        return f"{self.class_name} класс · {self.subject} · {self.year} учебный год"


# Reading the journal -----------------------------------------------------------------------

@dataclass
class _Student:
    id: int
    name: str
    sex: str
    spans: list[tuple[dt.date, dt.date | None]]   # (enrolled on, left on) in the journal's class
    label: str = ""                                # the name as the tables show it

    def in_journal_on(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.spans)

    def in_journal_between(self, start: dt.date, end: dt.date) -> bool:
        return any(first <= end and (last is None or start <= last) for first, last in self.spans)

    def labelled(self, year_start: dt.date) -> _Student:
        """With the days the student came and left within the year after the name."""
        ending = "а" if self.sex == Student.Sex.FEMALE else ""
        notes = [f"прибыл{ending} {start:%d.%m.%Y}" for start, _ in self.spans
                 if start > year_start]
        notes += [f"выбыл{ending} {end:%d.%m.%Y}" for _, end in self.spans if end is not None]
        self.label = f"{self.name} ({', '.join(notes)})" if notes else self.name
        return self


def _load(journal: TeachingAssignment) -> TeachingAssignment:
    return TeachingAssignment.objects.select_related(
        "year__school", "subject", "school_class__class_teacher", "subgroup", "teacher",
    ).get(pk=journal.pk)


def _students(journal: TeachingAssignment) -> list[_Student]:
    """Everyone in the journal at some time of its year, in the journal's order (by name)."""
    year = journal.year
    enrolments = (journal_enrolments(journal, year.starts_on, year.ends_on)
                  .select_related("student__user")
                  .order_by("student__user__last_name", "student__user__first_name",
                            "student__user__patronymic", "student_id", "enrolled_on", "pk"))
    students: dict[int, _Student] = {}
    for enrolment in enrolments:
        student = students.get(enrolment.student_id)
        if student is None:
            student = students[enrolment.student_id] = _Student(
                enrolment.student_id, enrolment.student.user.full_name, enrolment.student.sex, [])
        student.spans.append((enrolment.enrolled_on, enrolment.left_on))
    return [student.labelled(year.starts_on) for student in students.values()]


def _second_teachers(journal: TeachingAssignment) -> list[str]:
    rows = (TeachingAssignmentUserObjectPermission.objects
            .filter(content_object=journal, permission__codename=CO_KEEP_JOURNAL)
            .select_related("user").order_by("user__last_name", "user__first_name", "pk"))
    return [row.user.full_name + (f" (по {row.expires_on:%d.%m.%Y})" if row.expires_on else "")
            for row in rows]


def _cells(journal: TeachingAssignment) -> tuple[dict[tuple[int, int], str],
                                                  list[tuple[int, int, str]]]:
    """(student id, lesson id) → the cell's text as the journal shows it; and every absence as
    (student id, lesson id, kind)."""
    marks: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for pk, student_id, lesson_id, value in (Mark.objects.filter(lesson__assignment=journal)
                                             .values_list("pk", "student_id", "lesson_id",
                                                          "value")):
        marks[(student_id, lesson_id)].append((pk, value))
    absences = list(Absence.objects.filter(lesson__assignment=journal)
                    .values_list("student_id", "lesson_id", "kind", "minutes_late"))
    missed = {(student_id, lesson_id): (kind, minutes)
              for student_id, lesson_id, kind, minutes in absences}
    cells = {key: cell_text([value for _, value in sorted(marks.get(key, []))],
                            *missed.get(key, (None, None)))
             for key in marks.keys() | missed.keys()}
    return cells, [(student_id, lesson_id, kind) for student_id, lesson_id, kind, _ in absences]


def _chunks(items: list, size: int) -> list[list]:
    """`items` in parts of at most `size`, as even as they come (40 → 20 + 20, not 25 + 15)."""
    if not items:
        return []
    count = math.ceil(len(items) / size)
    step = math.ceil(len(items) / count)
    return [items[start:start + step] for start in range(0, len(items), step)]


def _period_label(period: StudyPeriod) -> str:
    return f"{period.title} ({period.starts_on:%d.%m.%Y}–{period.ends_on:%d.%m.%Y})"


def _in_period(period: StudyPeriod, day: dt.date) -> bool:
    return period.starts_on <= day <= period.ends_on


# Sections ----------------------------------------------------------------------------------

def _taught_by(lesson: Lesson, teacher: str) -> str:
    if lesson.substitute_id is None:
        return teacher
    reason = f" ({lesson.substitute_reason})" if lesson.substitute_reason else ""
    return f"замена: {lesson.substitute.short_name}{reason}"


def _lessons_table(lessons: list[Lesson], teacher: str, marks_allowed: bool) -> Table:
    columns = [Column("№", "num"), Column("Дата", "date"), Column("Урок", "num"),
               Column("Тема урока", left=True)]
    if marks_allowed:
        columns.append(Column("Домашнее задание", "hw", left=True))
    columns += [Column("Проведён", "held"), Column("Учитель", "who", left=True)]
    rows = []
    for number, lesson in enumerate(lessons, start=1):
        row = [str(number), f"{lesson.date:%d.%m.%Y}", str(lesson.number), lesson.topic]
        if marks_allowed:
            row.append(homework_text(lesson))
        row += ["да" if lesson.is_held else "нет", _taught_by(lesson, teacher)]
        rows.append(row)
    return Table(columns, rows, css="text")


def _grid_parts(lessons: list[Lesson], students: list[_Student], cells: dict,
                term: dict[int, str] | None) -> list[GridPart]:
    """A period's grid in parts; the term mark (`term`: by student id) closes the last."""
    parts = []
    chunks = _chunks(lessons, GRID_COLUMNS)
    for index, chunk in enumerate(chunks):
        closing = term is not None and index == len(chunks) - 1
        columns = [Column("№", "n"), Column("Обучающийся", "name", left=True),
                   *(Column(f"{lesson.date:%d.%m}", "d") for lesson in chunk)]
        if closing:
            columns.append(Column("За период", "term"))
        rows = []
        for number, student in enumerate(students, start=1):
            row = [str(number), student.label]
            row += [cells.get((student.id, lesson.pk), "")
                    if student.in_journal_on(lesson.date) else None for lesson in chunk]
            if closing:
                row.append(term.get(student.id, ""))
            rows.append(row)
        caption = (f"Часть {index + 1} из {len(chunks)}: уроки с {chunk[0].date:%d.%m.%Y} "
                   f"по {chunk[-1].date:%d.%m.%Y}" if len(chunks) > 1 else "")
        parts.append(GridPart(caption, Table(columns, rows, css="grid", filler=True)))
    return parts


def _grids(lessons: list[Lesson], periods: list[StudyPeriod], students: list[_Student],
           cells: dict, finals: dict, *, marks_allowed: bool) -> list[GridBlock]:
    blocks = []
    for period in periods:
        in_period = [lesson for lesson in lessons if _in_period(period, lesson.date)]
        present = [s for s in students if s.in_journal_between(period.starts_on, period.ends_on)]
        term = ({student_id: value for (student_id, kind, period_id), value in finals.items()
                 if kind == FinalMark.Kind.PERIOD and period_id == period.pk}
                if marks_allowed else None)
        blocks.append(GridBlock(_period_label(period), _grid_parts(
            in_period, present, cells, term)))
    outside = [lesson for lesson in lessons
               if not any(_in_period(period, lesson.date) for period in periods)]
    if outside:
        present = [s for s in students if any(s.in_journal_on(lesson.date) for lesson in outside)]
        title = "Уроки вне учебных периодов" if periods else "Учебный год"
        blocks.append(GridBlock(title, _grid_parts(outside, present, cells, term=None)))
    return blocks


def _absences_table(students: list[_Student], periods: list[StudyPeriod],
                    absences: list[tuple[int, int, str]], lessons: dict[int, Lesson]) -> Table:
    """Per student and period: lessons missed (н, б, у together), each kind, times late. Only
    the lessons the document shows (`lessons`, by id) count."""
    counts: dict[tuple[int, int | None], Counter] = defaultdict(Counter)
    for student_id, lesson_id, kind in absences:
        lesson = lessons.get(lesson_id)
        if lesson is None:
            continue
        counts[(student_id, None)][kind] += 1
        for period in periods:
            if _in_period(period, lesson.date):
                counts[(student_id, period.pk)][kind] += 1
    heads = [Column("всего", "c"), *(Column(ABSENCE_LABELS[kind], "c") for kind in ABSENCE_KINDS)]
    scopes = [(period.title, period.pk) for period in periods] + [("За год", None)]
    columns = [Column("№", "n"), Column("Обучающийся", "name", left=True)]
    groups = [("", 1), ("", 1)]
    for title, _ in scopes:
        columns += heads
        groups.append((title, len(heads)))
    rows = []
    for number, student in enumerate(students, start=1):
        row = [str(number), student.label]
        for _, period_id in scopes:
            counted = counts.get((student.id, period_id), Counter())
            missed = sum(counted[kind] for kind in MISSED_LESSON)
            row += [_count(missed), *(_count(counted[kind]) for kind in ABSENCE_KINDS)]
        rows.append(row)
    return Table(columns, rows, groups, css="grid", filler=True)


def _count(number: int) -> str:
    return str(number) if number else ""


def _finals_table(students: list[_Student], periods: list[StudyPeriod], finals: dict) -> Table:
    columns = [Column("№", "n"), Column("Обучающийся", "name", left=True),
               *(Column(period.title, "m") for period in periods),
               *(Column(title, "m") for _, title in FINAL_KINDS)]
    rows = []
    for number, student in enumerate(students, start=1):
        rows.append([str(number), student.label,
                     *(finals.get((student.id, FinalMark.Kind.PERIOD, period.pk), "")
                       for period in periods),
                     *(finals.get((student.id, kind, None), "") for kind, _ in FINAL_KINDS)])
    return Table(columns, rows, css="grid", filler=True)


# Corrections after the fact ----------------------------------------------------------------

_CORRECTABLE = (ChangeRecord.Entity.LESSON, ChangeRecord.Entity.HOMEWORK,
                ChangeRecord.Entity.MARK, ChangeRecord.Entity.ABSENCE,
                ChangeRecord.Entity.FINAL_MARK)
_FINAL_WHAT = {FinalMark.Kind.YEAR: "годовая отметка", FinalMark.Kind.EXAM: "отметка за экзамен",
               FinalMark.Kind.FINAL: "итоговая отметка"}


# Not shown to people (describe_values hides them, `_Names` drops the plan's link).
_UNSHOWN = frozenset({"is_extra", "plan_item_id"})


def _empty(value) -> bool:
    return value is None or value is False or value == ""


def _file_names(value: str | None) -> set[str]:
    return set((value or "").split(", ")) - {""}


def _changed(old: dict, new: dict) -> list[str]:
    return [name for name in old.keys() | new.keys() if old.get(name) != new.get(name)]


def _is_correction(record: ChangeRecord) -> bool:
    """Whether the record changes or removes a value that was written (not fills one in). A
    homework's files (names joined by «, ») are corrected when one of them goes."""
    old, new = record.old or {}, record.new or {}
    if record.action == ChangeRecord.Action.DELETE:
        return any(not _empty(value) for value in old.values())
    for name in _changed(old, new):
        if name in _UNSHOWN:
            continue
        if name == "files":
            if _file_names(old.get(name)) - _file_names(new.get(name)):
                return True
        elif not _empty(old.get(name)):
            return True
    return False


@dataclass
class _Names:
    """Ids in history snapshots shown as people read them."""

    lessons: dict[int, Lesson]
    periods: dict[int, StudyPeriod]
    users: dict[int, str]
    types: dict[int, str]

    def readable(self, values: dict) -> dict:
        shown = dict(values)
        for name, value in values.items():
            if _empty(value):
                continue
            if name == "date":
                shown[name] = dt.date.fromisoformat(value).strftime("%d.%m.%Y")
            elif name == "substitute_id":
                shown[name] = self.users.get(value, value)
            elif name == "assessment_type_id":
                shown[name] = self.types.get(value, value)
            elif name == "period_id":
                period = self.periods.get(value)
                shown[name] = period.title if period else value
            elif name == "due_lesson_id":
                lesson = self.lessons.get(value)
                shown[name] = f"{lesson.date:%d.%m.%Y}" if lesson else value
            elif name == "plan_item_id":
                shown[name] = None
        return shown


def _lesson_day(record: ChangeRecord, lessons: dict[int, Lesson]) -> dt.date | None:
    lesson = lessons.get(record.lesson_id)
    if lesson is not None:
        return lesson.date
    day = (record.old or record.new or {}).get("date")  # a lesson's own snapshot
    return dt.date.fromisoformat(day) if day else None


def _what(record: ChangeRecord, day: dt.date | None, names: _Names) -> str:
    on = f" {day:%d.%m.%Y}" if day else ""
    entity = record.entity
    if entity == ChangeRecord.Entity.MARK:
        return f"отметка за урок{on}"
    if entity == ChangeRecord.Entity.ABSENCE:
        return f"пропуск урока{on}"
    if entity == ChangeRecord.Entity.HOMEWORK:
        return f"домашнее задание урока{on}"
    if entity == ChangeRecord.Entity.LESSON:
        return f"запись урока{on}"
    values = record.old or record.new or {}
    period = names.periods.get(values.get("period_id"))
    if values.get("kind") == FinalMark.Kind.PERIOD:
        return f"отметка за период ({period.title})" if period else "отметка за период"
    return _FINAL_WHAT.get(values.get("kind"), "итоговая отметка")


def _correction_records(journal: TeachingAssignment, lessons: dict[int, Lesson]
                        ) -> list[tuple[ChangeRecord, dt.date | None]]:
    """The corrections after the fact, oldest first, each with the day of its lesson."""
    records = list(
        ChangeRecord.objects.filter(assignment_id=journal.pk, entity__in=_CORRECTABLE)
        .filter(Q(action__in=(ChangeRecord.Action.UPDATE, ChangeRecord.Action.DELETE))
                | Q(entity=ChangeRecord.Entity.FINAL_MARK, action=ChangeRecord.Action.CREATE))
        .select_related("user").order_by("at", "pk"))
    first_set: dict[int, dt.date] = {}
    found = []
    for record in records:
        if record.entity == ChangeRecord.Entity.FINAL_MARK:
            if record.action == ChangeRecord.Action.CREATE:
                first_set.setdefault(record.entity_id, timezone.localdate(record.at))
                continue
            day = first_set.get(record.entity_id)
        else:
            day = _lesson_day(record, lessons)
        if (day is None or timezone.localdate(record.at) > day) and _is_correction(record):
            found.append((record, day))
    return found


def _corrections_table(journal: TeachingAssignment, lessons: dict[int, Lesson],
                       periods: list[StudyPeriod], students: list[_Student]) -> Table:
    found = _correction_records(journal, lessons)
    values = [v for record, _ in found for v in (record.old or {}, record.new or {})]
    user_ids = {v["substitute_id"] for v in values if v.get("substitute_id")}
    type_ids = {v["assessment_type_id"] for v in values if v.get("assessment_type_id")}
    names = _Names(
        lessons, {period.pk: period for period in periods},
        {user.pk: user.short_name for user in User.objects.filter(pk__in=user_ids)}
        if user_ids else {},
        dict(AssessmentType.objects.filter(pk__in=type_ids).values_list("pk", "name"))
        if type_ids else {})
    student_names = {student.id: student.name for student in students}
    missing = {record.student_id for record, _ in found} - student_names.keys() - {None}
    if missing:
        student_names |= {s.pk: s.user.full_name for s in
                          Student.objects.filter(pk__in=missing).select_related("user")}
    columns = [Column("Когда", "when"), Column("Кто", "who", left=True),
               Column("Что", "what", left=True), Column("Обучающийся", "name", left=True),
               Column("Было", left=True), Column("Стало", left=True),
               Column("Причина", left=True)]
    rows = []
    for record, day in found:
        old, new = names.readable(record.old or {}), names.readable(record.new or {})
        if record.action == ChangeRecord.Action.DELETE:
            was, became = describe_values(old), "удалено"
        else:
            changed = sorted(_changed(old, new))
            was = describe_values({name: old.get(name) for name in changed})
            became = describe_values({name: new.get(name) for name in changed})
        rows.append([f"{timezone.localtime(record.at):%d.%m.%Y %H:%M}",
                     record.user.short_name if record.user else "—",
                     _what(record, day, names), student_names.get(record.student_id, ""),
                     was or "—", became or "—", record.reason])
    return Table(columns, rows, css="text")


# The document ------------------------------------------------------------------------------

def journal_document(journal: TeachingAssignment, *,
                     as_of: dt.date | None = None) -> JournalDocument:
    """Everything the document shows, in a fixed number of queries. `as_of`: only the lessons
    up to that day (a certified copy during the year); None: the whole journal."""
    journal = _load(journal)
    year, school_class = journal.year, journal.school_class
    marks_allowed = school_class.gets_marks
    lessons_query = (Lesson.objects.filter(assignment=journal)
                     .select_related("substitute", "homework").order_by("date", "number", "pk"))
    all_lessons = list(lessons_query)
    lessons = [lesson for lesson in all_lessons if as_of is None or lesson.date <= as_of]
    by_id = {lesson.pk: lesson for lesson in all_lessons}
    shown = {lesson.pk: lesson for lesson in lessons}
    periods = periods_for(journal)
    students = _students(journal)
    cells, absences = _cells(journal)
    finals = {(student_id, kind, period_id): value for student_id, kind, period_id, value
              in FinalMark.objects.filter(assignment=journal)
              .values_list("student_id", "kind", "period_id", "value")}
    teacher = journal.teacher
    return JournalDocument(
        school=year.school.name, year=year.name, class_name=str(school_class),
        subject=journal_title(journal.subject.name,
                              journal.subgroup.name if journal.subgroup_id else None),
        teacher=teacher.full_name, second_teachers=_second_teachers(journal),
        class_teacher=school_class.class_teacher.full_name if school_class.class_teacher else "",
        lesson_count=len(lessons), held_count=sum(lesson.is_held for lesson in lessons),
        marks_allowed=marks_allowed, as_of=as_of,
        lessons=_lessons_table(lessons, teacher.short_name, marks_allowed),
        grids=_grids(lessons, periods, students, cells, finals, marks_allowed=marks_allowed),
        absences=_absences_table(students, periods, absences, shown),
        finals=_finals_table(students, periods, finals) if marks_allowed else None,
        corrections=_corrections_table(journal, by_id, periods, students),
    )


def _context(journal: TeachingAssignment, certification: Certification | None) -> dict:
    document = journal_document(journal, as_of=certification.day if certification else None)
    return {"document": document, "certification": certification, "journal": journal}


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def journal_pdf(journal: TeachingAssignment, *,
                certification: Certification | None = None) -> RenderedPdf:
    """The journal's PDF and its number of pages (the archive keeps both)."""
    html = render_to_string(TEMPLATE, {**_context(journal, certification),
                                       "layout": PDF_LAYOUT, "pdf": True})
    document = HTML(string=html, base_url=BASE_URL).render(
        stylesheets=print_stylesheets(STYLESHEET))
    return RenderedPdf(document.write_pdf(), len(document.pages))


def render_journal_pdf(journal: TeachingAssignment, *,
                       certification: Certification | None = None) -> bytes:
    return journal_pdf(journal, certification=certification).content


def render_journal_html(journal: TeachingAssignment, *,
                        certification: Certification | None = None, request=None) -> str:
    """The print view: the PDF's template as a page of the site (with `request`: its menu,
    which is not printed), else as a page of its own."""
    return render_to_string(TEMPLATE, {**_context(journal, certification),
                                       "layout": "base.html" if request else PDF_LAYOUT,
                                       "pdf": False}, request=request)
