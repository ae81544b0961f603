from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive.models import YearArchive
from archive.years.build import ArchiveRefused, build_all_parts, start_archive
from journal.models import AcademicYear


class Command(BaseCommand):
    help = ("Передаёт закрытый учебный год в архив: PDF каждого журнала, сводные ведомости "
            "классов в XLSX и CSV и манифест с SHA-256 (в ARCHIVE_ROOT). Части собирают "
            "обработчики фоновых задач; с --here — этот процесс.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, metavar="ID",
                            help="Номер учебного года.")
        parser.add_argument("--here", action="store_true",
                            help="Собрать архив в этом процессе, не через очередь задач.")

    def handle(self, *args, year: int, here: bool, **options) -> None:
        academic_year = AcademicYear.objects.select_related("school").filter(pk=year).first()
        if academic_year is None:
            raise CommandError(f"Учебного года № {year} нет.")
        try:
            archive = start_archive(academic_year, None, enqueue=not here)
        except ArchiveRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Архив № {archive.pk} {academic_year.name} учебного года "
                          f"({academic_year.school.short_name}), частей: {archive.total}, "
                          f"папка {archive.folder}.")
        if not here:
            self.stdout.write("Части поставлены в очередь фоновых задач.")
            return
        archive = build_all_parts(archive)
        if archive.status != YearArchive.Status.DONE:
            raise CommandError(f"Архив не собран: {archive.error}")
        self.stdout.write(self.style.SUCCESS(
            f"Архив готов: файлов {archive.files.count()}, SHA-256 манифеста "
            f"{archive.manifest_sha256}."))
