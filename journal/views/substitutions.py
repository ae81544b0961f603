"""The day's substitutions: an absent teacher's lessons on a date, the colleagues free at
each, and the substitute assigned through `assign_substitute` (so the journal and its history
show it). For the timetable's keepers (`school_timetable_kept_by`); anyone else gets 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from journal.forms import DaySubstitutionsForm, SubstituteForm
from journal.permissions import access_lesson_for_substitution, school_timetable_kept_by
from journal.queries import timetable as queries
from journal.rules import JournalError
from journal.services.lesson_record import assign_substitute


def _back(teacher_id, day, lesson_id=None) -> str:
    query = urlencode({"teacher": teacher_id, "date": f"{day:%d.%m.%Y}"})
    anchor = f"#lesson-{lesson_id}" if lesson_id else ""
    return f"{reverse('journal:substitutions')}?{query}{anchor}"


def _post(request: HttpRequest, school) -> HttpResponse:
    lesson_id = request.POST.get("lesson", "")
    if not lesson_id.isdigit():
        raise Http404("Урок не найден.")
    lesson, _ = access_lesson_for_substitution(request.user, int(lesson_id))
    if lesson.assignment.year.school_id != school.pk:
        raise Http404("Урок не найден.")
    back = _back(lesson.assignment.teacher_id, lesson.date, lesson.pk)
    what = (f"{lesson.number} урок, {lesson.assignment.school_class} "
            f"{lesson.assignment.subject}")
    version = request.POST.get("lesson_version", "")
    try:
        if "cancel" in request.POST:
            assign_substitute(request.user, lesson, None, "",
                              expected_version=int(version) if version.isdigit() else None)
            messages.success(request, f"Замена отменена: {what}.")
            return redirect(back)
        form = SubstituteForm(request.POST, lesson=lesson)
        if not form.is_valid():
            problems = " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                else " ".join(errors) for name, errors in form.errors.items())
            messages.error(request, f"Замена не записана ({what}). {problems}")
            return redirect(back)
        data = form.cleaned_data
        assign_substitute(request.user, lesson, data["substitute"], data["substitute_reason"],
                          expected_version=data["lesson_version"])
    except JournalError as exc:
        messages.error(request, f"Замена не записана ({what}): {exc.message}")
        return redirect(back)
    messages.success(request, f"Замена записана: {what} ведёт "
                              f"{data['substitute'].full_name}.")
    return redirect(back)


@login_required
def day_page(request: HttpRequest) -> HttpResponse:
    school = school_timetable_kept_by(request.user)
    if school is None:
        raise Http404("Страница не найдена.")
    if request.method == "POST":
        return _post(request, school)
    year = queries.current_year_of(school)
    context = {"school": school, "year": year}
    if year is None:
        return render(request, "journal/substitutions/day.html", context)
    today = timezone.localdate()
    teachers = queries.teachers_of(year)
    asked = "teacher" in request.GET or "date" in request.GET
    form = DaySubstitutionsForm(request.GET if asked else None, teachers=teachers,
                                initial={"date": today}, auto_id="sub_%s")
    context["form"] = form
    if asked and form.is_valid():
        teacher, day = form.cleaned_data["teacher"], form.cleaned_data["date"]
        lessons = queries.lessons_of_teacher_on(teacher, day)
        candidates = queries.substitute_candidates(year, day, lessons, teacher)
        context.update(teacher=teacher, day=day, rows=[
            (lesson, candidates[lesson.pk]) for lesson in lessons])
    return render(request, "journal/substitutions/day.html", context)
