"""The setup screens (Django admin in Russian): open to the staff roles that set up the school,
whatever their `is_staff` flag says, with the models in sections in the order a school is set up."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin import AdminSite
from django.http import HttpResponseRedirect
from django.urls import reverse

from accounts.access import is_signed_in
from accounts.roles import SETUP_ROLES


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    models: tuple[str, ...]  # model labels, in the order they are filled in


# school → year → periods → holidays → bells → classes → subjects → curriculum → journals →
# timetable → people; whatever is not named here comes last, under «Прочее».
SECTIONS = (
    Section("school", "Школа и учебный год",
            ("journal.school", "journal.academicyear", "journal.studyperiod", "journal.holiday",
             "journal.bellschedule")),
    Section("classes", "Классы, предметы и учебный план",
            ("journal.schoolclass", "journal.subject", "journal.curriculumitem",
             "journal.subgroup")),
    Section("journals", "Журналы и расписание",
            ("journal.teachingassignment", "journal.timetableslot", "journal.lesson")),
    Section("people", "Люди",
            ("accounts.user", "accounts.staffrole", "accounts.student", "journal.enrolment",
             "accounts.parent", "accounts.parentstudent")),
    # What the families' pages recorded (accounts/families_admin.py), to look at only.
    Section("families", "Доступ семей и персональные данные",
            ("accounts.diaryapplication", "accounts.personaldataconsent",
             "accounts.contactchannel", "accounts.credentialissue", "accounts.termination",
             "accounts.externalidentity")),
    # The portal exports' schedule and runs, and beat's own view of the schedule.
    Section("exports", "Выгрузки на портал",
            ("exports.exportschedule", "exports.portalexport", "django_celery_beat.periodictask",
             "django_celery_beat.crontabschedule", "django_celery_beat.intervalschedule")),
)
OTHER = Section("other", "Прочее", ())


class EjournalAdminSite(AdminSite):
    site_header = "Настройка школы"
    site_title = "Настройка школы — Электронный журнал"
    index_title = "Настройка школы"

    def has_permission(self, request) -> bool:
        user = request.user
        if not is_signed_in(user):
            return False
        return user.is_superuser or user.staff_roles.filter(role__in=SETUP_ROLES).exists()

    def section_of(self, model) -> dict:
        """The section a model is listed in, for the breadcrumbs: its name and its place on the
        index page."""
        label = model._meta.label_lower
        section = next((s for s in SECTIONS if label in s.models), OTHER)
        return {"name": section.name,
                "url": f"{reverse('admin:index', current_app=self.name)}#setup-{section.slug}"}

    def get_app_list(self, request, app_label=None):
        """The sections of `SECTIONS`, each with the models the user may see, in its order."""
        rows = {row["model"]._meta.label_lower: row
                for app in super().get_app_list(request, app_label) for row in app["models"]}
        index_url = reverse("admin:index", current_app=self.name)
        sections = []
        for section in SECTIONS:
            models = [rows.pop(label) for label in section.models if label in rows]
            if models:
                sections.append(self._section(section, models, index_url))
        if rows:
            rest = sorted(rows.values(), key=lambda row: row["name"])
            sections.append(self._section(OTHER, rest, index_url))
        return sections

    @staticmethod
    def _section(section: Section, models: list[dict], index_url: str) -> dict:
        return {"name": section.name, "app_label": f"setup-{section.slug}",
                "app_url": f"{index_url}#setup-{section.slug}", "has_module_perms": True,
                "models": models}

    def app_index(self, request, app_label, extra_context=None):
        # An application's page would list its models outside their sections; the index lists
        # them all in order.
        return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
