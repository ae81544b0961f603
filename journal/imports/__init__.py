"""Loading class lists, staff and the curriculum from the XLSX template.

`KINDS` is the registry the pages use: one entry per sheet of the template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from journal.imports import class_lists, curriculum, staff
from journal.imports.base import Column, ImportResult
from journal.models import AcademicYear, School


@dataclass(frozen=True)
class ImportKind:
    slug: str
    title: str  # also the name of its sheet in the template
    description: str
    columns: tuple[Column, ...]
    run: Callable[[IO[bytes], School, AcademicYear | None], ImportResult]


KINDS: dict[str, ImportKind] = {
    kind.slug: kind for kind in (
        ImportKind("class-lists", class_lists.SHEET, class_lists.DESCRIPTION, class_lists.COLUMNS,
                   class_lists.import_class_lists),
        ImportKind("staff", staff.SHEET, staff.DESCRIPTION, staff.COLUMNS, staff.import_staff),
        ImportKind("curriculum", curriculum.SHEET, curriculum.DESCRIPTION, curriculum.COLUMNS,
                   curriculum.import_curriculum),
    )
}
