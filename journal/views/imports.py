"""Loading class lists, staff, the curriculum and portal UIDs from XLSX (and CSV, for kinds that
take it); the work is in `journal.imports`."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from journal.forms import SchoolImportForm
from journal.imports import KINDS, ImportKind
from journal.imports.accounts_list import accounts_workbook
from journal.imports.template import build_template
from journal.models import AcademicYear, School
from journal.permissions import school_managed_by

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPES = ",.csv,text/csv"


@dataclass
class ImportTarget:
    school: School | None
    year: AcademicYear | None


def import_target(request: HttpRequest) -> ImportTarget:
    """The school (and its current year) the user loads data into. Only deputy directors,
    administrators and superusers may; everybody else gets 404."""
    school = school_managed_by(request.user)
    if school is None and not request.user.is_superuser:
        raise Http404
    year = AcademicYear.objects.filter(school=school, is_current=True).first() if school else None
    return ImportTarget(school=school, year=year)


def _form(kind: ImportKind, *args) -> SchoolImportForm:
    form = SchoolImportForm(*args, auto_id=f"id_{kind.slug}_%s")
    if kind.takes_csv:
        field = form.fields["file"]
        field.label = "Файл XLSX или CSV"
        field.widget.attrs["accept"] += CSV_TYPES
    return form


def _index(request: HttpRequest, target: ImportTarget, invalid: tuple[str, SchoolImportForm] | None = None,
           status: int = 200) -> HttpResponse:
    sections = [(kind, invalid[1] if invalid and invalid[0] == slug else _form(kind))
                for slug, kind in KINDS.items()]
    return render(request, "journal/imports/index.html",
                  {"sections": sections, "school": target.school, "year": target.year},
                  status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, import_target(request))


@login_required
def template(request: HttpRequest) -> FileResponse:
    import_target(request)
    return FileResponse(io.BytesIO(build_template()), as_attachment=True,
                        filename="Шаблон загрузки в электронный журнал.xlsx", content_type=XLSX)


@never_cache  # the page shows initial passwords
@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    target = import_target(request)
    import_kind = KINDS.get(kind)
    if import_kind is None:
        raise Http404
    if request.method != "POST":
        return redirect("journal:import_index")
    form = _form(import_kind, request.POST, request.FILES)
    if target.school is None or not form.is_valid():
        return _index(request, target, invalid=(kind, form), status=400)
    result = import_kind.start(form.cleaned_data["file"], target.school, target.year, request)
    context = {"kind": import_kind, "result": result, "form": _form(import_kind), "year": target.year}
    if result.accounts:
        context["accounts_xlsx"] = base64.b64encode(accounts_workbook(result.accounts)).decode()
    return render(request, "journal/imports/result.html", context)
