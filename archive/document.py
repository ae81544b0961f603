"""A journal as a document (placeholder by the lead; the journal-document helper replaces it).

`render_journal_pdf(journal)` gives the PDF bytes; `certification` marks a certified copy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.pdf import render_pdf
from journal.models import TeachingAssignment


@dataclass(frozen=True)
class Certification:
    """«Копия верна»: who printed the copy and when."""

    printed_by: str
    printed_at: dt.datetime


def render_journal_pdf(journal: TeachingAssignment, *,
                       certification: Certification | None = None) -> bytes:
    return render_pdf("archive/journal.html", {"journal": journal,
                                               "certification": certification})
