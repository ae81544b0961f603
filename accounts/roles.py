"""Staff roles and what each may do in the setup screens.

A role is held per school (`StaffRole`). Model permissions come from this table through
`accounts.backends.RoleBackend`, so there is one place that says what a role may change.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    DIRECTOR = "director", "Директор"
    DEPUTY = "deputy", "Заместитель директора по УВР"
    ADMINISTRATOR = "administrator", "Администратор (зам. по ИКТ)"
    DIARY_COORDINATOR = "diary_coordinator", "Ответственный за электронный дневник"
    DATA_OFFICER = "data_officer", "Ответственный за защиту ПД"
    TEACHER = "teacher", "Учитель"
    SECRETARY = "secretary", "Секретарь"
    NEWS_EDITOR = "news_editor", "Редактор новостей"
    DISPATCHER = "dispatcher", "Диспетчер расписания"


# Named sets of roles: every check of "deputy or director" and the like reads one of these.
# Open the setup screens (the Russian admin).
SETUP_ROLES = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.ADMINISTRATOR, Role.SECRETARY,
                         Role.DISPATCHER})
# Read every journal of their school and check it (late entries, the monthly check).
JOURNAL_CHECKERS = frozenset({Role.DIRECTOR, Role.DEPUTY})
# Correct any record of any journal of their school, also past the lock, giving a reason.
JOURNAL_CORRECTORS = frozenset({Role.DEPUTY})
# Run the school's day-to-day setup: loading people from XLSX.
SCHOOL_MANAGERS = frozenset({Role.DEPUTY, Role.ADMINISTRATOR})
# Keep the timetable and record substitutions (the timetable and the day's substitutions pages).
TIMETABLE_KEEPERS = frozenset({Role.DEPUTY, Role.ADMINISTRATOR, Role.DISPATCHER})
# Sign in with a second factor (a code from an authenticator app), always; superusers too.
SECOND_FACTOR_ROLES = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})
# See and lift sign-in lock-outs; reset a staff member's lost second factor.
SIGN_IN_KEEPERS = frozenset({Role.ADMINISTRATOR})
# The roles' own pages: the personal-data log and consents; families' access to the diary;
# people's data, movement and the data-update reminders.
DATA_OFFICERS = frozenset({Role.DATA_OFFICER})
DIARY_COORDINATORS = frozenset({Role.DIARY_COORDINATOR})
RECORD_KEEPERS = frozenset({Role.SECRETARY})
# Families' access (accounts/permissions.py). A class teacher does all of it for the families of
# the classes they lead now; these roles do their part for the whole school.
# Issue parents' and students' logins, record their applications and consents.
FAMILY_ACCESS_KEEPERS = frozenset({Role.DIARY_COORDINATOR})
# Change students' and parents' data.
FAMILY_DATA_EDITORS = frozenset({Role.SECRETARY, Role.ADMINISTRATOR})
# End the diary service for a family member (annul the account, send the notice).
SERVICE_TERMINATORS = frozenset({Role.DIARY_COORDINATOR, Role.ADMINISTRATOR})
# Read families' data and access records (each opening is logged).
FAMILY_DATA_READERS = (FAMILY_ACCESS_KEEPERS | FAMILY_DATA_EDITORS | SERVICE_TERMINATORS
                       | {Role.DATA_OFFICER, Role.DIRECTOR})
# Issue staff logins (regulation: staff get them from the administrator).
STAFF_LOGIN_ISSUERS = frozenset({Role.ADMINISTRATOR})
# Run the year rollover and confirm its draft journals; the director reads its records too.
ROLLOVER_RUNNERS = SCHOOL_MANAGERS
ROLLOVER_READERS = SCHOOL_MANAGERS | {Role.DIRECTOR}
# Record students' movement by school orders.
MOVEMENT_KEEPERS = frozenset({Role.SECRETARY, Role.DEPUTY})
# The installation's backups: see them, start one, download one (archive/backups).
BACKUP_KEEPERS = frozenset({Role.ADMINISTRATOR})
# The closed years' archive: browse it, build a year's archive, verify its files.
ARCHIVE_KEEPERS = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})
# Approve the removal of archive files past their keeping date.
ARCHIVE_REMOVAL_APPROVERS = frozenset({Role.DIRECTOR})
# Print any journal of the year as a certified copy («Копия верна»).
CERTIFIED_COPY_MAKERS = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.ADMINISTRATOR,
                                   Role.SECRETARY})

_VIEW = ("view",)
_EDIT = ("view", "add", "change", "delete")

_SCHOOL_SETUP = {
    "journal.school": ("view", "change"),
    "journal.academicyear": _EDIT,
    "journal.studyperiod": _EDIT,
    "journal.holiday": _EDIT,
    "journal.bellschedule": _EDIT,
    "journal.schoolclass": _EDIT,
    "journal.enrolment": _EDIT,
    "journal.subject": _EDIT,
    "journal.curriculumitem": _EDIT,
    "journal.subgroup": _EDIT,
    "journal.teachingassignment": _EDIT,
    # Rights no key carries (second teacher, checkers, inspectors), as inlines of the above.
    "journal.teachingassignmentuserobjectpermission": _EDIT,
    "journal.schoolclassuserobjectpermission": _EDIT,
    "journal.subjectuserobjectpermission": _EDIT,
    "journal.timetableslot": _EDIT,
    "journal.assessmenttype": _EDIT,
    "journal.lesson": ("view", "add"),
}
_PEOPLE = {
    "accounts.user": _EDIT,
    "accounts.staffrole": _EDIT,
    "accounts.student": _EDIT,
    "accounts.parent": _EDIT,
    "accounts.parentstudent": _EDIT,
}

# The families' records as the families' pages wrote them, to look at in the setup screens.
_FAMILY_RECORDS = {
    "accounts.diaryapplication": _VIEW,
    "accounts.personaldataconsent": _VIEW,
    "accounts.contactchannel": _VIEW,
    "accounts.credentialissue": _VIEW,
    "accounts.termination": _VIEW,
    "accounts.externalidentity": _VIEW,
}

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.DIRECTOR: {**{k: _VIEW for k in _SCHOOL_SETUP}, **{k: _VIEW for k in _PEOPLE}},
    Role.DEPUTY: {**_SCHOOL_SETUP, **{k: _VIEW for k in _PEOPLE},
                  "accounts.student": _EDIT, "accounts.parentstudent": _EDIT},
    Role.ADMINISTRATOR: {**_SCHOOL_SETUP, **_PEOPLE, **_FAMILY_RECORDS},
    # The secretary enters people but grants no roles: access rights are the administrator's.
    Role.SECRETARY: {**_PEOPLE, "accounts.staffrole": _VIEW, "journal.schoolclass": _VIEW,
                     "journal.enrolment": _EDIT},
    Role.DISPATCHER: {
        "journal.timetableslot": _EDIT,
        "journal.lesson": ("view", "add"),
        "journal.subgroup": _EDIT,
        "journal.teachingassignment": _VIEW,
        "journal.schoolclass": _VIEW,
        "journal.bellschedule": _VIEW,
    },
}


def permissions_for_roles(roles: set[str]) -> set[str]:
    """Django permission names ("app.action_model") that the given roles grant."""
    granted: set[str] = set()
    for role in roles:
        for model_label, actions in ROLE_PERMISSIONS.get(role, {}).items():
            app_label, model = model_label.split(".")
            granted.update(f"{app_label}.{action}_{model}" for action in actions)
    return granted
