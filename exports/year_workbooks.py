"""The year's journals for the school's own archive: one ZIP with a workbook per class of the
current year (`5А.xlsx`), each with a first sheet «Класс» and a sheet per journal.

A journal's sheet: its subject, teacher and class; the marks grid — students (full names: the
file stays at the school) in rows, lessons in columns under their dates, each cell as the
journal shows it («5/4», «н», «5 б»), then the term, year, exam and final marks; below it the
lessons: date, number, topic, homework, held, who taught it. Text goes through
`ejournal.spreadsheets.xlsx_text`, dates are date cells.

Memory stays flat as the school grows: workbooks are written in openpyxl's write-only mode, one
class at a time, and only one journal's cells are held at once (read from server-side cursors).
`order_year_journals` orders the file; `exports.services.make_report` makes it in the
background with `write_year_journals`, its progress counted in journals.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ejournal.spreadsheets import starts_formula, xlsx_text
from exports.models import ReportRun
from exports.render.progress import Progress
from exports.render.values import local
from exports.render.xlsx import sheet_title
from journal.models import (
    Absence,
    AcademicYear,
    FinalMark,
    Lesson,
    Mark,
    School,
    SchoolClass,
    StudyPeriod,
    TeachingAssignment,
)
from journal.queries.students import journal_enrolments
from journal.rules import cell_text, homework_text

YEAR_JOURNALS = "year_journals"  # the runs' `exporter`
CLASS_SHEET = "Класс"
MAX_SHEET_TITLE = 31  # Excel's limit
CHUNK = 2000  # rows a server-side cursor fetches at a time

NAME_WIDTH, DAY_WIDTH, MARK_WIDTH = 36, 6.5, 9
DAY_FORMAT, DATE_FORMAT, MOMENT_FORMAT = "DD.MM", "DD.MM.YYYY", "DD.MM.YYYY HH:MM"
FINAL_KINDS = ((FinalMark.Kind.YEAR, "Год"), (FinalMark.Kind.EXAM, "Экзамен"),
               (FinalMark.Kind.FINAL, "Итоговая"))
LESSON_COLUMNS = ("Дата", "Урок №", "Тема", "Домашнее задание", "Проведён", "Учитель")
_NOT_IN_FILE_NAME = re.compile(r"[^\w.\- ]+")


def year_title(year: AcademicYear) -> str:
    # A "/" in the year's name would end up in the downloaded file's name.
    return f"Журналы {year.name.replace('/', '–')} учебного года — {year.school.short_name}"


def current_year(school: School) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school).select_related("school").current()


def ordered_year(run: ReportRun) -> AcademicYear | None:
    """The year a run was ordered for."""
    return (AcademicYear.objects.filter(pk=run.params.get("year"), school_id=run.school_id)
            .select_related("school").first())


def year_journals_runs(school: School):
    return ReportRun.objects.filter(school=school, exporter=YEAR_JOURNALS)


def order_year_journals(user, school: School) -> ReportRun | None:
    """Order the current year's journals of `school` for `user` (whose right the caller has
    checked); the worker makes them once the order is committed. None when the school has no
    current year."""
    from exports.tasks import run_report  # the task module imports the services that import us

    year = current_year(school)
    if year is None:
        return None
    with transaction.atomic():
        run = ReportRun.objects.create(
            school=school, exporter=YEAR_JOURNALS, params={"year": year.pk},
            title=year_title(year)[:300], format=ReportRun.Format.ZIP, requested_by=user)
        transaction.on_commit(lambda: run_report.delay(run.pk))
    return run


def journal_count(year: AcademicYear) -> int:
    return TeachingAssignment.objects.filter(year=year).count()


def write_year_journals(year: AcademicYear, target, progress: Progress) -> None:
    """The ZIP into `target` (a path or a binary file), `progress` advanced by one journal at
    a time."""
    classes = (SchoolClass.objects.filter(year=year).select_related("class_teacher")
               .order_by("grade", "letter"))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for school_class in classes:
            with tempfile.TemporaryFile() as book_file:
                _class_workbook(year, school_class, progress).save(book_file)
                book_file.seek(0)
                with archive.open(f"{file_name(str(school_class))}.xlsx", "w",
                                  force_zip64=True) as entry:
                    shutil.copyfileobj(book_file, entry)
    progress.finish()


def file_name(name: str) -> str:
    return _NOT_IN_FILE_NAME.sub("_", name).strip(" .") or "класс"


def journal_title(subject: str, subgroup: str | None = None) -> str:
    """«Предмет (подгруппа)», as long as it is."""
    return f"{subject} ({subgroup})" if subgroup else subject


def journal_sheet_title(subject: str, subgroup: str | None = None) -> str:
    """«Предмет (подгруппа)» within Excel's 31 characters: a long subject is cut, marked «…»,
    so that the subgroup stays in sight."""
    group = f" ({subgroup})" if subgroup else ""
    room = MAX_SHEET_TITLE - len(group)
    if len(subject) > room and room > len("…"):
        subject = subject[:room - 1].rstrip() + "…"
    return subject + group


def _titles(journal: TeachingAssignment) -> tuple[str, str | None]:
    return journal.subject.name, journal.subgroup.name if journal.subgroup_id else None


def sheet_titles(titles: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Each title as a sheet's name: without the characters Excel refuses, at most 31 long, and
    unique within the workbook as Excel compares them (ignoring case): «…(2)» for a repeat."""
    used = {title.casefold() for title in taken}
    names = []
    for title in titles:
        name = sheet_title(title)
        number = 1
        while name.casefold() in used:
            number += 1
            suffix = f" ({number})"
            name = sheet_title(title)[:MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        names.append(name)
    return names


# A workbook ----------------------------------------------------------------------------------

class _Writer:
    """Cells of one write-only sheet: text kept as text, dates as dates, bold headings."""

    def __init__(self, sheet):
        self.sheet = sheet

    def text(self, value: str | None):
        if value is None or not starts_formula(value):
            return value
        return xlsx_text(WriteOnlyCell(self.sheet, value=value))

    def bold(self, value: str):
        cell = xlsx_text(WriteOnlyCell(self.sheet, value=value))
        cell.font = Font(bold=True)
        return cell

    def formatted(self, value, number_format: str):
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = number_format
        return cell

    def mark(self, value: str):
        """A mark as the journal shows it; a plain number as a number, to be counted with."""
        return int(value) if value.isdigit() else self.text(value)

    def append(self, row: list) -> None:
        self.sheet.append(row)


def _class_workbook(year: AcademicYear, school_class: SchoolClass,
                    progress: Progress) -> Workbook:
    journals = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "subgroup", "teacher").annotate(lesson_count=Count("lessons"))
        .order_by("subject__order", "subject__name", "subgroup__name", "pk"))
    names = sheet_titles((journal_sheet_title(*_titles(journal)) for journal in journals),
                         taken=[CLASS_SHEET])
    periods = list(StudyPeriod.objects.filter(year=year).for_grade(school_class.grade)
                   .order_by("starts_on")) if school_class.gets_marks else []
    book = Workbook(write_only=True)
    _class_sheet(book, year, school_class, list(zip(names, journals, strict=True)))
    for name, journal in zip(names, journals, strict=True):
        _journal_sheet(book.create_sheet(name), year, journal, periods)
        progress.advance()
    return book


def _class_sheet(book: Workbook, year: AcademicYear, school_class: SchoolClass,
                 journals: list[tuple[str, TeachingAssignment]]) -> None:
    sheet = book.create_sheet(CLASS_SHEET)
    for letter, width in zip("ABCDE", (24, 32, 16, 36, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    write = _Writer(sheet)
    teacher = school_class.class_teacher
    write.append([write.bold(f"Журналы {school_class} класса")])
    write.append(["Школа", write.text(year.school.name)])
    write.append(["Учебный год", write.text(year.name)])
    write.append(["Класс", str(school_class)])
    write.append(["Классный руководитель", write.text(teacher.full_name if teacher else "")])
    write.append(["Выгружено", write.formatted(local(timezone.now()), MOMENT_FORMAT)])
    write.append([])
    write.append([write.bold(title) for title in ("Лист", "Предмет", "Подгруппа", "Учитель",
                                                  "Уроков")])
    for name, journal in journals:
        write.append([write.text(name), write.text(journal.subject.name),
                      write.text(journal.subgroup.name if journal.subgroup_id else ""),
                      write.text(journal.teacher.full_name), journal.lesson_count])


@dataclass
class _Grid:
    """One journal's cells, by (student id, lesson id), and its final marks."""

    cells: dict[tuple[int, int], str]
    finals: dict[tuple[int, str, int | None], str]


def _grid(journal: TeachingAssignment) -> _Grid:
    # Unordered: ordered by id, a server-side cursor's plan walks the whole table's id index
    # for the first rows fast; a cell's few marks are put in their order here instead.
    marks: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for pk, student_id, lesson_id, value in (
            Mark.objects.filter(lesson__assignment=journal).order_by()
            .values_list("pk", "student_id", "lesson_id", "value").iterator(chunk_size=CHUNK)):
        marks[(student_id, lesson_id)].append((pk, value))
    absences = {(student_id, lesson_id): (kind, minutes) for student_id, lesson_id, kind, minutes
                in Absence.objects.filter(lesson__assignment=journal)
                .values_list("student_id", "lesson_id", "kind", "minutes_late")
                .iterator(chunk_size=CHUNK)}
    cells = {key: cell_text([value for _, value in sorted(marks.get(key, []))],
                            *absences.get(key, (None, None)))
             for key in marks.keys() | absences.keys()}
    finals = {(student_id, kind, period_id): value for student_id, kind, period_id, value
              in FinalMark.objects.filter(assignment=journal)
              .values_list("student_id", "kind", "period_id", "value")}
    return _Grid(cells=cells, finals=finals)


def _students(journal: TeachingAssignment, year: AcademicYear) -> list[tuple[int, str]]:
    """(id, full name) of everyone in the journal at some time of the year, by name."""
    enrolments = (journal_enrolments(journal, year.starts_on, year.ends_on)
                  .select_related("student__user")
                  .order_by("student__user__last_name", "student__user__first_name",
                            "student__user__patronymic", "student_id"))
    students: dict[int, str] = {}
    for enrolment in enrolments:
        students.setdefault(enrolment.student_id, enrolment.student.user.full_name)
    return list(students.items())


def _journal_sheet(sheet, year: AcademicYear, journal: TeachingAssignment,
                   periods: list[StudyPeriod]) -> None:
    lessons = list(Lesson.objects.filter(assignment=journal).order_by("date", "number")
                   .values_list("pk", "date"))
    finals = [(FinalMark.Kind.PERIOD, period.pk, period.title) for period in periods]
    if periods:
        finals += [(kind, None, title) for kind, title in FINAL_KINDS]
    sheet.column_dimensions["A"].width = NAME_WIDTH
    for index in range(2, len(lessons) + len(finals) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = (
            DAY_WIDTH if index <= len(lessons) + 1 else MARK_WIDTH)
    header_rows = 5
    sheet.freeze_panes = f"B{header_rows + 1}"
    write = _Writer(sheet)
    write.append([write.bold(journal_title(*_titles(journal)))])
    write.append(["Учитель", write.text(journal.teacher.full_name)])
    write.append(["Класс", str(journal.school_class)])
    write.append([])
    write.append([write.bold("Обучающийся"),
                  *(write.formatted(day, DAY_FORMAT) for _, day in lessons),
                  *(write.bold(title) for _, _, title in finals)])
    grid = _grid(journal)
    for student_id, name in _students(journal, year):
        cells = (grid.cells.get((student_id, lesson_id)) for lesson_id, _ in lessons)
        marks = (grid.finals.get((student_id, kind, period_id)) for kind, period_id, _ in finals)
        write.append([write.text(name), *(write.mark(text) if text else None for text in cells),
                      *(write.mark(value) if value else None for value in marks)])
    write.append([])
    _lessons(write, journal)


def _lessons(write: _Writer, journal: TeachingAssignment) -> None:
    write.append([write.bold("Уроки")])
    write.append([write.bold(title) for title in LESSON_COLUMNS])
    teacher = journal.teacher.full_name
    lessons = (Lesson.objects.filter(assignment=journal).order_by("date", "number")
               .select_related("homework", "substitute").iterator(chunk_size=CHUNK))
    for lesson in lessons:
        write.append([write.formatted(lesson.date, DATE_FORMAT), lesson.number,
                      write.text(lesson.topic), write.text(homework_text(lesson)),
                      "да" if lesson.is_held else "нет", write.text(_taught_by(lesson, teacher))])


def _taught_by(lesson: Lesson, teacher: str) -> str:
    if lesson.substitute_id:
        return f"{lesson.substitute.full_name} (замена)"
    return teacher
