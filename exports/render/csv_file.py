"""A report as CSV that Excel in a Russian locale opens as columns: UTF-8 with a BOM, «;»
between values, decimals with a comma, dates as dd.mm.yyyy, text that would start a formula
marked as text (`ejournal.spreadsheets.csv_value`). Written row by row to the file."""

from __future__ import annotations

import csv
import io

from ejournal.spreadsheets import csv_value
from exports.render.progress import Progress
from exports.render.values import as_text
from exports.table import Kind, Table


def _value(value, kind: Kind) -> str:
    if kind is Kind.TEXT or isinstance(value, str):
        return csv_value(as_text(value, Kind.TEXT))
    return as_text(value, kind)


def write_csv(table: Table, target, progress: Progress) -> None:
    """`target`: a binary file, left open."""
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_value(column.title) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        writer.writerow([_value(value, kind) for value, kind in zip(row, kinds, strict=True)])
        progress.advance()
    text.flush()
    text.detach()
    progress.finish()
