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
    by_teacher,
    late_entries,
    parse_month,
)


@login_required
@require_GET
def late_entries_page(request):
    """Late entries of one month (?month=YYYY-MM), grouped by teacher. Deputy director and
    director only; anyone else gets 404."""
    school = school_checked_by(request.user)
    if school is None:
        raise Http404("Страница не найдена.")
    month, error = parse_month(request.GET.get("month"), timezone.localdate())
    if error:
        messages.warning(request, error)
    teachers = by_teacher(late_entries(school, month))
    return render(request, "journal/checks/late.html", {
        "school": school, "month": month, "teachers": teachers, "kind_headers": KIND_HEADERS,
        "total": sum(t.count for t in teachers),
    })
