"""Loading class lists, staff, the curriculum and portal UIDs from the XLSX template.

`KINDS` is the registry the pages use: one entry per sheet of the template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from journal.imports import class_lists, curriculum, staff, uids
from journal.imports.base import Column, ImportResult
from journal.models import AcademicYear, School


@dataclass(frozen=True)
class ImportKind:
    slug: str
    title: str  # also the name of its sheet in the template
    description: str
    columns: tuple[Column, ...]
    # (upload, school, year), and `by=request` for a kind that `logs` its changes
    run: Callable[..., ImportResult]
    takes_csv: bool = False  # a CSV file as well as the XLSX template's sheet
    logs: bool = False  # its changes go to the personal-data log, with who made them

    def start(self, upload: IO[bytes], school: School, year: AcademicYear | None,
              request) -> ImportResult:
        if self.logs:
            return self.run(upload, school, year, by=request)
        return self.run(upload, school, year)


KINDS: dict[str, ImportKind] = {
    kind.slug: kind for kind in (
        ImportKind("class-lists", class_lists.SHEET, class_lists.DESCRIPTION, class_lists.COLUMNS,
                   class_lists.import_class_lists),
        ImportKind("staff", staff.SHEET, staff.DESCRIPTION, staff.COLUMNS, staff.import_staff),
        ImportKind("curriculum", curriculum.SHEET, curriculum.DESCRIPTION, curriculum.COLUMNS,
                   curriculum.import_curriculum),
        ImportKind("uids", uids.SHEET, uids.DESCRIPTION, uids.COLUMNS, uids.import_uids,
                   takes_csv=uids.TAKES_CSV, logs=True),
    )
}
