from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from journal.demo.school import SIZES

STOPPED = "Демо остановлено."


class Command(BaseCommand):
    help = ("Демо на этом компьютере (make demo): применяет миграции, один раз создаёт "
            "демо-школу, печатает входы и запускает сайт на 127.0.0.1. Ctrl-C останавливает "
            "всё на любом шаге.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--size", choices=list(SIZES), default="normal",
                            help="Размер демо-школы, если её ещё нет (см. seed_demo).")

    def handle(self, *args, port: int, size: str, **options) -> None:
        # One process, no reloader and no worker (tasks run in-process): Ctrl-C reaches
        # everything the demo runs. Building the school is one transaction, so a build
        # stopped half-way leaves nothing behind and the next start builds it again.
        try:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("seed_demo", if_empty=True, size=size)
            call_command("demo_logins")
            self.stdout.write(f"Сайт: http://127.0.0.1:{port}/ — остановить: Ctrl-C")
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False,
                         shutdown_message=f"\n{STOPPED}")
        except KeyboardInterrupt:
            self.stdout.write(f"\n{STOPPED}")
