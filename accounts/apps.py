from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Пользователи и роли"

    def ready(self) -> None:
        # receivers connects the sign-in receivers on import
        from accounts.signin import receivers, session_user  # noqa: F401

        session_user.connect()
