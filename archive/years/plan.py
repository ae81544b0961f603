"""What a year's archive is made of: one part per journal (its PDF) and one per class (the
summary statements of marks and of attendance, each as XLSX and CSV), where each file goes and
how long it is kept.

A part's key, «journal:<id>» or «class:<id>», is what a task is given; the same year always
gives the same parts and the same paths, so that a part done twice lands in the same place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from archive.models import ArchiveFile, YearArchive
from archive.years.files import safe_name
from exports.registry import CSV, XLSX
from exports.year_workbooks import journal_title
from journal.models import AcademicYear, SchoolClass, TeachingAssignment

JOURNAL, CLASS = "journal", "class"
Kind = ArchiveFile.Kind


@dataclass(frozen=True)
class Statement:
    kind: str  # ArchiveFile.Kind
    exporter: str  # the report's key in exports.registry; its title names the file


STATEMENTS = (Statement(Kind.MARKS_STATEMENT, "marks_statement"),
              Statement(Kind.ATTENDANCE_STATEMENT, "attendance_statement"))
STATEMENT_FORMATS = (XLSX, CSV)
STATEMENT_KINDS = tuple(statement.kind for statement in STATEMENTS)
FILES_PER_CLASS = len(STATEMENTS) * len(STATEMENT_FORMATS)


@dataclass(frozen=True)
class Part:
    kind: str  # JOURNAL or CLASS
    pk: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    @classmethod
    def of(cls, key: str) -> Part:
        kind, _, pk = key.partition(":")
        if kind not in (JOURNAL, CLASS) or not pk.isdigit():
            raise ValueError(f"Not an archive part: {key!r}")
        return cls(kind, int(pk))


def year_journals(year: AcademicYear):
    return (TeachingAssignment.objects.filter(year=year)
            .order_by("school_class__grade", "school_class__letter", "subject__order",
                      "subject__name", "subgroup__name", "pk"))


def year_classes(year: AcademicYear):
    return SchoolClass.objects.filter(year=year).order_by("grade", "letter")


def parts_of(year: AcademicYear) -> list[Part]:
    """Every journal of the year, also one with no lessons (its PDF says so), then every
    class."""
    return ([Part(JOURNAL, pk) for pk in year_journals(year).values_list("pk", flat=True)]
            + [Part(CLASS, pk) for pk in year_classes(year).values_list("pk", flat=True)])


def recorded_parts(archive: YearArchive) -> set[Part]:
    """The parts whose files are recorded: a class only with all its statements."""
    files = archive.files.exclude(kind=Kind.MANIFEST)
    journals = {Part(JOURNAL, pk) for pk in files.filter(kind=Kind.JOURNAL)
                .values_list("journal_id", flat=True) if pk}
    per_class: dict[int, int] = {}
    for pk in files.filter(kind__in=STATEMENT_KINDS).values_list("school_class_id", flat=True):
        if pk:
            per_class[pk] = per_class.get(pk, 0) + 1
    return journals | {Part(CLASS, pk) for pk, count in per_class.items()
                       if count == FILES_PER_CLASS}


def missing_parts(archive: YearArchive) -> list[Part]:
    done = recorded_parts(archive)
    return [part for part in parts_of(archive.year) if part not in done]


def folder_name(year: AcademicYear, archive_id: int) -> str:
    """«<school id>-<year>-<archive id>», e.g. «7-2026-2027-12»."""
    return f"{year.school_id}-{safe_name(year.name.replace('/', '-'))}-{archive_id}"


def class_folder(school_class: SchoolClass) -> str:
    return safe_name(str(school_class))


def journal_paths(school_class: SchoolClass) -> dict[int, str]:
    """Journal id → «journals/5А/Английский язык (1 группа).pdf» for the class's journals;
    a name two journals would share gets the journal's number."""
    journals = list(TeachingAssignment.objects.filter(school_class=school_class)
                    .select_related("subject", "subgroup").order_by("pk"))
    names = {journal.pk: safe_name(journal_title(
        journal.subject.name, journal.subgroup.name if journal.subgroup_id else None))
        for journal in journals}
    taken = [name.casefold() for name in names.values()]
    folder = f"journals/{class_folder(school_class)}"
    return {pk: f"{folder}/{name}{f' ({pk})' if taken.count(name.casefold()) > 1 else ''}.pdf"
            for pk, name in names.items()}


def statement_path(school_class: SchoolClass, title: str, file_format: str) -> str:
    """«statements/5А/Сводная ведомость посещаемости.csv»; `title`: the report's."""
    return f"statements/{class_folder(school_class)}/{safe_name(title)}.{file_format}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def keep_until(year: AcademicYear, kind: str) -> dt.date:
    """Journals ARCHIVE_JOURNAL_YEARS after the year's end, the summary statements (and the
    manifest that lists them) ARCHIVE_STATEMENT_YEARS."""
    years = (settings.ARCHIVE_JOURNAL_YEARS if kind == Kind.JOURNAL
             else settings.ARCHIVE_STATEMENT_YEARS)
    return add_years(year.ends_on, years)


def download_name(archive_file: ArchiveFile) -> str:
    """«2026-2027 5А Математика.pdf»: the year and the class, which the path's folders say and
    a downloaded file would lose."""
    year = safe_name(archive_file.archive.year.name.replace("/", "-"))
    return " ".join([year, *archive_file.path.split("/")[1:]] if "/" in archive_file.path
                    else [year, archive_file.path])
