"""State sign-in (ЕСИА / Госуслуги) through OpenID Connect, switched on per installation
(`settings.OIDC_ENABLED`).

A person is found only by the identifier (`sub`) that they linked to their account themselves
after a normal sign-in (`ExternalIdentity`): never by name or e-mail, and no account is ever
created from the provider's data — accounts are issued by the school. A sign-in through the
provider makes an ordinary signed-in user; the two-factor and password-change requirements
apply to them as to anyone.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
    import_from_settings,
)

from accounts.models import ExternalIdentity, User
from accounts.services.personal_data import record_access
from accounts.signin.backends import PasswordBackend

log = logging.getLogger(__name__)

# Endpoint settings and the keys of the provider's discovery document that give them.
_DISCOVERED = {
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
}
_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
DISCOVERY_CACHE_SECONDS = 3600
# Clocks of the provider and the school's server may differ a little.
CLOCK_LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something that cannot be trusted."""


class IdentityTaken(Exception):
    """The provider's identifier is already linked to another account."""


class AlreadyLinked(Exception):
    """The account already has a sign-in through the provider."""


def is_enabled() -> bool:
    return bool(settings.OIDC_ENABLED)


def provider_name() -> str:
    """How the UI names the provider, e.g. «Госуслуги» (after «через»)."""
    return settings.OIDC_PROVIDER_NAME


def provider_key() -> str:
    """What `ExternalIdentity.provider` holds for this installation's provider."""
    return settings.OIDC_PROVIDER


def provider_setting(name: str) -> str:
    """An endpoint of the provider: set explicitly, or read from its discovery document."""
    explicit = getattr(settings, name, "")
    if explicit or not settings.OIDC_OP_DISCOVERY_URL:
        return explicit
    return _discovery_document().get(_DISCOVERED[name], "")


def _discovery_document() -> dict:
    url = settings.OIDC_OP_DISCOVERY_URL
    key = "oidc:discovery:" + hashlib.sha256(url.encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT,
                                    verify=settings.OIDC_VERIFY_SSL)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"discovery document {url}: {exc}") from exc
        if not isinstance(document, dict) or not all(document.get(k) for k in _REQUIRED):
            raise ProviderUnavailable(f"discovery document {url} lacks {', '.join(_REQUIRED)}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def callback_url(request) -> str:
    return request.build_absolute_uri(reverse("oidc_callback"))


def authorization_url(request, *, link_user: User | None = None, next_url: str = "") -> str:
    """Where to send the browser to sign in at the provider. The flow's state, nonce and PKCE
    verifier stay in the session, with whom it links (`link_user`) or where it leads after a
    sign-in. Raises ProviderUnavailable."""
    endpoint = provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
    state = get_random_string(32)
    params = {
        "response_type": "code",
        "scope": settings.OIDC_RP_SCOPES,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "redirect_uri": callback_url(request),
        "state": state,
        "nonce": get_random_string(32),
    }
    if link_user is not None:
        # Whoever is still signed in at the provider on a shared computer must not be linked
        # by mistake: the person types their own credentials there.
        params["prompt"] = "login"
    verifier = None
    if settings.OIDC_USE_PKCE:
        verifier = get_random_string(64)
        params["code_challenge"] = generate_code_challenge(verifier, "S256")
        params["code_challenge_method"] = "S256"
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    flow = request.session["oidc_states"][state]
    flow["link_user"] = link_user.pk if link_user is not None else None
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    flow["next"] = next_url if next_url and safe else ""
    request.session.modified = True
    return f"{endpoint}?{urlencode(params)}"


def take_flow(request) -> dict | None:
    """The flow the provider's answer belongs to (by its `state`), removed from the session so
    that an answer is used once; None for an unknown or replayed state."""
    states = request.session.get("oidc_states")
    if not isinstance(states, dict):
        return None
    flow = states.pop(request.GET.get("state", ""), None)
    request.session.modified = True
    return flow


class StateSignInBackend(OIDCAuthenticationBackend):
    """Signs in the user who linked the verified ID token's `sub`; refuses anyone else."""

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; this backend is listed on every installation
        # and reads them (from the discovery document) only when a sign-in needs them.
        self.UserModel = User

    @staticmethod
    def get_settings(attr, *args):
        if attr in _DISCOVERED:
            return provider_setting(attr)
        return import_from_settings(attr, *args)

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, *, id_token_claims: dict):
        """Only the callback view calls this (the keyword keeps the password form out), with the
        claims of an ID token that `verified_claims` has checked. ("token" in the keyword has
        Django mask the claims in what it tells receivers of a failed sign-in.)"""
        if not is_enabled() or request is None:
            return None
        self.request = request
        try:
            user = self.get_or_create_user(None, None, id_token_claims)
        except SuspiciousOperation as exc:
            log.warning("state sign-in refused: %s", exc)
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        ExternalIdentity.objects.filter(provider=provider_key(), user=user).update(
            last_used_at=timezone.now())
        return user

    def verified_claims(self, request, *, code: str, nonce: str | None,
                        code_verifier: str | None) -> dict:
        """Exchanges the provider's code for tokens and returns the claims of the ID token once
        its signature, issuer, audience, lifetime and nonce check out. Raises
        ProviderUnavailable."""
        self.request = request
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback_url(request),
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        try:
            tokens = self.get_token(payload)
            return self.verify_token(tokens.get("id_token") or "", nonce=nonce)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, KeyError,
                ValueError, TypeError, AttributeError) as exc:
            raise ProviderUnavailable(str(exc)) from exc

    def _verify_jws(self, payload, key):
        # The library decodes without checking the audience or the issuer, and without leeway.
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        return jwt.decode(
            payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=provider_setting("OIDC_OP_ISSUER") or None,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )

    def get_userinfo(self, access_token, id_token, payload):
        # The signed ID token's `sub` is what identifies the person; nothing else is used.
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims) -> str:
        return f"{provider_key()} sub {claims.get('sub')}"

    def filter_users_by_claims(self, claims):
        return User.objects.filter(external_identities__provider=provider_key(),
                                   external_identities__subject=str(claims["sub"]))

    def create_user(self, claims):
        return None  # accounts are issued by the school, never made from the provider's data

    def get_user(self, user_id):
        # The session of a user signed in here comes back through this backend: the same user as
        # after a password (annulled accounts refused, which the library's version would not
        # do; the second factor's flag loaded).
        return PasswordBackend().get_user(user_id)

    # Rights come from ModelBackend and RoleBackend; this backend only signs people in.
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False


def identity_of(user: User) -> ExternalIdentity | None:
    return ExternalIdentity.objects.filter(provider=provider_key(), user=user).first()


def holder_of(subject: str) -> User | None:
    """Whose account the provider's identifier is linked to."""
    identity = (ExternalIdentity.objects.select_related("user")
                .filter(provider=provider_key(), subject=subject).first())
    return identity.user if identity else None


def link_identity(user: User, subject: str, *, address: str | None) -> ExternalIdentity:
    """Links the provider's identifier to the user, and logs it. Raises IdentityTaken when it
    belongs to someone else, AlreadyLinked when the user has another one."""
    subject = str(subject)
    with transaction.atomic():
        existing = (ExternalIdentity.objects.select_for_update()
                    .filter(provider=provider_key(), subject=subject).first())
        if existing is not None and existing.user_id != user.pk:
            raise IdentityTaken(subject)
        if existing is not None:
            return existing
        if ExternalIdentity.objects.filter(provider=provider_key(), user=user).exists():
            raise AlreadyLinked(user.pk)
        try:
            with transaction.atomic():
                identity = ExternalIdentity.objects.create(user=user, provider=provider_key(),
                                                           subject=subject)
        except IntegrityError as exc:  # the same identifier linked at the same moment
            raise IdentityTaken(subject) from exc
        record_access(user, address, user, f"вход через {provider_name()} привязан")
    return identity


def unlink_identity(user: User, *, actor: User, address: str | None) -> bool:
    """Removes the user's sign-in through the provider, and logs it; False if there was none."""
    with transaction.atomic():
        deleted, _ = ExternalIdentity.objects.filter(provider=provider_key(), user=user).delete()
        if deleted:
            record_access(actor, address, user, f"вход через {provider_name()} отвязан")
    return bool(deleted)
