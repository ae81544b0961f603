"""The administrator's staff logins (regulation: staff get theirs from the administrator): the
school's staff with their status, and slips with one-time passwords."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import access_staff_member, school_of_staff_issuer, staff_of
from accounts.queries.family_access import State, staff_rows
from accounts.views.families import issue_and_print


def _school(user):
    school = school_of_staff_issuer(user)
    if school is None:
        raise Http404("Страница не найдена.")
    return school


@login_required
@require_GET
def staff_page(request):
    school = _school(request.user)
    rows = staff_rows(staff_of(request.user, school), school)
    return render(request, "accounts/families/staff.html", {
        "school": school, "rows": rows,
        "without_login": sum(1 for r in rows if _without_login(r)),
    })


def _without_login(row) -> bool:
    return row.status.state == State.NONE and row.user.last_login is None


@login_required
@require_POST
def issue_staff(request, user_id: int):
    member, school = access_staff_member(request.user, user_id)
    roles = ", ".join(r.get_role_display() for r in member.staff_roles.filter(school=school))
    return issue_and_print(request, [member], school, {member.pk: f"сотрудник: {roles}"},
                           f"login-{member.pk}.pdf", reverse("accounts:staff_logins"))


@login_required
@require_POST
def issue_all_staff(request):
    school = _school(request.user)
    rows = [r for r in staff_rows(staff_of(request.user, school), school) if _without_login(r)]
    if not rows:
        messages.info(request, "Логины выданы всем сотрудникам.")
        return redirect("accounts:staff_logins")
    return issue_and_print(request, [r.user for r in rows], school,
                           {r.user.pk: f"сотрудник: {r.what}" for r in rows},
                           f"logins-staff-{timezone.localdate():%Y-%m-%d}.pdf",
                           reverse("accounts:staff_logins"))
