"""Where uploaded files of the messaging app are stored: a random name nobody can guess."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.utils import timezone


def upload_path(prefix: str):
    def path(instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:10]
        return f"{prefix}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"
    path.__name__ = f"{prefix}_upload_path"
    path.__qualname__ = path.__name__
    return path


def message_file_path(instance, filename: str) -> str:
    return upload_path("messages")(instance, filename)


def announcement_file_path(instance, filename: str) -> str:
    return upload_path("notices")(instance, filename)


def letter_file_path(instance, filename: str) -> str:
    return upload_path("letters")(instance, filename)
