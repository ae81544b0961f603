"""What the «справка по итогам проверки» of a kept check says: the school, the span, who
checked, the figures as they were found, the remarks with their state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from accounts.models import StaffRole, User
from accounts.queries.reminders import start_of
from accounts.roles import JOURNAL_CHECKERS, Role
from journal.models import JournalCheck, Remark, RemarkStep
from journal.queries.checks.findings import FINDINGS
from journal.queries.checks.page import Figure, general_figures, journal_label
from journal.queries.checks.span import CheckSpan

# Remarks made from findings with no check named count for a check when made from the start of
# its span to this long after its end (the month the check is done in).
UNATTACHED_REMARKS_AFTER = dt.timedelta(days=31)


def check_remarks(check: JournalCheck) -> list[Remark]:
    """The check's remarks: those made with it, and the school's remarks made from a finding
    with no check named while its span was being checked. Steps loaded (`steps`)."""
    made_while_checked = Q(
        check_run__isnull=True, school_id=check.school_id, finding__gt="",
        created_at__gte=start_of(check.starts_on),
        created_at__lt=start_of(check.ends_on + UNATTACHED_REMARKS_AFTER))
    return list(Remark.objects.filter(Q(check_run=check) | made_while_checked)
                .select_related("addressee", "assignment__school_class", "assignment__subject",
                                "assignment__subgroup", "school_class")
                .prefetch_related(Prefetch("steps", queryset=RemarkStep.objects
                                           .select_related("by").order_by("at", "pk")))
                .order_by("created_at", "pk"))


@dataclass(frozen=True)
class RemarkRow:
    remark: Remark
    last_step: RemarkStep | None


@dataclass(frozen=True)
class JournalFindings:
    label: str
    teacher: str
    findings: list[tuple[str, int | None, str]]   # (label, count or None, units)


@dataclass(frozen=True)
class Spravka:
    check: JournalCheck
    span: CheckSpan
    checker: User
    checker_role: str                      # «Заместитель директора по УВР»
    figures: list[Figure]
    totals: list[tuple[str, int, int, str]]   # (finding, count, journals with it, units)
    journals: list[JournalFindings]
    idle_teachers: list[str]
    remarks: list[RemarkRow]


def _last(steps) -> RemarkStep | None:
    steps = list(steps)
    return steps[-1] if steps else None


def _role_of(user: User, school_id: int) -> str:
    role = (StaffRole.objects.filter(user=user, school_id=school_id, role__in=JOURNAL_CHECKERS)
            .order_by("role").values_list("role", flat=True).first())
    return Role(role).label if role else ""


def spravka(check: JournalCheck, reader: User) -> Spravka:
    """The справка of a kept check; who checked is who kept it, or, for a check the schedule
    kept, the deputy director or director who prints it."""
    figures = check.figures
    totals = figures.get("totals", {})
    counts, journals_with = totals.get("counts", {}), totals.get("journals_with", {})
    checker = check.computed_by or reader
    journals = []
    for journal in figures.get("journals", []):
        found = [(f.label, None if f.of_journal else journal["counts"][f.key], f.units)
                 for f in FINDINGS
                 if journal["counts"].get(f.key)]
        if found:
            journals.append(JournalFindings(journal_label(journal), journal["teacher"], found))
    return Spravka(
        check=check, span=CheckSpan.of_check(check), checker=checker,
        checker_role=_role_of(checker, check.school_id),
        figures=general_figures(figures, None) if totals else [],
        totals=[(f.label, counts.get(f.key, 0), journals_with.get(f.key, 0), f.units)
                for f in FINDINGS],
        journals=journals,
        idle_teachers=[t["name"] for t in figures.get("teachers", []) if not t["active"]],
        remarks=[RemarkRow(remark, _last(remark.steps.all())) for remark in check_remarks(check)],
    )
