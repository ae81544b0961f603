from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from messaging.unread import Unread, unread_of


def unread(request) -> dict:
    """`unread`: the signed-in user's unread mail threads and notifications, for the navigation;
    looked up only by a page that shows them."""
    user = request.user
    if not user.is_authenticated:
        return {"unread": Unread()}
    return {"unread": SimpleLazyObject(lambda: unread_of(user.pk))}
