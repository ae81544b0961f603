from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from archive.models import YearArchive
from archive.years.verify import is_intact, report_lines, verify_archive


class Command(BaseCommand):
    help = ("Проверяет целостность готовых архивов учебных лет: заново считает SHA-256 каждого "
            "файла и сравнивает с записанными при создании. Код выхода 1, если файл изменён "
            "или отсутствует.")

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--archive", type=int, metavar="ID", help="Архив с этим номером.")
        which.add_argument("--year", type=int, metavar="ID",
                           help="Все готовые архивы учебного года с этим номером.")
        which.add_argument("--all", action="store_true", dest="every", help="Все готовые архивы.")

    def handle(self, *args, archive: int | None, year: int | None, **options) -> None:
        archives = (YearArchive.objects.filter(status=YearArchive.Status.DONE)
                    .select_related("year__school").order_by("year__school_id", "created_at"))
        if archive is not None:
            found = YearArchive.objects.filter(pk=archive).first()
            if found is None:
                raise CommandError(f"Архива № {archive} нет.")
            if found.status != YearArchive.Status.DONE:
                raise CommandError(f"Архив № {archive} не готов ({found.get_status_display()}): "
                                   f"проверить можно только готовый архив.")
            archives = archives.filter(pk=archive)
        elif year is not None:
            archives = archives.filter(year_id=year)
            if not archives.exists():
                raise CommandError(f"У учебного года № {year} нет готового архива.")
        damaged = 0
        for checked in archives:
            result = verify_archive(checked)
            lines = report_lines(checked, result)
            if is_intact(result):
                self.stdout.write(self.style.SUCCESS(lines[0]))
            else:
                damaged += 1
                self.stdout.write(self.style.ERROR("\n".join(lines)))
        if not archives:
            self.stdout.write("Готовых архивов нет: проверять нечего.")
        if damaged:
            self.stderr.write(f"Нарушена целостность архивов: {damaged}.")
            sys.exit(1)
