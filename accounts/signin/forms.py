from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.signin import two_factor


class SignInForm(AuthenticationForm):
    shared_computer = forms.BooleanField(
        label="Чужой компьютер", required=False,
        help_text="Выйти, когда закроется браузер: для компьютера в учительской, классе или "
                  "библиотеке.")


class CodeForm(forms.Form):
    """The second factor at sign-in: the app's current code or a recovery code."""

    code = forms.CharField(
        label="Код", max_length=32,
        help_text="Шесть цифр из приложения-аутентификатора или код восстановления.",
        error_messages={"required": "Введите код из приложения или код восстановления."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.device, reason = two_factor.verify_code(self.user, code)
        if self.device is None:
            raise forms.ValidationError(reason)
        return code


class SetUpForm(forms.Form):
    """Switching the second factor on: the code the app shows for the new secret."""

    code = forms.CharField(
        label="Код из приложения", max_length=16,
        help_text="Шесть цифр, которые приложение показывает сейчас.",
        error_messages={"required": "Введите шесть цифр из приложения."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autocapitalize": "none"}))

    def __init__(self, user, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.recovery_codes: list[str] = []

    def clean_code(self) -> str:
        code = two_factor.normalise(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("Код из приложения — шесть цифр.")
        codes = two_factor.confirm_authenticator(self.user, self.device, code)
        if codes is None:
            raise forms.ValidationError(
                "Код не подошёл. Проверьте, что время на телефоне верное, и введите код, "
                "который приложение показывает сейчас.")
        self.recovery_codes = codes
        return code
