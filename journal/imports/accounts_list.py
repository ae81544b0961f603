"""The list of new accounts with their initial passwords, to print and hand out."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ejournal.spreadsheets import xlsx_text
from journal.imports.base import NewAccount

HEADERS = [("ФИО", 36), ("Кто", 14), ("Класс, роли или дети", 40), ("Логин", 20),
           ("Начальный пароль", 18)]


def accounts_workbook(accounts: Iterable[NewAccount]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Учётные записи")
    for index, (_, width) in enumerate(HEADERS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _ in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for account in accounts:
        sheet.append([xlsx_text(WriteOnlyCell(sheet, value=value)) for value in (
            account.full_name, account.who, account.detail, account.login, account.password)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
