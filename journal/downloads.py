"""Serving an uploaded file (a homework file, a message's or a notice's attachment): only from the
rows the user may read, and 404 for everything else, including a file gone from the storage."""

from __future__ import annotations

import mimetypes

from django.db.models import QuerySet
from django.http import FileResponse, Http404


def download(readable: QuerySet, pk: int) -> FileResponse:
    """The file of row `pk` among `readable` (rows with `file` and `original_name`)."""
    attached = readable.filter(pk=pk).first()
    if attached is None:
        raise Http404("Файл не найден.")
    try:
        handle = attached.file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл не найден в хранилище.") from None
    kind = mimetypes.guess_type(attached.original_name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=attached.original_name,
                        content_type=kind)
