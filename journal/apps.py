from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Школа и журнал"

    def ready(self) -> None:
        from journal import versions

        # The data versions the diary's cached pages are keyed by (see journal.versions).
        versions.connect()
