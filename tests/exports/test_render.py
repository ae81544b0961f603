"""One `Table`, four renderings: XLSX read back with openpyxl (typed cells and their formats, a
bold frozen header, the columns' widths, formulas kept as text), CSV read back with `csv` (BOM,
«;», decimal comma, dd.mm.yyyy), PDF read with pdftotext and pdffonts (Russian text and the
figures, every font embedded, the header on every page, full pages across the chunks), and the
page's table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from ejournal.spreadsheets import FORMULA_STARTS, from_csv_value
from exports import render
from exports.registry import CountedRows
from exports.render.pdf import write_pdf
from exports.render.progress import Progress
from exports.render.screen import screen_table
from exports.table import Column, Kind, Table
from tests.accounts.families_setup import _poppler, assert_fonts_embedded, needs_poppler, pdf_text

FORMULA = '=HYPERLINK("http://evil.example/","Жми")'
COLUMNS = [
    Column("Обучающийся", width=30),
    Column("Уроков", Kind.INT, 8),
    Column("Средний балл", Kind.DECIMAL, 10),
    Column("Качество, %", Kind.PERCENT, 11),
    Column("Дата", Kind.DATE, 11),
    Column("Записано", Kind.DATETIME, 16),
]
WRITTEN = dt.datetime(2026, 12, 3, 7, 5, tzinfo=dt.UTC)  # 10:05 in Moscow
ROWS = [
    ["Петров Василий", 7, Decimal("4.565"), Decimal("87.5"), dt.date(2026, 12, 3), WRITTEN],
    [FORMULA, 0, 3.5, 50, dt.date(2026, 12, 4), WRITTEN],
    ["-1 балл", 12, None, None, None, None],
]


def sample(rows=ROWS, **fields) -> Table:
    return Table("Успеваемость класса", COLUMNS, rows, subtitle="5А класс; 2-я четверть",
                 notes=["N — аттестуемые обучающиеся."], **fields)


def written(table: Table, file_format: str) -> bytes:
    target = io.BytesIO()
    render.write(table, file_format, target)
    return target.getvalue()


def test_xlsx_has_typed_cells_a_bold_frozen_header_and_the_columns_widths():
    book = load_workbook(io.BytesIO(written(sample(), "xlsx")))
    sheet = book.active

    assert sheet.title == "Успеваемость класса"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [c.title for c in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEF"] == [30, 8, 10, 11, 11, 16]
    name, lessons, average, quality, day, moment = sheet[2]
    assert (name.value, lessons.value, lessons.data_type) == ("Петров Василий", 7, "n")
    assert (average.value, average.data_type, average.number_format) == (4.565, "n", "0.00")
    assert (quality.value, quality.number_format) == (0.875, "0.0%")
    assert (day.value.date(), day.data_type, day.number_format) == (
        dt.date(2026, 12, 3), "d", "DD.MM.YYYY")
    in_moscow = WRITTEN.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None)
    assert (moment.value, moment.number_format) == (in_moscow, "DD.MM.YYYY HH:MM")
    assert moment.value.hour == 10


def test_xlsx_keeps_a_formula_looking_text_as_text_and_shows_a_dash_for_no_figure():
    sheet = load_workbook(io.BytesIO(written(sample(), "xlsx"))).active

    assert (sheet["A3"].value, sheet["A3"].data_type) == (FORMULA, "s")
    assert (sheet["A4"].value, sheet["A4"].data_type) == ("-1 балл", "s")
    assert [cell.value for cell in sheet[4]][2:] == ["—", "—", "—", "—"]
    assert (sheet["C3"].value, sheet["D3"].value) == (3.5, 0.5)
    assert sheet["A6"].value == "N — аттестуемые обучающиеся."


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_stays_text_in_xlsx_and_csv(start):
    text = f"{start}SUM(1+1)"
    table = Table("Отчёт", [Column(start + "Заголовок"), Column("Число", Kind.INT)], [[text, 1]])

    sheet = load_workbook(io.BytesIO(written(table, "xlsx"))).active
    as_read = start.replace("\r", "\n")  # XML reads a carriage return as a line feed
    assert (sheet["A1"].value, sheet["A1"].data_type) == (as_read + "Заголовок", "s")
    assert (sheet["A2"].value, sheet["A2"].data_type) == (as_read + text[1:], "s")
    rows = list(csv.reader(io.StringIO(written(table, "csv").decode("utf-8-sig"), newline=""),
                           delimiter=";"))
    assert rows[0][0] == "'" + start + "Заголовок"
    assert rows[1] == ["'" + text, "1"] and from_csv_value(rows[1][0]) == text


def test_csv_opens_in_a_russian_excel_as_columns():
    content = written(sample(), "csv")

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [c.title for c in COLUMNS]
    assert rows[1] == ["Петров Василий", "7", "4,57", "87,5", "03.12.2026", "03.12.2026 10:05"]
    assert rows[2][0] == "'" + FORMULA and from_csv_value(rows[2][0]) == FORMULA
    assert rows[2][1:4] == ["0", "3,50", "50,0"]
    assert rows[3] == ["'-1 балл", "12", "—", "—", "—", "—"]
    assert len(rows) == 4


def test_the_page_shows_the_first_rows_as_text_with_figures_set_right():
    shown = screen_table(sample(), limit=2)

    assert [[cell.text for cell in row] for row in shown.rows] == [
        ["Петров Василий", "7", "4,57", "87,5", "03.12.2026", "03.12.2026 10:05"],
        [FORMULA, "0", "3,50", "50,0", "04.12.2026", "03.12.2026 10:05"],
    ]
    assert shown.more
    assert [head.number for head in shown.headers] == [False, True, True, True, False, False]
    assert not screen_table(sample(), limit=3).more


def test_progress_is_told_as_rows_are_written_and_at_the_end():
    told = []
    rows = CountedRows(3, iter(ROWS))
    render.write(sample(rows), "xlsx", io.BytesIO(), progress=told.append)

    assert told[-1] == 3
    progress = Progress(told.append, every=0)
    for _ in range(3):
        progress.advance()
    assert told[-3:] == [1, 2, 3]


# PDF -----------------------------------------------------------------------------------------

PDFINFO = shutil.which("pdfinfo")
PDFFONTS = shutil.which("pdffonts")
PAGE_NUMBER = re.compile(r"стр\. (\d+)")


def pdf_pages(content: bytes) -> tuple[int, str]:
    info = _poppler([PDFINFO], content)
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


def pdf_font_names(content: bytes) -> list[str]:
    return [line.split()[0] for line in _poppler([PDFFONTS], content).splitlines()[2:]]


def long_table(rows: int) -> Table:
    return sample([[f"Ученик {n:03d}", n, Decimal(n) / 7, Decimal(n % 100), dt.date(2026, 12, 1),
                    WRITTEN] for n in range(rows)], landscape=True)


@needs_poppler
def test_pdf_has_the_russian_text_and_figures_with_every_font_embedded():
    content = written(sample(), "pdf")

    text = pdf_text(content)
    assert "Успеваемость класса" in text and "5А класс; 2-я четверть" in text
    assert "Петров Василий" in text and "4,57" in text and "87,5" in text
    assert "03.12.2026 10:05" in text and "N — аттестуемые обучающиеся." in text
    assert FORMULA in text
    assert_fonts_embedded(content)
    pages, size = pdf_pages(content)
    assert pages == 1 and size.startswith("595.276 x 841.89")  # A4 portrait


@needs_poppler
def test_a_long_pdf_is_landscape_with_the_header_on_every_page_and_full_pages():
    table = long_table(130)
    chunked = io.BytesIO()
    write_pdf(table, chunked, Progress(), chunk_rows=25)
    whole = io.BytesIO()
    write_pdf(long_table(130), whole, Progress(), chunk_rows=1000)

    pages, size = pdf_pages(chunked.getvalue())
    assert size.startswith("841.89 x 595.276")  # A4 landscape
    assert pages > 2
    # Chunks leave no half-empty pages: as many pages as the table laid out at once.
    assert pages == pdf_pages(whole.getvalue())[0]
    text = pdf_text(chunked.getvalue())
    assert text.count("Средний балл") == pages
    assert text.count("Успеваемость класса") == 1
    names = [line.split()[1] for line in text.splitlines() if line.strip().startswith("Ученик")]
    assert names == [f"{n:03d}" for n in range(130)]


@needs_poppler
def test_a_pdf_of_several_chunks_is_one_file_with_every_row_in_order_and_pages_numbered_on():
    told = []
    content = io.BytesIO()
    pages = write_pdf(long_table(130), content, Progress(told.append, every=0), chunk_rows=40)
    content = content.getvalue()

    assert pdf_pages(content)[0] == pages > 3
    text = pdf_text(content)
    names = [line.split()[1] for line in text.splitlines() if line.strip().startswith("Ученик")]
    assert names == [f"{n:03d}" for n in range(130)]
    assert [int(number) for number in PAGE_NUMBER.findall(text)] == list(range(1, pages + 1))
    assert text.count("Средний балл") == pages
    assert text.count("N — аттестуемые обучающиеся.") == 1
    # Each chunk brings its own font subsets, embedded, each under a name of its own.
    assert_fonts_embedded(content)
    fonts = pdf_font_names(content)
    assert len(fonts) > 2 and len(set(fonts)) == len(fonts)
    # Progress moves chunk by chunk and ends at the number of rows.
    assert len(told) > 2 and told == sorted(told) and told[-1] == 130


@needs_poppler
def test_an_empty_pdf_says_so_under_its_header():
    text = pdf_text(written(sample([]), "pdf"))

    assert "Строк нет." in text and "N — аттестуемые обучающиеся." in text


def test_a_datetime_in_moscow_is_written_as_it_reads_there():
    moment = dt.datetime(2026, 12, 3, 10, 5, tzinfo=ZoneInfo("Europe/Moscow"))
    rows = list(csv.reader(io.StringIO(written(sample([["x", 1, 1, 1, None, moment]]), "csv")
                                       .decode("utf-8-sig")), delimiter=";"))

    assert rows[1][5] == "03.12.2026 10:05"
