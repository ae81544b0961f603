"""Families' sign-ins and diary views are recorded (who, when, which page) and pruned."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from diary.activity import flush_activity, last_visits, prune_activity, record_view
from diary.models import ActivityRecord
from tests.conftest import PASSWORD


def test_a_parents_sign_in_is_recorded(client, parent):
    client.post(reverse("login"), {"username": "petrova", "password": PASSWORD})
    record = ActivityRecord.objects.get()
    assert (record.user, record.kind, record.page) == (parent, "sign_in", "")


def test_a_students_sign_in_is_recorded(client, children):
    client.post(reverse("login"), {"username": "vasya", "password": PASSWORD})
    assert ActivityRecord.objects.filter(user=children[0].user, kind="sign_in").count() == 1


def test_staff_sign_ins_are_not_recorded_here(client, teacher):
    client.post(reverse("login"), {"username": "matveeva", "password": PASSWORD})
    assert not ActivityRecord.objects.exists()


def test_records_older_than_the_retention_period_are_pruned(parent, children, settings):
    settings.ACTIVITY_RETENTION_DAYS = 365
    now = timezone.now()
    record_view(parent, "week", children[0])
    flush_activity()  # with Redis the view waits there until the flush
    old = ActivityRecord.objects.create(user=parent, kind="view", page="marks",
                                        at=now - dt.timedelta(days=400))
    assert prune_activity(now) == 1
    assert not ActivityRecord.objects.filter(pk=old.pk).exists()
    assert ActivityRecord.objects.count() == 1


def test_last_visits_gives_each_users_latest_record(parent, outsider_parent, children):
    now = timezone.now()
    ActivityRecord.objects.create(user=parent, kind="sign_in", at=now - dt.timedelta(days=3))
    ActivityRecord.objects.create(user=parent, kind="view", page="week",
                                  at=now - dt.timedelta(days=1))
    visits = last_visits([parent, outsider_parent])
    assert visits == {parent.pk: now - dt.timedelta(days=1)}


def test_class_teacher_sees_each_familys_last_visit(client, class_teacher, parent, children,
                                                    django_assert_max_num_queries):
    record_view(parent, "week", children[0])
    client.force_login(class_teacher)
    url = reverse("diary:class_activity", args=[children[0].enrolments.get().school_class_id])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Петрова Наталья Андреевна (мать):" in page
    assert "Петров Василий" in page and "не заходил(а)" in page


def test_another_class_teacher_cannot_see_the_class_activity(client, teacher, children):
    client.force_login(teacher)
    url = reverse("diary:class_activity", args=[children[0].enrolments.get().school_class_id])
    assert client.get(url).status_code == 404


def test_diary_views_are_recorded_for_the_family_only(client, parent, children, class_teacher):
    client.force_login(parent)
    client.get(reverse("diary:week", args=[children[0].pk]))
    client.get(reverse("diary:marks", args=[children[0].pk]))
    flush_activity()  # with Redis the views wait there until the flush
    views = ActivityRecord.objects.filter(kind="view").order_by("pk")
    assert [(r.user, r.page, r.student) for r in views] == [
        (parent, "week", children[0]), (parent, "marks", children[0])]
    client.force_login(class_teacher)
    client.get(reverse("diary:week", args=[children[0].pk]))
    flush_activity()
    assert ActivityRecord.objects.filter(kind="view").count() == 2


def test_marks_entered_since_the_last_visit_are_marked_new(client, parent, children, teacher,
                                                           small_school):
    import time_machine

    from journal.services.cells import set_cell
    from tests.journal.journal_setup import TODAY, at, make_lesson

    vasya = children[0]
    with time_machine.travel(at(TODAY, 9), tick=False):
        first = make_lesson(small_school.maths_5a, TODAY, 1)
        set_cell(teacher, first, vasya, "4")
        client.force_login(parent)
        page = client.get(reverse("diary:week", args=[vasya.pk])).content.decode()
        assert 'data-testid="new"' not in page  # the first visit: nothing is "new"
    with time_machine.travel(at(TODAY, 15), tick=False):
        second = make_lesson(small_school.maths_5a, TODAY, 3)
        set_cell(teacher, second, vasya, "5")
    with time_machine.travel(at(TODAY, 19), tick=False):
        page = client.get(reverse("diary:week", args=[vasya.pk])).content.decode()
        assert page.count('data-testid="new"') == 1
    with time_machine.travel(at(TODAY, 20), tick=False):
        page = client.get(reverse("diary:week", args=[vasya.pk])).content.decode()
        assert 'data-testid="new"' not in page  # seen now

