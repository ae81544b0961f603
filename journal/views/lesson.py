"""A lesson's record: topic and plan item, held flag, type of assessment, homework with its
files; substitution for the deputy director and the administrator; homework file downloads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from journal.models import AssessmentType, Homework, HomeworkFile, Lesson, PlanItem
from journal.permissions import NO_RIGHTS, JournalRights, access_lesson
from journal.rules import JournalError
from journal.services.homework import (
    ACCEPT,
    add_homework_files,
    check_uploads,
    content_type,
    delete_homework_file,
    files_readable_by,
    set_homework,
)
from journal.services.lesson_record import (
    assign_substitute,
    may_assign_substitutes,
    save_lesson_record,
)
from journal.services.plans import next_plan_item


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _plan_item_label(item: PlanItem, used: set[int]) -> str:
    topic = item.topic if len(item.topic) <= 90 else item.topic[:88] + "…"
    return f"{item.number}. {topic}" + (" ✓" if item.pk in used else "")


class LessonRecordForm(forms.Form):
    plan_item = forms.ModelChoiceField(label="Пункт тематического плана (КТП)", required=False,
                                       queryset=PlanItem.objects.none(),
                                       empty_label="— не связан с КТП —")
    topic = forms.CharField(label="Тема урока", max_length=500, required=False,
                            help_text="Если тема пуста, она берётся из выбранного пункта КТП.")
    is_held = forms.BooleanField(label="Урок проведён", required=False)
    assessment_type = forms.ModelChoiceField(label="Вид контроля", required=False,
                                             queryset=AssessmentType.objects.none(),
                                             empty_label="— нет —")
    homework = forms.CharField(label="Домашнее задание", required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    homework_none = forms.BooleanField(label="Не задано", required=False)
    due_lesson = forms.ModelChoiceField(label="К уроку", required=False,
                                        queryset=Lesson.objects.none(),
                                        empty_label="— к следующему уроку —")
    files = MultipleFileField(label="Прикрепить файлы к заданию", required=False,
                              help_text="До 10 МБ каждый: PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, "
                                        "ODT, TXT, JPG, PNG, ZIP.")
    reason = forms.CharField(label="Причина исправления", max_length=500, required=False,
                             help_text="Сохраняется в истории изменений.")
    lesson_version = forms.IntegerField(widget=forms.HiddenInput)
    homework_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lesson: Lesson, rights: JournalRights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = AssessmentType.objects.filter(
            school_id=lesson.assignment.year.school_id)
        upcoming = Lesson.objects.filter(assignment_id=lesson.assignment_id,
                                         date__gt=lesson.date).order_by("date", "number")[:12]
        self.fields["due_lesson"].queryset = Lesson.objects.filter(
            pk__in=[x.pk for x in upcoming]).order_by("date", "number")
        self.fields["due_lesson"].label_from_instance = lambda x: f"{x.date:%d.%m.%Y}, {x.number} урок"
        items = PlanItem.objects.filter(plan__assignment_id=lesson.assignment_id)
        used = set(Lesson.objects.filter(assignment_id=lesson.assignment_id,
                                         plan_item__isnull=False).exclude(pk=lesson.pk)
                   .values_list("plan_item_id", flat=True))
        self.fields["plan_item"].queryset = items.order_by("number", "pk")
        self.fields["plan_item"].label_from_instance = lambda item: _plan_item_label(item, used)
        if used:
            self.fields["plan_item"].help_text = "✓ — пункт уже связан с другим уроком."
        if lesson.assignment.school_class.grade == 1:
            for name in ("homework", "homework_none", "due_lesson", "files"):
                del self.fields[name]
        if rights.is_correction:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean_files(self):
        files = self.cleaned_data["files"]
        try:
            check_uploads(files)
        except JournalError as exc:
            raise forms.ValidationError(exc.message) from None
        return files


class SubstituteForm(forms.Form):
    substitute = forms.ModelChoiceField(label="Кто заменяет", queryset=User.objects.none(),
                                        empty_label="— выберите сотрудника —")
    substitute_reason = forms.CharField(label="Причина замены", max_length=200,
                                        help_text="Болезнь, курсы, командировка…")
    lesson_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lesson: Lesson, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = (
            User.objects.filter(staff_roles__school_id=lesson.assignment.year.school_id,
                                is_active=True)
            .exclude(pk=lesson.assignment.teacher_id).distinct()
            .order_by("last_name", "first_name", "patronymic"))
        self.fields["substitute"].label_from_instance = lambda user: user.full_name


def _lesson_for_substitution(user, lesson_id: int) -> tuple[Lesson, JournalRights]:
    """The lesson and the user's rights on it. The administrator reads no journals but records
    substitutions: they get the lesson with no rights, for the substitution page only."""
    try:
        return access_lesson(user, lesson_id)
    except Http404:
        lesson = (Lesson.objects.select_related("assignment__year__school", "assignment__subject",
                                                "assignment__school_class",
                                                "assignment__subgroup", "assignment__teacher",
                                                "substitute")
                  .filter(pk=lesson_id).first())
        if lesson is not None and may_assign_substitutes(user, lesson.assignment.year.school_id):
            return lesson, NO_RIGHTS
        raise


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
    may_substitute = may_assign_substitutes(request.user, lesson.assignment.year.school_id)
    if may_substitute and substitute_form is None:
        substitute_form = SubstituteForm(lesson=lesson, initial={
            "substitute": lesson.substitute_id, "substitute_reason": lesson.substitute_reason,
            "lesson_version": lesson.version})
    plan_item = PlanItem.objects.filter(pk=lesson.plan_item_id).first() \
        if lesson.plan_item_id else None
    return render(request, "journal/lesson.html", {
        "lesson": lesson, "rights": rights, "form": form, "homework": homework, "files": files,
        "suggestion": suggestion, "plan_item": plan_item, "may_substitute": may_substitute,
        "substitute_form": substitute_form,
        "reads_journal": rights.view and not rights.substitute,
        "substitution_only": substitution_only,
    }, status=status)


@login_required
def lesson_record(request, lesson_id: int):
    lesson, rights = access_lesson(request.user, lesson_id)
    if request.method == "POST" and rights.may_write:
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
    `cancel`, cancel. The deputy director and the administrator only."""
    lesson, rights = _lesson_for_substitution(request.user, lesson_id)
    if not may_assign_substitutes(request.user, lesson.assignment.year.school_id):
        raise PermissionDenied("Замену назначает заместитель директора по УВР или администратор.")
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
    attached = files_readable_by(request.user).filter(pk=file_id).first()
    if attached is None:
        raise Http404("Файл не найден.")
    try:
        handle = attached.file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл не найден в хранилище.") from None
    return FileResponse(handle, as_attachment=True, filename=attached.original_name,
                        content_type=content_type(attached))
