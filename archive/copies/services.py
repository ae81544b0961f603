"""A certified copy printed: the record of who printed which journal when, in what form."""

from __future__ import annotations

from archive.document import Certification
from archive.models import CertifiedCopy
from journal.models import TeachingAssignment


def record_certified_copy(user, journal: TeachingAssignment, form: str) -> CertifiedCopy:
    return CertifiedCopy.objects.create(journal=journal, printed_by=user, format=form)


def certification_of(copy: CertifiedCopy) -> Certification:
    return Certification(printed_by=copy.printed_by.short_name, printed_at=copy.printed_at)
