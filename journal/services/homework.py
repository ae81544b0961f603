"""Homework of a lesson: its text or the explicit «не задано», the lesson it is due for, and
the files attached to it (who may download them is decided here too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q

from journal.models import (
    BellSchedule,
    ChangeRecord,
    Homework,
    HomeworkFile,
    Lesson,
)
from journal.rules import NO_HOMEWORK_IN_GRADE_1, JournalError, homework_deadline
from journal.services import history
from journal.services.history import Action, Entity, snapshot
from journal.services.records import (
    LessonWrite,
    delete_record,
    gone,
    open_lesson,
    require_version,
    save_record,
)

THIS_HOMEWORK = "Домашнее задание"
ATTACHED_FIRST = ("К заданию прикреплены файлы: чтобы убрать задание или отметить «не задано», "
                  "сначала удалите их.")


def _deadline(ctx: LessonWrite, due_lesson: Lesson | None) -> dt.datetime:
    """When this lesson's homework is due to be in the journal (`rules.homework_deadline`):
    the due date is the lesson it is set for, else the journal's next lesson; the class's
    classes end with its last lesson that day."""
    lesson = ctx.lesson
    if due_lesson is None:
        due_lesson = (Lesson.objects.filter(assignment_id=lesson.assignment_id)
                      .filter(Q(date__gt=lesson.date)
                              | Q(date=lesson.date, number__gt=lesson.number))
                      .order_by("date", "number").only("date").first())
    last_number = (Lesson.objects.filter(date=lesson.date,
                                         assignment__school_class_id=lesson.assignment
                                         .school_class_id)
                   .aggregate(last=Max("number"))["last"])
    bell = BellSchedule.objects.filter(school_id=ctx.school.pk,
                                       lesson_number=last_number).first()
    return homework_deadline(ctx.school, lesson.date, due_lesson.date if due_lesson else None,
                             bell.ends_at if bell else None)


def set_homework(user, lesson: Lesson, *, text: str = "", none: bool = False,
                 due_lesson: Lesson | None = None, expected_version: int | None = None,
                 reason: str = "") -> Homework | None:
    """Set the homework (text, or `none` for «не задано»), or remove it when neither is given.
    May be posted ahead of the lesson. `expected_version` is 0 when the user saw none."""
    text = text.strip()
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        ctx.require_write()
        if not ctx.school_class.gets_marks:
            raise JournalError(NO_HOMEWORK_IN_GRADE_1)
        if text and none:
            raise JournalError("Укажите либо текст задания, либо «не задано».")
        if none:
            due_lesson = None
        if due_lesson is not None and (
                due_lesson.assignment_id != ctx.lesson.assignment_id
                or (due_lesson.date, due_lesson.number) <= (ctx.lesson.date, ctx.lesson.number)):
            raise JournalError("Задание задают к одному из следующих уроков этого журнала.")
        current = Homework.objects.select_for_update().filter(lesson=ctx.lesson).first()
        require_version(current, expected_version, THIS_HOMEWORK)
        if current is not None and (none or not text) and current.files.exists():
            raise JournalError(ATTACHED_FIRST)
        if current is not None:
            current.lesson = ctx.lesson

        if not text and not none:
            if current is not None:
                delete_record(ctx, Entity.HOMEWORK, current)
            return None

        wanted = {"text": text, "is_none": none, "due_lesson_id": due_lesson.pk if due_lesson
                  else None}
        if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
            return current
        return save_record(ctx, Entity.HOMEWORK, current or Homework(lesson=ctx.lesson), wanted,
                           deadline=_deadline(ctx, due_lesson))


# Attached files ----------------------------------------------------------------------------

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
NAME_LENGTH = HomeworkFile._meta.get_field("original_name").max_length
REASON_LENGTH = ChangeRecord._meta.get_field("reason").max_length

_PDF = (b"%PDF",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)       # .doc, .xls, .ppt
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")               # .docx, .xlsx, .pptx, .odt, .zip
_TEXT = ()                                             # checked as text, see _looks_like
# Extension → what the file must start with. Only these may be attached.
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": _PDF, ".doc": _OLE, ".docx": _ZIP, ".xls": _OLE, ".xlsx": _ZIP, ".ppt": _OLE,
    ".pptx": _ZIP, ".odt": _ZIP, ".txt": _TEXT, ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",), ".zip": _ZIP,
}
ALLOWED_LABEL = "PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, TXT, JPG, JPEG, PNG, ZIP"
ACCEPT = ",".join(ALLOWED_TYPES)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _looks_like(upload: IO[bytes], suffix: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if suffix == ".txt":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
                try:
                    head.decode("cp1251")
                except UnicodeDecodeError:
                    return False
        return True
    return head.startswith(ALLOWED_TYPES[suffix])


def display_name(name: str) -> str:
    """The name as the user gave it, without any folder, cut to fit and keeping its extension."""
    name = PurePath(name.replace("\\", "/")).name.strip() or "файл"
    if len(name) > NAME_LENGTH:
        suffix = PurePath(name).suffix[:10]
        name = name[:NAME_LENGTH - len(suffix)] + suffix
    return name


def check_uploads(uploads: Sequence[UploadedFile]) -> None:
    """Refuse the whole set if any file is too big, empty or of a type that may not be
    attached (by its extension, and its contents must match it)."""
    for upload in uploads:
        name = display_name(upload.name or "")
        suffix = PurePath(name).suffix.lower()
        if suffix not in ALLOWED_TYPES:
            raise JournalError(f"Файл «{name}»: такие файлы прикреплять нельзя. Можно: "
                               f"{ALLOWED_LABEL}.")
        if not upload.size:
            raise JournalError(f"Файл «{name}» пустой.")
        if upload.size > MAX_FILE_BYTES:
            raise JournalError(f"Файл «{name}» больше 10 МБ ({_megabytes(upload.size)} МБ). "
                               f"Уменьшите его или разделите на части.")
        if not _looks_like(upload, suffix):
            raise JournalError(f"Файл «{name}»: содержимое не похоже на {suffix[1:].upper()} — "
                               f"возможно, файл повреждён или у него неверное расширение.")


@dataclass
class _Files:
    """A homework locked for a change of its files, and the names attached before it."""

    ctx: LessonWrite
    homework: Homework
    names: list[str]


def _open_files(user, lesson: Lesson | int, reason: str) -> _Files:
    ctx = open_lesson(user, lesson, reason=reason)
    ctx.require_write()
    if not ctx.school_class.gets_marks:
        raise JournalError(NO_HOMEWORK_IN_GRADE_1)
    homework = Homework.objects.select_for_update().filter(lesson=ctx.lesson).first()
    if homework is None or homework.is_none:
        raise JournalError("Файлы прикрепляются к домашнему заданию: сначала запишите текст "
                           "задания.")
    homework.lesson = ctx.lesson
    names = list(homework.files.order_by("uploaded_at", "pk").values_list("original_name",
                                                                          flat=True))
    return _Files(ctx=ctx, homework=homework, names=names)


def _log_files(files: _Files, names_after: list[str], what: str) -> None:
    """One history row for the homework: its values with the files before and after."""
    homework = files.homework
    old = {**snapshot(Entity.HOMEWORK, homework), "files": ", ".join(files.names)}
    homework.version += 1
    homework.save(update_fields=["version", "updated_at"])
    reason = "; ".join(r for r in (what, files.ctx.reason) if r)[:REASON_LENGTH]
    row = history.change_record(files.ctx.user, Action.UPDATE, Entity.HOMEWORK, homework,
                                old=old, reason=reason)
    row.new = {**row.new, "files": ", ".join(names_after)}
    history.record_many([row])


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


def add_homework_files(user, lesson: Lesson | int, uploads: Sequence[UploadedFile], *,
                       reason: str = "") -> list[HomeworkFile]:
    """Attach files to the lesson's homework (which must have a text). All or nothing: a file
    that is too big or of a wrong type refuses the whole set."""
    uploads = list(uploads)
    if not uploads:
        return []
    check_uploads(uploads)
    stored: list[str] = []
    try:
        with transaction.atomic():
            files = _open_files(user, lesson, reason)
            if len(files.names) + len(uploads) > MAX_FILES:
                raise JournalError(f"К заданию можно прикрепить не больше {MAX_FILES} файлов "
                                   f"(уже прикреплено {len(files.names)}).")
            created = []
            for upload in uploads:
                name = display_name(upload.name or "")
                attached = HomeworkFile(homework=files.homework, original_name=name,
                                        size=upload.size, uploaded_by=user)
                upload.seek(0)
                attached.file.save(name, upload, save=False)
                stored.append(attached.file.name)
                attached.save()
                created.append(attached)
            names = [a.original_name for a in created]
            what = (f"прикреплён файл {_quoted(names)}" if len(names) == 1
                    else f"прикреплены файлы {_quoted(names)}")
            _log_files(files, files.names + names, what)
    except Exception:
        # The rows are rolled back; the stored files would be left without them.
        for name in stored:
            HomeworkFile._meta.get_field("file").storage.delete(name)
        raise
    return created


def delete_homework_file(user, attached: HomeworkFile | int, *, reason: str = "") -> None:
    """Remove a file from its homework; it is deleted from the storage once this commits."""
    file_id = attached.pk if isinstance(attached, HomeworkFile) else attached
    with transaction.atomic():
        lesson_id = (HomeworkFile.objects.filter(pk=file_id)
                     .values_list("homework__lesson_id", flat=True).first())
        if lesson_id is None:
            raise gone("Этот файл")
        files = _open_files(user, lesson_id, reason)
        attached = HomeworkFile.objects.filter(pk=file_id, homework=files.homework).first()
        if attached is None:
            raise gone("Этот файл")
        stored_name = attached.file.name
        storage = attached.file.storage
        attached.delete()
        names = list(files.names)
        names.remove(attached.original_name)
        _log_files(files, names, f"удалён файл «{attached.original_name}»")
        transaction.on_commit(lambda: storage.delete(stored_name))


