"""One `Table`, four ways to give it: the page (`screen`), XLSX, CSV and PDF files."""

from __future__ import annotations

from collections.abc import Callable

from exports.registry import CSV, PDF, XLSX
from exports.render.csv_file import write_csv
from exports.render.pdf import write_pdf
from exports.render.progress import Progress
from exports.render.xlsx import write_xlsx
from exports.table import Table

WRITERS = {XLSX: write_xlsx, CSV: write_csv, PDF: write_pdf}
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
    PDF: "application/pdf",
}


def write(table: Table, file_format: str, target,
          progress: Callable[[int], None] | None = None) -> None:
    """The table as a file of `file_format` into `target` (a binary file); `progress` hears
    how many rows are written, now and then and at the end."""
    WRITERS[file_format](table, target, Progress(progress))
