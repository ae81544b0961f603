"""Remarks from the journal check: who sees which, what each person may do with one, and the
lists the pages and the home page show. Writes are `journal.services.remarks`.

Who sees a remark: its addressee, its author, and the school's `JOURNAL_CHECKERS` (deputy
director, director); anyone else gets 404, as for a missing id.

Who takes which step (`STEPS`, the one transition table: the pages' buttons and the service
both read it):
- open or returned → done: the addressee only ("fixed", with an optional comment);
- done → verified or returned: a checker of the remark's school who is not its addressee
  ("nobody verifies their own remark": a deputy director who teaches and got a remark has it
  verified by another checker; the author verifies remarks made to others). A return says why.
- a verified remark is closed: no step leads out of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.access import is_signed_in
from accounts.models import StaffRole, User
from accounts.roles import JOURNAL_CHECKERS
from journal.models import (
    AcademicYear,
    JournalCheck,
    Remark,
    School,
    SchoolClass,
    TeachingAssignment,
)
from journal.queries.checks.findings import BY_KEY as FINDINGS

Status = Remark.Status
# What the addressee still has to do; once done, the checker's turn.
TO_FIX = (Status.OPEN, Status.RETURNED)
TEXT_LENGTH = 2000
COMMENT_LENGTH = 2000
LINK_LENGTH = Remark._meta.get_field("link").max_length
ADDRESSEE, CHECKER = "addressee", "checker"


@dataclass(frozen=True)
class Step:
    to: str
    after: frozenset[str]   # the states it may follow
    by: str                 # ADDRESSEE or CHECKER
    button: str
    history: str            # how the remark's history names it
    needs_comment: bool = False


STEPS: dict[str, Step] = {
    Status.DONE: Step(Status.DONE, frozenset(TO_FIX), ADDRESSEE, "Исправлено",
                      "отмечено исправленным"),
    Status.VERIFIED: Step(Status.VERIFIED, frozenset({Status.DONE}), CHECKER, "Принять",
                          "принято"),
    Status.RETURNED: Step(Status.RETURNED, frozenset({Status.DONE}), CHECKER,
                          "Вернуть на доработку", "возвращено на доработку",
                          needs_comment=True),
}
MADE = "замечание сделано"


def history_label(status: str) -> str:
    step = STEPS.get(status)
    return step.history if step else MADE


@dataclass(frozen=True)
class RemarkRights:
    addressed: bool = False   # the remark is addressed to the user
    checks: bool = False      # the user checks the journals of the remark's school

    def refusal(self, remark: Remark, step: Step) -> str | None:
        """Why the user may not take `step` now (a Russian sentence), None when they may."""
        if step.by == ADDRESSEE and not self.addressed:
            return "Отметить замечание исправленным может только тот, кому оно адресовано."
        if step.by == CHECKER and self.addressed:
            return ("Замечание, адресованное вам, принимает или возвращает другой "
                    "проверяющий (заместитель директора или директор).")
        if step.by == CHECKER and not self.checks:
            return "Принимает и возвращает замечания заместитель директора или директор."
        if remark.status in step.after:
            return None
        if remark.status == Status.VERIFIED:
            return "Замечание уже принято: его состояние больше не меняется."
        if remark.status == Status.DONE:
            return "Замечание уже отмечено исправленным и ждёт проверки."
        return ("Замечание ещё не отмечено исправленным: принять или вернуть его можно "
                "после этого.")

    def steps(self, remark: Remark) -> list[Step]:
        """The steps the user may take now: the remark page's buttons."""
        return [step for step in STEPS.values() if self.refusal(remark, step) is None]


def _checks_school(user, school: OuterRef | int) -> Exists:
    return Exists(StaffRole.objects.filter(user=user, school_id=school,
                                           role__in=JOURNAL_CHECKERS))


def remarks_visible_to(user) -> QuerySet[Remark]:
    """The remarks a user may open: addressed to them, made by them, or of a school whose
    journals they check."""
    if not is_signed_in(user):
        return Remark.objects.none()
    if user.is_superuser:
        return Remark.objects.all()
    return Remark.objects.filter(Q(addressee=user) | Q(author=user)
                                 | _checks_school(user, OuterRef("school_id")))


def remark_with_rights(user, remark_id, *, lock: bool = False
                       ) -> tuple[Remark | None, RemarkRights]:
    """The remark (journal, class, people loaded) and what the user may do with it; None when
    they may not see it. With `lock`, the remark row is locked for the rest of the transaction
    (for the service)."""
    remarks = remarks_visible_to(user).select_related(
        "school", "author", "addressee", "assignment__subject", "assignment__school_class",
        "assignment__subgroup", "assignment__teacher", "school_class", "check_run")
    if lock:
        remarks = remarks.select_for_update(of=("self",))
    if user.is_superuser:
        remarks = remarks.annotate(_checks=Value(True))
    elif is_signed_in(user):
        remarks = remarks.annotate(_checks=_checks_school(user, OuterRef("school_id")))
    remark = remarks.filter(pk=remark_id).first() if str(remark_id).isdigit() else None
    if remark is None:
        return None, RemarkRights()
    return remark, RemarkRights(addressed=remark.addressee_id == user.pk, checks=remark._checks)


def access_remark(user, remark_id) -> tuple[Remark, RemarkRights]:
    """For views: the remark and the user's rights on it; 404 for anyone who may not see it."""
    remark, rights = remark_with_rights(user, remark_id)
    if remark is None:
        raise Http404("Замечание не найдено.")
    return remark, rights


def history(remark: Remark) -> list:
    """The remark's steps, oldest first, each with `label`: what happened."""
    steps = list(remark.steps.select_related("by"))
    for step in steps:
        step.label = history_label(step.status)
    return steps


# What a remark may point to and whom it may address ----------------------------------------

def finding_label(key: str) -> str:
    """What the check's finding a remark was made from is called («Уроки без темы»); "" for a
    free remark."""
    finding = FINDINGS.get(key)
    return finding.label if finding else ""


def is_known_finding(key: str) -> bool:
    return key in FINDINGS


def is_local_link(link: str) -> bool:
    """A path on this site ("/journal/5/?…"): a remark links only into the journal, never to
    another site or a script."""
    return (link.startswith("/") and not link.startswith(("//", "/\\"))
            and url_has_allowed_host_and_scheme(link, allowed_hosts=None))


def addressees(year: AcademicYear | None) -> QuerySet[User]:
    """Whom a checker may address: the teachers of the year's journals and its class
    teachers."""
    if year is None:
        return User.objects.none()
    teaches = TeachingAssignment.objects.filter(year=year, teacher=OuterRef("pk"))
    leads = SchoolClass.objects.filter(year=year, class_teacher=OuterRef("pk"))
    return (User.objects.filter(Exists(teaches) | Exists(leads), is_active=True)
            .order_by("last_name", "first_name", "patronymic", "pk"))


def journal_people(assignment: TeachingAssignment) -> dict[int, str]:
    """Who gets a remark about a journal: its teacher or its class's class teacher, {id: what
    they are to the journal}."""
    people = {assignment.teacher_id: "учитель журнала"}
    class_teacher = assignment.school_class.class_teacher_id
    if class_teacher and class_teacher not in people:
        people[class_teacher] = f"классный руководитель {assignment.school_class}"
    return people


def is_related_to_class(user_id: int, school_class: SchoolClass) -> bool:
    """Whether the person leads the class or keeps one of its journals."""
    return school_class.class_teacher_id == user_id or TeachingAssignment.objects.filter(
        school_class=school_class, teacher_id=user_id).exists()


def school_journals(school: School) -> QuerySet[TeachingAssignment]:
    return TeachingAssignment.objects.filter(year__school=school).select_related(
        "subject", "school_class__class_teacher", "subgroup", "teacher")


def school_classes(year: AcademicYear | None) -> QuerySet[SchoolClass]:
    if year is None:
        return SchoolClass.objects.none()
    return SchoolClass.objects.filter(year=year).order_by("grade", "letter")


def school_checks(school: School) -> QuerySet[JournalCheck]:
    return JournalCheck.objects.filter(school=school)


# Lists --------------------------------------------------------------------------------------

def _listed(remarks: QuerySet[Remark], today: dt.date) -> QuerySet[Remark]:
    """With `overdue` (not fixed by its date) and in the order the work is done: waiting for
    the checker, then to fix (earliest date first), then closed."""
    order = Case(When(status=Status.DONE, then=0), When(status__in=TO_FIX, then=1), default=2,
                 output_field=IntegerField())
    return (remarks.select_related("author", "addressee", "assignment__subject",
                                   "assignment__school_class", "assignment__subgroup",
                                   "school_class")
            .annotate(overdue=overdue(today), _order=order)
            .order_by("_order", "due_on", "-created_at", "-pk"))


def overdue(today: dt.date) -> Case:
    return Case(When(status__in=TO_FIX, due_on__lt=today, then=True), default=False,
                output_field=BooleanField())


@dataclass(frozen=True)
class RemarkFilter:
    status: str = ""
    addressee: User | None = None
    school_class: SchoolClass | None = None
    check: JournalCheck | None = None
    overdue_only: bool = False


def school_remarks(school: School, today: dt.date, wanted: RemarkFilter = RemarkFilter()
                   ) -> QuerySet[Remark]:
    """The checker's list: the school's remarks, filtered."""
    remarks = Remark.objects.filter(school=school)
    if wanted.status:
        remarks = remarks.filter(status=wanted.status)
    if wanted.addressee is not None:
        remarks = remarks.filter(addressee=wanted.addressee)
    if wanted.school_class is not None:
        remarks = remarks.filter(school_class=wanted.school_class)
    if wanted.check is not None:
        remarks = remarks.filter(check_run=wanted.check)
    if wanted.overdue_only:
        remarks = remarks.filter(status__in=TO_FIX, due_on__lt=today)
    return _listed(remarks, today)


def remarks_to(user, today: dt.date) -> QuerySet[Remark]:
    """The addressee's list: every remark made to them."""
    return _listed(Remark.objects.filter(addressee=user), today)


def addressed_in(school: School) -> QuerySet[User]:
    """The people who got remarks in the school: the checker's filter by teacher."""
    return (User.objects.filter(Exists(Remark.objects.filter(school=school,
                                                             addressee=OuterRef("pk"))))
            .order_by("last_name", "first_name", "patronymic", "pk"))


def classes_with_remarks(school: School) -> QuerySet[SchoolClass]:
    return (SchoolClass.objects.filter(Exists(Remark.objects.filter(school=school,
                                                                    school_class=OuterRef("pk"))))
            .order_by("-year__starts_on", "grade", "letter"))


# The home page: one query each --------------------------------------------------------------

@dataclass(frozen=True)
class Unfinished:
    to_fix: list[Remark]     # open or returned: the addressee's turn
    to_verify: list[Remark]  # marked fixed: the checker's turn

    def __bool__(self) -> bool:
        return bool(self.to_fix or self.to_verify)


def waiting_for(user, today: dt.date) -> Unfinished:
    """The addressee's remarks still to fix, and those waiting for the checker."""
    remarks = list(_listed(Remark.objects.filter(addressee=user)
                           .exclude(status=Status.VERIFIED), today))
    return Unfinished(to_fix=[r for r in remarks if r.status in TO_FIX],
                      to_verify=[r for r in remarks if r.status == Status.DONE])


def to_verify(school_id: int, user, today: dt.date) -> list[Remark]:
    """The school's remarks marked fixed, for its checkers; not those addressed to `user`
    (another checker verifies them)."""
    return list(_listed(Remark.objects.filter(school_id=school_id, status=Status.DONE)
                        .exclude(addressee=user), today))
