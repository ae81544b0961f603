"""Benchmark: a school-wide report of the large demo school as XLSX and PDF (PostgreSQL).

Runs after `seed_demo` (which leaves the large school in the benchmark database). The report
is the first of REPORTS that the registry has: the summary statement of marks, else the
summary statement of attendance; its span is the current academic year; it is run for the
whole school and, to show how memory follows its size, for one grade (the median one).
Figures:

- end to end (the report's queries and the file), each in a process of its own so that its peak
  resident memory is its own: XLSX and PDF time, pages, peak memory, for the school and for the
  grade; Django and the libraries loaded without a report, for the baseline; XLSX of a school
  GROWTH times as large (the report's rows read GROWTH times over). Memory stays flat as rows
  stream: the PDF is laid out and written a chunk of rows at a time, so the school's PDF peaks
  about where the grade's does;
- the writers against the bare libraries in the same run, on the same rows read once: XLSX
  cells/s against a bare openpyxl write-only loop of the same cells; PDF pages/s against bare
  WeasyPrint laying out one table of the same rows (PDF_ROWS of them: our writer splits them
  into chunks, lays out each chunk's last page again and joins the chunks) on the same
  stylesheets. ROUNDS short bursts each, interleaved; medians, spread (min–max) and the ratio
  of the medians (goal ≥ 0.5).

Progress goes to stderr; stdout gets only `name: value unit` lines.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from html import escape

from bench.common import ROOT, setup_django

REPORTS = ("marks_statement", "attendance_statement")
ROUNDS = 5
PDF_ROWS = 600  # two chunks and a bit
GROWTH = 4
SCHOOL, GRADE = "school", "grade"


def _report(scope: str = SCHOOL):
    """(exporter, params) of the report for the whole school or its median grade over the
    current year, or None."""
    from exports.registry import Params, exporter_of
    from exports.table import Scope, Span
    from journal.models import AcademicYear, SchoolClass

    year = AcademicYear.objects.filter(is_current=True).select_related("school").first()
    if year is None:
        return None
    exporter = next(e for e in map(exporter_of, REPORTS) if e is not None)
    grade = None
    if scope == GRADE:
        grades = sorted(SchoolClass.objects.filter(year=year).values_list("grade", flat=True))
        grade = grades[len(grades) // 2]
    return exporter, Params(Scope(year.school, grade=grade), Span(year.starts_on, year.ends_on))


def _spread(samples: list[float], places: int) -> str:
    return f"{min(samples):.{places}f}–{max(samples):.{places}f}"


# End to end, one process each ---------------------------------------------------------------

def child(file_format: str, growth: int, scope: str) -> None:
    """The child's part: write the report for `scope` `growth` times over into one file;
    print seconds, rows and pages as JSON."""
    setup_django()
    from exports.render.pdf import write_pdf
    from exports.render.progress import Progress
    from exports.render.xlsx import write_xlsx
    from exports.table import Table

    found = _report(scope)
    if file_format == "none":  # the baseline: Django, openpyxl and WeasyPrint loaded
        print(json.dumps({"seconds": 0, "rows": 0, "pages": 0}))
        return
    exporter, params = found
    started = time.perf_counter()
    table = exporter.table(params)
    rows = itertools.chain(table.rows, *(exporter.table(params).rows for _ in range(growth - 1)))
    counted = Progress()
    with tempfile.TemporaryFile() as target:
        streamed = Table(table.title, table.columns, rows, table.subtitle, table.notes,
                         table.landscape)
        if file_format == "xlsx":
            write_xlsx(streamed, target, counted)
            pages = 0
        else:
            pages = write_pdf(streamed, target, counted)
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": counted.done,
                      "pages": pages}))


def _in_child(file_format: str, growth: int = 1, scope: str = SCHOOL) -> tuple[dict, float]:
    """The child's figures and its peak resident memory, MB."""
    process = subprocess.Popen(  # noqa: S603 (this very script)
        [sys.executable, "-m", "bench.reports", "--child", file_format, str(growth), scope], cwd=ROOT,
        stdout=subprocess.PIPE, env=os.environ.copy())
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"reports benchmark: the {file_format} child failed")
    return json.loads(output), usage.ru_maxrss / 1024


# Against the bare libraries ------------------------------------------------------------------

def _bare_xlsx(columns, rows, target) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("bare")
    sheet.append([column.title for column in columns])
    for row in rows:
        sheet.append(row)
    book.save(target)


def _bare_pdf(table, rows) -> int:
    """One table of the same text laid out at once, on the same stylesheets."""
    from django.conf import settings
    from weasyprint import HTML

    from exports.render.pdf import PdfWriter
    from exports.render.values import as_text

    writer = PdfWriter(table)
    head = "".join(f"<th>{escape(column.title)}</th>" for column in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(as_text(value, column.kind))}</td>"
                                    for value, column in zip(row, table.columns, strict=True))
                   + "</tr>" for row in rows)
    html = (f'<html><body><table class="report"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></body></html>")
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=writer.stylesheets, font_config=writer.font_config)
    document.write_pdf(tempfile.TemporaryFile())
    return len(document.pages)


def _bursts(ours, bare, rounds: int = ROUNDS) -> tuple[list[float], list[float]]:
    """Interleaved: ours, bare, ours, bare… Each returns its amount of work; per second."""
    rates = ([], [])
    for _ in range(rounds):
        for rate, work in zip(rates, (ours, bare), strict=True):
            started = time.perf_counter()
            done = work()
            rate.append(done / (time.perf_counter() - started))
    return rates


def _compare(name: str, unit: str, ours: list[float], bare: list[float], places: int = 0) -> None:
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"reports_{name}_ours_median: {statistics.median(ours):.{places}f} {unit}")
    print(f"reports_{name}_ours_spread: {_spread(ours, places)} {unit}")
    print(f"reports_{name}_bare_median: {statistics.median(bare):.{places}f} {unit}")
    print(f"reports_{name}_bare_spread: {_spread(bare, places)} {unit}")
    print(f"reports_{name}_ratio: {ratio:.2f} (goal >= 0.5)")


def run() -> int:
    setup_django()
    from exports.render.pdf import write_pdf
    from exports.render.progress import Progress
    from exports.render.xlsx import write_xlsx
    from exports.table import Table

    found = _report()
    if found is None:
        print("reports: the benchmark database has no demo school; run seed_demo first",
              file=sys.stderr)
        return 1
    exporter, params = found
    print(f"reports benchmark: {exporter.title}, {params.scope.label}, {params.span.label}",
          file=sys.stderr)

    baseline = _in_child("none")[1]
    print(f"reports_baseline_peak_memory: {baseline:.0f} MB")
    for file_format, scope in (("xlsx", SCHOOL), ("pdf", GRADE), ("pdf", SCHOOL)):
        figures, peak = _in_child(file_format, scope=scope)
        name = file_format if scope == SCHOOL else f"{file_format}_{scope}"
        print(f"reports: {name} end to end done", file=sys.stderr)
        print(f"reports_{name}_rows: {figures['rows']} count")
        if figures["pages"]:
            print(f"reports_{name}_pages: {figures['pages']} count")
            print(f"reports_{name}_pages_per_s: {figures['pages'] / figures['seconds']:.2f} "
                  "pages/s")
        print(f"reports_{name}_time: {figures['seconds']:.1f} s")
        print(f"reports_{name}_peak_memory: {peak:.0f} MB")
        sys.stdout.flush()
    grown, grown_peak = _in_child("xlsx", GROWTH)
    print(f"reports_xlsx_x{GROWTH}_rows: {grown['rows']} count")
    print(f"reports_xlsx_x{GROWTH}_peak_memory: {grown_peak:.0f} MB")
    sys.stdout.flush()

    table = exporter.table(params)
    rows = [list(row) for row in table.rows]
    cells = len(rows) * len(table.columns)
    print(f"reports_xlsx_cells: {cells} count")

    def ours_xlsx() -> int:
        with tempfile.TemporaryFile() as target:
            write_xlsx(Table(table.title, table.columns, rows, notes=table.notes), target,
                       Progress())
        return cells

    def bare_xlsx() -> int:
        with tempfile.TemporaryFile() as target:
            _bare_xlsx(table.columns, rows, target)
        return cells

    _compare("xlsx_cells_per_s", "cells/s", *_bursts(ours_xlsx, bare_xlsx))
    sys.stdout.flush()

    some = rows[:PDF_ROWS]
    short = Table(table.title, table.columns, some, landscape=table.landscape)

    def ours_pdf() -> int:
        with tempfile.TemporaryFile() as target:
            return write_pdf(short, target, Progress())

    print(f"reports_pdf_burst_rows: {len(some)} count")
    pdf_ours, pdf_bare = _bursts(ours_pdf, lambda: _bare_pdf(short, some))
    _compare("pdf_pages_per_s", "pages/s", pdf_ours, pdf_bare, places=2)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(run())
