"""A lesson's record: topic and plan item, held flag, type of assessment, homework with its
files; substitution for the timetable's keepers; homework file downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from journal.downloads import download
from journal.forms import LessonRecordForm, SubstituteForm
from journal.models import Homework, HomeworkFile, Lesson, PlanItem
from journal.permissions import (
    CLOSED_YEAR,
    JournalRights,
    access_lesson,
    access_lesson_for_substitution,
    files_readable_by,
    may_assign_substitutes,
    may_substitute,
)
from journal.queries.plans import next_plan_item
from journal.rules import JournalError
from journal.services.homework import (
    add_homework_files,
    delete_homework_file,
    set_homework,
)
from journal.services.lesson_record import (
    assign_substitute,
    save_lesson_record,
)


def _initial(lesson: Lesson, homework: Homework | None, suggestion: PlanItem | None) -> dict:
    return {
        "topic": lesson.topic or (suggestion.topic if suggestion else ""),
        "plan_item": lesson.plan_item_id or (suggestion.pk if suggestion else None),
        "is_held": lesson.is_held, "assessment_type": lesson.assessment_type_id,
        "homework": homework.text if homework else "",
        "homework_none": homework.is_none if homework else False,
        "due_lesson": homework.due_lesson_id if homework else None,
        "lesson_version": lesson.version, "homework_version": homework.version if homework else 0,
    }


def _render(request, lesson: Lesson, rights: JournalRights, *, form=None, substitute_form=None,
            substitution_only: bool = False, status: int = 200):
    homework = Homework.objects.filter(lesson=lesson).select_related("due_lesson").first()
    files = list(homework.files.all()) if homework else []
    suggestion = None
    if rights.may_write and form is None and not substitution_only:
        # Suggested to whoever gives the lesson, not to a checker correcting it.
        if rights.keep and not lesson.topic and not lesson.plan_item_id:
            suggestion = next_plan_item(lesson)
        form = LessonRecordForm(initial=_initial(lesson, homework, suggestion), lesson=lesson,
                                rights=rights)
    shows_substitution = may_substitute(request.user, lesson, rights)
    if shows_substitution and substitute_form is None:
        substitute_form = SubstituteForm(lesson=lesson, initial={
            "substitute": lesson.substitute_id, "substitute_reason": lesson.substitute_reason,
            "lesson_version": lesson.version})
    plan_item = PlanItem.objects.filter(pk=lesson.plan_item_id).first() \
        if lesson.plan_item_id else None
    return render(request, "journal/lesson.html", {
        "lesson": lesson, "rights": rights, "form": form, "homework": homework, "files": files,
        "suggestion": suggestion, "plan_item": plan_item, "may_substitute": shows_substitution,
        "substitute_form": substitute_form,
        "reads_journal": rights.view and not rights.substitute,
        "substitution_only": substitution_only,
    }, status=status)


@login_required
def lesson_record(request, lesson_id: int):
    lesson, rights = access_lesson(request.user, lesson_id, write=request.method == "POST")
    if request.method == "POST":
        form = LessonRecordForm(request.POST, request.FILES, lesson=lesson, rights=rights)
        if form.is_valid():
            data = form.cleaned_data
            reason = data.get("reason", "")
            try:
                with transaction.atomic():
                    save_lesson_record(request.user, lesson, topic=data["topic"],
                                       is_held=data["is_held"],
                                       assessment_type=data["assessment_type"],
                                       plan_item=data["plan_item"],
                                       expected_version=data["lesson_version"], reason=reason)
                    if "homework" in form.fields:
                        set_homework(request.user, lesson, text=data["homework"],
                                     none=data["homework_none"], due_lesson=data["due_lesson"],
                                     expected_version=data["homework_version"], reason=reason)
                        # Last: the files stored on disk are removed again if this fails.
                        add_homework_files(request.user, lesson, data["files"], reason=reason)
            except JournalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Запись урока сохранена.")
                return redirect(reverse("journal:lesson", args=[lesson.pk]))
        return _render(request, lesson, rights, form=form, status=400)
    return _render(request, lesson, rights)


@login_required
def substitute(request, lesson_id: int):
    """The substitution of a lesson: the form (also on the lesson page), assign, or with
    `cancel`, cancel. The timetable's keepers only (`may_assign_substitutes`)."""
    lesson, rights = access_lesson_for_substitution(request.user, lesson_id)
    if not may_assign_substitutes(request.user, lesson.assignment.year.school_id):
        raise PermissionDenied("Замену назначает диспетчер расписания, заместитель директора "
                               "по УВР или администратор.")
    if not may_substitute(request.user, lesson, rights):
        raise PermissionDenied(CLOSED_YEAR)
    if request.method != "POST":
        return _render(request, lesson, rights, substitution_only=True)
    # Back to the lesson page for those who read the journal, else to this page.
    back = reverse("journal:lesson" if rights.view else "journal:lesson_substitute",
                   args=[lesson.pk])
    if "cancel" in request.POST:
        version = request.POST.get("lesson_version", "")
        try:
            assign_substitute(request.user, lesson, None, request.POST.get("cancel_reason", ""),
                              expected_version=int(version) if version.isdigit() else None)
        except JournalError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Замена отменена.")
        return redirect(back)
    form = SubstituteForm(request.POST, lesson=lesson)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assign_substitute(request.user, lesson, data["substitute"], data["substitute_reason"],
                              expected_version=data["lesson_version"])
        except JournalError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Замена записана: урок ведёт "
                                      f"{data['substitute'].full_name}.")
            return redirect(back)
    lesson.refresh_from_db()
    return _render(request, lesson, rights, substitute_form=form, status=400,
                   substitution_only=not rights.view)


@login_required
@require_POST
def delete_file(request, lesson_id: int, file_id: int):
    lesson, rights = access_lesson(request.user, lesson_id, write=True)
    if not HomeworkFile.objects.filter(pk=file_id, homework__lesson=lesson).exists():
        raise Http404
    try:
        delete_homework_file(request.user, file_id, reason=request.POST.get("reason", ""))
    except JournalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Файл удалён.")
    return redirect(reverse("journal:lesson", args=[lesson.pk]))


@login_required
def download_file(request, file_id: int):
    """A homework file, for anyone `files_readable_by` allows; 404 for everybody else."""
    return download(files_readable_by(request.user), file_id)
