"""A report as XLSX, written row by row (openpyxl's write-only mode: memory stays flat however
many rows): a bold header row that stays in view, each column as wide as it says, every value a
typed cell — whole numbers (marks such as «5» too), decimals shown with two places, per cent,
dates — and text that would start a formula kept as text (`ejournal.spreadsheets`). The notes
follow the rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ejournal.spreadsheets import starts_formula, xlsx_text
from exports.render.progress import Progress
from exports.render.values import DASH, as_decimal, local
from exports.table import Kind, Table

FORMATS = {Kind.DECIMAL: "0.00", Kind.PERCENT: "0.0%", Kind.DATE: "DD.MM.YYYY",
           Kind.DATETIME: "DD.MM.YYYY HH:MM"}
HUNDRED = Decimal(100)
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    return _NOT_IN_SHEET_TITLE.sub(" ", title)[:31].strip() or "Отчёт"


def _text_writer(sheet) -> Callable:
    def write(value):
        text = DASH if value is None else value if isinstance(value, str) else str(value)
        return xlsx_text(WriteOnlyCell(sheet, value=text)) if starts_formula(text) else text
    return write


_CONVERT = {
    Kind.DECIMAL: as_decimal,
    Kind.PERCENT: lambda value: as_decimal(value) / HUNDRED,
    Kind.DATE: lambda value: value,
    Kind.DATETIME: local,
}


def _cell_writer(sheet, kind: Kind) -> Callable:
    """value → what `sheet.append` takes: the value itself where no format is needed, else the
    column's one formatted cell with the value in it. Reusing one cell per column is safe: a
    write-only sheet writes each appended row out at once."""
    text = _text_writer(sheet)
    if kind is Kind.TEXT:
        return text
    if kind is Kind.INT:
        return lambda value: value if isinstance(value, int) else text(value)
    if kind is Kind.MARK:
        return lambda value: int(value) if isinstance(value, str) and value.isdigit() else text(value)
    cell = WriteOnlyCell(sheet)
    cell.number_format = FORMATS[kind]
    convert = _CONVERT[kind]

    def write(value):
        if value is None or isinstance(value, str):
            return text(value)
        cell.value = convert(value)
        return cell
    return write


def _header(sheet, title: str):
    cell = xlsx_text(WriteOnlyCell(sheet, value=title))
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def write_xlsx(table: Table, target, progress: Progress) -> None:
    """`target`: a path or a binary file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(table.title))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, column.title) for column in table.columns])
    writers = [_cell_writer(sheet, column.kind) for column in table.columns]
    for row in table.rows:
        sheet.append([write(value) for write, value in zip(writers, row, strict=True)])
        progress.advance()
    if table.notes:
        sheet.append([])
        note = _text_writer(sheet)
        for line in table.notes:
            sheet.append([note(line)])
    book.save(target)
    progress.finish()
