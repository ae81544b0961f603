"""Students' movement by school orders: the year's moves, and a form for each kind (arrival,
transfer, change of subgroup, departure). The secretary and the deputy director of the school
only; anyone else gets 404. Every write is `journal.services.movement`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.roles import MOVEMENT_KEEPERS
from accounts.views.paging import page_of
from journal.forms_movement import FORMS, MoveFilterForm, MoveForm
from journal.models import School, StudentMove
from journal.permissions import school_of_role
from journal.queries.movement import year_moves
from journal.queries.timetable import current_year_of
from journal.services import movement as service

Kind = StudentMove.Kind


def _school(request: HttpRequest) -> School:
    school = school_of_role(request.user, MOVEMENT_KEEPERS)
    if school is None:
        raise Http404("Страница не найдена.")
    return school


@login_required
@require_GET
def movement_page(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    year = current_year_of(school)
    form = MoveFilterForm(request.GET or None, school, year).checked()
    page = page_of(request, year_moves(year, form.wanted()) if year else [])
    return render(request, "journal/movement/list.html", {
        "school": school, "year": year, "form": form, "page": page, "kinds": Kind.choices})


def _save(by, form: MoveForm) -> StudentMove:
    data = form.cleaned_data
    order = {"order_number": data["order_number"], "order_date": data["order_date"]}
    student, on = data["student"], data["on"]
    if form.kind == Kind.ARRIVAL:
        return service.arrive(by, student, data["school_class"], on, reason=data["reason"],
                              **order)
    if form.kind == Kind.TRANSFER:
        return service.transfer(by, student, data["school_class"], on, reason=data["reason"],
                                **order)
    if form.kind == Kind.SUBGROUP:
        subgroup = data["subgroup"]
        return service.change_subgroup(by, student, subgroup.subject, subgroup, on, **order)
    return service.depart(by, student, on, reason=data["reason"], **order)


def _done(move: StudentMove) -> str:
    where = {Kind.ARRIVAL: f"в {move.to_class} класс", Kind.TRANSFER:
             f"из {move.from_class} в {move.to_class} класс", Kind.DEPARTURE:
             f"из {move.from_class} класса", Kind.SUBGROUP: f"в подгруппу «{move.to_subgroup}»"}
    day = (f"последний день в классе {move.on:%d.%m.%Y}" if move.kind == Kind.DEPARTURE
           else f"с {move.on:%d.%m.%Y}")
    return (f"Оформлено: {move.get_kind_display()} {where[move.kind]} — {move.student}, {day}, "
            f"приказ № {move.order_number} от {move.order_date:%d.%m.%Y}.")


@login_required
def move_page(request: HttpRequest, kind: str) -> HttpResponse:
    """A move of one kind: GET shows the form, POST makes the move (nothing changes on an
    error: the form comes back with the Russian message)."""
    school = _school(request)
    form_class = FORMS.get(kind)
    year = current_year_of(school)
    if form_class is None or year is None:
        raise Http404("Страница не найдена.")
    context = {"school": school, "year": year, "kind": kind, "title": Kind(kind).label}
    if request.method != "POST":
        return render(request, "journal/movement/form.html", {**context,
                                                               "form": form_class(year=year)})
    form = form_class(request.POST, year=year)
    valid = form.is_valid()
    if form.crafted:
        raise Http404("Не найдено.")
    if valid:
        try:
            move = _save(request.user, form)
        except service.MovementRefused as exc:
            form.refuse(exc.field, exc.message)
        else:
            messages.success(request, _done(move))
            return redirect("journal:movement")
    return render(request, "journal/movement/form.html", {**context, "form": form}, status=400)
