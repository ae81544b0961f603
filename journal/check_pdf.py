"""The «справка по итогам проверки» of a kept journal check as PDF (WeasyPrint), on the
project's print stylesheet (`accounts.pdf`: A4, the embedded DejaVu fonts that carry Cyrillic)
and the справка's own."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML

from accounts.pdf import STYLESHEET
from journal.models import JournalCheck
from journal.queries.checks.spravka import spravka

TEMPLATE = "journal/checks/spravka_pdf.html"
SPRAVKA_STYLESHEET = "css/check-pdf.css"


def spravka_pdf(check: JournalCheck, reader) -> bytes:
    html = render_to_string(TEMPLATE, {"spravka": spravka(check, reader),
                                       "printed": timezone.localdate()})
    stylesheets = [CSS(filename=finders.find(name)) for name in (STYLESHEET, SPRAVKA_STYLESHEET)]
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets)


def spravka_filename(check: JournalCheck) -> str:
    return f"spravka-proverki-{check.starts_on:%Y-%m-%d}-{check.ends_on:%Y-%m-%d}.pdf"
