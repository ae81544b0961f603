from __future__ import annotations

from django.conf import settings

from accounts.access import navigation_of


def roles(request) -> dict:
    """`person`: who the signed-in user is and what the navigation may show them (from the
    cache: `navigation_of`)."""
    if not request.user.is_authenticated:
        return {"person": None}
    return {"person": navigation_of(request)}


def state_sign_in(request) -> dict:
    """`state_sign_in`: the provider's name (e.g. «Госуслуги») where the installation has the
    state sign-in switched on, else None."""
    return {"state_sign_in": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else None}
