"""The messaging app's data: internal mail, notices and events, notifications, letters."""

from messaging.models.letters import InformationLetter
from messaging.models.mail import Attachment, Mailing, Message, Participant, Thread
from messaging.models.notices import Announcement, AnnouncementFile, SchoolEvent
from messaging.models.notifications import (
    Delivery,
    InformationRefusal,
    Notification,
    NotificationPreference,
    NotificationSettings,
)

__all__ = [
    "Announcement", "AnnouncementFile", "Attachment", "Delivery", "InformationLetter",
    "InformationRefusal", "Mailing", "Message", "Notification", "NotificationPreference",
    "NotificationSettings", "Participant", "SchoolEvent", "Thread",
]
