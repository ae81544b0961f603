"""The personal-data log as an XLSX file: typed cells (the date as a date), a bold header row
that stays in view, columns wide enough to read."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ejournal.spreadsheets import xlsx_text

DATE_TIME_FORMAT = "DD.MM.YYYY HH:MM"


def workbook(title: str, columns: list[tuple[str, int]], rows: Iterable[list]) -> bytes:
    """One sheet: `columns` are (header, width in characters); a datetime is written as a
    date and time, text that would start a formula as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = xlsx_text(WriteOnlyCell(sheet, value=value))
            if isinstance(value, dt.datetime):
                cell.number_format = DATE_TIME_FORMAT
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
