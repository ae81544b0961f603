from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive.backups.services import make_backup
from archive.models import Backup
from archive.templatetags.backups import megabytes


class Command(BaseCommand):
    help = ("Создаёт резервную копию сейчас (база данных и загруженные файлы в BACKUP_ROOT), "
            "проверяет её восстановлением во временную базу и копирует в BACKUP_COPY_DIR, если "
            "папка задана.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-verify", action="store_true",
                            help="Не проверять копию восстановлением.")

    def handle(self, *args, no_verify: bool, **options) -> None:
        backup = make_backup(verify=not no_verify, copy=True, reason=Backup.Reason.MANUAL)
        if backup.status != Backup.Status.DONE:
            raise CommandError(f"Резервная копия не создана: {backup.error}")
        seconds = (backup.finished_at - backup.started_at).total_seconds()
        self.stdout.write(f"Папка: {backup.folder}")
        self.stdout.write(f"База данных: {backup.database_file}, {megabytes(backup.database_bytes)}, "
                          f"SHA-256 {backup.database_sha256}")
        self.stdout.write(f"Вложения: {backup.media_file}, {megabytes(backup.media_bytes)}, "
                          f"файлов {backup.media_files}, SHA-256 {backup.media_sha256}")
        self.stdout.write(f"Таблиц: {len(backup.row_counts)}, записей: "
                          f"{sum(backup.row_counts.values())}; создана за {seconds:.1f} с")
        if backup.copied_at:
            self.stdout.write(f"Вторая копия: {backup.copied_to}")
        elif backup.copy_error:
            self.stderr.write(f"Вторая копия не записана: {backup.copy_error}")
        if no_verify:
            self.stdout.write("Проверка восстановлением пропущена (--no-verify).")
        elif backup.check_status == Backup.Check.PASSED:
            self.stdout.write(self.style.SUCCESS(
                f"Проверка: восстановление проверено за {backup.check_seconds:.1f} с, "
                "число записей во всех таблицах совпало."))
        else:
            raise CommandError(f"Проверка не прошла: {backup.check_error}")
