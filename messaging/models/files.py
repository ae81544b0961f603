"""Where uploaded files of the messaging app are stored (`ejournal.uploads`)."""

from __future__ import annotations

from ejournal.uploads import random_upload_path


def message_file_path(instance, filename: str) -> str:
    return random_upload_path("messages", filename)


def announcement_file_path(instance, filename: str) -> str:
    return random_upload_path("notices", filename)


def letter_file_path(instance, filename: str) -> str:
    return random_upload_path("letters", filename)
