"""Append-only change history of journal data: who, when, what was, what became, and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChangeRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "создание"
        UPDATE = "update", "изменение"
        DELETE = "delete", "удаление"

    class Entity(models.TextChoices):
        LESSON = "lesson", "урок"
        HOMEWORK = "homework", "домашнее задание"
        MARK = "mark", "отметка"
        ABSENCE = "absence", "пропуск"
        FINAL_MARK = "final_mark", "итоговая отметка"
        ACCESS = "access", "право доступа"

    at = models.DateTimeField("когда", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             related_name="+", verbose_name="кто")
    action = models.CharField("действие", max_length=8, choices=Action.choices)
    entity = models.CharField("что", max_length=12, choices=Entity.choices)
    entity_id = models.BigIntegerField("номер записи")
    # Plain ids, not foreign keys: the history outlives the rows it describes.
    # None for a right on a class or a subject.
    assignment_id = models.BigIntegerField("нагрузка", db_index=True, null=True)
    lesson_id = models.BigIntegerField("урок", null=True)
    student_id = models.BigIntegerField("обучающийся", null=True)
    old = models.JSONField("было", null=True)
    new = models.JSONField("стало", null=True)
    reason = models.CharField("причина", max_length=500, blank=True)

    class Meta:
        verbose_name = "запись истории изменений"
        verbose_name_plural = "история изменений"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["lesson_id", "student_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_action_display()} {self.get_entity_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("История изменений не редактируется.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("История изменений не удаляется.")

    @property
    def old_text(self) -> str:
        return describe_values(self.old)

    @property
    def new_text(self) -> str:
        return describe_values(self.new)


_FIELD_LABELS = {
    "value": "отметка", "kind": "вид", "minutes_late": "опоздание, мин", "reason": "причина",
    "comment": "комментарий", "over_absence_note": "пояснение", "topic": "тема",
    "text": "задание", "is_none": "не задано", "is_held": "проведён", "room": "кабинет",
    "substitute_reason": "причина замены", "date": "дата", "number": "урок №",
    "assessment_type_id": "вид контроля", "substitute_id": "замена", "due_lesson_id": "к уроку",
    "period_id": "период", "recommended": "рекомендуемая", "document": "документ",
    "plan_item_id": "пункт КТП", "files": "файлы",
    "right": "право", "user": "кому", "object": "на что", "expires_on": "действует по",
}
# Ids kept for machines (a right's holder and object), not shown to people.
_HIDDEN = frozenset({"is_extra", "codename", "user_id", "object_id", "model"})
_KIND_LABELS = {"absent": "н", "ill": "б", "excused": "у", "late": "оп",
                "period": "за период", "year": "годовая", "exam": "экзамен", "final": "итоговая"}


def describe_values(values: dict | None) -> str:
    """A history snapshot as a person reads it: «отметка: 5; комментарий: у доски»."""
    if not values:
        return ""
    parts = []
    for name, value in values.items():
        if value in (None, "", False) or name in _HIDDEN:
            continue
        label = _FIELD_LABELS.get(name, name)
        if value is True:
            parts.append(label)
        elif name == "kind":
            parts.append(f"{label}: {_KIND_LABELS.get(value, value)}")
        else:
            parts.append(f"{label}: {value}")
    return "; ".join(parts)


class SaveReceipt(models.Model):
    """A save the journal grid made, under the key the page sent with it. Written in the
    save's own transaction, so it exists exactly when the save committed: a retry of the same
    save (its answer was lost on the way) is answered from the journal as it is, instead of
    being refused as somebody else's change. Kept for a day (`journal.tasks`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "квитанция сохранения"
        verbose_name_plural = "квитанции сохранений"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_save_key")]

    def __str__(self) -> str:
        return self.key
