"""The password change (also the one forced at the first sign-in with a slip's password) and
the reset by e-mail, in Russian."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.forms import OwnPasswordForm
from accounts.services.credentials import password_changed, password_reset_by_email


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = OwnPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """A link to set a new password, sent to the account's e-mail. Only active accounts with a
    usable password get one: a terminated account, or a parent's before the application is
    in, gets nothing (and the page says the same either way)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_by_email(form.user, self.request)
        return response
