"""Ordering information letters and making them in the background.

`order_letter` records the order (queued) and enqueues one task after the commit;
`make_letter` is the task's body: it claims the order once, re-checks the requester's right,
reads the class's letters, renders them student by student (saving `done` after each, so the
page's progress bar moves) and stores the file, or records the failure in Russian.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Student
from journal.models import SchoolClass
from messaging.letters.access import access_letters_class
from messaging.letters.pdf import render_letters
from messaging.letters.queries import NO_STUDENTS, class_letters
from messaging.models import InformationLetter

logger = logging.getLogger(__name__)

Status = InformationLetter.Status
NO_RIGHT = "У заказавшего письмо больше нет прав на этот класс: письмо не подготовлено."
FAILED = ("Не удалось подготовить письмо: ошибка при создании PDF. Попробуйте ещё раз; если "
          "ошибка повторится, сообщите администратору.")


def order_letter(user, school_class: SchoolClass, *, student: Student | None,
                 date_from: dt.date, date_to: dt.date, note: str = "",
                 one_file: bool = True) -> InformationLetter:
    """Record the order and have the worker make it once the order is committed."""
    from messaging.letters.tasks import make_information_letter  # the task module imports this

    with transaction.atomic():
        letter = InformationLetter.objects.create(
            school_class=school_class, student=student, date_from=date_from, date_to=date_to,
            note=note.strip(), one_file=one_file or student is not None, requested_by=user)
        transaction.on_commit(lambda: make_information_letter.delay(letter.pk))
    return letter


def _finish(letter_id: int, **fields) -> None:
    InformationLetter.objects.filter(pk=letter_id).update(finished_at=timezone.now(), **fields)


def _class_for(user, class_id: int) -> SchoolClass | None:
    """The class if the requester still makes its letters (rights are checked again at run)."""
    if user is None:
        return None
    try:
        return access_letters_class(user, class_id)
    except Http404:
        return None


def make_letter(letter_id: int) -> str:
    """Make an ordered letter; the status it ends in. A letter already taken by another run
    (or made) is left alone."""
    if InformationLetter.objects.filter(pk=letter_id, status=Status.QUEUED).update(
            status=Status.RUNNING) != 1:
        return ""
    letter = InformationLetter.objects.select_related("requested_by").get(pk=letter_id)
    school_class = _class_for(letter.requested_by, letter.school_class_id)
    if school_class is None:
        _finish(letter_id, status=Status.FAILED, error=NO_RIGHT)
        return Status.FAILED
    try:
        letters = class_letters(school_class, letter.date_from, letter.date_to,
                                student_id=letter.student_id, note=letter.note)
        if not letters.students:
            _finish(letter_id, status=Status.FAILED, error=NO_STUDENTS)
            return Status.FAILED
        InformationLetter.objects.filter(pk=letter_id).update(total=len(letters.students))
        content, extension = render_letters(
            letters, one_file=letter.one_file,
            progress=lambda done: InformationLetter.objects.filter(pk=letter_id).update(
                done=done))
        letter.file.save(f"letter.{extension}", ContentFile(content), save=False)
    except Exception:
        logger.exception("information letter %s failed", letter_id)
        _finish(letter_id, status=Status.FAILED, error=FAILED)
        return Status.FAILED
    _finish(letter_id, status=Status.DONE, file=letter.file.name)
    return Status.DONE
