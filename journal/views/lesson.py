"""A lesson's record: topic, held flag, type of assessment, homework; substitution for the
deputy director."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.models import AssessmentType, Homework, Lesson
from journal.permissions import access_lesson
from journal.rules import JournalError
from journal.services.homework import set_homework
from journal.services.lesson_record import save_lesson_record


class LessonRecordForm(forms.Form):
    topic = forms.CharField(label="Тема урока", max_length=500, required=False)
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
    lesson_version = forms.IntegerField(widget=forms.HiddenInput)
    homework_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lesson: Lesson, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = AssessmentType.objects.filter(
            school_id=lesson.assignment.year.school_id)
        upcoming = Lesson.objects.filter(assignment_id=lesson.assignment_id,
                                         date__gt=lesson.date).order_by("date", "number")[:12]
        self.fields["due_lesson"].queryset = Lesson.objects.filter(
            pk__in=[x.pk for x in upcoming]).order_by("date", "number")
        self.fields["due_lesson"].label_from_instance = lambda x: f"{x.date:%d.%m.%Y}, {x.number} урок"
        if lesson.assignment.school_class.grade == 1:
            for name in ("homework", "homework_none", "due_lesson"):
                del self.fields[name]


def _initial(lesson: Lesson, homework: Homework | None) -> dict:
    return {
        "topic": lesson.topic, "is_held": lesson.is_held,
        "assessment_type": lesson.assessment_type_id,
        "homework": homework.text if homework else "",
        "homework_none": homework.is_none if homework else False,
        "due_lesson": homework.due_lesson_id if homework else None,
        "lesson_version": lesson.version, "homework_version": homework.version if homework else 0,
    }


@login_required
def lesson_record(request, lesson_id: int):
    lesson, rights = access_lesson(request.user, lesson_id)
    homework = Homework.objects.filter(lesson=lesson).first()
    if request.method == "POST" and rights.may_write:
        form = LessonRecordForm(request.POST, lesson=lesson)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    save_lesson_record(request.user, lesson, topic=data["topic"],
                                       is_held=data["is_held"],
                                       assessment_type=data["assessment_type"],
                                       expected_version=data["lesson_version"])
                    if "homework" in form.fields:
                        set_homework(request.user, lesson, text=data["homework"],
                                     none=data["homework_none"], due_lesson=data["due_lesson"],
                                     expected_version=data["homework_version"])
            except JournalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Запись урока сохранена.")
                return redirect(reverse("journal:lesson", args=[lesson.pk]))
    else:
        form = LessonRecordForm(initial=_initial(lesson, homework), lesson=lesson)
    return render(request, "journal/lesson.html", {
        "lesson": lesson, "rights": rights, "form": form, "homework": homework,
    })
