"""The thematic plan (КТП) of one journal from an XLSX or CSV file, and the template for it.

Like the other imports: every row is checked first and the plan is written only when no row
has a problem, so a bad file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import PurePath
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ejournal.spreadsheets import csv_value, from_csv_value, xlsx_text
from journal.imports.base import (
    _OLE_MAGIC,
    _ZIP_MAGIC,
    INSTRUCTIONS_SHEET,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    Column,
    FileProblem,
    ImportResult,
    Problems,
    Row,
    Sheet,
    _normalise_header,
    cell_date,
    cell_decimal,
    read_sheet,
    sheet_text,
)
from journal.models import PlanItem, TeachingAssignment
from journal.rules import JournalError
from journal.services.plans import Mode, PlanRow, import_plan, row_problems

SHEET = "КТП"
NUMBER = "№"
SECTION = "Раздел"
TOPIC = "Тема урока"
HOURS = "Часов"
DATE = "Дата по плану"

EXAMPLE_SECTION = "Натуральные числа"
EXAMPLE_TOPIC = "Ряд натуральных чисел"

COLUMNS = (
    Column(NUMBER, width=6, hint="Порядковый номер урока в плане. Можно не заполнять: тогда "
                                 "пункты нумеруются по порядку строк."),
    Column(SECTION, width=30, hint="Раздел (тема) программы; можно оставить пустым"),
    Column(TOPIC, required=True, width=60),
    Column(HOURS, width=8, hint="Целое число; пусто — 1 час"),
    Column(DATE, width=14, is_date=True, hint="ДД.ММ.ГГГГ; можно оставить пустым"),
)
HEADERS = [c.header for c in COLUMNS]
FIELD_HEADERS = {"number": NUMBER, "section": SECTION, "topic": TOPIC, "hours": HOURS,
                 "planned_on": DATE}

INSTRUCTIONS = [
    "Календарно-тематическое планирование: как заполнить",
    "",
    "1. Один пункт плана — одна строка листа «КТП». Названия столбцов в первой строке не меняйте.",
    "2. «Тема урока» обязательна. «№» можно не заполнять — пункты пронумеруются по порядку строк; "
    "если номера есть, они должны быть во всех строках и не повторяться.",
    "3. «Часов» — сколько уроков отводится на тему (пусто — 1).",
    "4. «Дата по плану» — в виде ДД.ММ.ГГГГ, внутри учебного года; можно оставить пустой.",
    "5. При загрузке выберите: заменить план (пункты с теми же номерами обновятся и сохранят "
    "связь с уроками, пункты, которых нет в файле, удалятся) или дополнить его (строки файла "
    "добавятся после последнего пункта).",
    "6. Файл проверяется целиком: если в нём есть ошибка, не сохраняется ничего, а на странице "
    "появляется список ошибок с номерами строк и названиями полей.",
    "7. Можно загрузить и файл CSV (разделитель «;» или «,», кодировка UTF-8 или Windows-1251) "
    "с теми же столбцами.",
]

_REQUIRED = PatternFill("solid", fgColor="1F4E79")
_OPTIONAL = PatternFill("solid", fgColor="BDD7EE")
_EXAMPLE = Font(italic=True, color="7F7F7F")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def example_row(assignment: TeachingAssignment) -> list[Any]:
    return [1, EXAMPLE_SECTION, EXAMPLE_TOPIC, 1, assignment.year.starts_on]


def _template_rows(assignment: TeachingAssignment) -> tuple[list[list[Any]], bool]:
    """The plan's items, or the example row when the plan is empty (and whether it is that)."""
    items = PlanItem.objects.filter(plan__assignment=assignment).order_by("number", "pk")
    rows = [[i.number, i.section, i.topic, i.hours, i.planned_on] for i in items]
    return (rows, False) if rows else ([example_row(assignment)], True)


def template_xlsx(assignment: TeachingAssignment) -> bytes:
    """The template, filled with the plan as it is (so it can be corrected and loaded back)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=index, value=column.header)
        header.fill = _REQUIRED if column.required else _OPTIONAL
        header.font = Font(bold=True, color="FFFFFF" if column.required else "000000")
        header.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[header.column_letter].width = column.width
    rows, is_example = _template_rows(assignment)
    for number, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            cell = xlsx_text(sheet.cell(row=number, column=index, value=value))
            if index == len(COLUMNS):
                cell.number_format = "DD.MM.YYYY"
            if is_example:
                cell.font = _EXAMPLE
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    instructions.column_dimensions["A"].width = 110
    for number, line in enumerate(INSTRUCTIONS, start=1):
        cell = instructions.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=13)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(assignment: TeachingAssignment) -> bytes:
    """The same as CSV: UTF-8 with a BOM and «;», which Excel opens as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    rows, _ = _template_rows(assignment)
    for values in rows:
        writer.writerow([csv_value(sheet_text(v)) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


# Reading -----------------------------------------------------------------------------------


def _is_csv(upload: IO[bytes]) -> bool:
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if suffix in (".csv", ".txt"):
        return True
    if suffix in (".xlsx", ".xls"):
        return False
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return head not in (_ZIP_MAGIC, _OLE_MAGIC)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("Не удалось прочитать файл CSV: сохраните его в кодировке UTF-8 или "
                      "Windows-1251.")


def read_csv(upload: IO[bytes], example: Iterable[Any]) -> Sheet:
    """The rows of a CSV file keyed by column header, as `read_sheet` gives them for XLSX."""
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if not data.strip():
        raise FileProblem("Файл пустой. Заполните шаблон и загрузите его снова.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem("Файл больше 5 МБ.")
    if b"\x00" in data:
        raise FileProblem("Файл не похож на CSV. Скачайте шаблон, заполните его и сохраните в "
                          "формате XLSX или CSV.")
    text = _decode(data)
    # The header row tells the delimiter: Excel writes «;» in Russian locales, «,» elsewhere.
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        raw_rows = [(number, values) for number, values in
                    enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
                    if any(v.strip() for v in values)]
    except csv.Error as exc:
        raise FileProblem(f"Не удалось прочитать файл CSV: {exc}.") from exc
    if not raw_rows:
        raise FileProblem("Файл пустой. Заполните шаблон и загрузите его снова.")
    if len(raw_rows) > MAX_ROWS + 1:
        raise FileProblem(f"В файле больше {MAX_ROWS} строк.")
    header_number, header_row = raw_rows[0]
    by_key = {_normalise_header(c.header): c.header for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(header_row):
        header = by_key.get(_normalise_header(value))
        if header is None:
            continue
        if header in positions:
            raise FileProblem(f"Столбец «{header}» встречается дважды.")
        positions[header] = index
    missing = [c.header for c in COLUMNS if c.required and c.header not in positions]
    if missing:
        raise FileProblem("В первой строке файла нет обязательных столбцов: "
                          + ", ".join(f"«{h}»" for h in missing)
                          + ". Названия столбцов должны совпадать с шаблоном.")
    example_key = tuple(sheet_text(v).casefold() for v in example)
    sheet = Sheet(title=SHEET, headers=[h for h in HEADERS if h in positions], rows=[])
    for number, values in raw_rows[1:]:
        cells = {h: from_csv_value(values[i]) if i < len(values) else None
                 for h, i in positions.items()}
        if number == header_number + 1 and \
                tuple(sheet_text(cells.get(h)).casefold() for h in HEADERS) == example_key:
            sheet.skipped_example = number
            continue
        sheet.rows.append(Row(number=number, values=cells))
    if not sheet.rows:
        raise FileProblem("В файле нет ни одной строки с данными под строкой заголовков.")
    return sheet


def _whole_number(row: Row, header: str, problems: Problems) -> int | None:
    try:
        number = cell_decimal(row.raw(header))
    except ValueError as exc:
        problems.add(row.number, header, str(exc))
        return None
    if number != number.to_integral_value():
        problems.add(row.number, header, f"«{row.text(header)}» — нужно целое число")
        return None
    return int(number)


def check_rows(sheet: Sheet, problems: Problems, assignment: TeachingAssignment) -> list[PlanRow]:
    """Every row as a PlanRow; each problem is added with its row and field."""
    year = assignment.year
    rows: list[PlanRow] = []
    numbered = [row for row in sheet.rows if row.text(NUMBER)]
    numbers_seen: dict[int, int] = {}
    for row in sheet.rows:
        before = len(problems.items)
        number = None
        if row.text(NUMBER):
            number = _whole_number(row, NUMBER, problems)
            if number is not None and number in numbers_seen:
                problems.add(row.number, NUMBER, f"номер {number} уже есть в строке "
                                                 f"{numbers_seen[number]}")
            elif number is not None:
                numbers_seen[number] = row.number
        elif numbered:
            problems.add(row.number, NUMBER, "не заполнено: номера проставлены не во всех "
                                             "строках (заполните все или очистите столбец)")
        hours = 1
        if row.text(HOURS):
            value = _whole_number(row, HOURS, problems)
            hours = value if value is not None else 1  # a wrong value is reported already
        planned_on: dt.date | None = None
        if row.text(DATE):
            try:
                planned_on = cell_date(row.raw(DATE))
            except ValueError as exc:
                problems.add(row.number, DATE, str(exc))
        plan_row = PlanRow(topic=row.text(TOPIC), number=number, section=row.text(SECTION),
                           hours=hours, planned_on=planned_on, where=f"Строка {row.number}")
        reported = {e.field for e in problems.items[before:]}
        for name, message in row_problems(plan_row, year.starts_on, year.ends_on).items():
            if FIELD_HEADERS[name] not in reported:
                problems.add(row.number, FIELD_HEADERS[name],
                             "не заполнено" if name == "topic" and not plan_row.topic else message)
        rows.append(plan_row)
    return rows


def import_plan_file(user, assignment: TeachingAssignment, upload: IO[bytes],
                     mode: str) -> ImportResult:
    """Check the file and, when every row is right, load it into the plan (`mode`: Mode.*)."""
    example = example_row(assignment)
    try:
        sheet = read_csv(upload, example) if _is_csv(upload) else \
            read_sheet(upload, SHEET, COLUMNS, example=example)
    except FileProblem as problem:
        return ImportResult(errors=problem.messages)
    problems = Problems()
    rows = check_rows(sheet, problems, assignment)
    if problems:
        return ImportResult(errors=problems.messages())
    try:
        change = import_plan(user, assignment, rows, mode=mode)
    except JournalError as exc:
        return ImportResult(errors=[exc.message])
    result = ImportResult()
    result.count("добавлено пунктов", change.created)
    if mode == Mode.REPLACE:
        result.count("обновлено пунктов", change.updated)
        result.count("удалено пунктов", change.deleted)
    if change.unlinked_lessons:
        result.notes.append(f"Уроков, потерявших связь с удалёнными пунктами плана: "
                            f"{change.unlinked_lessons} (темы уроков сохранены).")
    if sheet.skipped_example:
        result.notes.append(f"Строка {sheet.skipped_example} совпадает со строкой-образцом из "
                            "шаблона и не загружалась.")
    return result

