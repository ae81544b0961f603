from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Пользователи и роли"

    def ready(self) -> None:
        from accounts.signin import receivers  # noqa: F401 (connects the sign-in receivers)
