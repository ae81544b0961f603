"""«Участники без UID портала»: the administrator's list of who a portal export leaves out for
want of a code, with a field in each row to fill it in (htmx saves the row in place; without
JavaScript the form posts and the page comes back). Anyone else gets 404, as on the other
pages of portal exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from exports.portal.uids import Entry, UidForm, describe, without_uid
from exports.portal.views import administered_school
from journal.imports.uids import UidChange, UidTaken, members, set_uids, user_of
from journal.models import AcademicYear, School

PERSON_NOT_FOUND = "Человек не найден."
WHAT = "Участники без UID портала"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_http_methods(["GET", "POST"])
def uids(request: HttpRequest) -> HttpResponse:
    school = administered_school(request)
    if request.method == "POST":
        return _save(request, school)
    return _page(request, school)


def _year(school: School) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school).current()


def _page(request: HttpRequest, school: School, refused: Entry | None = None,
          form: UidForm | None = None, status: int = 200) -> HttpResponse:
    year = _year(school)
    sections = without_uid(school, year, timezone.now()) if year is not None else []
    return render(request, "exports/portal/uids.html",
                  {"school": school, "year": year, "sections": sections, "refused": refused,
                   "refused_form": form}, status=status)


def _save(request: HttpRequest, school: School) -> HttpResponse:
    form = UidForm(request.POST)
    form.is_valid()
    kind, pk = form.cleaned_data.get("kind"), form.cleaned_data.get("person")
    record = members(school, kind).filter(pk=pk).first() if kind and pk else None
    if record is None:
        raise Http404(PERSON_NOT_FOUND)
    entry = Entry(kind, record)
    if form.is_valid():
        uid = form.cleaned_data["uid"]
        try:
            set_uids(school, [UidChange(kind, record, uid)], by=request, what=WHAT)
        except UidTaken as taken:
            form.add_error("uid", taken.message)
        else:
            if _is_htmx(request):
                return render(request, "exports/portal/_uids_row.html",
                              {"entry": entry, "saved_uid": uid})
            messages.success(request, f"UID портала сохранён: {user_of(record).full_name} — {uid}.")
            return redirect("portal:uids")
    if _is_htmx(request):
        # htmx swaps a 2xx answer only: the row comes back with its message.
        year = _year(school)
        if year is not None:
            describe([entry], school, year, timezone.localdate())
        return render(request, "exports/portal/_uids_row.html", {"entry": entry, "form": form})
    return _page(request, school, refused=entry, form=form, status=400)
