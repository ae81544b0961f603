"""The secretary's pages: people's data (a search of students and parents, a person's card),
the movement of students with their orders, notices of change and the data-update reminders
sent to class teachers. Opening a person's card is logged as a view of personal data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import PersonalDataEvent
from accounts.permissions import access_family_member, school_of_secretary
from accounts.queries.classes import current_year
from accounts.queries.families import children_of_parents
from accounts.queries.people import (
    find_parents,
    find_students,
    movement,
    notices_about,
    parent_card,
    student_card,
)
from accounts.queries.reminders import notices_of, reminder_log
from accounts.reminders import record_notice
from accounts.role_forms import MovementFilterForm, NoticeForm, PeopleSearchForm
from accounts.services.personal_data import record_view
from accounts.views.paging import page_of


@login_required
@require_GET
def people_page(request):
    school = school_of_secretary(request.user)
    form = PeopleSearchForm(request.GET or None, school).checked()
    search, school_class = form.value("q", ""), form.value("school_class")
    kind = form.value("kind", "students")
    page, children = None, {}
    if search or school_class:
        found = (find_parents if kind == "parents" else find_students)(school, search,
                                                                        school_class)
        page = page_of(request, found)
        if kind == "parents":
            children = children_of_parents(current_year(school),
                                           [p.user_id for p in page.object_list])
            for parent in page.object_list:
                parent.child_labels = children.get(parent.user_id, [])
    return render(request, "accounts/secretary/people.html", {
        "school": school, "form": form, "page": page, "kind": kind, "section": "people"})


@login_required
def person_page(request, user_id: int):
    """A student's or parent's card: their data, classes, family and contacts, and the notices
    of change about them; the form records a new notice."""
    school = school_of_secretary(request.user)
    person, _ = access_family_member(request.user, user_id)
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            record_notice(request.user, school, person, form.cleaned_data["received_on"],
                          form.cleaned_data["description"])
            messages.success(request, "Уведомление записано. Классному руководителю уходит "
                                      "напоминание внести изменение в течение 3 дней; дошло ли "
                                      "оно — в разделе «Обновление данных».")
            return redirect("secretary:person", user_id=person.pk)
    else:
        record_view(request.user, request, person, PersonalDataEvent.Kind.VIEW_DATA,
                    "Картотека: карточка")
    # A missing reverse one-to-one raises an AttributeError: getattr's default covers it.
    student, parent = getattr(person, "student", None), getattr(person, "parent", None)
    context = {"school": school, "who": person, "form": form, "section": "people",
               "notices": list(notices_about(school, person.pk)), "today": timezone.localdate()}
    if student is not None:
        context["student"] = student_card(student)
    if parent is not None:
        context["parent"] = parent_card(parent, timezone.localdate())
    return render(request, "accounts/secretary/person.html", context,
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_GET
def movement_page(request):
    school = school_of_secretary(request.user)
    form = MovementFilterForm(request.GET or None, school).checked()
    year = current_year(school)
    rows = movement(year, form.value("kind", ""), form.value("school_class"))
    return render(request, "accounts/secretary/movement.html", {
        "school": school, "year": year, "form": form, "page": page_of(request, rows),
        "total": len(rows), "section": "movement"})


@login_required
@require_GET
def reminders_page(request):
    school = school_of_secretary(request.user)
    notices = list(notices_of(school)[:50])
    return render(request, "accounts/secretary/reminders.html", {
        "school": school, "page": page_of(request, reminder_log(school)), "notices": notices,
        "today": timezone.localdate(), "section": "reminders"})
