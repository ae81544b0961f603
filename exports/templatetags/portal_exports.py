"""Portal exports in other pages: `{% portal_exports_home %}`, the administrator's section of
the home page (the last run of each kind, and failures not yet made good), and `total_rows`."""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef

from accounts.access import person_of
from exports.models import PortalExport
from exports.portal.runs import last_runs

register = template.Library()
Status = PortalExport.Status
# Failures the home page lists; the rest are on the runs' page.
FAILURES_SHOWN = 5


@register.filter
def total_rows(run: PortalExport) -> int:
    """Records of every entity the run exported."""
    return sum((run.counts or {}).values())


def unresolved_failures(school_id: int) -> list[PortalExport]:
    """Failed runs with no successful run of their kind after them, the newest: one query."""
    later_success = PortalExport.objects.filter(
        school_id=school_id, kind=OuterRef("kind"), status=Status.DONE,
        created_at__gt=OuterRef("created_at"))
    return list(PortalExport.objects.filter(school_id=school_id, status=Status.FAILED)
                .exclude(Exists(later_success)).order_by("-created_at", "-pk")[:FAILURES_SHOWN])


@register.inclusion_tag("exports/portal/_home.html", takes_context=True)
def portal_exports_home(context) -> dict:
    """For an administrator with a current year: the last run of each kind and any failure."""
    request, year = context.get("request"), context.get("year")
    if request is None or year is None or not person_of(request).administers:
        return {"shown": False}
    runs = last_runs(year.school)
    return {"shown": True,
            "kinds": [{"label": kind.label, "run": runs.get(kind)} for kind in PortalExport.Kind],
            "failures": unresolved_failures(year.school_id)}
