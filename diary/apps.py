from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = "Электронный дневник"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Sign-in belongs to accounts, which must not import the diary; Django's own sign-in
        # signal is the one place every way of signing in passes through.
        user_logged_in.connect(_on_sign_in, dispatch_uid="diary_record_sign_in")

        from diary import family_cache

        family_cache.connect()


def _on_sign_in(sender, request, user, **kwargs) -> None:
    from diary.activity import record_sign_in

    record_sign_in(user)
