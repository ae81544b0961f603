from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from archive.backups.folders import backup_root
from archive.backups.restore import RestoreRefused, plan_restore, restore_backup
from archive.templatetags.backups import megabytes


class Command(BaseCommand):
    help = ("Восстанавливает базу данных и загруженные файлы из папки резервной копии. Сначала "
            "сверяет контрольные суммы файлов с манифестом и отказывает, если они не совпадают. "
            "Остановите сайт и фоновые задачи перед восстановлением.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help=f"Имя папки в BACKUP_ROOT ({backup_root()}) или путь "
                                           "к папке копии.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Только проверить копию и показать, что будет восстановлено.")
        parser.add_argument("--yes", action="store_true",
                            help="Не спрашивать подтверждения.")

    def handle(self, *args, folder: str, dry_run: bool, yes: bool, **options) -> None:
        try:
            plan = plan_restore(folder)
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        self.describe(plan, tables=dry_run)
        if dry_run:
            self.stdout.write("Пробный запуск: контрольные суммы совпали, ничего не изменено.")
            return
        target = self.database_label()
        if not yes:
            self.stdout.write(f"Всё содержимое базы «{target}» и папки загруженных файлов будет "
                              "заменено данными копии.")
            try:
                answer = input(f"Чтобы подтвердить, введите имя базы ({target}): ")
            except EOFError:
                answer = ""
            if answer.strip() != target:
                raise CommandError("Восстановление отменено: имя базы не подтверждено.")
        rows = restore_backup(plan)
        self.stdout.write(self.style.SUCCESS(
            f"Восстановлено из {plan.folder}. Записей о резервных копиях по папкам: {rows}."))

    def database_label(self) -> str:
        name = str(connection.settings_dict["NAME"])
        return name.rsplit("/", 1)[-1] if connection.vendor == "sqlite" else name

    def describe(self, plan, tables: bool) -> None:
        when = (f"{timezone.localtime(plan.started_at):%d.%m.%Y %H:%M}" if plan.started_at
                else "неизвестно")
        database, media = plan.manifest.get("database") or {}, plan.manifest.get("media") or {}
        self.stdout.write(f"Копия: {plan.folder}")
        self.stdout.write(f"Создана: {when}; СУБД: {plan.engine}")
        self.stdout.write(f"База данных: {database.get('file')}, {megabytes(database.get('bytes'))}")
        self.stdout.write(f"Вложения: {media.get('file')}, {megabytes(media.get('bytes'))}, "
                          f"файлов {plan.media_files}")
        counts = plan.row_counts
        self.stdout.write(f"Таблиц: {len(counts)}, записей: {sum(counts.values())}")
        if tables:
            for table, rows in sorted(counts.items()):
                if rows:
                    self.stdout.write(f"  {table}: {rows}")
            empty = sum(1 for rows in counts.values() if not rows)
            if empty:
                self.stdout.write(f"  пустых таблиц: {empty}")
