"""A report as a page: its first rows as text, figures set right; the rest is in the files."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from exports.render.values import as_text, is_number
from exports.table import Table

# A page shows this many rows; a whole school's report is read in its file.
SCREEN_ROWS = 500


@dataclass(frozen=True)
class Cell:
    text: str
    label: str      # the column's title, shown beside the value when the table is stacked
    number: bool


@dataclass
class ScreenTable:
    table: Table
    headers: list[Cell]
    rows: list[list[Cell]]
    more: bool      # there are rows past `SCREEN_ROWS`


def screen_table(table: Table, limit: int = SCREEN_ROWS) -> ScreenTable:
    columns = table.columns
    rows = [[Cell(as_text(value, column.kind), column.title, is_number(column.kind))
             for value, column in zip(row, columns, strict=True)]
            for row in islice(iter(table.rows), limit + 1)]
    headers = [Cell(c.title, c.title, is_number(c.kind)) for c in columns]
    return ScreenTable(table, headers, rows[:limit], len(rows) > limit)
