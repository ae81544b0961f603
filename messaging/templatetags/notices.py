"""Notices, news and events in other pages: `{% home_notices %}` on the home page,
`{% notices_nav %}` in the navigation, and labels of a notice's audience and state."""

from __future__ import annotations

from django import template
from django.utils import timezone

from accounts.access import navigation_of
from messaging.models import Announcement
from messaging.notices import audience, queries

register = template.Library()
Audience = Announcement.Audience
# How many of each the home page shows; the rest are on the notices page.
HOME_NOTICES = 5
HOME_EVENTS = 5


@register.inclusion_tag("messaging/notices/_home.html", takes_context=True)
def home_notices(context) -> dict:
    """The signed-in user's current news and notices and the coming events: two queries."""
    user = context["request"].user
    return {"notices": list(queries.visible_to(user).select_related("school_class")
                            [:HOME_NOTICES]),
            "events": list(queries.upcoming_events(user, timezone.localdate())[:HOME_EVENTS])}


@register.filter
def audience_label(notice: Announcement) -> str:
    """Whom the notice is for, as the reader sees it: «для 5А класса», «для родителей»…"""
    if notice.audience == Audience.GRADE:
        return f"для {notice.grade}-х классов"
    if notice.audience == Audience.CLASS:
        return f"для {notice.school_class} класса"
    return {Audience.SCHOOL: "для всей школы", Audience.STAFF: "для сотрудников",
            Audience.PARENTS: "для родителей"}[notice.audience]


@register.filter
def notice_state(notice: Announcement, now) -> str:
    """On the poster's page: «запланировано», «на показе» or «снято»."""
    if notice.publish_at > now:
        return "запланировано"
    if notice.expires_at is not None and notice.expires_at <= now:
        return "снято с показа"
    return "на показе"


@register.inclusion_tag("messaging/notices/_nav.html", takes_context=True)
def notices_nav(context) -> dict:
    """The navigation's links: the news and notices for everyone signed in, the poster's page
    for those who may post (no query: `accounts.access.navigation_of`, already read for the
    page)."""
    request = context.get("request")
    return {"may_post": request is not None and audience.posts_anything(navigation_of(request))}
