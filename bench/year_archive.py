"""Benchmark: the year-end archive and a verified backup of the large demo school (PostgreSQL).

Runs after `seed_demo` (which leaves the large school in the benchmark database) and leaves it
as it found it: files go to a temporary folder, and the archive's and the backup's rows are
deleted at the end. Figures:

- the archive of the current year, every part of it (a PDF per journal, a class's summary
  statements as XLSX and CSV) built by WORKERS processes as the Celery worker builds it: one part
  per task, a process replaced after MAX_TASKS_PER_CHILD tasks. Total time, journals, pages,
  pages/s, the peak resident memory of a worker process, and whether the whole school fits in
  30 minutes on two cores;
- our journal PDF against bare WeasyPrint in the same run: for SAMPLE journals, interleaved, the
  journal's PDF and then a minimal page of one table of plain cells laid out to the same number
  of pages, on the same stylesheets. Pages/s medians, spread (min–max) and the ratio of the
  medians (goal ≥ 0.5);
- a backup of the database and the uploaded files, and its verification (a restore into a
  scratch database, every table's rows counted): time and size.

Progress goes to stderr; stdout gets only `name: value unit` lines.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import current_year, setup_django, spread

WORKERS = 2
MAX_TASKS_PER_CHILD = 50
SAMPLE = 12
GOAL_MINUTES = 30
BARE_COLUMNS = 28
CALIBRATION_ROWS = 400


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# The archive, built in parallel -------------------------------------------------------------

def _build(task: tuple[int, str]) -> tuple[int, int, float]:
    """One part in a worker process: (pid, peak resident memory in KB, seconds)."""
    from archive.years.build import build_part

    archive_id, part = task
    started = time.perf_counter()
    build_part(archive_id, part)
    return os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, \
        time.perf_counter() - started


def _archive(year) -> dict:
    from django.db import connections

    from archive.models import ArchiveFile
    from archive.years.build import parts_of, start_archive

    archive = start_archive(year, None, allow_open=True, enqueue=False)
    parts = parts_of(archive)
    connections.close_all()  # each worker process opens its own
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WORKERS,
                                                  maxtasksperchild=MAX_TASKS_PER_CHILD) as pool:
        results = pool.map(_build, [(archive.pk, part) for part in parts], chunksize=1)
    seconds = time.perf_counter() - started
    archive.refresh_from_db()
    files = ArchiveFile.objects.filter(archive=archive)
    journals = files.filter(kind=ArchiveFile.Kind.JOURNAL)
    pages = sum(f.pages or 0 for f in journals)
    peak_by_process: dict[int, int] = {}
    for pid, peak, _ in results:
        peak_by_process[pid] = max(peak, peak_by_process.get(pid, 0))
    return {"archive": archive, "seconds": seconds, "journals": journals.count(),
            "files": files.count(), "pages": pages,
            "bytes": sum(f.bytes for f in files),
            "peak_mb": max(peak_by_process.values()) / 1024,
            "processes": len(peak_by_process)}


# Our renderer against bare WeasyPrint ------------------------------------------------------

def _bare_html(rows: int) -> str:
    cells = "".join(f"<td>{n % 6}</td>" for n in range(BARE_COLUMNS))
    body = "".join(f"<tr><td>Обучающийся {r}</td>{cells}</tr>" for r in range(rows))
    return ("<!doctype html><html lang='ru'><head><meta charset='utf-8'><style>"
            "@page{size:A4 landscape} table{border-collapse:collapse;font-size:8pt}"
            "td{border:1px solid #000;padding:1px 2px}</style></head>"
            f"<body><table>{body}</table></body></html>")


def _render_bare(rows: int) -> bytes:
    from weasyprint import HTML

    from accounts.pdf import print_stylesheets

    return HTML(string=_bare_html(rows)).write_pdf(stylesheets=print_stylesheets())


def _renderer_against_bare(year) -> dict:
    from archive.document import render_journal_pdf
    from journal.models import TeachingAssignment

    rows_per_page = CALIBRATION_ROWS / _pages(_render_bare(CALIBRATION_ROWS))
    journals = list(TeachingAssignment.objects.filter(year=year).order_by("?")
                    .select_related("subject", "school_class")[:SAMPLE])
    ours, bare = [], []
    for journal in journals:
        started = time.perf_counter()
        pdf = render_journal_pdf(journal)
        seconds = time.perf_counter() - started
        pages = _pages(pdf)
        ours.append(pages / seconds)
        started = time.perf_counter()
        bare_pdf = _render_bare(max(1, round(pages * rows_per_page)))
        bare_seconds = time.perf_counter() - started
        bare.append(_pages(bare_pdf) / bare_seconds)
        _log(f"  {journal.school_class} {journal.subject.name}: {pages} pages, {seconds:.2f} s; "
             f"bare {_pages(bare_pdf)} pages, {bare_seconds:.2f} s")
    return {"ours": ours, "bare": bare}


# The backup ----------------------------------------------------------------------------------

def _backup() -> dict:
    from archive.backups.services import make_backup

    started = time.perf_counter()
    backup = make_backup(verify=True)
    seconds = time.perf_counter() - started
    return {"backup": backup, "seconds": seconds}


def run() -> int:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from archive.models import Backup

    year = current_year()
    if year is None or connection.vendor != "postgresql":
        _log("archive: the benchmark database has no demo school; run seed_demo first")
        return 1
    _log(f"archive benchmark: {year.school}, {year}")
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        settings.ARCHIVE_ROOT = Path(folder) / "archive"
        settings.BACKUP_ROOT = Path(folder) / "backups"
        settings.BACKUP_COPY_DIR = ""

        _log(f"renderer against bare WeasyPrint, {SAMPLE} journals interleaved")
        compared = _renderer_against_bare(year)
        ratio = statistics.median(compared["ours"]) / statistics.median(compared["bare"])
        print(f"archive_journal_pdf_pages_per_s: {spread(compared['ours'])} pages/s")
        print(f"archive_bare_weasyprint_pages_per_s: {spread(compared['bare'])} pages/s")
        print(f"archive_journal_vs_bare_ratio: {ratio:.2f} ratio (goal >= 0.5)")
        failed += ratio < 0.5

        _log(f"the whole year's archive, {WORKERS} worker processes")
        built = _archive(year)
        archive = built["archive"]
        minutes = built["seconds"] / 60
        print(f"archive_status: {archive.status} ({archive.done} of {archive.total} parts)")
        print(f"archive_journals: {built['journals']} count")
        print(f"archive_files: {built['files']} count")
        print(f"archive_pages: {built['pages']} pages")
        print(f"archive_size: {built['bytes'] / 2**20:.1f} MB")
        print(f"archive_total_time: {minutes:.1f} min on {WORKERS} processes "
              f"(goal <= {GOAL_MINUTES})")
        print(f"archive_pages_per_s: {built['pages'] / built['seconds']:.1f} pages/s")
        print(f"archive_worker_peak_memory: {built['peak_mb']:.0f} MB "
              f"({built['processes']} processes over the run)")
        failed += archive.status != archive.Status.DONE or minutes > GOAL_MINUTES
        archive.delete()
        sys.stdout.flush()

        _log("a backup of the database and the uploaded files, verified")
        made = _backup()
        backup = made["backup"]
        print(f"backup_status: {backup.status}, verification {backup.check_status}")
        print(f"backup_database_size: {backup.database_bytes / 2**20:.1f} MB")
        print(f"backup_total_time: {made['seconds']:.1f} s (dump, verified restore, checksums)")
        print(f"backup_verify_time: {backup.check_seconds or 0:.1f} s")
        failed += backup.check_status != Backup.Check.PASSED
        Backup.objects.filter(pk=backup.pk).delete()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
