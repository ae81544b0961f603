"""The diary's box of the family's new notifications about the child it shows."""

from __future__ import annotations

from django import template

from messaging.notifications.queries import unread_about

register = template.Library()


@register.inclusion_tag("messaging/notifications/_diary.html", takes_context=True)
def diary_notifications(context, student) -> dict:
    """The signed-in parent's (or student's) unread notifications about `student` (cached).
    Staff looking at the diary as the family sees it get none: they are not theirs."""
    request = context["request"]
    if context.get("as_staff") or not request.user.is_authenticated:
        return {"notifications": []}
    return {"notifications": unread_about(request.user, student),
            "back": request.get_full_path(), "csrf_token": context.get("csrf_token")}
