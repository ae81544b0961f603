"""What the archive keeps: the installation's backups with their verification, each closed
year's journals as documents (PDF, XLSX, CSV) with their checksums and retention, the removals
the director approved, and the certified copies printed during the year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Backup(models.Model):
    """One backup of the whole installation: the database (pg_dump's custom format, or a copy
    made by SQLite's online backup) and the uploaded files (a tar of MEDIA_ROOT), in
    BACKUP_ROOT/`folder` beside a `manifest.json` that says the same as this row, so that a
    restore on an empty server needs only the folder."""

    class Status(models.TextChoices):
        RUNNING = "running", "создаётся"
        DONE = "done", "создана"
        FAILED = "failed", "ошибка"
        REMOVED = "removed", "удалена по сроку хранения"

    class Check(models.TextChoices):
        PENDING = "pending", "не проверена"
        PASSED = "passed", "восстановление проверено"
        FAILED = "failed", "проверка не прошла"

    class Reason(models.TextChoices):
        SCHEDULE = "schedule", "по расписанию"
        MANUAL = "manual", "вручную"

    folder = models.CharField("папка", max_length=100, unique=True)
    reason = models.CharField("почему", max_length=8, choices=Reason.choices,
                              default=Reason.SCHEDULE)
    requested_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="кто запустил")
    engine = models.CharField("СУБД", max_length=20)
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.RUNNING)
    started_at = models.DateTimeField("начата", default=timezone.now, db_index=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)
    database_file = models.CharField("файл базы", max_length=100, blank=True)
    database_bytes = models.PositiveBigIntegerField("байт (база)", default=0)
    database_sha256 = models.CharField("SHA-256 базы", max_length=64, blank=True)
    media_file = models.CharField("файл вложений", max_length=100, blank=True)
    media_bytes = models.PositiveBigIntegerField("байт (вложения)", default=0)
    media_sha256 = models.CharField("SHA-256 вложений", max_length=64, blank=True)
    media_files = models.PositiveIntegerField("файлов вложений", default=0)
    # Table name → rows, counted in the snapshot the dump was taken from.
    row_counts = models.JSONField("записей по таблицам", default=dict, blank=True)
    error = models.TextField("ошибка", blank=True)
    check_status = models.CharField("проверка", max_length=8, choices=Check.choices,
                                    default=Check.PENDING)
    checked_at = models.DateTimeField("проверена", null=True, blank=True)
    check_seconds = models.FloatField("проверка заняла, с", null=True, blank=True)
    # Table name → [at dump time, after restore] for every table that differs.
    check_mismatches = models.JSONField("расхождения", default=dict, blank=True)
    check_error = models.TextField("ошибка проверки", blank=True)
    copied_to = models.CharField("копия", max_length=300, blank=True)
    copied_at = models.DateTimeField("скопирована", null=True, blank=True)
    copy_error = models.TextField("ошибка копирования", blank=True)
    removed_at = models.DateTimeField("удалена", null=True, blank=True)

    class Meta:
        verbose_name = "резервная копия"
        verbose_name_plural = "резервные копии"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Резервная копия от {timezone.localtime(self.started_at):%d.%m.%Y %H:%M}"

    @property
    def total_bytes(self) -> int:
        return self.database_bytes + self.media_bytes


class BackupAlert(models.Model):
    """An e-mail sent because the newest verified backup was too old: at most one a day."""

    sent_at = models.DateTimeField("отправлено", default=timezone.now, db_index=True)
    newest_verified_at = models.DateTimeField("последняя проверенная копия", null=True,
                                              blank=True)
    recipients = models.JSONField("кому", default=list)

    class Meta:
        verbose_name = "предупреждение о резервных копиях"
        verbose_name_plural = "предупреждения о резервных копиях"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Предупреждение от {timezone.localtime(self.sent_at):%d.%m.%Y %H:%M}"


class YearArchive(models.Model):
    """A closed year's journals as documents in ARCHIVE_ROOT/`folder`: a PDF per journal, a
    class's summary statements of marks and of attendance as XLSX and CSV, and `manifest.json`
    with the SHA-256 of every file. Built one journal per task; `done` of `total` parts."""

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        BUILDING = "building", "собирается"
        DONE = "done", "готов"
        FAILED = "failed", "ошибка"

    UNFINISHED = (Status.QUEUED, Status.BUILDING)

    year = models.ForeignKey("journal.AcademicYear", on_delete=models.PROTECT,
                             related_name="archives", verbose_name="учебный год")
    folder = models.CharField("папка", max_length=200, unique=True)
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    requested_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="кто запустил")
    created_at = models.DateTimeField("заказан", default=timezone.now)
    started_at = models.DateTimeField("начат", null=True, blank=True)
    finished_at = models.DateTimeField("готов", null=True, blank=True)
    total = models.PositiveIntegerField("частей всего", default=0)
    done = models.PositiveIntegerField("частей готово", default=0)
    manifest_sha256 = models.CharField("SHA-256 манифеста", max_length=64, blank=True)
    error = models.TextField("ошибка", blank=True)
    verified_at = models.DateTimeField("проверен", null=True, blank=True)
    verified_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="кто проверил")
    # {"changed": [paths], "missing": [paths]} of the last check; empty lists: all intact.
    verify_result = models.JSONField("результат проверки", default=dict, blank=True)

    class Meta:
        verbose_name = "архив учебного года"
        verbose_name_plural = "архивы учебных лет"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year"], name="one_unfinished_archive_per_year",
                                    condition=models.Q(status__in=["queued", "building"])),
        ]

    def __str__(self) -> str:
        return f"Архив {self.year.name} учебного года"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ArchiveFile(models.Model):
    """One file of a year's archive, its checksum as written and the day it may be removed."""

    class Kind(models.TextChoices):
        JOURNAL = "journal", "журнал (PDF)"
        MARKS_STATEMENT = "marks", "сводная ведомость успеваемости"
        ATTENDANCE_STATEMENT = "attendance", "сводная ведомость посещаемости"
        MANIFEST = "manifest", "манифест"

    archive = models.ForeignKey(YearArchive, on_delete=models.CASCADE, related_name="files",
                                verbose_name="архив")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    path = models.CharField("путь в архиве", max_length=300)
    journal = models.ForeignKey("journal.TeachingAssignment", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+", verbose_name="журнал")
    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name="класс")
    bytes = models.PositiveBigIntegerField("байт", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    pages = models.PositiveIntegerField("страниц", null=True, blank=True)
    created_at = models.DateTimeField("создан", default=timezone.now)
    keep_until = models.DateField("хранить до", db_index=True)
    removal = models.ForeignKey("ArchiveRemoval", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="files", verbose_name="удаление")
    removed_at = models.DateTimeField("удалён", null=True, blank=True)

    class Meta:
        verbose_name = "файл архива"
        verbose_name_plural = "файлы архива"
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["archive", "path"],
                                               name="archive_file_path_unique")]

    def __str__(self) -> str:
        return self.path


class ArchiveRemoval(models.Model):
    """Files past their keeping date, listed by the beat task; removed only once the director
    approves, and then only those still past their date."""

    class Status(models.TextChoices):
        PENDING = "pending", "ждёт решения директора"
        APPROVED = "approved", "удаление утверждено"
        REJECTED = "rejected", "отклонено"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="archive_removals", verbose_name="школа")
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    listed_at = models.DateTimeField("составлен", default=timezone.now)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="решение принял")
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    note = models.CharField("примечание", max_length=500, blank=True)

    class Meta:
        verbose_name = "удаление файлов архива"
        verbose_name_plural = "удаления файлов архива"
        ordering = ["-listed_at", "-pk"]

    def __str__(self) -> str:
        return f"Удаление файлов архива от {timezone.localtime(self.listed_at):%d.%m.%Y}"


class CertifiedCopy(models.Model):
    """A journal printed during the year as a certified copy («Копия верна»): who and when."""

    class Format(models.TextChoices):
        PRINT = "print", "страница для печати"
        PDF = "pdf", "PDF"

    journal = models.ForeignKey("journal.TeachingAssignment", on_delete=models.CASCADE,
                                related_name="certified_copies", verbose_name="журнал")
    printed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="кто распечатал")
    printed_at = models.DateTimeField("когда", default=timezone.now)
    format = models.CharField("вид", max_length=5, choices=Format.choices)

    class Meta:
        verbose_name = "заверенная копия журнала"
        verbose_name_plural = "заверенные копии журналов"
        ordering = ["-printed_at", "-pk"]

    def __str__(self) -> str:
        return f"Копия журнала от {timezone.localtime(self.printed_at):%d.%m.%Y %H:%M}"
