"""The administrator's pages of portal exports: the schedule and «Выгрузить сейчас» for each
kind with its last run; every run, filtered; a run with its counts and files (the status part
asks again by itself while the run is unfinished), and a file of a run to download.

Only the school's administrator (or a superuser) sees them; anyone else gets 404, as on the
other setup pages (accounts/views/staff_logins.py)."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import person_of
from accounts.roles import Role
from accounts.views.paging import page_of
from exports.models import PortalExport
from exports.portal.forms import ScheduleForm
from exports.portal.runs import ExportRefused, last_runs, start_export
from exports.portal.schedule import describe, schedule_of
from journal.models import School
from journal.permissions import school_of_role

NOT_FOUND = "Страница не найдена."
RUN_NOT_FOUND = "Выгрузка не найдена."
FILE_NOT_FOUND = "Файла с таким именем в выгрузке нет."
MANIFEST = "manifest.json"
RUNS_PER_PAGE = 25
Kind, Status = PortalExport.Kind, PortalExport.Status
# The entities of the ejournal-v1 format (exports/portal/content.py) and who is left out.
ENTITY_LABELS = {
    "school": "Школа", "periods": "Учебные периоды", "classes": "Классы",
    "subjects": "Предметы", "subgroups": "Подгруппы", "assessment_types": "Виды работ",
    "assignments": "Учебная нагрузка (журналы)", "timetable": "Расписание уроков",
    "enrolments": "Зачисления в классы", "families": "Связи родителей и детей",
    "lessons": "Уроки", "marks": "Отметки", "absences": "Пропуски",
    "final_marks": "Итоговые отметки", "deletions": "Удалённые записи",
}
LEFT_OUT_LABELS = {"students": "обучающихся", "parents": "родителей", "staff": "сотрудников"}


def administered_school(request) -> School:
    """The school whose exports the signed-in administrator runs; 404 for anyone else."""
    if not person_of(request).administers:
        raise Http404(NOT_FOUND)
    school = school_of_role(request.user, {Role.ADMINISTRATOR})
    if school is None:
        raise Http404(NOT_FOUND)
    return school


def access_portal_export(request, run_id) -> PortalExport:
    school = administered_school(request)
    run = (PortalExport.objects.filter(school=school, pk=run_id)
           .select_related("requested_by").first())
    if run is None:
        raise Http404(RUN_NOT_FOUND)
    return run


def delivery_note() -> str:
    """Where a run's files go, as the settings say."""
    if settings.PORTAL_DROP_DIR:
        return f"Файлы выгрузки кладутся в папку обмена с порталом: {settings.PORTAL_DROP_DIR}."
    if settings.PORTAL_URL:
        return f"Файлы выгрузки передаются на портал по адресу {settings.PORTAL_URL}."
    return ("Передача на портал не настроена: файлы выгрузок хранятся только здесь, "
            "их можно скачать со страницы выгрузки.")


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    school = administered_school(request)
    schedule = schedule_of(school)
    form = ScheduleForm(request.POST if request.method == "POST" else None, instance=schedule)
    if request.method == "POST":
        if form.is_valid():
            form.save(by=request.user)
            messages.success(request, "Расписание выгрузок сохранено.")
            return redirect("portal:index")
        # The page shows what is kept, not the refused input the instance took in.
        schedule.refresh_from_db()
    runs = last_runs(school)
    kinds = [{"kind": kind, "label": kind.label, "run": runs.get(kind),
              "when": describe(schedule, kind) if schedule.enabled else None}
             for kind in Kind]
    return render(request, "exports/portal/index.html", {
        "school": school, "schedule": schedule, "form": form, "kinds": kinds,
        "left_out": left_out_figure(runs), "delivery": delivery_note()})


def in_order(items, labels: dict) -> list[tuple]:
    """(key, value) pairs in the order of `labels` (the format's), unknown keys last: the
    database keeps a JSON object's keys in an order of its own."""
    order = {key: place for place, key in enumerate(labels)}
    return sorted(items, key=lambda item: (order.get(item[0], len(order)), item[0]))


def left_out_counts(run: PortalExport) -> dict[str, int]:
    """Participants left out for want of a UID, by kind (a count, or the list's length)."""
    return {kind: value if isinstance(value, int) else len(value)
            for kind, value in (run.left_out or {}).items()}


def left_out_figure(runs: dict[str, PortalExport | None]) -> dict | None:
    """Participants without a UID that the newest successful run left out, by kind."""
    finished = [run for run in runs.values() if run is not None and run.status == Status.DONE]
    if not finished:
        return None
    newest = max(finished, key=lambda run: run.created_at)
    counts = left_out_counts(newest)
    return {"run": newest, "total": sum(counts.values()),
            "by_kind": [(LEFT_OUT_LABELS.get(kind, kind), n)
                        for kind, n in in_order(counts.items(), LEFT_OUT_LABELS) if n]}


@login_required
@require_POST
def start(request, kind: str):
    """«Выгрузить сейчас»: a run of the kind, or why not."""
    school = administered_school(request)
    if kind not in Kind.values:
        raise Http404(NOT_FOUND)
    try:
        run = start_export(school, kind, reason=PortalExport.Reason.MANUAL, by=request.user)
    except ExportRefused as refused:  # one of the kind is unfinished; no current year
        messages.warning(request, str(refused))
        return redirect("portal:index")
    messages.success(request, "Выгрузка поставлена в очередь.")
    return redirect("portal:run", run_id=run.pk)


@login_required
@require_GET
def runs(request):
    school = administered_school(request)
    chosen = {"kind": request.GET.get("kind", ""), "status": request.GET.get("status", "")}
    listed: QuerySet[PortalExport] = (PortalExport.objects.filter(school=school)
                                      .select_related("requested_by")
                                      .order_by("-created_at", "-pk"))
    if chosen["kind"] in Kind.values:
        listed = listed.filter(kind=chosen["kind"])
    else:
        chosen["kind"] = ""
    if chosen["status"] in Status.values:
        listed = listed.filter(status=chosen["status"])
    else:
        chosen["status"] = ""
    return render(request, "exports/portal/runs.html", {
        "page": page_of(request, listed, RUNS_PER_PAGE), "chosen": chosen,
        "kinds": Kind.choices, "statuses": Status.choices,
        "filtered": bool(chosen["kind"] or chosen["status"])})


def run_folder(run: PortalExport) -> Path | None:
    if not run.folder:
        return None
    root = Path(settings.EXPORT_ROOT).resolve()
    folder = (root / run.folder).resolve()
    return folder if folder.is_relative_to(root) and folder != root else None


def manifest_files(run: PortalExport) -> list[dict]:
    """The run's files as its manifest lists them (name, rows, bytes, sha256); none while the
    manifest is not written, or when its folder is gone."""
    folder = run_folder(run)
    if folder is None:
        return []
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = manifest.get("files") if isinstance(manifest, dict) else None
    return [{"name": str(entry["name"]), "rows": entry.get("rows"), "bytes": entry.get("bytes"),
             "sha256": entry.get("sha256")}
            for entry in files or [] if isinstance(entry, dict) and entry.get("name")]


def run_context(run: PortalExport) -> dict:
    files = manifest_files(run)
    if files and run.checksum:
        files.append({"name": MANIFEST, "rows": None, "bytes": None, "sha256": run.checksum})
    counts = [(ENTITY_LABELS.get(name, name), n)
              for name, n in in_order(run.counts.items(), ENTITY_LABELS)]
    left_out = [(LEFT_OUT_LABELS.get(kind, kind), n)
                for kind, n in in_order(left_out_counts(run).items(), LEFT_OUT_LABELS)]
    return {"run": run, "files": files, "counts": counts, "left_out": left_out}


@login_required
@require_GET
def run_page(request, run_id: int):
    run = access_portal_export(request, run_id)
    template = ("exports/portal/_run_state.html" if request.headers.get("HX-Request")
                else "exports/portal/run.html")
    return render(request, template, run_context(run))


@login_required
@require_GET
def run_file(request, run_id: int, name: str):
    """A file of a run, only by a name its manifest lists (or the manifest itself)."""
    run = access_portal_export(request, run_id)
    names = {entry["name"] for entry in manifest_files(run)}
    folder = run_folder(run)
    if folder is None or (name not in names and not (names and name == MANIFEST)):
        raise Http404(FILE_NOT_FOUND)
    path = (folder / name).resolve()
    if path.parent != folder:
        raise Http404(FILE_NOT_FOUND)
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404("Файл выгрузки не найден на сервере.") from None
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=kind)
    response["Cache-Control"] = "no-store"
    return response
