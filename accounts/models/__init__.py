from accounts.models.families import (
    ContactChannel,
    CredentialIssue,
    DiaryApplication,
    PersonalDataConsent,
    Termination,
)
from accounts.models.identities import ExternalIdentity
from accounts.models.people import (
    Parent,
    ParentStudent,
    StaffRole,
    Student,
    User,
    phone_validator,
    portal_uid_validator,
)
from accounts.models.personal_data import PersonalDataEvent
from accounts.models.reminders import DataChangeNotice, DataUpdateReminder

__all__ = [
    "ContactChannel", "CredentialIssue", "DataChangeNotice", "DataUpdateReminder",
    "DiaryApplication", "ExternalIdentity", "Parent",
    "ParentStudent", "PersonalDataConsent", "PersonalDataEvent", "StaffRole", "Student",
    "Termination", "User", "phone_validator", "portal_uid_validator",
]
