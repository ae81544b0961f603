from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.crypto import salted_hmac

from accounts.roles import Role

portal_uid_validator = RegexValidator(r"^\d{1,20}$", "UID портала — это число (до 20 цифр).")
phone_validator = RegexValidator(
    r"^\+?[\d\s()\-]{7,20}$", "Телефон: цифры, пробелы, скобки и дефисы, например +7 900 123-45-67."
)


class User(AbstractUser):
    """Anyone who signs in: staff, students and parents. Sign-in is by login (username)."""

    patronymic = models.CharField("отчество", max_length=150, blank=True)
    must_change_password = models.BooleanField(
        "сменить пароль при входе", default=False,
        help_text="Пароль выдан на листке или сброшен: при входе пользователь задаёт свой.")
    # Raised to end every open session of the user at once (sign-out everywhere, termination):
    # it is part of the session's auth hash, which Django checks on every request.
    session_epoch = models.PositiveIntegerField("поколение сеансов", default=0, editable=False)
    # A staff member's portal code; students and parents keep theirs on their own records.
    staff_portal_uid = models.CharField("UID портала (сотрудник)", max_length=20, blank=True,
                                        validators=[portal_uid_validator])

    objects = UserManager()

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["last_name", "first_name", "patronymic"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret=None) -> str:
        return salted_hmac("accounts.User.session", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        """Иванова А. П."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.patronymic) if p)
        return f"{self.last_name} {initials}".strip() or self.username


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles",
                             verbose_name="сотрудник")
    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="staff_roles", verbose_name="школа")
    role = models.CharField("роль", max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "роль сотрудника"
        verbose_name_plural = "роли сотрудников"
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="unique_staff_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class Student(models.Model):
    class Sex(models.TextChoices):
        MALE = "m", "мужской"
        FEMALE = "f", "женский"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="student",
                                verbose_name="учётная запись")
    school = models.ForeignKey("journal.School", on_delete=models.PROTECT,
                               related_name="students", verbose_name="школа")
    birth_date = models.DateField("дата рождения")
    sex = models.CharField("пол", max_length=1, choices=Sex.choices)
    portal_uid = models.CharField("UID портала", max_length=20, blank=True,
                                  validators=[portal_uid_validator])

    class Meta:
        verbose_name = "обучающийся"
        verbose_name_plural = "обучающиеся"
        ordering = ["user__last_name", "user__first_name", "user__patronymic"]

    def __str__(self) -> str:
        return self.user.full_name


class Parent(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="parent",
                                verbose_name="учётная запись")
    phone = models.CharField("телефон", max_length=20, blank=True, validators=[phone_validator])
    address = models.CharField("адрес", max_length=300, blank=True,
                               help_text="Почтовый адрес: на него пишут уведомления.")
    portal_uid = models.CharField("UID портала", max_length=20, blank=True,
                                  validators=[portal_uid_validator])
    children = models.ManyToManyField(Student, through="ParentStudent", related_name="parents",
                                      verbose_name="дети")

    class Meta:
        verbose_name = "родитель (законный представитель)"
        verbose_name_plural = "родители (законные представители)"
        ordering = ["user__last_name", "user__first_name", "user__patronymic"]

    def __str__(self) -> str:
        return self.user.full_name


class ParentStudent(models.Model):
    class Relation(models.TextChoices):
        MOTHER = "mother", "мать"
        FATHER = "father", "отец"
        GUARDIAN = "guardian", "опекун"
        OTHER = "other", "другое"

    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="links",
                               verbose_name="родитель")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="parent_links",
                                verbose_name="обучающийся")
    relation = models.CharField("кем приходится", max_length=16, choices=Relation.choices)
    is_legal_representative = models.BooleanField("законный представитель", default=True)

    class Meta:
        verbose_name = "связь родителя и ребёнка"
        verbose_name_plural = "связи родителей и детей"
        constraints = [
            models.UniqueConstraint(fields=["parent", "student"], name="unique_parent_student"),
        ]

    def __str__(self) -> str:
        return f"{self.parent} — {self.student} ({self.get_relation_display()})"
