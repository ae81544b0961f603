"""The exports app's part of the demo school: the default schedule of portal exports, written
into beat's tables, as a school has it from its first night."""

from __future__ import annotations

import datetime as dt


def seed_exports(sender, today: dt.date, **kwargs) -> None:
    from exports.portal.schedule import schedule_of
    from journal.models import School

    for school in School.objects.all():
        schedule_of(school)
