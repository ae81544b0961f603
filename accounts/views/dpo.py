"""The personal-data officer's pages: the personal-data change and access log (filters, XLSX),
consents and refusals, terminations of the service, logins never used and parents without an
application. Reading these lists is the officer's control of the log, not a view of a family's
data, so it is not itself logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import school_of_data_officer
from accounts.queries.classes import current_year
from accounts.queries.families import (
    ConsentStatus,
    children_of_parents,
    consent_counts,
    never_used,
    parents_with_consent,
    school_families,
    terminations_of,
    without_application,
)
from accounts.queries.family_access import status_from
from accounts.queries.personal_data import (
    LOG_COLUMNS,
    change_lines,
    log_rows,
    personal_data_log,
    with_classes,
)
from accounts.role_forms import ConsentFilterForm, LogFilterForm, SchoolFilterForm
from accounts.spreadsheets import workbook
from accounts.views.paging import page_of

ROWS_PER_PAGE = 100


def _render(request, template: str, section: str, context: dict):
    return render(request, f"accounts/dpo/{template}", {"section": section, **context})


@login_required
@require_GET
def log_page(request):
    school = school_of_data_officer(request.user)
    form = LogFilterForm(request.GET or None, school).checked()
    if form.errors:
        # A list the officer did not ask for would pass for the one they did.
        return _render(request, "log.html", "log", {"school": school, "form": form})
    events = personal_data_log(school, form.log_filter())
    page = page_of(request, events)
    rows = with_classes(school, list(page.object_list))
    for event in rows:
        event.lines = change_lines(event)
    return _render(request, "log.html", "log", {
        "school": school, "form": form, "page": page, "events": rows,
        "filtered": form.log_filter().is_set})


@login_required
@require_GET
def log_download(request):
    """The filtered log as XLSX; with a bad filter, the page with its errors instead."""
    school = school_of_data_officer(request.user)
    form = LogFilterForm(request.GET or None, school).checked()
    if form.errors:
        return _render(request, "log.html", "log", {"school": school, "form": form})
    events = personal_data_log(school, form.log_filter())
    content = workbook("Журнал ПД", LOG_COLUMNS, log_rows(school, events))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"personal-data-log-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def consents_page(request):
    school = school_of_data_officer(request.user)
    form = ConsentFilterForm(request.GET or None, school).checked()
    parents = parents_with_consent(school, form.value("status", ""), form.value("school_class"),
                                   form.value("q", ""))
    page = page_of(request, parents)
    users = list(page.object_list)
    children = children_of_parents(current_year(school), [u.pk for u in users])
    rows = [(u, status_from(u), children.get(u.pk, [])) for u in users]
    return _render(request, "consents.html", "consents", {
        "school": school, "form": form, "page": page, "rows": rows,
        "counts": consent_counts(school), "statuses": ConsentStatus})


@login_required
@require_GET
def terminations_page(request):
    school = school_of_data_officer(request.user)
    page = page_of(request, terminations_of(school))
    return _render(request, "terminations.html", "terminations", {
        "school": school, "page": page})


def _members_page(request, school, pick, template: str, section: str):
    form = SchoolFilterForm(request.GET or None, school).checked()
    members = pick(school_families(current_year(school), school_class=form.value("school_class")))
    page = page_of(request, members, ROWS_PER_PAGE)
    return _render(request, template, section, {
        "school": school, "form": form, "page": page, "total": len(members)})


@login_required
@require_GET
def never_used_page(request):
    school = school_of_data_officer(request.user)
    return _members_page(request, school, never_used, "never_used.html", "never_used")


@login_required
@require_GET
def no_application_page(request):
    school = school_of_data_officer(request.user)
    return _members_page(request, school, without_application, "no_application.html",
                         "no_application")
