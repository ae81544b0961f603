"""A class teacher confirms their class's list and the decisions proposed for the year
rollover, when the school asks for it (`journal.services.class_lists`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from journal.rules import JournalError, NoAccess
from journal.services.class_lists import (
    Decisions,
    access_class_list,
    class_list,
    confirm_class_list,
    remind_from,
)

STALE_PAGE = "Страница устарела: обновите её и подтвердите список ещё раз."


def shown_list(decisions: Decisions) -> str:
    """The list as the page shows it, sent back with the confirmation: «id:decision;…»."""
    return ";".join(f"{pk}:{kind}" for pk, kind in decisions.items())


def _parse_shown(value: str) -> Decisions | None:
    found: Decisions = {}
    for part in filter(None, value.split(";")):
        pk, _, kind = part.partition(":")
        if not (pk.isdigit() and kind) or pk in found:
            return None
        found[pk] = kind
    return found or None


@login_required
@require_http_methods(["GET", "POST"])
def confirm_list(request, class_id: int):
    school_class = access_class_list(request.user, class_id)
    error, status = "", 200
    if request.method == "POST":
        shown = _parse_shown(request.POST.get("shown", ""))
        try:
            if shown is None:
                raise JournalError(STALE_PAGE)
            confirm_class_list(request.user, school_class, shown)
        except NoAccess:
            raise Http404("Класс не найден.") from None
        except JournalError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, f"Список {school_class} класса подтверждён.")
            return redirect(reverse("journal:confirm_class_list", args=[school_class.pk]))
    the_list = class_list(school_class)
    return render(request, "journal/class_lists/confirm.html", {
        "school_class": school_class, "list": the_list, "shown": shown_list(the_list.decisions),
        "error": error, "remind_from": remind_from(school_class.year),
    }, status=status)
