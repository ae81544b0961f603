"""Where a stored file goes: `<prefix>/<year>/<month>/<random>.<ext>`, a name nobody can guess
or collide with (the name the user gave is kept in the row). Used by every `upload_to`."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.utils import timezone


def random_upload_path(prefix: str, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{prefix}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"
