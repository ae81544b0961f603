"""Class teachers confirm their class's list before the year rollover, when the school asks for
it (`School.class_teachers_confirm_lists`): the students the rollover will decide about and the
decision proposed for each (`journal.queries.rollover`). The confirmation keeps what was
confirmed, `{student id: decision}`; once the class's list or a proposed decision differs from
it (a student arrived or left, a year mark changed the proposal) the list is unconfirmed again
and the rollover waits for the class teacher.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Student, User
from journal.models import (
    AcademicYear,
    ClassListConfirmation,
    RolloverDecision,
    SchoolClass,
)
from journal.permissions import access_class
from journal.queries.rollover import StudentPlan, propose_classes, propose_decisions
from journal.rules import JournalError, NoAccess

# From this day of the year's last calendar year the home page reminds class teachers.
REMIND_FROM = (5, 1)   # 1 May

Decisions = dict[str, str]   # student id (as JSON keeps it) → RolloverDecision.Kind


@dataclass
class ListRow:
    """A student of the class on the year's last day and the decision proposed."""

    number: int
    name: str
    decision: StudentPlan

    @property
    def kind_label(self) -> str:
        return RolloverDecision.Kind(self.decision.kind).label

    @property
    def to_class(self) -> str | None:
        return self.decision.to_class_key


@dataclass
class ClassList:
    school_class: SchoolClass
    rows: list[ListRow]
    confirmation: ClassListConfirmation | None

    @property
    def decisions(self) -> Decisions:
        return {str(row.decision.student_id): row.decision.kind for row in self.rows}

    @property
    def is_confirmed(self) -> bool:
        return self.confirmation is not None and self.confirmation.students == self.decisions

    @property
    def changes(self) -> list[str]:
        """What differs from the confirmed list, for the page: arrived, left, decision changed."""
        if self.confirmation is None:
            return []
        confirmed, now = self.confirmation.students, self.decisions
        names = {str(row.decision.student_id): row.name for row in self.rows}
        found = [f"{names[pk]}: в списке после подтверждения" for pk in now if pk not in confirmed]
        left = len([pk for pk in confirmed if pk not in now])
        if left:
            found.append(f"выбыли из списка после подтверждения: {left}")
        found += [f"{names[pk]}: предлагаемое решение изменилось — "
                  f"{RolloverDecision.Kind(now[pk]).label}"
                  for pk in now if pk in confirmed and confirmed[pk] != now[pk]]
        return found


def _proposals(year: AcademicYear) -> dict[int, list[StudentPlan]]:
    """The decisions proposed for the year's students, by class. Year-wide, a fixed number of
    queries: call it once for several classes."""
    by_class: dict[int, list[StudentPlan]] = defaultdict(list)
    for decision in propose_decisions(year, propose_classes(year)):
        by_class[decision.from_class_id].append(decision)
    return by_class


def _decisions(proposals: list[StudentPlan]) -> Decisions:
    return {str(decision.student_id): decision.kind for decision in proposals}


def confirmed_lists(year: AcademicYear) -> dict[int, bool]:
    """For each class of the year with students: whether its class teacher's confirmation
    still matches its list and proposed decisions. For the rollover's step 4 (one call for the
    whole school)."""
    proposals = _proposals(year)
    stored = dict(ClassListConfirmation.objects.filter(school_class_id__in=list(proposals))
                  .values_list("school_class_id", "students"))
    return {class_id: stored.get(class_id) == _decisions(rows)
            for class_id, rows in proposals.items()}


def list_confirmed(school_class: SchoolClass) -> bool:
    """Whether the class teacher confirmed the class's list as it is now (a class without
    students has nothing to confirm)."""
    proposals = _proposals(school_class.year).get(school_class.pk, [])
    if not proposals:
        return True
    stored = (ClassListConfirmation.objects.filter(school_class=school_class)
              .values_list("students", flat=True).first())
    return stored == _decisions(proposals)


def class_list(school_class: SchoolClass) -> ClassList:
    """The class's students on the year's last day with their proposed decisions, and the
    confirmation (with who gave it)."""
    proposals = _proposals(school_class.year).get(school_class.pk, [])
    users = {s.pk: s.user for s in Student.objects.filter(
        pk__in=[d.student_id for d in proposals]).select_related("user")}
    # The proposals come in the order of the class list (by name).
    rows = [ListRow(number, users[d.student_id].full_name, d)
            for number, d in enumerate(proposals, start=1)]
    confirmation = (ClassListConfirmation.objects.select_related("by")
                    .filter(school_class=school_class).first())
    return ClassList(school_class, rows, confirmation)


def asks_to_confirm(school_class: SchoolClass) -> bool:
    """The school asks for the confirmation and the class's year is the current, open one."""
    year = school_class.year
    return (year.school.class_teachers_confirm_lists and year.is_current
            and not year.is_closed)


def access_class_list(user, class_id) -> SchoolClass:
    """The class whose list `user` confirms: its class teacher, when the school asks for it
    and the year is current; 404 for anyone else (and when there is nothing to confirm)."""
    school_class, rights = access_class(user, class_id)
    if not rights.leads or not asks_to_confirm(school_class):
        raise Http404("Класс не найден.")
    return school_class


def confirm_class_list(user: User, school_class: SchoolClass,
                       shown: Decisions | None = None) -> ClassListConfirmation:
    """The class teacher confirms the class's list and proposed decisions as they are now.
    `shown`: what the page showed; if the list changed since, nothing is saved."""
    with transaction.atomic():
        try:
            school_class = access_class_list(user, school_class.pk)
        except Http404:
            raise NoAccess("Подтвердить список класса может только его классный руководитель, "
                           "пока идёт учебный год и школа просит об этом.") from None
        # One confirmation at a time per class (the row is one-to-one with it).
        SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()
        now = class_list(school_class)
        if not now.rows:
            raise JournalError(f"В {school_class} классе нет обучающихся на конец учебного "
                               f"года: подтверждать нечего.")
        if shown is not None and shown != now.decisions:
            raise JournalError("Список класса изменился, пока страница была открыта: "
                               "проверьте его и подтвердите ещё раз.")
        confirmation, _ = ClassListConfirmation.objects.update_or_create(
            school_class=school_class,
            defaults={"students": now.decisions, "by": user, "at": timezone.now()})
        return confirmation


def remind_from(year: AcademicYear) -> dt.date:
    """When the home page starts reminding class teachers: 1 May of the year's end."""
    month, day = REMIND_FROM
    return dt.date(year.ends_on.year, month, day)


def classes_to_confirm(user: User, year: AcademicYear, today: dt.date) -> list[SchoolClass]:
    """The user's classes whose list waits for their confirmation, for the home page: when the
    school asks for it, from 1 May to the end of the current, open year."""
    if not (year.school.class_teachers_confirm_lists and year.is_current
            and not year.is_closed and remind_from(year) <= today <= year.ends_on):
        return []
    classes = list(SchoolClass.objects.filter(year=year, class_teacher=user)
                   .order_by("grade", "letter"))
    if not classes:
        return []
    confirmed = confirmed_lists(year)
    return [c for c in classes if not confirmed.get(c.pk, True)]
