"""A report as PDF (WeasyPrint) on the project's print stylesheet (`accounts.pdf`: A4, the
DejaVu fonts that carry Cyrillic, embedded) and the reports' own: landscape when the table is
wide, the header row again on every page, each column as wide as it says, «стр. N» under each
page.

WeasyPrint keeps every page's layout until it writes the file (about 4 MB a page of a wide
table). So the table is laid out a chunk of rows at a time, each chunk written to a temporary
PDF of its own and dropped, and the chunks are joined at the end (`pdf_join`): memory holds one
chunk's layout, however many rows the report has, and at the end the joined file's compressed
bytes (about 11 KB a page); the run's progress moves chunk by chunk. Each chunk's last page
is not kept; its rows open the next chunk, so pages are as full as in one long table, and the
page numbers go on from the pages written. (The rows' ids tell which rows a page holds: `Page.anchors`.)"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from html import escape

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from accounts.pdf import BASE_URL, print_stylesheets
from exports.render.progress import Progress
from exports.render.values import as_text, is_number
from exports.table import Table

TEMPLATE = "exports/pdf.html"
REPORT_STYLESHEET = "css/report-pdf.css"
# About ten pages of a wide table: a chunk's layout costs about 90 MB (measured: 200 rows
# ~70 MB, 600 rows ~175 MB), and one page in ten is laid out twice (the last, carried over).
CHUNK_ROWS = 300
ROW_ID = "r"


PAGE_NUMBER = "@bottom-right { content: 'стр. ' counter(page); font: 6.5pt 'DejaVu Sans', sans-serif }"


def _layout_css(table: Table) -> str:
    """The page's orientation and number, and the columns' widths in proportion to
    `Column.width`."""
    total = sum(column.width for column in table.columns) or 1
    widths = "".join(f"table.report th:nth-child({n}) {{ width: {column.width * 100 / total:.2f}% }}"
                     for n, column in enumerate(table.columns, start=1))
    orientation = "landscape" if table.landscape else "portrait"
    return f"@page {{ size: A4 {orientation}; {PAGE_NUMBER} }} {widths}"


def _numbered_from(number: int) -> str:
    """A chunk's pages numbered on from those before it: its first page is `number`."""
    return f"@page :first {{ counter-reset: page {number - 1}; counter-increment: page }}"


class PdfWriter:
    def __init__(self, table: Table):
        self.table = table
        # One font configuration for every chunk: the fonts are loaded once.
        self.font_config = FontConfiguration()
        self.stylesheets = print_stylesheets(REPORT_STYLESHEET, font_config=self.font_config)
        self.stylesheets.append(CSS(string=_layout_css(table), font_config=self.font_config))
        self.kinds = [(column.kind, " class=\"n\"" if is_number(column.kind) else "")
                      for column in table.columns]
        self.made_at = timezone.localtime()

    def row(self, index: int, values: list) -> str:
        cells = "".join(f"<td{css}>{escape(as_text(value, kind))}</td>"
                        for value, (kind, css) in zip(values, self.kinds, strict=True))
        return f'<tr id="{ROW_ID}{index}">{cells}</tr>'

    def document(self, rows: list[str], *, first: bool, last: bool,
                 first_page: int = 1) -> Document:
        html = render_to_string(TEMPLATE, {
            "table": self.table, "rows": mark_safe("".join(rows)),  # noqa: S308 (escaped above)
            "first": first, "last": last, "made_at": self.made_at})
        numbering = CSS(string=_numbered_from(first_page), font_config=self.font_config)
        return HTML(string=html, base_url=BASE_URL).render(
            stylesheets=[*self.stylesheets, numbering], font_config=self.font_config)


def first_row_on(page, indexes: list[int]) -> int | None:
    """The position in `indexes` of the first of those rows that `page` holds."""
    on_page = {name for name in page.anchors if name.startswith(ROW_ID)}
    return next((n for n, index in enumerate(indexes) if f"{ROW_ID}{index}" in on_page), None)


def _write_pages(document: Document, pages: list, target) -> None:
    for page in pages:
        # The ids only served to find the carried rows: no named destination per row in the file.
        page.anchors.clear()
    document.copy(pages).write_pdf(target)


def write_pdf(table: Table, target, progress: Progress, chunk_rows: int = CHUNK_ROWS) -> int:
    """`target`: a path or a binary file. How many pages it has."""
    writer = PdfWriter(table)
    rows = iter(table.rows)
    pending: list[tuple[int, str]] = []   # (row number, its HTML) not yet on a written page
    written = 0                           # pages
    read, wanted, exhausted = 0, chunk_rows, False
    with ExitStack() as stack:
        parts = []
        while not exhausted:
            for values in rows:
                pending.append((read, writer.row(read, values)))
                read += 1
                if len(pending) >= wanted:
                    break
            else:
                exhausted = True
            document = writer.document([html for _, html in pending], first=not parts,
                                       last=exhausted, first_page=written + 1)
            if exhausted:
                kept, done = document.pages, len(pending)
            else:
                done = first_row_on(document.pages[-1], [index for index, _ in pending])
                if not done:  # the chunk fits on one page (or its rows are not found): read on
                    wanted += chunk_rows
                    continue
                kept = document.pages[:-1]
            part = stack.enter_context(tempfile.TemporaryFile())
            _write_pages(document, kept, part)
            parts.append(part)
            written += len(kept)
            progress.advance(done)
            pending, wanted = pending[done:], chunk_rows
            del document, kept  # before the next chunk is laid out: one chunk's layout at a time
        # pypdf (with cryptography, 13 MB) only in the process that writes a PDF.
        from exports.render.pdf_join import join_pdfs

        join_pdfs(parts, target, table.title)
    progress.finish()
    return written
