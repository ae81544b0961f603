"""The deputy director's journal checks: records entered later than the school's deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from journal.permissions import school_checked_by
from journal.queries.late_entries import (
    KIND_HEADERS,
    Month,
    by_teacher,
    late_entries,
    latest_month,
    months_around,
    parse_month,
)


@login_required
@require_GET
def late_entries_page(request):
    """Late entries of one month (?month=YYYY-MM), grouped by teacher; without a month, the
    latest month that has any. Deputy director and director only; anyone else gets 404."""
    school = school_checked_by(request.user)
    if school is None:
        raise Http404("Страница не найдена.")
    today = timezone.localdate()
    chosen = request.GET.get("month")
    if chosen:
        month, error = parse_month(chosen, today)
        if error:
            messages.warning(request, error)
    else:
        month = latest_month(school, today)
    teachers = by_teacher(late_entries(school, month))
    return render(request, "journal/checks/late.html", {
        "school": school, "month": month, "teachers": teachers, "kind_headers": KIND_HEADERS,
        "total": sum(t.count for t in teachers), "current": Month(today.replace(day=1)),
        "chosen": bool(chosen), "months": months_around(max(month, Month(today.replace(day=1)),
                                                             key=lambda m: m.first)),
    })
