"""The journal page of one teaching assignment: the grid, its cell saves and cell details."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Student
from archive.copies.access import may_certify_on_page
from journal.models import AssessmentType, ChangeRecord, FinalMark, Lesson, TeachingAssignment
from journal.permissions import (
    access_assignment,
    access_lesson,
    access_mark,
)
from journal.queries.cells import load_cell
from journal.queries.grid import build_grid, build_year_grid, period_for, periods_for
from journal.queries.students import journal_student
from journal.rules import ConflictError, JournalError, NeedsExplanation, NoAccess, NotAllowed
from journal.services.cells import fill_column, set_cell
from journal.services.final_marks import set_final_mark
from journal.services.marks import change_mark


def _error(exc: JournalError) -> JsonResponse:
    """A refused save: 403 when the user may not make it, 409 when someone changed the record
    first, 400 for a value that cannot be saved."""
    status = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, ConflictError) \
        else 400
    return JsonResponse({"ok": False, "error": exc.message}, status=status)


def _journal_lesson(assignment_id: int, lesson_id: str) -> Lesson:
    """A lesson of this journal, before any rights are read: for saves whose service reads
    them (and answers NoAccess, shown as 404, to anyone who may not read the journal)."""
    lesson = Lesson.objects.select_related(
        "assignment__year", "assignment__school_class", "assignment__subgroup",
    ).filter(pk=int(lesson_id) if lesson_id.isdigit() else 0, assignment_id=assignment_id).first()
    if lesson is None:
        raise Http404
    return lesson


def _lesson_of(request, assignment_id: int, lesson_id: str, *, write: bool = False):
    """A lesson of this journal the user may see, else 404 (ids leak nothing)."""
    if not lesson_id.isdigit():
        raise Http404
    lesson, rights = access_lesson(request.user, int(lesson_id), write=write)
    if lesson.assignment_id != assignment_id:
        raise Http404
    return lesson, rights


def _student(assignment: TeachingAssignment, student_id: str) -> Student:
    """A student of this journal, else 404: an id reveals nobody else's name."""
    student = journal_student(assignment, student_id)
    if student is None:
        raise Http404
    return student


@login_required
def journal_page(request, assignment_id: int):
    assignment, rights = access_assignment(request.user, assignment_id)
    today = timezone.localdate()
    periods = periods_for(assignment)
    if request.GET.get("view") == "year":
        return render(request, "journal/year.html", {
            "assignment": assignment, "rights": rights, "today": today,
            "grid": build_year_grid(assignment, periods)})
    chosen = request.GET.get("period", "")
    period = next((p for p in periods if str(p.pk) == chosen), None) or period_for(periods, today)
    grid = build_grid(assignment, period, periods, today)
    return render(request, "journal/grid.html", {
        "assignment": assignment, "rights": rights, "grid": grid, "today": today,
        "may_certify": may_certify_on_page(request, assignment.year.school_id),
    })


@login_required
@require_POST
def save_cell(request, assignment_id: int):
    # The rights are read once, by the save itself (the grid's busiest request); someone who
    # may not read the journal gets 404 from its NoAccess.
    lesson = _journal_lesson(assignment_id, request.POST.get("lesson", ""))
    student = _student(lesson.assignment, request.POST.get("student", ""))
    expected = None if request.POST.get("force") else request.POST.get("version", "")
    try:
        cell = set_cell(request.user, lesson, student, request.POST.get("entry", ""),
                        expected_version=expected,
                        over_absence_note=request.POST.get("note", ""),
                        reason=request.POST.get("reason", ""),
                        request_id=request.POST.get("request_id", ""))
    except ConflictError as exc:
        current = exc.current
        return JsonResponse({"ok": False, "error": exc.message, "text": current.text,
                             "version": current.version}, status=409)
    except NeedsExplanation as exc:
        return JsonResponse({"ok": False, "error": exc.message, "needs_note": True}, status=400)
    except NoAccess:
        raise Http404 from None
    except JournalError as exc:
        return _error(exc)
    return JsonResponse({"ok": True, "text": cell.text, "version": cell.version})


@login_required
@require_POST
def fill_lesson_column(request, assignment_id: int):
    lesson = _journal_lesson(assignment_id, request.POST.get("lesson", ""))
    try:
        result = fill_column(request.user, lesson, request.POST.get("entry", ""),
                             over_absence_note=request.POST.get("note", ""),
                             reason=request.POST.get("reason", ""),
                             request_id=request.POST.get("request_id", ""))
    except NoAccess:
        raise Http404 from None
    except JournalError as exc:
        return _error(exc)
    return JsonResponse({"ok": True, "skipped": len(result.skipped), "cells": [
        {"student": cell.student_id, "text": cell.text, "version": cell.version}
        for cell in result.filled]})


@login_required
@require_POST
def save_term_mark(request, assignment_id: int):
    """A term mark (kind "period", with its period) or a year, exam or final mark."""
    assignment, _ = access_assignment(request.user, assignment_id, write=True)
    kind = request.POST.get("kind") or FinalMark.Kind.PERIOD
    if kind not in FinalMark.Kind.values:
        raise Http404
    period = None
    if kind == FinalMark.Kind.PERIOD:
        period = next((p for p in periods_for(assignment)
                       if str(p.pk) == request.POST.get("period")), None)
        if period is None:
            raise Http404
    student = _student(assignment, request.POST.get("student", ""))
    version = request.POST.get("version", "")
    try:
        mark = set_final_mark(request.user, assignment, student, kind, period,
                              request.POST.get("entry", ""),
                              expected_version=None if request.POST.get("force") or
                              not version.isdigit() else int(version),
                              reason=request.POST.get("reason", ""))
    except ConflictError as exc:
        current = exc.current
        return JsonResponse({"ok": False, "error": exc.message,
                             "text": current.value if current else "",
                             "version": current.version if current else 0}, status=409)
    except JournalError as exc:
        return _error(exc)
    return JsonResponse({"ok": True, "text": mark.value if mark else "",
                         "version": mark.version if mark else 0})


@login_required
@require_POST
def edit_mark(request, assignment_id: int, mark_id: int):
    """The assessment type and comment of one mark, from the cell's detail."""
    mark, _ = access_mark(request.user, mark_id, write=True)
    if mark.lesson.assignment_id != assignment_id:
        raise Http404
    kind_id = request.POST.get("assessment_type", "")
    kind = AssessmentType.objects.filter(
        pk=kind_id if kind_id.isdigit() else 0,
        school_id=mark.lesson.assignment.year.school_id).first()
    if kind_id and kind is None:
        return JsonResponse({"ok": False, "error": "Такого вида контроля нет."}, status=400)
    version = request.POST.get("version", "")
    try:
        mark = change_mark(request.user, mark, assessment_type=kind,
                           comment=request.POST.get("comment", "").strip(),
                           expected_version=int(version) if version.isdigit() else None,
                           reason=request.POST.get("reason", ""))
    except JournalError as exc:
        return _error(exc)
    cell = load_cell(mark.lesson, mark.student_id)
    return JsonResponse({"ok": True, "version": mark.version, "cell_version": cell.version})


@login_required
@require_GET
def cell_detail(request, assignment_id: int):
    lesson, rights = _lesson_of(request, assignment_id, request.GET.get("lesson", ""))
    student = _student(lesson.assignment, request.GET.get("student", ""))
    cell = load_cell(lesson, student.pk)
    history = (ChangeRecord.objects.filter(lesson_id=lesson.pk, student_id=student.pk)
               .select_related("user").order_by("-at", "-pk"))
    return render(request, "journal/_cell_detail.html", {
        "lesson": lesson, "student": student, "cell": cell, "history": history,
        "rights": rights, "assessment_types": AssessmentType.objects.filter(
            school_id=lesson.assignment.year.school_id),
    })
