from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views_oidc
from accounts.signin import views as signin
from accounts.views import passwords

urlpatterns = [
    path("login/", signin.SignInView.as_view(), name="login"),
    path("login/code/", signin.verify, name="two_factor_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    # Reset by e-mail (accounts/views/passwords.py).
    path("password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", passwords.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    # Sign-in security (accounts/signin/).
    path("security/", signin.security, name="security"),
    path("security/lockouts/lift/", signin.lift_lockout, name="lift_lockout"),
    path("security/two-factor/", signin.two_factor_page, name="two_factor"),
    path("security/two-factor/codes/", signin.recovery_codes, name="two_factor_codes"),
    path("security/two-factor/new-codes/", signin.new_recovery_codes,
         name="two_factor_new_codes"),
    path("security/two-factor/off/", signin.switch_off, name="two_factor_off"),
    path("security/two-factor/<int:user_id>/reset/", signin.reset_second_factor,
         name="reset_second_factor"),
    path("security/sign-out-everywhere/", signin.sign_out_everywhere,
         name="sign_out_everywhere"),
    # State sign-in (Госуслуги): 404 unless settings.OIDC_ENABLED.
    path("oidc/start/", views_oidc.sign_in, name="oidc_sign_in"),
    path("oidc/callback/", views_oidc.callback, name="oidc_callback"),
    path("oidc/link/", views_oidc.link_page, name="oidc_link"),
    path("oidc/link/start/", views_oidc.link_start, name="oidc_link_start"),
    path("oidc/unlink/", views_oidc.unlink, name="oidc_unlink"),
]
