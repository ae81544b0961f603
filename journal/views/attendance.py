"""A class's attendance by week, and the class teacher's correction of absence reasons (н/б/у
and the document) for one absence or for all of a student's absences on a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import PersonalDataEvent, Student
from accounts.services import personal_data
from journal.dates import parse_date
from journal.models import Absence, SchoolClass
from journal.permissions import ClassRights, access_class, other_classes
from journal.queries.attendance import (
    absence_label,
    build_attendance_week,
    day_absences,
    history_of,
    student_of_class,
)
from journal.rules import MISSED_LESSON, ConflictError, JournalError
from journal.services.absences import set_absence_reasons
from journal.services.records import UNCHANGED
from journal.weeks import WEEKDAY_NAMES, parse_week, week_start

KIND_CHOICES = [("absent", "н — без уважительной причины"), ("ill", "б — по болезни"),
                ("excused", "у — по уважительной причине")]
DOCUMENT_MAX = Absence._meta.get_field("reason").max_length
REASON_MAX = 500
STALE_PAGE = "Страница устарела: обновите её и повторите."


@login_required
@require_GET
def class_week(request, class_id: int):
    school_class, rights = access_class(request.user, class_id)
    monday, error = parse_week(request.GET.get("week"), timezone.localdate())
    if error:
        messages.warning(request, error)
    return render(request, "journal/attendance/week.html", {
        "school_class": school_class, "rights": rights, "week": build_attendance_week(school_class, monday),
        "classes": other_classes(request.user, school_class), "today": timezone.localdate(),
    })


@dataclass
class Posted:
    """What the user sent, kept to refill the form when the save is refused."""

    scope: str = ""
    absence_id: int | None = None
    kind: str = ""
    document: str = ""
    reason: str = ""


class BadInput(Exception):
    """What was sent cannot be saved as it is; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _date(value: str | None) -> dt.date:
    try:
        day = parse_date(value)
    except ValueError:
        raise Http404("Неверная дата.") from None
    if day is None or not 2000 <= day.year <= 2100:
        raise Http404("Неверная дата.")
    return day


@login_required
@require_http_methods(["GET", "POST"])
def student_day(request, class_id: int):
    """GET: a student's absences on a day with the correction forms (a fragment for htmx, a
    page otherwise). POST: save a correction, then back to the week."""
    school_class, rights = access_class(request.user, class_id)
    data = request.POST if request.method == "POST" else request.GET
    day = _date(data.get("date"))
    student = student_of_class(school_class, data.get("student", ""), day)
    if student is None:
        raise Http404("Обучающийся не найден.")
    if request.method == "GET":
        # A student's absences and their documents (illness) are personal data: staff opening
        # them are logged.
        personal_data.record_view(request.user, request, student.user,
                                  PersonalDataEvent.Kind.VIEW_DATA,
                                  f"пропуски за {day:%d.%m.%Y} ({school_class} класс)")
        return _render_day(request, school_class, rights, student, day)
    if not rights.may_set_reasons:
        raise PermissionDenied("Причины пропусков уточняют классный руководитель и заместитель "
                               "директора.")
    first = (data.getlist("absence") or [""])[0]
    posted = Posted(scope=data.get("scope", ""), kind=data.get("kind", "").strip(),
                    absence_id=int(first) if first.isdigit() else None,
                    document=data.get("document", ""), reason=data.get("reason", ""))
    try:
        changed = _save(request, school_class, student, day, posted)
    except BadInput as exc:
        return _render_day(request, school_class, rights, student, day, error=exc.message,
                           posted=posted, status=400)
    except ConflictError as exc:
        return _render_day(request, school_class, rights, student, day, posted=posted,
                           status=409, error=f"{exc.message} Текущие значения показаны ниже, "
                                             f"введённое вами осталось в форме.")
    except JournalError as exc:
        return _render_day(request, school_class, rights, student, day, error=exc.message,
                           posted=posted, status=400)
    if changed:
        messages.success(request, f"{student.user.full_name}, {day:%d.%m.%Y}: изменено "
                                  f"пропусков — {changed}.")
    else:
        messages.info(request, "Изменений нет: указаны те же вид пропуска и документ.")
    url = reverse("journal:class_attendance", args=[school_class.pk])
    return redirect(f"{url}?week={week_start(day):%Y-%m-%d}#student-{student.pk}")


def _save(request, school_class: SchoolClass, student: Student, day: dt.date,
          posted: Posted) -> int:
    """Check what was sent, then apply it to one absence or to all the day's missed lessons
    (all or none). Raises BadInput, ConflictError or JournalError; nothing is saved then."""
    ids = request.POST.getlist("absence")
    versions: dict[int, int] = {}
    for raw in ids:
        version = request.POST.get(f"version_{raw}", "")
        if not (raw.isdigit() and version.isdigit()):
            raise BadInput(STALE_PAGE)
        versions[int(raw)] = int(version)
    if posted.scope not in ("one", "day") or not versions:
        raise BadInput(STALE_PAGE)
    if posted.scope == "one" and len(versions) != 1:
        raise BadInput(STALE_PAGE)
    allowed = [kind for kind, _ in KIND_CHOICES]
    if posted.kind not in allowed and not (posted.scope == "day" and posted.kind == ""):
        raise BadInput("Выберите вид пропуска: «н» — без уважительной причины, «б» — по "
                       "болезни, «у» — по уважительной причине.")
    document = posted.document.strip()
    if len(document) > DOCUMENT_MAX:
        raise BadInput(f"Документ — не длиннее {DOCUMENT_MAX} символов, а введено "
                       f"{len(document)}.")
    if len(posted.reason.strip()) > REASON_MAX:
        raise BadInput(f"Причина исправления — не длиннее {REASON_MAX} символов.")

    missed = {a.pk: a for a in day_absences(school_class, student, day)
              if a.kind in MISSED_LESSON}
    if posted.scope == "one":
        absence = missed.get(posted.absence_id)
        if absence is None:
            raise ConflictError("Этого пропуска уже нет среди пропусков за день: возможно, "
                                "учитель удалил его или заменил опозданием.")
        return set_absence_reasons(request.user, [absence], versions, kind=posted.kind,
                           document=document, reason=posted.reason)
    if not posted.kind and not document:
        raise BadInput("Выберите вид пропуска или впишите документ — иначе менять нечего.")
    if set(missed) != set(versions):
        raise ConflictError("Пропуски за этот день изменились, пока была открыта форма: "
                            "проверьте их и примените ещё раз.")
    return set_absence_reasons(request.user, list(missed.values()), versions,
                       kind=posted.kind or UNCHANGED, document=document or UNCHANGED,
                       reason=posted.reason)


def _render_day(request, school_class: SchoolClass, rights: ClassRights, student: Student,
                day: dt.date, *, error: str = "", posted: Posted | None = None,
                status: int = 200):
    absences = day_absences(school_class, student, day)
    posted = posted or Posted()
    for absence in absences:
        absence.label = absence_label(absence)
        absence.is_missed = absence.kind in MISSED_LESSON
        mine = posted.scope == "one" and posted.absence_id == absence.pk
        absence.form_kind = posted.kind if mine else absence.kind
        absence.form_document = posted.document if mine else absence.reason
    missed = [a for a in absences if a.is_missed]
    documents = {a.reason for a in missed}
    on_day = posted.scope == "day"
    by_id = {a.pk: a for a in absences}
    history = history_of(absences)
    for record in history:
        record.absence = by_id.get(record.entity_id)
    htmx = request.method == "GET" and request.headers.get("HX-Request") == "true"
    context = {
        "school_class": school_class, "rights": rights, "student": student, "day": day,
        "weekday": WEEKDAY_NAMES[day.weekday()],
        "absences": absences, "missed": missed, "history": history, "fragment": htmx,
        "kinds": KIND_CHOICES, "error": error, "reason": posted.reason,
        "day_kind": posted.kind if on_day else "",
        "day_document": posted.document if on_day else
        (documents.pop() if len(documents) == 1 else ""),
        "week": week_start(day),
    }
    template = "journal/attendance/_day.html" if htmx else "journal/attendance/day.html"
    return render(request, template, context, status=status)
