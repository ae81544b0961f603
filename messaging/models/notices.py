"""The school's news, notices to a chosen audience, and school and class events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from messaging.models.files import announcement_file_path

USER = settings.AUTH_USER_MODEL


class Announcement(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "новость"
        NOTICE = "notice", "объявление"

    class Audience(models.TextChoices):
        SCHOOL = "school", "вся школа"
        GRADE = "grade", "параллель"
        CLASS = "class", "класс"
        STAFF = "staff", "только сотрудники"
        PARENTS = "parents", "только родители"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="announcements", verbose_name="школа")
    kind = models.CharField("вид", max_length=8, choices=Kind.choices, default=Kind.NOTICE)
    audience = models.CharField("для кого", max_length=8, choices=Audience.choices,
                                default=Audience.SCHOOL)
    grade = models.PositiveSmallIntegerField("параллель", null=True, blank=True)
    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="announcements",
                                     verbose_name="класс")
    title = models.CharField("заголовок", max_length=200)
    body = models.TextField("текст")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                               related_name="announcements", verbose_name="автор")
    publish_at = models.DateTimeField("опубликовать с", default=timezone.now, db_index=True)
    expires_at = models.DateTimeField("показывать до", null=True, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "объявление или новость"
        verbose_name_plural = "объявления и новости"
        ordering = ["-publish_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(audience="grade") | models.Q(grade__isnull=False)),
                name="grade_notice_names_grade"),
            models.CheckConstraint(
                condition=(~models.Q(audience="class") | models.Q(school_class__isnull=False)),
                name="class_notice_names_class"),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementFile(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE,
                                     related_name="files", verbose_name="объявление")
    file = models.FileField("файл", upload_to=announcement_file_path, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "файл объявления"
        verbose_name_plural = "файлы объявлений"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class SchoolEvent(models.Model):
    """An event on the school's calendar; with a class, the class's own event."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "родительское собрание"
        EXCURSION = "excursion", "экскурсия"
        OPEN_DAY = "open_day", "день открытых дверей"
        EXAM = "exam", "экзамен"
        HOLIDAY = "celebration", "праздник"
        OTHER = "other", "мероприятие"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="events", verbose_name="школа")
    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="events",
                                     verbose_name="класс")
    kind = models.CharField("вид", max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("название", max_length=200)
    description = models.TextField("описание", blank=True)
    date = models.DateField("дата", db_index=True)
    starts_at = models.TimeField("начало", null=True, blank=True)
    ends_at = models.TimeField("окончание", null=True, blank=True)
    place = models.CharField("место", max_length=200, blank=True)
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                               related_name="school_events", verbose_name="автор")
    created_at = models.DateTimeField("создано", default=timezone.now)

    class Meta:
        verbose_name = "событие"
        verbose_name_plural = "события"
        ordering = ["date", "starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.title}"
