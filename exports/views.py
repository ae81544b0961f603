"""The reports' pages: the list of reports the user may run with their recent runs; a report's
form and its table on the page, or its file — at once when it is small, else made in the
background (a page with a progress bar that polls, then the download); the user's runs."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Value
from django.db.models.functions import Concat
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from exports import render as files
from exports.access import (
    NOT_FOUND,
    access_exporter,
    access_run,
    report_rights,
    runs_of,
    runs_readable_by,
    year_archive_school,
)
from exports.forms import ReportForm
from exports.models import ReportRun
from exports.registry import FILE_FORMATS, SCREEN, exporters
from exports.render.screen import screen_table
from exports.services import order_report, run_title
from exports.year_workbooks import current_year, order_year_journals, year_journals_runs
from journal.downloads import download as file_download

# How many of the user's runs the pages list.
RECENT, LISTED = 5, 50


@login_required
@require_GET
def index(request):
    rights = report_rights(request.user)
    available = [exporter for exporter in exporters() if rights.may_run(exporter)]
    if not available:
        raise Http404("Отчёты составляют учителя, классные руководители, заместитель директора "
                      "и директор.")
    return render(request, "exports/index.html", {
        "exporters": available, "runs": runs_of(request.user)[:RECENT],
        "year_archive": year_archive_school(request.user) is not None})


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, key: str):
    exporter, rights = access_exporter(request.user, key)
    today = timezone.localdate()
    context = {"exporter": exporter}
    if request.method == "GET":
        form = ReportForm(exporter=exporter, rights=rights, today=today)
        return render(request, "exports/report.html", {**context, "form": form})
    file_format = request.POST.get("format") or SCREEN
    if file_format not in (SCREEN, *FILE_FORMATS):
        raise Http404("Такого вида отчёта нет.")
    form = ReportForm(request.POST, exporter=exporter, rights=rights, today=today)
    if not form.is_valid():
        if form.crafted:
            raise Http404("Класс, параллель или период не найдены.")
        return render(request, "exports/report.html", {**context, "form": form})
    params = form.params()
    if file_format == SCREEN:
        return render(request, "exports/report.html", {
            **context, "form": form, "result": screen_table(exporter.table(params))})
    if exporter.runs_in_background(params, file_format):
        run = order_report(request.user, exporter, form, file_format)
        return redirect("exports:run", run.pk)
    handle = tempfile.TemporaryFile()
    files.write(exporter.table(params), file_format, handle)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True,
                            filename=f"{run_title(exporter, params)}.{file_format}",
                            content_type=files.CONTENT_TYPES[file_format])
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def year_journals(request):
    """The year's journals for the school's own archive: «Сформировать» orders them (made in
    the background), and the runs of the school with their progress and files."""
    school = year_archive_school(request.user)
    if school is None:
        raise Http404(NOT_FOUND)
    runs = year_journals_runs(school)
    if request.method == "POST":
        if runs.filter(status__in=(ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)).exists():
            messages.info(request, "Архив журналов уже готовится: дождитесь, пока он будет готов.")
        elif order_year_journals(request.user, school) is None:
            messages.error(request, "В школе не задан текущий учебный год: выгружать нечего.")
        else:
            messages.success(request, "Архив журналов заказан: он готовится в фоне.")
        return redirect("exports:year_journals")
    return render(request, "exports/year_journals.html", {
        "school": school, "year": current_year(school),
        "runs": runs.select_related("requested_by")[:LISTED]})


@login_required
@require_GET
def runs(request):
    return render(request, "exports/runs.html", {"runs": runs_of(request.user)[:LISTED]})


@login_required
@require_GET
def run_page(request, run_id: int):
    return render(request, "exports/run.html", {"run": access_run(request.user, run_id)})


@login_required
@require_GET
def run_status(request, run_id: int):
    """The run's state: a progress bar that asks again every second until it is done."""
    return render(request, "exports/_run_status.html",
                  {"run": access_run(request.user, run_id)})


@login_required
@require_GET
def download(request, run_id: int):
    """A finished run's file, named after the report (gone after its time: 404)."""
    made = (runs_readable_by(request.user).filter(status=ReportRun.Status.DONE).exclude(file="")
            .annotate(original_name=Concat("title", Value("."), "format")))
    response = file_download(made, run_id)
    response["Cache-Control"] = "no-store"
    return response
