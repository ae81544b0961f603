"""What the archive's pages read: the school's years with their archives, an archive's files by
class, the removals waiting for the director and those decided."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from archive.models import ArchiveFile, ArchiveRemoval, YearArchive
from journal.models import AcademicYear, School, SchoolClass

Kind = ArchiveFile.Kind
HISTORY = 20  # decided removals the page shows


def school_years(school: School):
    """The school's years, newest first, each with its archives (newest first)."""
    archives = YearArchive.objects.select_related("requested_by").order_by("-created_at", "-pk")
    return (AcademicYear.objects.filter(school=school).order_by("-starts_on")
            .prefetch_related(Prefetch("archives", queryset=archives)))


@dataclass
class ClassFiles:
    school_class: SchoolClass
    journals: list[ArchiveFile] = field(default_factory=list)
    statements: list[ArchiveFile] = field(default_factory=list)


def files_by_class(archive: YearArchive) -> tuple[list[ClassFiles], list[ArchiveFile]]:
    """The archive's files class by class (journals by subject, then the statements), and
    those of no class (the manifest)."""
    files = (archive.files.select_related("school_class", "journal__subject",
                                          "journal__subgroup", "journal__teacher")
             .order_by("school_class__grade", "school_class__letter", "kind", "path"))
    classes: dict[int, ClassFiles] = {}
    others = []
    for archive_file in files:
        archive_file.name = archive_file.path.rsplit("/", 1)[-1]
        if archive_file.school_class_id is None:
            others.append(archive_file)
            continue
        group = classes.setdefault(archive_file.school_class_id,
                                   ClassFiles(archive_file.school_class))
        (group.journals if archive_file.kind == Kind.JOURNAL else group.statements).append(
            archive_file)
    return list(classes.values()), others


def removals(school: School):
    counted = ArchiveRemoval.objects.filter(school=school).select_related("decided_by").annotate(
        listed=Count("files"),
        journals=Count("files", filter=Q(files__kind=Kind.JOURNAL)),
        removed=Count("files", filter=Q(files__removed_at__isnull=False)))
    return counted


def pending_removals(school: School):
    files = (ArchiveFile.objects.select_related("archive__year")
             .order_by("archive__year__starts_on", "path"))
    return (removals(school).filter(status=ArchiveRemoval.Status.PENDING)
            .prefetch_related(Prefetch("files", queryset=files)).order_by("listed_at", "pk"))


def decided_removals(school: School):
    return removals(school).exclude(status=ArchiveRemoval.Status.PENDING).order_by(
        "-decided_at", "-pk")[:HISTORY]


@dataclass
class YearRow:
    year: AcademicYear
    archives: list[YearArchive]

    @property
    def building(self) -> bool:
        return any(archive.status in YearArchive.UNFINISHED for archive in self.archives)

    @property
    def may_archive(self) -> bool:
        """«Архивировать» is offered: the year is closed and no archive of it is being built."""
        return self.year.is_closed and not self.building


def year_rows(school: School) -> list[YearRow]:
    return [YearRow(year, list(year.archives.all())) for year in school_years(school)]
