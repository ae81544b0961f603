"""«Журналы»: the journals a person may open. A teacher with a few sees them in one plain list;
a reader of many (the deputy director, the director: some 400 in a big school) gets them
grouped by class, with filters by class, teacher and subject and a search by name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from journal.queries import journals as queries

# Up to this many journals the list stays plain, without filters or groups.
PLAIN_LIST_UP_TO = 20
# Up to this many journals found, the class groups are shown open.
OPEN_GROUPS_UP_TO = 60


@login_required
@require_GET
def my_journals(request):
    readable = queries.current_journals(request.user)
    wanted = queries.JournalFilter.from_params(request.GET)
    total = readable.count()
    if total <= PLAIN_LIST_UP_TO and not wanted.is_set:
        return render(request, "journal/my_journals.html", {
            "plain": True, "total": total,
            "assignments": list(queries.listed(readable)),
        })
    found = list(queries.listed(queries.filtered(readable, wanted)))
    return render(request, "journal/my_journals.html", {
        "plain": False, "total": total, "found": len(found), "wanted": wanted,
        "groups": queries.by_class(found), "choices": queries.filter_choices(readable),
        "open_groups": wanted.is_set or len(found) <= OPEN_GROUPS_UP_TO,
    })
