from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Выгрузки и отчёты"

    def ready(self) -> None:
        from exports.demo import seed_exports
        from journal.signals import demo_seeded

        demo_seeded.connect(seed_exports, dispatch_uid="exports.demo")
