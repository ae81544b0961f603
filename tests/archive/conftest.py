"""What the archive's tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def places(settings, tmp_path) -> dict[str, Path]:
    """Backups, uploads and the second place for copies, each a folder of the test's own."""
    paths = {name: tmp_path / name for name in ("backups", "media", "copy")}
    for path in paths.values():
        path.mkdir()
    settings.BACKUP_ROOT, settings.MEDIA_ROOT = paths["backups"], paths["media"]
    settings.BACKUP_COPY_DIR = str(paths["copy"])
    return paths
