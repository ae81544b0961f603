"""Families' access to the diary, class by class: who has a login, who signed in, whose
application and consent are in; logins and one-time passwords issued on printed slips (one
person, everyone without a login, or everyone who has not signed in yet)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.pdf import pdf_response, render_pdf
from accounts.permissions import access_class_families, access_family_member, classes_for_families
from accounts.queries.family_access import FamilyRow, class_families, family_line
from accounts.services.credentials import Issued, Refused, issue_credentials
from journal.models import School

DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9]{8,40}")
# The page's script waits for this cookie to know the slips have arrived, then reloads the
# page to show the new status (static/js/families.js).
DOWNLOAD_COOKIE = "slips_downloaded"


@login_required
@require_GET
def index(request):
    """The classes whose families the user looks after."""
    classes = list(classes_for_families(request.user).select_related("class_teacher")
                   .order_by("grade", "letter"))
    if len(classes) == 1:
        return redirect("accounts:class_families", classes[0].pk)
    return render(request, "accounts/families/index.html", {"classes": classes})


@login_required
@require_GET
def class_page(request, class_id: int):
    school_class, rights = access_class_families(request.user, class_id)
    families = class_families(school_class)
    return render(request, "accounts/families/class.html", {
        "school_class": school_class, "rights": rights, "families": families,
        "without_login": len(families.without_login()),
        "not_signed_in": len(families.not_signed_in()),
    })


def slips_response(request, school: School, issued: list[Issued], lines: dict[int, str],
                   filename: str) -> HttpResponse:
    """The slips PDF: one per person, the only place their password is ever shown."""
    slips = [{"issued": i, "what": lines.get(i.user.pk, "")} for i in issued]
    pdf = render_pdf("accounts/pdf/slips.html", {
        "school": school, "slips": slips, "today": timezone.localdate(),
        "login_url": request.build_absolute_uri(reverse("login")),
    })
    response = pdf_response(pdf, filename)
    token = request.POST.get("download_token", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        response.set_cookie(DOWNLOAD_COOKIE, token, max_age=120, samesite="Strict",
                            secure=request.is_secure())
    return response


def report(request, issued: list[Issued], refused: list[Refused]) -> None:
    """What the page says after the slips (it reloads once they have arrived)."""
    for item in refused:
        messages.error(request, f"{item.user.full_name}: {item.reason}")
    if issued:
        waiting = sum(1 for i in issued if i.waits_for_application)
        text = f"Выдано листков с паролями: {len(issued)}."
        if waiting:
            text += (f" Родителей без принятого заявления: {waiting} — их вход откроется, когда "
                     f"заявление будет внесено.")
        messages.success(request, text)


def issue_and_print(request, people: list[User], school: School | None, lines: dict[int, str],
                    filename: str, back: str) -> HttpResponse:
    """Issues the people's passwords and answers with their slips; back to `back` when no one
    could have one. The passwords are replaced only if the slips are made: a PDF that fails
    leaves everyone's password as it was."""
    with transaction.atomic():
        issued, refused = issue_credentials(request.user, request, people)
        response = slips_response(request, school, issued, lines, filename) if issued else None
    report(request, issued, refused)
    return response or redirect(back)


def safe_back(request, default: str) -> str:
    """The page the form came from (`back`), if it is one of this site's."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return default


def _class_filename(school_class, what: str) -> str:
    return f"{what}-{school_class.grade}-{timezone.localdate():%Y-%m-%d}.pdf"


@login_required
@require_POST
def issue_one(request, user_id: int):
    """A login (or a new password) for one student or parent, on a slip."""
    person, rights = access_family_member(request.user, user_id)
    rights.require("issue")
    school, line = family_line(person)
    return issue_and_print(request, [person], school, {person.pk: line},
                           f"login-{person.pk}.pdf",
                           safe_back(request, reverse("accounts:person", args=[person.pk])))


@login_required
@require_POST
def issue_class(request, class_id: int):
    """«Выдать всем без логина»: a login for everyone in the class and their parents who has
    none yet (and may have one)."""
    school_class, rights = access_class_families(request.user, class_id)
    rights.require("issue")
    rows = class_families(school_class).without_login()
    back = reverse("accounts:class_families", args=[school_class.pk])
    if not rows:
        messages.info(request, "Логины выданы всем, кому их можно выдать.")
        return redirect(back)
    return issue_and_print(request, [row.user for row in rows], school_class.year.school,
                           _lines(rows, school_class), _class_filename(school_class, "logins"),
                           back)


def _lines(rows: list[FamilyRow], school_class) -> dict[int, str]:
    return {row.user.pk: f"{row.what} · {school_class} класс" for row in rows}


@login_required
@require_http_methods(["GET", "POST"])
def class_slips(request, class_id: int):
    """The class's slips for everyone who has not signed in yet: new one-time passwords for
    them all (a slip handed out before stops working). GET asks first; POST issues and returns
    the PDF. For the class teacher and the e-diary coordinator."""
    school_class, rights = access_class_families(request.user, class_id)
    rights.require("issue")
    rows = class_families(school_class).not_signed_in()
    back = reverse("accounts:class_families", args=[school_class.pk])
    if request.method == "GET":
        return render(request, "accounts/families/class_slips.html", {
            "school_class": school_class, "rows": rows, "back": back})
    if not rows:
        messages.info(request, "В классе нет никого без первого входа: листки не нужны.")
        return redirect(back)
    return issue_and_print(request, [row.user for row in rows], school_class.year.school,
                           _lines(rows, school_class), _class_filename(school_class, "slips"),
                           back)
