"""A page for the load benchmark (bench/diary_load.py) to compare the diary against: a Django
view rendering a template of a requested size with no database queries and no session.

Routed always, answered only when settings.BENCHMARK_VIEWS is on (production leaves it off):
reading the setting at request time keeps the URLconf the same in every process.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template import loader

DEFAULT_BYTES = 30_000
MAX_BYTES = 2_000_000
# Rows like a diary's: Cyrillic text (two bytes a letter in UTF-8), a little markup, a mark.
SUBJECTS = ["Русский язык", "Литература", "Математика", "История", "Обществознание",
            "География", "Биология", "Физика", "Английский язык", "Физическая культура"]
TASK = "§ 12, упр. 345–350; повторить правила и выучить определения"


def _rows(count: int) -> list[dict]:
    return [{"number": i % 8 + 1, "subject": SUBJECTS[i % len(SUBJECTS)], "task": TASK,
             "mark": "54"[i % 2]} for i in range(count)]


@cache
def _layout() -> tuple[int, float]:
    """Bytes of the page without rows, and of a row on average over the subjects' cycle."""
    template = loader.get_template("bench/bare.html")
    base = len(template.render({"rows": []}).encode())
    cycle = len(template.render({"rows": _rows(len(SUBJECTS))}).encode()) - base
    return base, cycle / len(SUBJECTS)


def bare_page(request):
    """`?bytes=N`: the rendered page is N bytes of UTF-8 (padded with an HTML comment)."""
    if not settings.BENCHMARK_VIEWS:
        raise Http404
    try:
        size = int(request.GET.get("bytes", DEFAULT_BYTES))
    except ValueError:
        return HttpResponseBadRequest("bytes must be an integer")
    size = max(0, min(size, MAX_BYTES))
    base, row = _layout()
    # One row fewer than fits, so the rows' varying lengths never overshoot; the rest is padding.
    count = max(0, int((size - base) / row) - 1)
    # Rendered without the request: no context processors, so no user, session or database.
    html = loader.get_template("bench/bare.html").render({"rows": _rows(count)})
    missing = size - len(html.encode())
    if missing >= len("<!---->"):
        html += "<!--" + "." * (missing - len("<!---->")) + "-->"
    return HttpResponse(html)
