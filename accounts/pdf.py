"""The printed documents of families' access (WeasyPrint): credential slips, the parent's
application form and the notice of termination. One template per document under
templates/accounts/pdf/, one stylesheet (static/css/print.css) with the embedded DejaVu fonts
that carry Cyrillic."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

STYLESHEET = "css/print.css"


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])


def pdf_response(content: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    """The PDF as a download. Slips carry passwords: no cache keeps a copy."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
