"""The timetable page: one class's or one teacher's week, edited in place from a date on, and
the copies (a class's timetable to another class, a week's timetable forward). For the
timetable's keepers (`journal.permissions.school_timetable_kept_by`); anyone else gets 404.

Every change is a plain form POST that redirects back to the page; htmx sends the same forms
and gets back only the cell it changed (and the status line), so that the grid stays where it
was scrolled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from journal.forms import (
    CopyClassTimetableForm,
    CopyWeekForm,
    TimetableSlotForm,
    TimetableViewForm,
)
from journal.models import AcademicYear, School, SchoolClass, TeachingAssignment, TimetableSlot
from journal.permissions import school_timetable_kept_by
from journal.queries import timetable as queries
from journal.rules import JournalError
from journal.services import timetable as services


@dataclass
class Scope:
    """What the page shows: whose timetable, on which date, and whether it may be changed."""

    school: School
    year: AcademicYear | None
    on: dt.date
    school_class: SchoolClass | None = None
    teacher: User | None = None

    @property
    def show(self) -> str:
        if self.school_class is not None:
            return f"c{self.school_class.pk}"
        return f"t{self.teacher.pk}" if self.teacher is not None else ""

    @property
    def editable(self) -> bool:
        return self.on >= timezone.localdate()

    def journals(self) -> QuerySet[TeachingAssignment]:
        return queries.journals_for(self.year, school_class=self.school_class,
                                    teacher=self.teacher)

    def url(self, **extra) -> str:
        params = {"show": self.show, "on": self.on.isoformat(), **extra}
        return f"{reverse('journal:timetable')}?{urlencode(params)}"


def _school(request: HttpRequest) -> School:
    school = school_timetable_kept_by(request.user)
    if school is None:
        raise Http404("Страница не найдена.")
    return school


def _scope(request: HttpRequest, data) -> Scope:
    """The scope asked for in `data` (the query string or the POST); what cannot be read falls
    back to today and the first class, with a warning."""
    school = _school(request)
    year = queries.current_year_of(school)
    today = timezone.localdate()
    form = TimetableViewForm(data)
    asked = form.cleaned_data if form.is_valid() else {}
    if not form.is_valid():
        messages.warning(request, "Не удалось прочитать дату или выбор класса: показано "
                                  "расписание на сегодня.")
    on = asked.get("on") or today
    scope = Scope(school=school, year=year, on=on)
    if year is None:
        return scope
    if not year.contains(on):
        scope.on = min(max(today, year.starts_on), year.ends_on)
        messages.warning(request, f"Дата {on:%d.%m.%Y} вне учебного года "
                                  f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y}): "
                                  f"показано расписание на {scope.on:%d.%m.%Y}.")
    show = asked.get("show") or ""
    if show.startswith("t"):
        scope.teacher = User.objects.filter(pk=show[1:], assignments__year=year).first()
    elif show.startswith("c"):
        scope.school_class = SchoolClass.objects.filter(pk=show[1:], year=year).first()
    if scope.school_class is None and scope.teacher is None:
        scope.school_class = SchoolClass.objects.filter(year=year).order_by(
            "grade", "letter").first()
    return scope


def _open_cell(scope: Scope, value: str | None) -> tuple[int, int] | None:
    """The (weekday, lesson number) of `?cell=2-3`, when the page may be edited."""
    if not (value and scope.editable and scope.year):
        return None
    weekday, _, number = value.partition("-")
    if not (weekday.isdigit() and number.isdigit()):
        return None
    return int(weekday), int(number)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _slot_form(scope: Scope, cell: queries.Cell, slot: TimetableSlot | None, data=None,
               journals=None) -> TimetableSlotForm:
    """The form of one slot of a cell being edited (or of a new one); ids unique on the page."""
    prefix = f"id_slot{slot.pk}_%s" if slot is not None else f"id_new{cell.key}_%s"
    initial = {"weekday": cell.weekday, "lesson_number": cell.number}
    if slot is not None:
        initial.update(slot=slot.pk, assignment=slot.assignment_id, room=slot.room)
    return TimetableSlotForm(data, journals=journals if journals is not None else scope.journals(),
                             auto_id=prefix, initial=initial)


def _cell_context(scope: Scope, cell: queries.Cell, *, editing: bool,
                  submitted: TimetableSlotForm | None = None, error: str = "") -> dict:
    """What `_cell.html` needs; a cell being edited gets a form per slot and one to add a
    slot, with the form that was refused (`submitted`) in its place as it was sent."""
    forms = []
    if editing:
        journals = scope.journals()
        sent = submitted.data.get("slot", "") if submitted is not None else None
        for slot in [*cell.slots, None]:
            mine = sent is not None and sent == (str(slot.pk) if slot is not None else "")
            forms.append((slot, submitted if mine else _slot_form(scope, cell, slot,
                                                                   journals=journals)))
    return {"scope": scope, "cell": cell, "editing": editing, "forms": forms, "error": error}


def _grid(scope: Scope) -> queries.Grid:
    return queries.timetable_grid(scope.year, scope.on, school_class=scope.school_class,
                                  teacher=scope.teacher)


def _render_cell(request: HttpRequest, scope: Scope, weekday: int, number: int, *,
                 editing: bool, submitted: TimetableSlotForm | None = None, error: str = "",
                 status_text: str = "") -> HttpResponse:
    """The cell alone, for htmx, with the page's status line (sent out of band)."""
    cell = _grid(scope).cell(weekday, number) or queries.Cell(weekday, number)
    context = _cell_context(scope, cell, editing=editing, submitted=submitted, error=error)
    context.update(status_text=status_text or error, status_is_error=bool(error),
                   focus=not editing)
    return render(request, "journal/timetable/_cell_response.html", context)


@login_required
def timetable_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, request.GET)
    context = {"scope": scope}
    if scope.year is None:
        return render(request, "journal/timetable/page.html", context)
    open_cell = _open_cell(scope, request.GET.get("cell"))
    if open_cell and _is_htmx(request):
        # One cell: to edit, or with `done`, as it is shown again.
        return _render_cell(request, scope, *open_cell, editing="done" not in request.GET)
    grid = _grid(scope)
    if open_cell:
        cell = grid.cell(*open_cell)
        if cell is not None:
            context["open"] = _cell_context(scope, cell, editing=True)
            context["open_key"] = cell.key
    classes = queries.classes_of(scope.year)
    context.update({
        "grid": grid, "classes": classes, "teachers": queries.teachers_of(scope.year),
        "rooms": queries.rooms_of(scope.year),
        "view_form": TimetableViewForm(initial={"on": scope.on}, auto_id="tt_%s"),
        "copy_class_form": CopyClassTimetableForm(classes=SchoolClass.objects.filter(
            year=scope.year), initial={"source": scope.school_class, "from_date": scope.on}),
        "copy_week_form": CopyWeekForm(initial={"from_date": scope.on}),
    })
    return render(request, "journal/timetable/page.html", context)


def _changed(change: services.TimetableChange) -> str:
    parts = []
    lessons = change.lessons
    if lessons.created:
        parts.append(f"создано {lessons.created}")
    if lessons.deleted:
        parts.append(f"удалено {lessons.deleted}")
    if lessons.kept_with_data:
        parts.append(f"оставлено с записями {lessons.kept_with_data}")
    if change.rooms_moved:
        parts.append(f"перенесено в новый кабинет {change.rooms_moved}")
    return f" Уроки в журналах: {', '.join(parts)}." if parts else ""


def _describe(slot: TimetableSlot) -> str:
    journal = slot.assignment
    group = f" ({journal.subgroup.name})" if journal.subgroup_id else ""
    room = f", каб. {slot.room}" if slot.room else ""
    return f"{journal.school_class} {journal.subject}{group}, {journal.teacher.short_name}{room}"


def _form_errors(form) -> str:
    """The form's errors in one line, each after its field's label where that helps."""
    def label(name: str) -> str:
        field = form.fields.get(name)
        return f"{field.label}: " if field is not None and field.label and \
            name != "assignment" else ""
    return " ".join(label(name) + " ".join(errors) for name, errors in form.errors.items())


@login_required
@require_POST
def save_slot(request: HttpRequest) -> HttpResponse:
    """Add a slot, change one (`slot` given) or take one out (`remove`), from the page's date."""
    scope = _scope(request, request.POST)
    if scope.year is None:
        raise Http404("Текущий учебный год не задан.")
    slot_id = request.POST.get("slot", "")
    slot = None
    if slot_id:
        slot = TimetableSlot.objects.filter(
            pk=slot_id if slot_id.isdigit() else 0, assignment__year=scope.year,
        ).select_related("assignment__teacher", "assignment__subject",
                         "assignment__school_class", "assignment__subgroup").first()
        if slot is None:
            raise Http404("Урок расписания не найден.")
        place = (slot.weekday, slot.lesson_number)
    else:
        weekday, number = request.POST.get("weekday", ""), request.POST.get("lesson_number", "")
        if not (weekday.isdigit() and number.isdigit()):
            messages.error(request, "Не сохранено: не указано, какой урок расписания менять.")
            return redirect(scope.url())
        place = (int(weekday), int(number))
    cell = queries.Cell(*place)
    form = _slot_form(scope, cell, slot, data=request.POST)
    when = f"с {scope.on:%d.%m.%Y}"
    done = error = ""
    try:
        if not scope.editable:
            raise JournalError("Расписание прошедших дней не меняется: выберите сегодняшнюю "
                               "или более позднюю дату.")
        if slot is not None and "remove" in request.POST:
            change = services.remove_slot(request.user, scope.year, slot, from_date=scope.on)
            done = f"Урок убран из расписания {when}: {_describe(slot)}." + _changed(change)
        elif not form.is_valid():
            error = _form_errors(form)
        elif slot is not None:
            data = form.cleaned_data
            change = services.change_slot(request.user, scope.year, slot,
                                          assignment=data["assignment"], room=data["room"],
                                          from_date=scope.on)
            done = (f"Урок изменён {when}: {_describe(change.opened[0])}." + _changed(change)
                    if change.opened else "Ничего не изменилось.")
        else:
            data = form.cleaned_data
            change = services.add_slot(request.user, scope.year, data["assignment"], *place,
                                       data["room"], from_date=scope.on)
            done = (f"Урок добавлен в расписание {when}: {_describe(change.opened[0])}."
                    + _changed(change))
    except JournalError as exc:
        error = exc.message
    if error:
        error = f"Не сохранено. {error}"
    if _is_htmx(request):
        if error:
            return _render_cell(request, scope, *place, editing=True, submitted=form,
                                error=error)
        return _render_cell(request, scope, *place, editing=False, status_text=done)
    if error:
        messages.error(request, error)
        return redirect(scope.url(cell=cell.key) + f"#cell-{cell.key}")
    messages.success(request, done)
    return redirect(scope.url() + f"#cell-{cell.key}")


@login_required
@require_POST
def copy_timetable(request: HttpRequest) -> HttpResponse:
    """Copy a class's timetable to another class (`kind=class`), or the timetable in force on
    one date to the weeks from another (`kind=week`)."""
    scope = _scope(request, request.POST)
    if scope.year is None:
        raise Http404("Текущий учебный год не задан.")
    kind = request.POST.get("kind")
    if kind == "class":
        form = CopyClassTimetableForm(request.POST,
                                      classes=SchoolClass.objects.filter(year=scope.year))
    elif kind == "week":
        form = CopyWeekForm(request.POST)
    else:
        messages.error(request, "Не скопировано: не указано, что копировать.")
        return redirect(scope.url())
    if not form.is_valid():
        messages.error(request, f"Не скопировано. {_form_errors(form)}")
        return redirect(scope.url())
    data = form.cleaned_data
    try:
        if kind == "class":
            change = services.copy_class_timetable(request.user, scope.year, data["source"],
                                                   data["target"], from_date=data["from_date"])
            scope.school_class, scope.teacher = data["target"], None
            done = (f"Расписание {data['source']} класса скопировано в {data['target']} с "
                    f"{data['from_date']:%d.%m.%Y}: уроков в неделю — {len(change.opened)}.")
        else:
            change = services.copy_week(request.user, scope.year,
                                        source_date=data["source_date"],
                                        from_date=data["from_date"])
            done = (f"С {data['from_date']:%d.%m.%Y} действует расписание, которое было на "
                    f"{data['source_date']:%d.%m.%Y}.")
    except JournalError as exc:
        messages.error(request, f"Не скопировано. {exc.message}")
        return redirect(scope.url())
    scope.on = data["from_date"]
    messages.success(request, done + _changed(change))
    if change.skipped:
        messages.warning(request, "Не скопированы уроки предметов без журнала в классе: "
                                  + "; ".join(change.skipped) + ".")
    return redirect(scope.url())
