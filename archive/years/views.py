"""The closed years' archive (/archive/): the school's years, «Архивировать» for a closed one,
each archive with its progress, files by class with their downloads and the integrity check,
and the removals past the keeping date that the director approves or rejects."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from archive.years import queries
from archive.years.access import (
    access_archive,
    access_file,
    access_year,
    approves_removals,
    archive_school,
)
from archive.years.build import ArchiveRefused, start_archive
from archive.years.files import folder_path
from archive.years.plan import download_name
from archive.years.retention import approve_removal, reject_removal
from archive.years.verify import is_intact, verify_archive


@login_required
@require_GET
def years(request):
    school = archive_school(request.user)
    return render(request, "archive/years/index.html", {
        "school": school, "rows": queries.year_rows(school),
        "pending": queries.pending_removals(school),
        "decided": queries.decided_removals(school),
        "approves": approves_removals(request.user, school),
        "journal_years": settings.ARCHIVE_JOURNAL_YEARS,
        "statement_years": settings.ARCHIVE_STATEMENT_YEARS})


@login_required
@require_POST
def start(request, year_id: int):
    year = access_year(request.user, year_id)
    try:
        archive = start_archive(year, request.user)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("archive:years")
    messages.success(request, f"Архив {year.name} учебного года собирается в фоне: страницу "
                              f"можно закрыть.")
    return redirect("archive:year_archive", archive.pk)


@login_required
@require_GET
def archive_page(request, archive_id: int):
    archive = access_archive(request.user, archive_id)
    classes, others = queries.files_by_class(archive)
    return render(request, "archive/years/archive.html", {
        "archive": archive, "classes": classes, "others": others,
        "result": archive.verify_result if archive.verified_at else None,
        "intact": is_intact(archive.verify_result)})


@login_required
@require_GET
def status(request, archive_id: int):
    """The archive's progress, asked for again every two seconds while it is built; once it
    is finished the page that asked reloads to show the files."""
    archive = access_archive(request.user, archive_id)
    if archive.finished and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "archive/years/_status.html", {"archive": archive})


@login_required
@require_POST
def verify(request, archive_id: int):
    archive = access_archive(request.user, archive_id)
    try:
        result = verify_archive(archive, request.user)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if is_intact(result):
            messages.success(request, f"Проверка пройдена: все файлы целы "
                                      f"({result['checked']}).")
        else:
            messages.error(request, f"Нарушена целостность архива: изменено файлов — "
                                    f"{len(result['changed'])}, отсутствует — "
                                    f"{len(result['missing'])}.")
    return redirect("archive:year_archive", archive.pk)


@login_required
@require_GET
def download(request, file_id: int):
    archive_file = access_file(request.user, file_id)
    path = folder_path(archive_file.archive.folder) / archive_file.path
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404("Файла нет на диске архива: проверьте целостность архива.") from None
    name = download_name(archive_file)
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=mimetypes.guess_type(name)[0]
                            or "application/octet-stream")
    response["Cache-Control"] = "no-store"
    return response


def _removal_decision(request, removal_id: int, decide) -> HttpResponse:
    school = archive_school(request.user)
    if not approves_removals(request.user, school):
        raise PermissionDenied("Удаление файлов архива утверждает директор.")
    try:
        outcome = decide(removal_id, school.pk, request.user)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, outcome)
    return redirect("archive:years")


@login_required
@require_POST
def approve(request, removal_id: int):
    def decide(removal_id, school_id, user) -> str:
        decision = approve_removal(removal_id, school_id, user)
        return f"Удаление утверждено: удалено файлов — {decision.removed}."
    return _removal_decision(request, removal_id, decide)


@login_required
@require_POST
def reject(request, removal_id: int):
    def decide(removal_id, school_id, user) -> str:
        reject_removal(removal_id, school_id, user)
        return "Удаление отклонено: файлы остаются в архиве."
    return _removal_decision(request, removal_id, decide)
