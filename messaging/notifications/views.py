"""The notifications pages: a user's notifications and their choices; the one-click "stop" of an
e-mail (no sign-in: the token is the key); parents' refusals to receive information; the
administration's log of deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import person_of
from accounts.views.paging import page_of
from messaging.models import Notification
from messaging.models.notifications import Event
from messaging.notifications import permissions, queries, services
from messaging.notifications.delivery import ALL_EVENTS
from messaging.notifications.forms import (
    ClassChoiceForm,
    DeliveryFilterForm,
    PreferencesForm,
    RefusalForm,
)
from messaging.notifications.preferences import OUTSIDE, events_for, reaches

LIST_URL = "messaging:notifications:list"


def _tabs(request, section: str) -> dict:
    person = person_of(request)
    return {"section": section, "keeps_refusals": permissions.keeps_refusals(person),
            "reads_deliveries": permissions.is_administration(person)}


@login_required
@require_GET
def notification_list(request):
    page = page_of(request, queries.notifications_of(request.user))
    unread = sum(1 for n in page.object_list if n.read_at is None)
    return render(request, "messaging/notifications/list.html", {
        "page": page, "unread_here": unread, **_tabs(request, "list")})


@login_required
@require_POST
def mark_read(request, notification_id: int):
    with transaction.atomic():
        if not services.mark_read(request.user, [notification_id]) and not \
                Notification.objects.filter(pk=notification_id, recipient=request.user).exists():
            raise Http404("Уведомление не найдено.")
    return redirect(_back(request, LIST_URL))


@login_required
@require_POST
def mark_all_read(request):
    with transaction.atomic():
        changed = services.mark_read(request.user)
    if changed:
        messages.success(request, f"Отмечено прочитанными: {changed}.")
    return redirect(_back(request, LIST_URL))


@login_required
@require_GET
def open_notification(request, notification_id: int):
    """Mark the notification read and go where it points (a page of this site only)."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    with transaction.atomic():
        services.mark_read(request.user, [notification.pk])
    safe = url_has_allowed_host_and_scheme(notification.link, allowed_hosts=set())
    return redirect(notification.link if notification.link and safe else LIST_URL)


def _back(request, default: str) -> str:
    """The page of this site the form came from (`back`), else `default` (a URL name)."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts=set()):
        return back
    return reverse(default)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    person = person_of(request)
    reach = reaches([request.user.pk])[request.user.pk]
    form = PreferencesForm(request.POST or None, events=events_for(person), reach=reach)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_preferences(request.user, form.choices(),
                                  daily_digest=data["daily_digest"],
                                  quiet_from=data["quiet_from"], quiet_to=data["quiet_to"])
        messages.success(request, "Настройки уведомлений сохранены.")
        return redirect("messaging:notifications:preferences")
    return render(request, "messaging/notifications/preferences.html", {
        "form": form,
        "contacts": [{"channel": channel, "label": channel.label, "reason": reach.unavailable(channel),
                      "address": reach.addresses.get(channel, "")} for channel in OUTSIDE],
        **_tabs(request, "preferences")})


def _stopped_events(event: str) -> list[str]:
    if event == ALL_EVENTS:
        return list(Event.values)
    if event not in Event.values:
        raise Http404("Нет такого уведомления.")
    return [event]


@csrf_exempt  # mail programs POST here without a page (RFC 8058 one-click unsubscribe)
@require_http_methods(["GET", "POST"])
def stop(request, token: str, event: str):
    """The "stop these notifications" link of an e-mail: one click switches that event's
    e-mail off for the link's owner, no sign-in needed; the page says so and offers to undo."""
    events = _stopped_events(event)
    with transaction.atomic():
        row = services.stop_emails(token, events)
    if row is None:
        raise Http404("Ссылка недействительна.")
    if request.method == "POST":
        return HttpResponse("Уведомления по электронной почте отключены.",
                            content_type="text/plain; charset=utf-8")
    return render(request, "messaging/notifications/stopped.html", {
        "labels": [Event(e).label for e in events], "token": token, "event": event,
        "everything": event == ALL_EVENTS})


@require_POST
def resume(request, token: str, event: str):
    """Undo of `stop`, from its page (with the page's CSRF token)."""
    events = _stopped_events(event)
    with transaction.atomic():
        row = services.resume_emails(token, events)
    if row is None:
        raise Http404("Ссылка недействительна.")
    return render(request, "messaging/notifications/stopped.html", {
        "labels": [Event(e).label for e in events], "resumed": True,
        "everything": event == ALL_EVENTS})


# Refusals -------------------------------------------------------------------------------------

@login_required
@require_GET
def refusals(request):
    if not permissions.keeps_refusals(person_of(request)):
        raise Http404(permissions.NOT_FOUND)
    classes = permissions.classes_for_refusals(request.user)
    led = list(classes.filter(class_teacher=request.user)[:2])
    data = request.GET if "school_class" in request.GET else (
        {"school_class": led[0].pk} if len(led) == 1 else None)
    choice = ClassChoiceForm(data, classes)
    school_class = choice.chosen()
    return render(request, "messaging/notifications/refusals.html", {
        "choice": choice, "school_class": school_class,
        "parents": list(queries.parents_of_class(request.user, school_class))
        if school_class else [],
        "page": page_of(request, queries.refusals_list(request.user)),
        **_tabs(request, "refusals")})


@login_required
@require_http_methods(["GET", "POST"])
def record_refusal(request, parent_id: int):
    parent = permissions.access_parent_for_refusal(request.user, parent_id)
    form = RefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_refusal(request.user, parent, **form.cleaned_data)
        except services.RefusalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Отказ записан: {parent.user.full_name}. Уведомления "
                                      f"по почте и SMS этому родителю не отправляются.")
            return redirect("messaging:notifications:refusals")
    children = parent.links.select_related("student__user").order_by("student__user__first_name")
    return render(request, "messaging/notifications/refusal_form.html", {
        "parent": parent, "children": children, "form": form, **_tabs(request, "refusals")})


@login_required
@require_POST
def withdraw_refusal(request, refusal_id: int):
    refusal = permissions.access_refusal(request.user, refusal_id)
    if services.withdraw_refusal(refusal, timezone.localdate()):
        messages.success(request, f"Отказ отозван: {refusal.parent.user.full_name}.")
    return redirect("messaging:notifications:refusals")


# Deliveries -----------------------------------------------------------------------------------

@login_required
@require_GET
def deliveries(request):
    school = permissions.school_of_administration(request.user)
    form = DeliveryFilterForm(request.GET or None, school).checked()
    rows = queries.deliveries_log(school, form.delivery_filter())
    return render(request, "messaging/notifications/deliveries.html", {
        "school": school, "form": form, "page": page_of(request, rows),
        "failed": queries.failed_count(school), **_tabs(request, "deliveries")})


@login_required
@require_POST
def retry(request, delivery_id: int):
    delivery = permissions.access_delivery(request.user, delivery_id)
    if services.retry_delivery(delivery):
        messages.success(request, "Доставка поставлена в очередь ещё раз.")
    else:
        messages.info(request, "Эта доставка уже не числится неудавшейся.")
    return redirect(_back(request, "messaging:notifications:deliveries"))
