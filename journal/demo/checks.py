"""The deputy director's work in the demo: last month's check kept as the beat task keeps it on
the 1st, and a few remarks from it — one still to fix, one fixed and waiting for verification."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts.models import User
from journal.demo.school import DemoSchool
from journal.models import TeachingAssignment
from journal.queries.checks.span import CheckSpan
from journal.queries.late_entries import Month
from journal.services.checks import keep_check
from journal.services.remarks import make_remark, take_step


def record_last_months_check(demo: DemoSchool) -> None:
    span = CheckSpan.of_month(Month(demo.today.replace(day=1)).previous)
    if span.first < demo.year.starts_on:
        return
    check, _ = keep_check(demo.school, span, today=demo.today)
    deputy, teacher, klass = (User.objects.get(username=login)
                              for login in ("zavuch", "teacher", "klass"))
    maths = (TeachingAssignment.objects.filter(year=demo.year, teacher=teacher)
             .order_by("school_class__grade", "school_class__letter").first())
    if maths is not None:
        make_remark(deputy, demo.school, addressee=teacher, assignment=maths, check=check,
                    finding="no_homework", due_on=_due(demo, days=7),
                    text="Не записано домашнее задание к части уроков: допишите задания или "
                         "отметьте «не задано».",
                    link=reverse("journal:journal", args=[maths.pk]))
    led = demo.year.classes.filter(class_teacher=klass).first()
    if led is not None:
        fixed = make_remark(deputy, demo.school, addressee=klass, school_class=led, check=check,
                            due_on=_due(demo, days=3),
                            text=f"Уточните причины пропусков в {led} классе по справкам.",
                            link=reverse("journal:class_attendance", args=[led.pk]))
        take_step(klass, fixed.pk, "done", "Причины уточнены по справкам.")


def _due(demo: DemoSchool, *, days: int) -> dt.date:
    """A remark's due date within the year, also when the demo is seeded in its last week."""
    return min(demo.today + dt.timedelta(days=days), demo.year.ends_on)
