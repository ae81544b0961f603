from __future__ import annotations

from accounts.access import person_of


def roles(request) -> dict:
    """`person`: who the signed-in user is and what the navigation may show them."""
    if not request.user.is_authenticated:
        return {"person": None}
    return {"person": person_of(request)}
