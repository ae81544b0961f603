"""The thematic plan (КТП) page of a journal: items in a form, import from a file, programme
completion. The journal's teacher edits; its readers (class teacher, deputy director,
director) see it read-only; everybody else gets 404."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from journal.imports.base import MAX_UPLOAD_BYTES
from journal.imports.plans import (
    XLSX_CONTENT_TYPE,
    import_plan_file,
    template_csv,
    template_xlsx,
)
from journal.models import TeachingAssignment, ThematicPlan
from journal.models.plans import MAX_ITEM_HOURS
from journal.permissions import JournalRights, access_assignment
from journal.rules import JournalError
from journal.services.plans import (
    MAX_NUMBER,
    Mode,
    PlanRow,
    fill_planned_dates,
    plan_items,
    programme_completion,
    row_problems,
    save_plan,
)

# Items per page of the form: 100 rows of 7 fields stay well under Django's limit of 1,000
# fields a request (DATA_UPLOAD_MAX_NUMBER_FIELDS); longer plans get more pages.
PAGE_SIZE = 100
EXTRA_ROWS = 5
FIELD_NAMES = {"number": "number", "section": "section", "topic": "topic", "hours": "hours",
               "planned_on": "planned_on"}


def _small(widget: type[forms.Widget], **attrs) -> forms.Widget:
    return widget(attrs={"class": "form-control form-control-sm", **attrs})


class PlanItemForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label="№", required=False, min_value=1, max_value=MAX_NUMBER,
                                widget=_small(forms.NumberInput, style="width: 5.5em"))
    section = forms.CharField(label="Раздел", required=False, max_length=300,
                              widget=_small(forms.TextInput))
    topic = forms.CharField(label="Тема урока", required=False, max_length=500,
                            widget=_small(forms.TextInput))
    hours = forms.IntegerField(label="Часов", required=False, min_value=1,
                               max_value=MAX_ITEM_HOURS, initial=1,
                               widget=_small(forms.NumberInput, style="width: 5em"))
    planned_on = forms.DateField(label="Дата по плану", required=False,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={
                                     "type": "date", "class": "form-control form-control-sm"}))

    def __init__(self, *args, assignment: TeachingAssignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if "DELETE" in self.fields:
            self.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    @property
    def is_blank(self) -> bool:
        """A new row left empty (its hours may still show the default)."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(
            data.get(name) for name in ("number", "section", "topic", "planned_on"))

    def clean(self):
        data = super().clean()
        if self.errors or data.get("DELETE") or self.is_blank:
            return data
        row = self.plan_row()
        year = self.assignment.year
        for name, message in row_problems(row, year.starts_on, year.ends_on).items():
            self.add_error(FIELD_NAMES[name], message[0].upper() + message[1:] + ".")
        return data

    def plan_row(self) -> PlanRow:
        data = self.cleaned_data
        number = data.get("number")
        where = f"Пункт № {number}" if number else "Новый пункт"
        return PlanRow(topic=data.get("topic") or "", number=number,
                       section=data.get("section") or "", hours=data.get("hours") or 1,
                       planned_on=data.get("planned_on"), item_id=data.get("id"), where=where)


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=0, can_delete=True)


class ImportForm(forms.Form):
    file = forms.FileField(label="Файл XLSX или CSV",
                           help_text="Заполненный шаблон, не больше 5 МБ.",
                           widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}))
    mode = forms.ChoiceField(label="Что сделать с планом", initial=Mode.REPLACE,
                             widget=forms.RadioSelect, choices=[
                                 (Mode.REPLACE, "Заменить план содержимым файла (пункты с теми же "
                                                "номерами обновятся и сохранят связь с уроками, "
                                                "остальные удалятся)"),
                                 (Mode.APPEND, "Дополнить план: строки файла добавятся после "
                                               "последнего пункта"),
                             ])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 5 МБ.")
        return upload


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
        "import_form": import_form or ImportForm(), "import_errors": import_errors,
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
    form = ImportForm(request.POST, request.FILES)
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
