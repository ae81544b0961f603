"""The mail's pages: the inbox and the archive (search, pages), a thread with its reply box,
a new message with the recipients' picker, a mailing's progress, attachments' downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.views.paging import page_of
from journal.downloads import download
from messaging.mail import queries
from messaging.mail.access import access_mailing, access_thread, attachments_readable_by
from messaging.mail.audience import audience_of
from messaging.mail.forms import ComposeForm, ReplyForm, SearchForm, parse_recipients
from messaging.mail.services import (
    MailError,
    TooManySends,
    mark_read,
    reply,
    set_archived,
    start_mailing,
    start_thread,
)

PAGE_SIZE = 25


def _refused(form, exc: MailError) -> int:
    form.add_error(None, exc.message)
    return 429 if isinstance(exc, TooManySends) else 400


@login_required
@require_GET
def inbox(request, archived: bool = False):
    form = SearchForm(request.GET or None)
    text, person = form.value("q"), form.value("person")
    page = page_of(request, queries.inbox(request.user, archived=archived, text=text,
                                          person=person), PAGE_SIZE)
    return render(request, "messaging/mail/inbox.html", {
        "page": page, "form": form, "archived": archived, "searching": bool(text or person),
        "has_mailings": queries.mailings_of(request.user).exists()})


@login_required
def compose(request):
    audience = audience_of(request.user)
    if request.method == "POST":
        # A crafted recipient or group answers 404 before anything else is looked at.
        people, groups = parse_recipients(request.POST.getlist("to"))
        recipients = audience.recipients(people) if people else []
        group = audience.group(groups[0]) if groups else None
        for key in groups[1:]:
            audience.group(key)
        form = ComposeForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if group is not None:
                    mailing = start_mailing(request.user, audience.school, group.key,
                                            group.label, data["subject"], data["body"],
                                            data["files"])
                    messages.success(request, f"Рассылка «{group.label}» поставлена в очередь.")
                    return redirect("messaging:mail:mailing", mailing_id=mailing.pk)
                thread = start_thread(request.user, audience.school, recipients,
                                      data["subject"], data["body"], data["files"])
            except MailError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "Сообщение отправлено.")
                return redirect("messaging:mail:thread", thread_id=thread.pk)
    else:
        people, groups = parse_recipients(request.GET.getlist("to"))
        if people:
            audience.recipients(people)
        for key in groups:
            audience.group(key)
        form = ComposeForm(initial={"to": request.GET.getlist("to")})
        status = 200
    form.offer(queries.picker(audience))
    return render(request, "messaging/mail/compose.html", {
        "form": form, "nobody": audience.is_empty}, status=status)


@login_required
def thread_page(request, thread_id: int):
    membership = access_thread(request.user, thread_id)
    thread = membership.thread
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                reply(request.user, membership, form.cleaned_data["body"],
                      form.cleaned_data["files"])
            except MailError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "Ответ отправлен.")
                return redirect("messaging:mail:thread", thread_id=thread.pk)
    mark_read(membership)
    return render(request, "messaging/mail/thread.html", {
        "membership": membership, "thread": thread,
        "messages_of_thread": queries.messages_of(thread),
        "people": queries.participants_of(thread), "form": form}, status=status)


@login_required
@require_POST
def archive(request, thread_id: int):
    set_archived(access_thread(request.user, thread_id), True)
    messages.success(request, "Переписка перенесена в архив.")
    return redirect("messaging:mail:inbox")


@login_required
@require_POST
def restore(request, thread_id: int):
    membership = access_thread(request.user, thread_id)
    set_archived(membership, False)
    messages.success(request, "Переписка возвращена во входящие.")
    return redirect("messaging:mail:thread", thread_id=membership.thread_id)


@login_required
@require_GET
def attachment(request, attachment_id: int):
    """A file of a message, for the thread's participants only; 404 for everybody else."""
    return download(attachments_readable_by(request.user), attachment_id)


@login_required
@require_GET
def mailings(request):
    page = page_of(request, queries.mailings_of(request.user), PAGE_SIZE)
    return render(request, "messaging/mail/mailings.html", {"page": page})


@login_required
@require_GET
def mailing(request, mailing_id: int):
    """A mailing's progress; while it is being sent the status part asks again by itself."""
    item = access_mailing(request.user, mailing_id)
    template = ("messaging/mail/_mailing_status.html" if request.headers.get("HX-Request")
                else "messaging/mail/mailing.html")
    return render(request, template, {"mailing": item})


@login_required
@require_GET
def mailing_thread(request, mailing_id: int):
    """A recipient's own thread of a mailing: where the mailing's notification leads."""
    thread = queries.thread_of_mailing(request.user, mailing_id)
    if thread is None:
        raise Http404("Переписка не найдена.")
    return redirect("messaging:mail:thread", thread_id=thread.pk)
