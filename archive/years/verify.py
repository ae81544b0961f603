"""Checking a finished archive: every file it holds is hashed again and compared with the
SHA-256 recorded when it was written (the manifest with the archive's own record of it). A
changed or missing file is reported by its path; files removed by an approved removal are no
longer expected."""

from __future__ import annotations

from django.utils import timezone

from archive.models import ArchiveFile, YearArchive
from archive.years.build import ArchiveRefused
from archive.years.files import folder_path, sha256_of


def verify_archive(archive: YearArchive, user=None) -> dict:
    """{"changed": [paths], "missing": [paths], "checked": files, "removed": files}, also
    kept on the archive with who checked it and when."""
    if archive.status != YearArchive.Status.DONE:
        raise ArchiveRefused("Проверить целостность можно только у готового архива.")
    root = folder_path(archive.folder)
    changed, missing = [], []
    kept = list(archive.files.filter(removed_at__isnull=True).order_by("path"))
    for archive_file in kept:
        path = root / archive_file.path
        expected = (archive.manifest_sha256 if archive_file.kind == ArchiveFile.Kind.MANIFEST
                    else archive_file.sha256)
        try:
            if sha256_of(path) != expected:
                changed.append(archive_file.path)
        except OSError:  # gone, or no longer readable: either way it is not there to be had
            missing.append(archive_file.path)
    result = {"changed": changed, "missing": missing, "checked": len(kept),
              "removed": archive.files.filter(removed_at__isnull=False).count()}
    archive.verified_at = timezone.now()
    archive.verified_by = user
    archive.verify_result = result
    archive.save(update_fields=["verified_at", "verified_by", "verify_result"])
    return result


def is_intact(result: dict) -> bool:
    return not result.get("changed") and not result.get("missing")


def report_lines(archive: YearArchive, result: dict) -> list[str]:
    """The check's result as the command prints it."""
    year = archive.year
    head = (f"Архив {year.name} учебного года ({year.school.short_name}), папка "
            f"{archive.folder}: проверено файлов — {result['checked']}")
    if result.get("removed"):
        head += f", удалено по сроку хранения — {result['removed']}"
    if is_intact(result):
        return [f"{head}. Все файлы целы."]
    return [f"{head}. Нарушена целостность:",
            *(f"  изменён: {path}" for path in result["changed"]),
            *(f"  отсутствует: {path}" for path in result["missing"])]
