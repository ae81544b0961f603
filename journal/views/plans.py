"""The thematic plan (КТП) page of a journal: items in a form, import from a file, programme
completion. The journal's teacher edits; its readers (class teacher, deputy director,
director) see it read-only; everybody else gets 404."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from journal.forms import PlanImportForm, PlanItemFormSet
from journal.imports.plans import (
    XLSX_CONTENT_TYPE,
    import_plan_file,
    template_csv,
    template_xlsx,
)
from journal.models import TeachingAssignment, ThematicPlan
from journal.permissions import JournalRights, access_assignment
from journal.queries.plans import plan_items, programme_completion
from journal.rules import JournalError
from journal.services.plans import fill_planned_dates, save_plan

# Items per page of the form: 100 rows of 7 fields stay well under Django's limit of 1,000
# fields a request (DATA_UPLOAD_MAX_NUMBER_FIELDS); longer plans get more pages.
PAGE_SIZE = 100
EXTRA_ROWS = 5

def _plan_version(assignment: TeachingAssignment) -> int:
    return (ThematicPlan.objects.filter(assignment=assignment)
            .values_list("version", flat=True).first() or 0)


def _page_number(request) -> str:
    return request.GET.get("page") or "1"


def _plan_url(assignment: TeachingAssignment, page: int | str = 1) -> str:
    url = reverse("journal:plan", args=[assignment.pk])
    return f"{url}?page={page}" if str(page) != "1" else url


def _render(request, assignment: TeachingAssignment, rights: JournalRights, *, formset=None,
            import_form=None, import_errors=(), errors=(), status: int = 200) -> HttpResponse:
    items = plan_items(assignment)
    editor = rights.keep
    page = Paginator(items, PAGE_SIZE).get_page(_page_number(request))
    if editor and formset is None:
        initial = [{"id": i.pk, "number": i.number, "section": i.section, "topic": i.topic,
                    "hours": i.hours, "planned_on": i.planned_on} for i in page.object_list]
        formset = PlanItemFormSet(initial=initial, prefix="items",
                                  form_kwargs={"assignment": assignment})
        formset.extra = EXTRA_ROWS if not page.has_next() else 0
    if formset is not None:
        by_id = {i.pk: i for i in page.object_list}
        for form in formset.forms:
            item_id = str(form["id"].value() or "")
            form.item = by_id.get(int(item_id)) if item_id.isdigit() else None
    return render(request, "journal/plans/plan.html", {
        "assignment": assignment, "rights": rights, "editor": editor, "items": items,
        "page": page, "formset": formset, "plan_version": _plan_version(assignment),
        "import_form": import_form or PlanImportForm(), "import_errors": import_errors,
        "errors": errors, "completion": programme_completion(assignment, timezone.localdate()),
        "today": timezone.localdate(),
    }, status=status)


@login_required
def plan_page(request, assignment_id: int):
    assignment, rights = access_assignment(request.user, assignment_id)
    if request.method != "POST":
        return _render(request, assignment, rights)
    if not rights.keep:
        raise PermissionDenied("Тематическое планирование ведёт учитель этого журнала.")
    formset = PlanItemFormSet(request.POST, prefix="items",
                              form_kwargs={"assignment": assignment})
    version = request.POST.get("plan_version", "")
    if not formset.is_valid():
        return _render(request, assignment, rights, formset=formset, status=400,
                       errors=["Исправьте ошибки в отмеченных строках: ничего не сохранено."])
    rows, deleted = [], []
    for form in formset.forms:
        if form.is_blank:
            continue
        if form.cleaned_data.get("DELETE"):
            if form.cleaned_data.get("id"):
                deleted.append(form.cleaned_data["id"])
            continue
        rows.append(form.plan_row())
    try:
        change = save_plan(request.user, assignment, rows, deleted=deleted,
                           expected_version=int(version) if version.isdigit() else None)
    except JournalError as exc:
        return _render(request, assignment, rights, formset=formset, status=400,
                       errors=[exc.message])
    parts = [f"{label}: {n}" for label, n in (("добавлено", change.created),
                                              ("изменено", change.updated),
                                              ("удалено", change.deleted)) if n]
    messages.success(request, "План сохранён" + (f" ({', '.join(parts)})." if parts else
                                                 ": изменений нет."))
    if change.unlinked_lessons:
        messages.warning(request, f"Уроков, связанных с удалёнными пунктами: "
                                  f"{change.unlinked_lessons}. Связь снята, темы уроков "
                                  f"сохранены.")
    return redirect(_plan_url(assignment, _page_number(request)))


@login_required
@require_POST
def plan_import(request, assignment_id: int):
    assignment, rights = access_assignment(request.user, assignment_id)
    if not rights.keep:
        raise PermissionDenied("Тематическое планирование ведёт учитель этого журнала.")
    form = PlanImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, assignment, rights, import_form=form, status=400)
    result = import_plan_file(request.user, assignment, form.cleaned_data["file"],
                              form.cleaned_data["mode"])
    if not result.ok:
        return _render(request, assignment, rights, import_form=form, status=400,
                       import_errors=result.errors)
    counts = ", ".join(f"{label}: {n}" for label, n in result.counts.items() if n)
    messages.success(request, f"План загружен из файла ({counts or 'изменений нет'}).")
    for note in result.notes:
        messages.info(request, note)
    return redirect(_plan_url(assignment))


@login_required
@require_POST
def plan_fill_dates(request, assignment_id: int):
    assignment, rights = access_assignment(request.user, assignment_id)
    if not rights.keep:
        raise PermissionDenied("Тематическое планирование ведёт учитель этого журнала.")
    version = request.POST.get("plan_version", "")
    try:
        dated = fill_planned_dates(request.user, assignment,
                                   expected_version=int(version) if version.isdigit() else None)
    except JournalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Даты по расписанию проставлены пунктам плана: {dated}.")
    return redirect(_plan_url(assignment))


def _file_name(assignment: TeachingAssignment, extension: str) -> str:
    group = f" {assignment.subgroup.name}" if assignment.subgroup_id else ""
    return f"КТП {assignment.school_class} {assignment.subject}{group}.{extension}"


@login_required
def plan_template(request, assignment_id: int, extension: str):
    """The template (XLSX or CSV) filled with the plan as it is: an empty plan gets the
    example row."""
    assignment, _ = access_assignment(request.user, assignment_id)
    if extension == "csv":
        return FileResponse(io.BytesIO(template_csv(assignment)), as_attachment=True,
                            filename=_file_name(assignment, "csv"),
                            content_type="text/csv; charset=utf-8")
    return FileResponse(io.BytesIO(template_xlsx(assignment)), as_attachment=True,
                        filename=_file_name(assignment, "xlsx"), content_type=XLSX_CONTENT_TYPE)
