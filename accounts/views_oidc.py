"""The state sign-in's pages (ЕСИА / Госуслуги, see accounts/oidc.py): signing in through the
provider, its return, and the page where a signed-in user links or unlinks it. Every page
answers 404 unless the installation has switched the state sign-in on."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import oidc
from accounts.signin.addresses import client_address

log = logging.getLogger(__name__)


def _state_sign_in_on(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not oidc.is_enabled():
            raise Http404("Вход через внешнего поставщика не включён")
        return view(request, *args, **kwargs)

    return wrapper


def _unavailable(request, back: str):
    messages.error(request, f"Вход через {oidc.provider_name()} не удался: портал не ответил "
                            "или ответил неверно. Попробуйте позже или войдите по логину "
                            "и паролю.")
    return redirect(back)


@require_GET
@_state_sign_in_on
@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    try:
        url = oidc.authorization_url(request, next_url=request.GET.get("next", ""))
    except oidc.ProviderUnavailable as exc:
        log.warning("state sign-in: %s", exc)
        return _unavailable(request, "login")
    return HttpResponseRedirect(url)


@require_GET
@_state_sign_in_on
@never_cache
def callback(request):
    name = oidc.provider_name()
    flow = oidc.take_flow(request)
    if flow is None:
        messages.error(request, f"Вход через {name} не завершён: страница устарела. "
                                "Попробуйте ещё раз.")
        return redirect("login")
    linking = flow.get("link_user") is not None
    back = "oidc_link" if linking else "login"
    code = request.GET.get("code")
    if request.GET.get("error") or not code:
        messages.warning(request, f"Вход через {name} отменён.")
        return redirect(back)
    try:
        claims = oidc.StateSignInBackend().verified_claims(
            request, code=code, nonce=flow.get("nonce"), code_verifier=flow.get("code_verifier"))
    except oidc.ProviderUnavailable as exc:
        log.warning("state sign-in: %s", exc)
        return _unavailable(request, back)
    if linking:
        return _finish_link(request, flow["link_user"], claims)
    holder = oidc.holder_of(claims["sub"])
    if holder is None:
        messages.error(request, f"Этот вход через {name} не привязан ни к одной учётной "
                                "записи. Войдите по логину и паролю и привяжите его "
                                "в профиле.")
        return redirect("login")
    if not holder.is_active:
        messages.error(request, "Учётная запись, к которой привязан этот вход, заблокирована. "
                                "Обратитесь к классному руководителю или администратору школы.")
        return redirect("login")
    # Only a linked, active account comes this far: a refusal above is nobody's wrong password
    # and counts towards no lock-out (axes would count it for a login of None, shared by all).
    user = auth.authenticate(request, id_token_claims=claims)
    if user is None:
        messages.error(request, "Вход сейчас не разрешён. Попробуйте позже.")
        return redirect("login")
    auth.login(request, user)
    return HttpResponseRedirect(flow.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))


def _finish_link(request, user_pk: int, claims: dict):
    name = oidc.provider_name()
    if not request.user.is_authenticated or request.user.pk != user_pk:
        messages.error(request, f"Вход через {name} не привязан: вы вышли из электронного "
                                "журнала. Войдите и привяжите его снова.")
        return redirect("login")
    try:
        oidc.link_identity(request.user, claims["sub"], address=client_address(request))
    except oidc.IdentityTaken:
        messages.error(request, f"Этот вход через {name} уже привязан к другой учётной "
                                "записи. Если это ваша учётная запись на портале, обратитесь "
                                "к администратору школы.")
    except oidc.AlreadyLinked:
        messages.error(request, f"К вашей учётной записи уже привязан другой вход через "
                                f"{name}. Сначала отвяжите его.")
    else:
        messages.success(request, f"Вход через {name} привязан. Теперь можно входить "
                                  f"в электронный журнал через {name}.")
    return redirect("oidc_link")


@require_GET
@_state_sign_in_on
@login_required
def link_page(request):
    return render(request, "accounts/oidc/link.html", {
        "identity": oidc.identity_of(request.user),
        "provider_name": oidc.provider_name(),
    })


@require_GET
@_state_sign_in_on
@login_required
@never_cache
def link_start(request):
    if oidc.identity_of(request.user) is not None:
        messages.error(request, f"Вход через {oidc.provider_name()} уже привязан. Чтобы "
                                "привязать другой, сначала отвяжите этот.")
        return redirect("oidc_link")
    try:
        url = oidc.authorization_url(request, link_user=request.user)
    except oidc.ProviderUnavailable as exc:
        log.warning("state sign-in: %s", exc)
        return _unavailable(request, "oidc_link")
    return HttpResponseRedirect(url)


@require_POST
@_state_sign_in_on
@login_required
def unlink(request):
    name = oidc.provider_name()
    if oidc.unlink_identity(request.user, actor=request.user, address=client_address(request)):
        messages.success(request, f"Вход через {name} отвязан. Входите по логину и паролю.")
    else:
        messages.info(request, f"Вход через {name} не был привязан.")
    return redirect("oidc_link")
