"""Sign-in pages: the password form, the second factor, its set-up, the lock-out page, the
administrator's «Безопасность входа», and sign-out everywhere."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions
from accounts.access import person_of
from accounts.sessions import end_all_sessions
from accounts.signin import lockout, sessions, two_factor
from accounts.signin.forms import CodeForm, SetUpForm, SignInForm

NEW_CODES = "signin_new_recovery_codes"


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_computer"):
            sessions.end_on_browser_close(self.request)
        return response


def locked_out(request, original_response=None, credentials=None):
    """The lock-out page (axes' AXES_LOCKOUT_CALLABLE): which lock refused the sign-in and when
    it ends, in the school's time."""
    locks = lockout.lockouts_of_request(request, credentials)
    last = max(locks, key=lambda lock: lock.until, default=None)
    return render(request, "registration/locked_out.html", {
        "locks": locks, "last": last,
        "wait": lockout.in_minutes(last.minutes_left()) if last else "",
    }, status=429)


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse(default)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _pending(request) -> bool:
    """Signed in with the password, the second factor still owed: the pages show no menu."""
    return two_factor.needs_second_factor(request.user) and not request.user.is_verified()


def verify(request):
    """The second step of sign-in: the app's code or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _pending(request):
        return redirect(_next_url(request))
    if two_factor.authenticator_of(request.user) is None:
        # Required but never set up: set it up now (the page says why).
        return redirect(_with_next("two_factor", _next_url(request)))
    form = CodeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        request.session.cycle_key()
        if form.device.persistent_id.startswith("otp_static."):
            left = two_factor.recovery_codes_left(request.user)
            messages.warning(request, f"Вы вошли по коду восстановления; неиспользованных кодов "
                                      f"осталось: {left}. Новые коды — на странице "
                                      f"«Двухфакторный вход».")
        return redirect(_next_url(request))
    return render(request, "registration/second_factor.html", {
        "form": form, "next": _next_url(request), "second_factor_pending": True})


def _may_use_two_factor(request) -> bool:
    return person_of(request).works_at_school or two_factor.needs_second_factor(request.user)


@login_required
def two_factor_page(request):
    """«Двухфакторный вход»: its state, and setting it up (required roles come here from the
    sign-in until they have it; other staff switch it on and off here)."""
    user = request.user
    if not _may_use_two_factor(request):
        raise Http404("Страница не найдена.")
    device = two_factor.authenticator_of(user)
    if device is not None and not user.is_verified():
        return redirect(_with_next("two_factor_verify", reverse("two_factor")))
    required = two_factor.is_required(user)
    context = {"required": required, "next": _next_url(request),
               "second_factor_pending": _pending(request)}
    if device is not None:
        context.update(device=device, codes_left=two_factor.recovery_codes_left(user))
        return render(request, "accounts/security/two_factor.html", context)
    pending = two_factor.pending_authenticator(user)
    form = SetUpForm(user, pending, request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = TOTPDevice.objects.get(pk=pending.pk)
        otp_login(request, confirmed)
        request.session.cycle_key()
        request.session[NEW_CODES] = form.recovery_codes
        return redirect(_with_next("two_factor_codes", _next_url(request)))
    context.update(form=form, secret=two_factor.display_secret(pending),
                   qr=two_factor.qr_svg(pending))
    return render(request, "accounts/security/two_factor_setup.html", context)


@login_required
def recovery_codes(request):
    """The new recovery codes, shown once: they are taken out of the session here."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("two_factor")
    return render(request, "accounts/security/recovery_codes.html",
                  {"codes": codes, "next": _next_url(request)})


def _verified_owner(request):
    """The user of a second factor that is on, who has given it in this session; 404 else."""
    if not _may_use_two_factor(request) or two_factor.authenticator_of(request.user) is None \
            or not request.user.is_verified():
        raise Http404("Страница не найдена.")
    return request.user


@require_POST
@login_required
def new_recovery_codes(request):
    user = _verified_owner(request)
    request.session[NEW_CODES] = two_factor.new_recovery_codes(user)
    return redirect("two_factor_codes")


@require_POST
@login_required
def switch_off(request):
    user = _verified_owner(request)
    if two_factor.is_required(user):
        raise Http404("Страница не найдена.")
    two_factor.switch_off(user)
    messages.success(request, "Двухфакторный вход выключен: для входа снова нужен только пароль.")
    return redirect("two_factor")


@require_POST
@login_required
def sign_out_everywhere(request):
    """«Выйти на всех устройствах»: every session of the user ends, this one too."""
    end_all_sessions(request.user)
    logout(request)
    messages.success(request, "Вы вышли на всех устройствах. Войдите снова.")
    return redirect("login")


# The administrator's page ------------------------------------------------------------------

@login_required
def security(request):
    """«Безопасность входа»: lock-outs in force, with «Снять», and the staff whose second factor
    is on, with «Сбросить» for a lost phone."""
    if not permissions.keeps_sign_in(request.user):
        raise Http404("Страница не найдена.")
    school = permissions.school_of_staff_issuer(request.user)
    staff = []
    if school is not None:
        staff = (permissions.staff_of(request.user, school)
                 .filter(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
                 .annotate(codes_left=Count("staticdevice__token_set",
                                            filter=Q(staticdevice__confirmed=True)))
                 .order_by("last_name", "first_name", "patronymic"))
    now = timezone.now()
    locks = [(lock, lockout.in_minutes(lock.minutes_left(now)))
             for lock in lockout.current_lockouts()]
    return render(request, "accounts/security/sign_in.html", {
        "locks": locks, "staff": staff, "own_login": request.user.get_username(),
        "login_limit": settings.SIGNIN_LOGIN_FAILURES,
        "address_limit": settings.SIGNIN_ADDRESS_FAILURES,
        "minutes": settings.SIGNIN_LOCKOUT_MINUTES,
    })


@require_POST
@login_required
def lift_lockout(request):
    lock = permissions.access_lockout(request.user, request.POST.get("kind", ""),
                                      request.POST.get("value", ""))
    lockout.lift_lockout(lock, request.user)
    messages.success(request, f"Вход снова открыт: {lock.kind_label} «{lock.value}».")
    return redirect("security")


@require_POST
@login_required
def reset_second_factor(request, user_id: int):
    member = permissions.access_second_factor_of(request.user, user_id)
    two_factor.switch_off(member)
    end_all_sessions(member)
    messages.success(request, f"Двухфакторный вход сброшен: {member.full_name} войдёт по паролю; "
                              f"кому он обязателен, тот сразу настроит приложение заново.")
    return redirect("security")
