"""A certified copy of a journal («Копия верна»), during the year or of a closed year: the print
view and the PDF. Each opening is a print, recorded with who made it and when."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.pdf import pdf_response
from archive.copies.access import journal_to_certify
from archive.copies.services import certification_of, record_certified_copy
from archive.document import render_journal_html, render_journal_pdf
from archive.models import CertifiedCopy


@login_required
@require_GET
def copy_print(request, journal_id: int):
    journal = journal_to_certify(request.user, journal_id)
    with transaction.atomic():
        copy = record_certified_copy(request.user, journal, CertifiedCopy.Format.PRINT)
        page = render_journal_html(journal, certification=certification_of(copy),
                                   request=request)
    response = HttpResponse(page)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def copy_pdf(request, journal_id: int):
    journal = journal_to_certify(request.user, journal_id)
    with transaction.atomic():
        copy = record_certified_copy(request.user, journal, CertifiedCopy.Format.PDF)
        content = render_journal_pdf(journal, certification=certification_of(copy))
    day = timezone.localdate(copy.printed_at)
    return pdf_response(content, f"kopiya-zhurnala-{journal.pk}-{day:%Y-%m-%d}.pdf",
                        attachment=False)
