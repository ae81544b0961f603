"""The deputy director's journal checks: the check of a month or a study period (live, and as
kept), its справка, and the records entered later than the school's deadlines."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.pdf import pdf_response
from journal.check_pdf import spravka_filename, spravka_pdf
from journal.models import JournalCheck, School, TeachingAssignment
from journal.permissions import school_checked_by
from journal.queries.checks import (
    BY_KEY,
    CheckSpan,
    check_figures,
    chosen_span,
    periods_of,
    year_of,
)
from journal.queries.checks.behind import BY_KEY as FIGURES_BEHIND
from journal.queries.checks.behind import FAMILIES, JOURNALS, journal_lessons, journal_lines
from journal.queries.checks.page import check_page
from journal.queries.checks.people import class_families
from journal.queries.journals import JournalFilter, filter_choices
from journal.queries.late_entries import (
    KIND_HEADERS,
    Month,
    by_teacher,
    late_entries,
    latest_month,
    months_around,
    parse_month,
)
from journal.rules import JournalError
from journal.services.checks import keep_check_for, kept_check

# Journals with findings shown on one page of the check.
JOURNALS_PER_PAGE = 25
# Journals listed on one page behind a figure.
FIGURE_LINES_PER_PAGE = 50


def _checked_school(request) -> School:
    """The school whose journals the user checks (deputy director, director); 404 for anyone
    else."""
    school = school_checked_by(request.user)
    if school is None:
        raise Http404("Страница не найдена.")
    return school


def _render_check(request, school: School, span: CheckSpan, check: JournalCheck | None):
    today = timezone.localdate()
    wanted = JournalFilter.from_params(request.GET)
    finding = BY_KEY.get(request.GET.get("finding", ""))
    page = check_page(school, span, check, wanted, today, finding)
    year = year_of(school, span)
    journals = TeachingAssignment.objects.filter(year=year) if year else \
        TeachingAssignment.objects.none()
    current = Month(today.replace(day=1))
    months = months_around(current, 13)
    if span.is_month and span.month not in months:
        months.append(span.month)   # an older month asked for, still shown as chosen
    filters = {name: value for name, value in (("class", wanted.school_class),
                                               ("teacher", wanted.teacher),
                                               ("subject", wanted.subject)) if value}
    return render(request, "journal/checks/check.html", {
        "school": school, "page": page, "span": span, "check": check, "today": today,
        "wanted": wanted, "choices": filter_choices(journals), "filters": filters,
        "span_query": urlencode(span.params), "filter_query": urlencode(filters),
        "finding": finding,
        "months": months, "current": current,
        "periods": periods_of(school, year),
        "may_keep": check is None and year is not None and span.last <= today,
        "journals_page": Paginator(page.rows, JOURNALS_PER_PAGE).get_page(request.GET.get("page")),
        "kept_checks": JournalCheck.objects.filter(school=school)
        .select_related("period", "computed_by")[:12],
    })


@login_required
@require_GET
def checks_page(request):
    """The check of a month (?month=YYYY-MM, last month by default) or a study period
    (?period=<id>), narrowed by ?class, ?teacher and ?subject: the live figures, beside the
    kept ones when the check was kept. Deputy director and director only; anyone else: 404."""
    school = _checked_school(request)
    span, error = chosen_span(school, request.GET, timezone.localdate())
    if error:
        messages.warning(request, error)
    return _render_check(request, school, span, kept_check(school, span))


@login_required
@require_GET
def check_page_kept(request, check_id: int):
    """A kept check of the user's school, with the live figures beside it."""
    school = _checked_school(request)
    check = get_object_or_404(JournalCheck.objects.select_related("period__year", "computed_by"),
                              pk=check_id, school=school)
    return _render_check(request, school, CheckSpan.of_check(check), check)


@login_required
@require_POST
def keep_check(request):
    """«Сохранить проверку»: the span's figures kept as they are now, once the span is over; a
    check kept before stays as it was."""
    school = _checked_school(request)
    span, error = chosen_span(school, request.POST, timezone.localdate())
    back = f"{reverse('journal:checks')}?{urlencode(span.params)}"
    if error:
        messages.error(request, error)
        return redirect(back)
    try:
        check, made = keep_check_for(request.user, span)
    except JournalError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if made:
        messages.success(request, f"Проверка за {span.title} сохранена: цифры останутся такими, "
                                  f"какими были найдены.")
    else:
        messages.info(request, f"Проверка за {span.title} уже была сохранена "
                               f"{timezone.localtime(check.computed_at):%d.%m.%Y %H:%M}: "
                               f"она не пересчитывается.")
    return redirect("journal:check", check_id=check.pk)


@login_required
@require_GET
def check_spravka(request, check_id: int):
    """«Справка по итогам проверки» of a kept check (PDF)."""
    school = _checked_school(request)
    check = get_object_or_404(JournalCheck.objects.select_related("school", "period", "computed_by"),
                              pk=check_id, school=school)
    return pdf_response(spravka_pdf(check, request.user), spravka_filename(check),
                        attachment=False)


def _figure_filters(school: School, span: CheckSpan, wanted: JournalFilter) -> dict[str, int]:
    """The class, teacher and subject a figure's list is narrowed to: 404 for any not among
    the year's journals (another school's, say)."""
    year = year_of(school, span)
    journals = TeachingAssignment.objects.filter(year=year) if year else \
        TeachingAssignment.objects.none()
    filters = {"class": wanted.school_class, "teacher": wanted.teacher,
               "subject": wanted.subject}
    lookups = {"class": "school_class_id", "teacher": "teacher_id", "subject": "subject_id"}
    for name, value in filters.items():
        if value and not journals.filter(**{lookups[name]: value}).exists():
            raise Http404("Страница не найдена.")
    return {name: value for name, value in filters.items() if value}


@login_required
@require_GET
def check_figure(request, key: str):
    """What a general figure of the check counts, live, for the span and filters of the
    check page: the journals with their share of it (?journal=<id>: that journal's lessons),
    the teachers, or the classes' families (?class=<id>: who, by name). Checkers only; another
    school's span, class, teacher, subject or journal: 404."""
    school = _checked_school(request)
    figure = FIGURES_BEHIND.get(key)
    span, error = chosen_span(school, request.GET, timezone.localdate())
    if figure is None or error:
        raise Http404("Страница не найдена.")
    filters = _figure_filters(school, span, JournalFilter.from_params(request.GET))
    today = timezone.localdate()
    live = check_figures(school, span, today=today, school_class=filters.get("class"),
                         teacher=filters.get("teacher"), subject=filters.get("subject"))
    span_query = urlencode(span.params)
    context = {"school": school, "span": span, "figure": figure, "live": live,
               "value": figure.read(live["totals"]), "span_query": span_query,
               "filter_query": urlencode(filters), "filters": filters,
               "as_of": span.as_of(today)}
    journal_id = request.GET.get("journal", "")
    if journal_id:
        journal = next((j for j in live["journals"] if str(j["id"]) == journal_id), None)
        if journal is None or figure.lessons is None:
            raise Http404("Журнал не найден.")
        context.update(journal=journal, lessons=journal_lessons(
            figure, journal["id"], span, span.as_of(today)))
    elif figure.lists == FAMILIES and "class" in filters:
        school_class = next((c for c in live["classes"] if c["id"] == filters["class"]), None)
        if school_class is not None:
            journals = list(TeachingAssignment.objects.filter(
                year=year_of(school, span), school_class_id=school_class["id"]))
            context.update(school_class=school_class, families=class_families(
                journals, school_class["id"], span, span.as_of(today)))
    elif figure.lists == JOURNALS:
        def lessons_link(lessons_key: str, journal: dict) -> str:
            return (reverse("journal:check_figure", args=[lessons_key])
                    + f"?{span_query}&journal={journal['id']}")

        def finding_link(finding_key: str, journal: dict) -> str:
            return reverse("journal:checks") + "?" + urlencode({
                **span.params, "class": journal["class_id"], "subject": journal["subject_id"],
                "teacher": journal["teacher_id"], "finding": finding_key}) + "#journals"

        lines = journal_lines(figure, live["journals"], lessons_link, finding_link)
        context["lines"] = Paginator(lines, FIGURE_LINES_PER_PAGE).get_page(
            request.GET.get("page"))
    return render(request, "journal/checks/figure.html", context)


@login_required
@require_GET
def late_entries_page(request):
    """Late entries of one month (?month=YYYY-MM), grouped by teacher; without a month, the
    latest month that has any. Deputy director and director only; anyone else gets 404."""
    school = _checked_school(request)
    today = timezone.localdate()
    chosen = request.GET.get("month")
    if chosen:
        month, error = parse_month(chosen, today)
        if error:
            messages.warning(request, error)
    else:
        month = latest_month(school, today)
    teachers = by_teacher(late_entries(school, month))
    return render(request, "journal/checks/late.html", {
        "school": school, "month": month, "teachers": teachers, "kind_headers": KIND_HEADERS,
        "total": sum(t.count for t in teachers), "current": Month(today.replace(day=1)),
        "chosen": bool(chosen), "months": months_around(max(month, Month(today.replace(day=1)),
                                                             key=lambda m: m.first)),
    })
