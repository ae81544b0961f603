"""Who prints certified copies of journals: `CERTIFIED_COPY_MAKERS` of the journal's school
(director, deputy director, administrator, secretary) and superusers. Anyone else gets 404, as
journals answer outsiders."""

from __future__ import annotations

from django.http import Http404

from accounts.access import holds_role, person_of
from accounts.roles import CERTIFIED_COPY_MAKERS
from journal.models import TeachingAssignment


def may_certify(user, school_id: int) -> bool:
    return holds_role(user, school_id, CERTIFIED_COPY_MAKERS)


def may_certify_on_page(request, school_id: int) -> bool:
    """`may_certify` for a page that shows the link: no query for those who hold none of the
    roles in any school (the page has read the user's roles already)."""
    if request.user.is_superuser:
        return True
    if not person_of(request).staff_roles & CERTIFIED_COPY_MAKERS:
        return False
    return may_certify(request.user, school_id)


def journal_to_certify(user, journal_id: int) -> TeachingAssignment:
    journal = (TeachingAssignment.objects
               .select_related("year__school", "subject", "school_class", "subgroup", "teacher")
               .filter(pk=journal_id).first())
    if journal is None or not may_certify(user, journal.year.school_id):
        raise Http404("Журнал не найден.")
    return journal
