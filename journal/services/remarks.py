"""Remarks from the journal check: the only path that writes `Remark` and `RemarkStep`.

A remark is made by a checker of the school (`JOURNAL_CHECKERS`) to a teacher of the year's
journals or a class teacher, with a due date; then it moves open → done → verified / returned,
returned → done again (`journal.queries.remarks.STEPS` says who takes which step). Every change
is a `RemarkStep` written in the same transaction: who, when, the new state, the comment. The
home page is the notice: nothing is sent through `messaging` (journal does not import it).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.access import holds_role
from accounts.roles import JOURNAL_CHECKERS
from journal.models import (
    JournalCheck,
    Remark,
    RemarkStep,
    School,
    SchoolClass,
    TeachingAssignment,
)
from journal.queries.remarks import (
    COMMENT_LENGTH,
    LINK_LENGTH,
    STEPS,
    TEXT_LENGTH,
    addressees,
    is_known_finding,
    is_local_link,
    is_related_to_class,
    journal_people,
    remark_with_rights,
)
from journal.queries.timetable import current_year_of
from journal.rules import JournalError, NoAccess


class RemarkError(JournalError):
    """A refused remark; `field` names the form field the message belongs to (None: the whole
    form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _own(obj, school: School, school_of) -> None:
    """An object of another school is a crafted request: the page answers 404."""
    if obj is not None and school_of(obj) != school.pk:
        raise NoAccess("Не найдено.")


def make_remark(author, school: School, *, addressee, text: str, due_on: dt.date,
                assignment: TeachingAssignment | None = None,
                school_class: SchoolClass | None = None, check: JournalCheck | None = None,
                finding: str = "", link: str = "") -> Remark:
    """A checker's remark to a teacher or class teacher of the school, open until `due_on`.
    A remark about a journal goes to its teacher or its class's class teacher and names the
    journal's class; one about a class, to someone who leads the class or keeps one of its
    journals. Raises `NoAccess` for a person, journal, class or check of another school (and
    for an author who checks no journals there), `RemarkError` for a wrong value."""
    if not holds_role(author, school.pk, JOURNAL_CHECKERS):
        raise NoAccess("Замечания делают заместитель директора и директор.")
    year = current_year_of(school)
    _own(assignment, school, lambda a: a.year.school_id)
    _own(school_class, school, lambda c: c.year.school_id)
    _own(check, school, lambda c: c.school_id)
    if not addressees(year).filter(pk=addressee.pk).exists():
        raise NoAccess("Такого учителя в школе нет.")
    text = text.strip()
    if not text:
        raise RemarkError("Напишите, что нужно исправить.", "text")
    if len(text) > TEXT_LENGTH:
        raise RemarkError(f"Замечание — не длиннее {TEXT_LENGTH} знаков.", "text")
    today = timezone.localdate()
    if due_on < today:
        raise RemarkError(f"Срок исправления не может быть раньше сегодняшнего дня "
                          f"({today:%d.%m.%Y}).", "due_on")
    if year is not None and due_on > year.ends_on:
        raise RemarkError(f"Срок исправления — не позже конца учебного года "
                          f"({year.ends_on:%d.%m.%Y}).", "due_on")
    if assignment is not None:
        school_class = assignment.school_class
        if addressee.pk not in journal_people(assignment):
            raise RemarkError(f"Замечание по журналу «{assignment.school_class} "
                              f"{assignment.subject}» получает его учитель или классный "
                              f"руководитель класса.", "addressee")
    elif school_class is not None and not is_related_to_class(addressee.pk, school_class):
        raise RemarkError(f"{addressee.short_name} не руководит {school_class} классом и не "
                          f"ведёт в нём журналов.", "addressee")
    link = link.strip()
    if link and (len(link) > LINK_LENGTH or not is_local_link(link)):
        raise RemarkError("Ссылка замечания ведёт только на страницу журнала на этом сайте.")
    finding = finding.strip()
    if finding and not is_known_finding(finding):
        raise RemarkError("Такого показателя проверки нет.")
    with transaction.atomic():
        remark = Remark.objects.create(
            school=school, check_run=check, author=author, addressee=addressee,
            assignment=assignment, school_class=school_class, finding=finding, text=text,
            link=link, due_on=due_on, status=Remark.Status.OPEN)
        RemarkStep.objects.create(remark=remark, status=Remark.Status.OPEN, by=author,
                                  at=remark.created_at)
    return remark


def take_step(user, remark_id: int, to: str, comment: str = "") -> Remark:
    """Move the remark to the state `to` (done, verified or returned), if `user` may take that
    step from its state now; record the step. Raises `NoAccess` for a remark the user may not
    see, `RemarkError` for a step they may not take (nothing is changed)."""
    step = STEPS.get(to)
    if step is None:
        raise RemarkError("Такого действия с замечанием нет.")
    comment = comment.strip()
    if len(comment) > COMMENT_LENGTH:
        raise RemarkError(f"Комментарий — не длиннее {COMMENT_LENGTH} знаков.", "comment")
    with transaction.atomic():
        remark, rights = remark_with_rights(user, remark_id, lock=True)
        if remark is None:
            raise NoAccess("Замечание не найдено.")
        refusal = rights.refusal(remark, step)
        if refusal:
            raise RemarkError(refusal)
        if step.needs_comment and not comment:
            raise RemarkError("Напишите, что ещё нужно исправить: без этого замечание не "
                              "возвращается.", "comment")
        remark.status = step.to
        remark.save(update_fields=["status", "updated_at"])
        RemarkStep.objects.create(remark=remark, status=step.to, by=user, comment=comment)
    return remark
