"""Text that leaves the system in a spreadsheet (XLSX or CSV) and must stay text.

A cell whose text begins with «=», «+», «-» or «@» (or a tab or carriage return before one) is
a live formula to Excel and LibreOffice: a plan topic or a name typed as `=HYPERLINK(...)`
would run when the file is opened. Every file the app writes passes its text through here.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# CSV has no cell types: a leading apostrophe is what spreadsheets read as "this is text".
CSV_TEXT_MARK = "'"


def starts_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _needs_mark(value: Any) -> bool:
    """Would start a formula, or would be read back as marked (a text such as «'=A1»)."""
    return starts_formula(value) or (isinstance(value, str) and value.startswith(CSV_TEXT_MARK)
                                     and starts_formula(value[1:]))


def csv_value(value: Any) -> Any:
    """The value for a CSV row, marked as text if it would start a formula."""
    return CSV_TEXT_MARK + value if _needs_mark(value) else value


def from_csv_value(value: str) -> str:
    """What `csv_value` wrote, read back: the text mark taken off again."""
    if value.startswith(CSV_TEXT_MARK) and _needs_mark(value[1:]):
        return value[1:]
    return value


def xlsx_text(cell):
    """An openpyxl cell (ordinary or write-only) whose text would start a formula, stored as a
    string cell instead, so the file shows exactly what was typed."""
    if starts_formula(cell.value):
        cell.data_type = "s"
    return cell
