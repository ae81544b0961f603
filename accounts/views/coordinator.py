"""The e-diary coordinator's pages: families' access to the diary per class (applications,
logins issued, first sign-ins, last visits) and the lists of parents to chase."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import school_of_diary_coordinator
from accounts.queries.classes import current_year
from accounts.queries.families import (
    NOT_SEEN_DAYS,
    Chase,
    access_by_class,
    parents_to_chase,
    school_families,
)
from accounts.role_forms import ChaseFilterForm
from accounts.views.paging import page_of


@login_required
@require_GET
def classes_page(request):
    school = school_of_diary_coordinator(request.user)
    year = current_year(school)
    rows = access_by_class(year, school_families(year))
    totals = {name: sum(getattr(r, name) for r in rows) for name in (
        "students", "students_issued", "students_signed_in", "parents", "applications",
        "parents_issued", "parents_signed_in", "parents_never_signed_in",
        "parents_seen_recently", "missing_applications")}
    return render(request, "accounts/coordinator/classes.html", {
        "school": school, "year": year, "rows": rows, "totals": totals,
        "not_seen_days": NOT_SEEN_DAYS, "chase": Chase, "section": "classes"})


@login_required
@require_GET
def chase_page(request):
    school = school_of_diary_coordinator(request.user)
    form = ChaseFilterForm(request.GET or None, school).checked()
    which = form.value("which", Chase.NO_APPLICATION)
    school_class = form.value("school_class")
    members = school_families(current_year(school), school_class=school_class)
    rows = parents_to_chase(members, which)
    return render(request, "accounts/coordinator/chase.html", {
        "school": school, "form": form, "which": which, "title": dict(Chase.CHOICES)[which],
        "page": page_of(request, rows), "total": len(rows), "school_class": school_class,
        "chase": Chase, "section": "chase"})
