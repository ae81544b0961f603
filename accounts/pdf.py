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
BASE_URL = str(settings.BASE_DIR)


def print_stylesheets(*extra: str, font_config=None) -> list[CSS]:
    """The site's print stylesheet (A4, the embedded fonts) and a document's own, by static
    name; one `font_config` for documents laid out in parts and joined."""
    return [CSS(filename=finders.find(name), font_config=font_config)
            for name in (STYLESHEET, *extra)]


def render_pdf(template: str, context: dict, *extra_stylesheets: str) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL).write_pdf(
        stylesheets=print_stylesheets(*extra_stylesheets))


def pdf_response(content: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    """The PDF as a download. Slips carry passwords: no cache keeps a copy."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
