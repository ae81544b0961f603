"""Celery finds an app's tasks in its `tasks` module: the messaging app's live in its parts."""

from messaging.letters.tasks import *  # noqa: F403
from messaging.mail.tasks import *  # noqa: F403
from messaging.notices.tasks import *  # noqa: F403
from messaging.notifications.tasks import *  # noqa: F403
