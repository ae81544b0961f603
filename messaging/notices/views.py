"""The pages of notices, news and events: the reader's list and one notice with its files, the
poster's own notices and their form, the month's calendar of events and the event form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import person_of
from accounts.views.paging import page_of
from journal.downloads import download
from journal.rules import JournalError
from messaging.models import Announcement, SchoolEvent
from messaging.notices import queries, services
from messaging.notices.audience import (
    NOT_ALLOWED,
    own_event,
    own_notice,
    posts_anything,
    reach_of,
)
from messaging.notices.calendar import Month, day_or_none, parse_month
from messaging.notices.forms import EventForm, NoticeForm

Kind = Announcement.Kind
PAGE_SIZE = 20


def _poster_links(request) -> dict:
    return {"may_post": posts_anything(person_of(request))}


@login_required
def notice_list(request):
    """The notices and news the user sees now; `?kind=news` or `?kind=notice` for one kind."""
    kind = request.GET.get("kind")
    notices = queries.visible_to(request.user).select_related("school_class")
    if kind in Kind.values:
        notices = notices.filter(kind=kind)
    else:
        kind = ""
    return render(request, "messaging/notices/list.html", {
        "page": page_of(request, notices, PAGE_SIZE), "kind": kind, "tab": kind or "all",
        **_poster_links(request)})


@login_required
def notice(request, notice_id: int):
    found = (queries.readable_by(request.user).select_related("school_class", "author")
             .filter(pk=notice_id).first())
    if found is None:
        raise Http404("Объявление не найдено.")
    return render(request, "messaging/notices/notice.html", {
        "notice": found, "files": list(found.files.all()), "now": timezone.now(),
        **_poster_links(request)})


@login_required
def download_file(request, file_id: int):
    """An attachment, for anyone who may open its notice; 404 for everybody else."""
    return download(queries.files_readable_by(request.user), file_id)


# The poster's pages ------------------------------------------------------------------------

def _poster_reach(request):
    reach = reach_of(request.user)
    if not (reach.posts_notices or reach.posts_events):
        raise Http404("Страница не найдена.")
    return reach


@login_required
def mine(request):
    reach = _poster_reach(request)
    today = timezone.localdate()
    return render(request, "messaging/notices/mine.html", {
        "reach": reach, "tab": "mine", "may_post": True, "now": timezone.now(),
        "page": page_of(request, queries.posted_by(request.user), PAGE_SIZE),
        "events": list(SchoolEvent.objects.filter(author=request.user, date__gte=today)
                       .select_related("school_class").order_by("date", "starts_at", "pk"))})


def _notice_form(request, reach, found: Announcement | None):
    if request.method != "POST":
        return NoticeForm(reach=reach, notice=found), None
    form = NoticeForm(request.POST, request.FILES, reach=reach, notice=found)
    if form.outside_reach():
        raise Http404(NOT_ALLOWED)
    if not form.is_valid():
        return form, None
    try:
        saved = services.save_notice(request.user, form.notice_data(),
                                     form.cleaned_data["files"],
                                     notice_id=found.pk if found else None)
    except JournalError as exc:
        form.add_error("files", exc.message)
        return form, None
    return form, saved


@login_required
def create_notice(request):
    reach = reach_of(request.user)
    if not reach.posts_notices:
        raise Http404("Страница не найдена.")
    form, saved = _notice_form(request, reach, None)
    if saved is not None:
        messages.success(request, "Опубликовано." if saved.publish_at <= timezone.now()
                         else f"Сохранено: будет опубликовано "
                              f"{timezone.localtime(saved.publish_at):%d.%m.%Y в %H:%M}.")
        return redirect("messaging:notices:notice", saved.pk)
    return render(request, "messaging/notices/form.html", {"form": form, "tab": "mine",
                                                           "may_post": True})


@login_required
def edit_notice(request, notice_id: int):
    found = own_notice(request.user, notice_id)
    form, saved = _notice_form(request, reach_of(request.user), found)
    if saved is not None:
        messages.success(request, "Изменения сохранены.")
        return redirect("messaging:notices:notice", saved.pk)
    return render(request, "messaging/notices/form.html", {
        "form": form, "notice": found, "files": list(found.files.all()), "tab": "mine",
        "may_post": True})


@login_required
@require_POST
def withdraw_notice(request, notice_id: int):
    services.withdraw_notice(request.user, notice_id)
    messages.success(request, "Объявление снято с показа.")
    return redirect("messaging:notices:mine")


@login_required
@require_POST
def delete_notice_file(request, notice_id: int, file_id: int):
    try:
        services.delete_notice_file(request.user, notice_id, file_id)
    except JournalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Файл удалён.")
    return redirect("messaging:notices:edit", notice_id)


# Events --------------------------------------------------------------------------------------

@login_required
def calendar(request):
    """The month's events the user may see: a month grid, a list of days on a phone."""
    today = timezone.localdate()
    first, error = parse_month(request.GET.get("month"), today)
    month = Month(first, today)
    events = queries.events_visible_to(request.user).filter(
        date__range=(month.first, month.last)).order_by("date", "starts_at", "pk")
    month.place(events)
    reach = reach_of(request.user) if posts_anything(person_of(request)) else None
    return render(request, "messaging/notices/calendar.html", {
        "month": month, "month_error": error, "tab": "calendar",
        "may_post": reach is not None, "posts_events": reach is not None and reach.posts_events})


def _event_page(request, reach, found: SchoolEvent | None):
    if request.method != "POST":
        form = EventForm(reach=reach, event=found,
                         initial=None if found else {"date": day_or_none(request.GET.get("date"))})
    else:
        form = EventForm(request.POST, reach=reach, event=found)
        if form.outside_reach():
            raise Http404(NOT_ALLOWED)
        if form.is_valid():
            saved = services.save_event(request.user, form.event_data(),
                                        event_id=found.pk if found else None)
            messages.success(request, "Событие сохранено.")
            return redirect(f"{reverse('messaging:notices:calendar')}?month={saved.date:%Y-%m}")
    return render(request, "messaging/notices/event_form.html", {
        "form": form, "event": found, "tab": "calendar", "may_post": True})


@login_required
def create_event(request):
    reach = reach_of(request.user)
    if not reach.posts_events:
        raise Http404("Страница не найдена.")
    return _event_page(request, reach, None)


@login_required
def edit_event(request, event_id: int):
    return _event_page(request, reach_of(request.user), own_event(request.user, event_id))


@login_required
@require_POST
def delete_event(request, event_id: int):
    services.delete_event(request.user, event_id)
    messages.success(request, "Событие удалено.")
    return redirect("messaging:notices:mine")

