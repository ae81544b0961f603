"""Remarks from the journal check: the checker makes one (from a finding of the check page or
as free text), the addressee marks it fixed, a checker verifies or returns it. Who sees and
does what is `journal.queries.remarks`; every write is `journal.services.remarks`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.access import person_of
from accounts.views.paging import page_of
from journal.forms import RemarkFilterForm, RemarkForm, RemarkStepForm
from journal.models import Remark
from journal.permissions import school_checked_by
from journal.queries import remarks as queries
from journal.queries.timetable import current_year_of
from journal.rules import NoAccess
from journal.services.remarks import RemarkError, make_remark, take_step

# The due date a remark is given unless the checker says otherwise.
DUE_IN_DAYS = 7


def _checked_school(request: HttpRequest):
    school = school_checked_by(request.user)
    if school is None:
        raise Http404("Страница не найдена.")
    return school


def _prefill(request: HttpRequest, form: RemarkForm, today: dt.date, year) -> dict:
    """The form's first values from a finding's link (`?assignment=&finding=&text=&link=
    &check=`). A journal or check that is not the school's is a crafted link: 404."""
    params = request.GET
    initial = {"due_on": today + dt.timedelta(days=DUE_IN_DAYS)}
    if year is not None:
        initial["due_on"] = max(today, min(initial["due_on"], year.ends_on))
    for name in ("assignment", "check"):
        value = params.get(name, "")
        if value:
            found = form.fields[name].queryset.filter(pk=value).first() if value.isdigit() \
                else None
            if found is None:
                raise Http404("Не найдено.")
            initial[name] = found
    link = params.get("link", "")
    if queries.is_local_link(link) and len(link) <= queries.LINK_LENGTH:
        initial["link"] = link
    if queries.is_known_finding(params.get("finding", "")):
        initial["finding"] = params["finding"]
    initial["text"] = params.get("text", "")[:queries.TEXT_LENGTH]
    if "assignment" in initial:
        initial["addressee"] = initial["assignment"].teacher_id
    return initial


def _render_form(request, form: RemarkForm, school, year, assignment, *, status: int = 200):
    if assignment is not None:
        form.offer_journal_people(assignment)
    finding = form["finding"].value() or ""
    return render(request, "journal/remarks/form.html", {
        "form": form, "school": school, "year": year, "assignment": assignment,
        "finding": queries.finding_label(finding),
    }, status=status)


@login_required
def remark_new(request: HttpRequest) -> HttpResponse:
    """A new remark: GET shows the form (filled in from a finding's query string), POST makes
    the remark. The school's checkers only; anyone else gets 404."""
    school = _checked_school(request)
    year = current_year_of(school)
    today = timezone.localdate()
    if request.method != "POST":
        form = RemarkForm(school=school, year=year)
        form.initial = _prefill(request, form, today, year)
        return _render_form(request, form, school, year, form.initial.get("assignment"))
    form = RemarkForm(request.POST, school=school, year=year)
    valid = form.is_valid()
    if form.crafted:
        raise Http404("Не найдено.")
    assignment = form.cleaned_data.get("assignment")
    if valid:
        data = form.cleaned_data
        try:
            remark = make_remark(
                request.user, school, addressee=data["addressee"], text=data["text"],
                due_on=data["due_on"], assignment=assignment,
                school_class=data.get("school_class"), check=data["check"],
                finding=data["finding"], link=data["link"])
        except NoAccess:
            raise Http404("Не найдено.") from None
        except RemarkError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"Замечание отправлено: {remark.addressee.full_name}, "
                                      f"исправить до {remark.due_on:%d.%m.%Y}.")
            return redirect("journal:remark", remark.pk)
    return _render_form(request, form, school, year, assignment, status=400)


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    """The checker's list of the school's remarks, with filters."""
    school = _checked_school(request)
    today = timezone.localdate()
    form = RemarkFilterForm(request.GET or None, school=school)
    if form.crafted:
        raise Http404("Не найдено.")
    page = page_of(request, queries.school_remarks(school, today, form.wanted()))
    return render(request, "journal/remarks/list.html", {
        "school": school, "form": form, "page": page, "today": today, "checker": True,
    })


@login_required
@require_GET
def my_list(request: HttpRequest) -> HttpResponse:
    """The remarks made to the signed-in teacher or class teacher."""
    if not person_of(request).works_at_school:
        raise Http404("Страница не найдена.")
    today = timezone.localdate()
    page = page_of(request, queries.remarks_to(request.user, today))
    return render(request, "journal/remarks/list.html", {
        "page": page, "today": today, "checker": False,
    })


def _render_remark(request, remark: Remark, rights: queries.RemarkRights, *,
                   form: RemarkStepForm | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "journal/remarks/remark.html", {
        "remark": remark, "rights": rights, "steps": rights.steps(remark),
        "history": queries.history(remark), "form": form or RemarkStepForm(),
        "overdue": remark.status in queries.TO_FIX and remark.due_on < today,
        "link": remark.link if queries.is_local_link(remark.link) else "",
        "finding": queries.finding_label(remark.finding),
        "checker": rights.checks,
    }, status=status)


@login_required
@require_GET
def remark_page(request: HttpRequest, remark_id: int) -> HttpResponse:
    remark, rights = queries.access_remark(request.user, remark_id)
    return _render_remark(request, remark, rights)


@login_required
@require_POST
def remark_step(request: HttpRequest, remark_id: int) -> HttpResponse:
    """A step of the remark (the button's `step`: done, verified, returned) with a comment.
    A step the user may not take shows why; nothing changes."""
    remark, rights = queries.access_remark(request.user, remark_id)
    form = RemarkStepForm(request.POST)
    if form.is_valid():
        to = request.POST.get("step", "")
        try:
            take_step(request.user, remark.pk, to, form.cleaned_data["comment"])
        except NoAccess:
            raise Http404("Замечание не найдено.") from None
        except RemarkError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Замечание {queries.history_label(to)}.")
            return redirect("journal:remark", remark.pk)
    return _render_remark(request, remark, rights, form=form, status=400)
