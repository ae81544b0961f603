"""The «справка по итогам проверки» of a kept journal check as PDF (WeasyPrint), on the
project's print stylesheet (`accounts.pdf`: A4, the embedded DejaVu fonts that carry Cyrillic)
and the справка's own."""

from __future__ import annotations

from django.utils import timezone

from accounts.pdf import render_pdf
from journal.models import JournalCheck
from journal.queries.checks.spravka import spravka

TEMPLATE = "journal/checks/spravka_pdf.html"
SPRAVKA_STYLESHEET = "css/check-pdf.css"


def spravka_pdf(check: JournalCheck, reader) -> bytes:
    return render_pdf(TEMPLATE, {"spravka": spravka(check, reader),
                                 "printed": timezone.localdate()}, SPRAVKA_STYLESHEET)


def spravka_filename(check: JournalCheck) -> str:
    return f"spravka-proverki-{check.starts_on:%Y-%m-%d}-{check.ends_on:%Y-%m-%d}.pdf"
