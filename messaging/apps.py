from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Сообщения"

    def ready(self) -> None:
        from journal.signals import demo_seeded, journal_changed
        from messaging.demo import seed_messaging
        from messaging.notifications.events import on_journal_changed

        # Families are told of absences and marks from the journal's history writer.
        journal_changed.connect(on_journal_changed, dispatch_uid="messaging.notifications")
        demo_seeded.connect(seed_messaging, dispatch_uid="messaging.demo")
