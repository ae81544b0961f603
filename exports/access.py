"""Who runs which report for what, and who downloads a report's file. Classes are the current
year's:
- the deputy director and the director (`JOURNAL_CHECKERS`): any class, grade or the whole
  school (the `CHECKER` audience);
- a class teacher: the class they lead (`CLASS_TEACHER`);
- a teacher: the classes where they keep a journal, from their own journals only (`TEACHER`);
- parents, students and anyone else: none.
A report's file goes to whoever ordered it and to the checkers of its school. The year's
journals for the school's own archive (`exports.year_workbooks`) are taken, and their files
downloaded, by its administrator and its checkers (`YEAR_ARCHIVE_KEEPERS`). Anything else,
like a class or a run of someone else's, answers 404, as a missing one would. Built on the
rights of `journal.permissions` (the guardian rows of class teachers and journal keepers).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import holds_role, is_signed_in
from accounts.models import StaffRole
from accounts.roles import JOURNAL_CHECKERS, Role
from exports.models import ReportRun
from exports.registry import (
    CHECKER,
    CLASS,
    CLASS_TEACHER,
    GRADE,
    SCHOOL,
    TEACHER,
    Exporter,
    exporter_of,
)
from exports.year_workbooks import YEAR_JOURNALS
from journal.models import (
    School,
    SchoolClass,
    SchoolClassUserObjectPermission,
    StudyPeriod,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.rights import VIEW_CLASS_JOURNALS
from journal.permissions import KEEPERS, holds_right, school_of_role

NOT_FOUND = "Отчёт не найден."
YEAR_ARCHIVE_KEEPERS = JOURNAL_CHECKERS | {Role.ADMINISTRATOR}


def kept_journals(user) -> QuerySet[TeachingAssignment]:
    """The journals `user` keeps, as their teacher or its second teacher."""
    return TeachingAssignment.objects.filter(
        holds_right(TeachingAssignmentUserObjectPermission, user, KEEPERS, OuterRef("pk")))


@dataclass(frozen=True)
class ReportRights:
    user: object = None
    checks: School | None = None          # the school whose reports they run (CHECKER)
    led: frozenset[int] = frozenset()     # classes they lead (CLASS_TEACHER)
    taught: frozenset[int] = frozenset()  # classes where they keep a journal (TEACHER)

    @property
    def audiences(self) -> frozenset[str]:
        return frozenset(audience for audience, held in (
            (CHECKER, self.checks), (CLASS_TEACHER, self.led), (TEACHER, self.taught)) if held)

    def may_run(self, exporter: Exporter) -> bool:
        return bool(self.audiences & exporter.audiences)

    def checks_for(self, exporter: Exporter) -> bool:
        return self.checks is not None and CHECKER in exporter.audiences

    def scopes_for(self, exporter: Exporter) -> list[str]:
        """A class for anyone who may run the report; a grade and the school for checkers."""
        return [scope for scope in exporter.scopes
                if scope == CLASS or (scope in (GRADE, SCHOOL) and self.checks_for(exporter))]

    def classes_for(self, exporter: Exporter) -> QuerySet[SchoolClass]:
        ids = set()
        if CLASS_TEACHER in exporter.audiences:
            ids |= self.led
        if TEACHER in exporter.audiences:
            ids |= self.taught
        wanted = Q(pk__in=ids)
        if self.checks_for(exporter):
            wanted |= Q(year__school=self.checks)
        return (SchoolClass.objects.filter(wanted, year__is_current=True)
                .select_related("year__school", "class_teacher").order_by("grade", "letter"))

    def periods_for(self, exporter: Exporter) -> QuerySet[StudyPeriod]:
        """Study periods of the schools of those classes, of any year: one of another year is
        refused by the form with a message, one of another school is a crafted request."""
        schools = self.classes_for(exporter).values("year__school_id")
        return StudyPeriod.objects.filter(year__school_id__in=schools).select_related("year")

    def journals_for(self, exporter: Exporter, school_class: SchoolClass
                     ) -> QuerySet[TeachingAssignment] | None:
        """None when the report covers every journal of the class; a teacher's own journals
        of it when they run it only as the class's teacher."""
        if self.checks_for(exporter) and school_class.year.school_id == self.checks.pk:
            return None
        if CLASS_TEACHER in exporter.audiences and school_class.pk in self.led:
            return None
        return kept_journals(self.user).filter(school_class=school_class)


NO_RIGHTS = ReportRights()


def report_rights(user) -> ReportRights:
    """What `user` may run reports for: two queries."""
    if not is_signed_in(user):
        return NO_RIGHTS
    kept = TeachingAssignmentUserObjectPermission.objects.live().filter(
        user=user, permission__codename__in=KEEPERS, content_object__school_class=OuterRef("pk"))
    classes = (SchoolClass.objects.filter(year__is_current=True)
               .annotate(_leads=holds_right(SchoolClassUserObjectPermission, user,
                                            (VIEW_CLASS_JOURNALS,), OuterRef("pk")),
                         _teaches=Exists(kept))
               .filter(Q(_leads=True) | Q(_teaches=True))
               .values_list("pk", "_leads", "_teaches"))
    led, taught = set(), set()
    for class_id, leads, teaches in classes:
        if leads:
            led.add(class_id)
        if teaches:
            taught.add(class_id)
    return ReportRights(user=user, checks=school_of_role(user, JOURNAL_CHECKERS),
                        led=frozenset(led), taught=frozenset(taught))


def access_exporter(user, key: str) -> tuple[Exporter, ReportRights]:
    """The report and the user's rights, if they may run it; else 404."""
    exporter = exporter_of(key)
    rights = report_rights(user)
    if exporter is None or not rights.may_run(exporter):
        raise Http404(NOT_FOUND)
    return exporter, rights


def year_archive_school(user) -> School | None:
    """The school whose year's journals `user` may take for its archive; None for anyone
    else."""
    return school_of_role(user, YEAR_ARCHIVE_KEEPERS)


def keeps_year_archive(user, school_id: int) -> bool:
    return holds_role(user, school_id, YEAR_ARCHIVE_KEEPERS)


def runs_readable_by(user) -> QuerySet[ReportRun]:
    """Runs whose file `user` may have: those they ordered, every run of a school whose
    journals they check, and the year's journals of a school whose archive they keep."""
    runs = ReportRun.objects.all()
    if not is_signed_in(user):
        return runs.none()
    if user.is_superuser:
        return runs
    checked = StaffRole.objects.filter(user=user, role__in=JOURNAL_CHECKERS).values("school_id")
    archived = StaffRole.objects.filter(user=user, role__in=YEAR_ARCHIVE_KEEPERS
                                        ).values("school_id")
    return runs.filter(Q(requested_by=user) | Q(school_id__in=checked)
                       | Q(exporter=YEAR_JOURNALS, school_id__in=archived))


def access_run(user, run_id) -> ReportRun:
    """A report's run for whoever ordered it or checks its school; 404 for anyone else."""
    run = runs_readable_by(user).select_related("requested_by").filter(pk=run_id).first()
    if run is None:
        raise Http404(NOT_FOUND)
    return run


def runs_of(user) -> QuerySet[ReportRun]:
    """The user's own runs, newest first."""
    return ReportRun.objects.filter(requested_by=user).order_by("-created_at", "-pk")
