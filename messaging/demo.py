"""The messaging app's part of the demo school: each part seeds its own (see `seed` in
`messaging/*/demo.py`); called by the demo's seeding through `journal.signals.demo_seeded`."""

from __future__ import annotations

import datetime as dt


def seed_messaging(sender, today: dt.date, **kwargs) -> None:
    from messaging.mail import demo as mail
    from messaging.notices import demo as notices
    from messaging.notifications import demo as notifications

    for part in (notices, mail, notifications):
        part.seed(today)
