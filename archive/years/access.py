"""Who reaches the closed years' archive: the administrator and the director of the school
(`ARCHIVE_KEEPERS`) and superusers; the director alone decides removals
(`ARCHIVE_REMOVAL_APPROVERS`). Anyone else gets 404, as for an archive that does not exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import holds_role, is_signed_in
from accounts.models import StaffRole
from accounts.roles import ARCHIVE_KEEPERS, ARCHIVE_REMOVAL_APPROVERS
from archive.models import ArchiveFile, YearArchive
from journal.models import AcademicYear, School
from journal.permissions import school_of_role

NOT_FOUND = "Страница не найдена."


def archive_school(user) -> School:
    """The school whose archive `user` keeps."""
    school = school_of_role(user, ARCHIVE_KEEPERS)
    if school is None:
        raise Http404(NOT_FOUND)
    return school


def approves_removals(user, school: School) -> bool:
    return holds_role(user, school.pk, ARCHIVE_REMOVAL_APPROVERS)


def kept_school_ids(user) -> QuerySet | None:
    """The schools whose archive `user` keeps; None: every school (a superuser)."""
    if user.is_superuser:
        return None
    return StaffRole.objects.filter(user=user, role__in=ARCHIVE_KEEPERS).values("school_id")


def archives_readable_by(user) -> QuerySet[YearArchive]:
    archives = YearArchive.objects.all()
    if not is_signed_in(user):
        return archives.none()
    schools = kept_school_ids(user)
    return archives if schools is None else archives.filter(year__school_id__in=schools)


def access_archive(user, archive_id: int) -> YearArchive:
    archive = (archives_readable_by(user).select_related("year__school", "requested_by",
                                                         "verified_by")
               .filter(pk=archive_id).first())
    if archive is None:
        raise Http404(NOT_FOUND)
    return archive


def access_year(user, year_id: int) -> AcademicYear:
    """A year of a school whose archive `user` keeps."""
    years = AcademicYear.objects.select_related("school")
    if is_signed_in(user):
        schools = kept_school_ids(user)
        if schools is not None:
            years = years.filter(school_id__in=schools)
        year = years.filter(pk=year_id).first()
        if year is not None:
            return year
    raise Http404(NOT_FOUND)


def access_file(user, file_id: int) -> ArchiveFile:
    """A file still in the archive (not removed) of an archive `user` may read."""
    archive_file = (ArchiveFile.objects.filter(archive__in=archives_readable_by(user),
                                               pk=file_id, removed_at__isnull=True)
                    .select_related("archive__year").first())
    if archive_file is None:
        raise Http404("Файл не найден.")
    return archive_file
