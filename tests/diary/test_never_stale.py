"""The diary's pages are kept in the cache (on Redis, as production keeps them), and never
stale: a family who loaded a page, then reloads after the teacher's save, sees what was saved.
One test per kind of write, each made through the service the teacher's page calls, with its
after-commit work run; and what differs per reader (the «новое» marks, the staff's log) stays
right though the page's body is shared."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry

from accounts.models import ParentStudent, PersonalDataEvent
from journal import versions
from journal.models import Holiday, Lesson
from journal.services import movement
from journal.services.cells import fill_column, set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import set_homework
from journal.services.lesson_record import assign_substitute, save_lesson_record
from messaging.notices.services import EventData, save_event
from tests.diary.conftest import url
from tests.journal.journal_setup import TODAY, at, make_lesson
from tests.redis_cache import redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")
ORDER = {"order_number": "45-у", "order_date": dt.date(2026, 11, 13)}
WEDNESDAY = TODAY + dt.timedelta(days=2)


@pytest.fixture
def saved(django_capture_on_commit_callbacks):
    """Runs a write and the work it leaves for after the commit, as a request's commit does."""
    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)
    return run


@pytest.fixture
def maths(small_school) -> Lesson:
    return make_lesson(small_school.maths_5a, TODAY, number=2, topic="Дроби")


def page(client, name: str, student, **query) -> str:
    response = client.get(url(name, student, **query))
    assert response.status_code == 200
    return response.content.decode()


def lessons(html: str) -> list[str]:
    return html.split('data-testid="lesson"')[1:]


@pytest.fixture
def reader(client, parent, vasya, maths):
    """The parent with today's week and the marks page loaded: both now in the cache."""
    client.force_login(parent)
    page(client, "diary:week", vasya)
    page(client, "diary:marks", vasya)
    return client


def test_a_mark_saved_in_a_cell_is_on_the_reloaded_week(reader, vasya, teacher, maths, saved):
    assert 'data-testid="mark"' not in page(reader, "diary:week", vasya)
    saved(set_cell, teacher, maths, vasya, "4")
    [lesson] = lessons(page(reader, "diary:week", vasya))
    assert 'data-testid="mark" title="Отметка">4<' in lesson
    assert 'data-testid="average">4,00<' in page(reader, "diary:marks", vasya)


def test_an_absence_saved_in_a_cell_is_on_the_reloaded_week(reader, vasya, teacher, maths,
                                                            saved):
    saved(set_cell, teacher, maths, vasya, "н")
    [lesson] = lessons(page(reader, "diary:week", vasya))
    assert 'data-testid="absence" title="н">н<' in lesson


def test_a_column_fill_is_on_the_reloaded_week(reader, vasya, teacher, maths, saved):
    saved(fill_column, teacher, maths, "5")
    [lesson] = lessons(page(reader, "diary:week", vasya))
    assert 'data-testid="mark" title="Отметка">5<' in lesson


def test_a_lessons_new_topic_is_on_the_reloaded_week(reader, vasya, teacher, maths, saved):
    saved(save_lesson_record, teacher, maths, topic="Сложение дробей")
    assert "Сложение дробей" in page(reader, "diary:week", vasya)


def test_homework_set_is_on_the_reloaded_week_and_homework_page(reader, vasya, teacher, maths,
                                                                small_school, saved):
    make_lesson(small_school.maths_5a, WEDNESDAY, number=2)
    assert "№ 245" not in page(reader, "diary:homework", vasya)
    saved(set_homework, teacher, maths, text="№ 245")
    assert "№ 245" in page(reader, "diary:week", vasya)
    assert "№ 245" in page(reader, "diary:homework", vasya)


def test_a_term_mark_is_on_the_reloaded_marks_and_finals_pages(reader, vasya, teacher,
                                                               small_school, year, saved):
    quarter = year.periods.get(kind="quarter", number=2)
    page(reader, "diary:finals", vasya)
    saved(set_final_mark, teacher, small_school.maths_5a, vasya, "period", quarter, "5")
    marks = page(reader, "diary:marks", vasya).split('data-subject="Математика"')[1]
    assert ">5<" in marks.split('data-testid="term-mark"')[1].split("</td>")[0]
    finals = page(reader, "diary:finals", vasya).split('data-subject="Математика"')[1]
    assert 'data-label="2-я четверть"><span class="final-value">5<' in finals


def test_a_substitution_is_on_the_reloaded_week(reader, vasya, deputy, substitute, maths, saved):
    saved(assign_substitute, deputy, maths, substitute, "болезнь учителя")
    [lesson] = lessons(page(reader, "diary:week", vasya))
    assert "Заменин П. С." in lesson and "замена" in lesson


def test_a_transfer_to_another_class_is_on_the_reloaded_week(reader, vasya, deputy, maths,
                                                             small_school, saved):
    make_lesson(small_school.maths_5b, WEDNESDAY, number=3, topic="Урок в 5Б")
    assert "Урок в 5Б" not in page(reader, "diary:week", vasya)
    saved(movement.transfer, deputy, vasya, small_school.class_5b, WEDNESDAY, **ORDER)
    week = page(reader, "diary:week", vasya)
    assert "Урок в 5Б" in week and "Дроби" in week     # the old class's lessons before it


def test_a_change_of_subgroup_is_on_the_reloaded_week(reader, vasya, deputy, small_school,
                                                      saved):
    small_school.english_5a_group1.subgroup.students.add(vasya)
    make_lesson(small_school.english_5a_group1, WEDNESDAY, number=4, topic="Группа один")
    make_lesson(small_school.english_5a_group2, WEDNESDAY, number=5, topic="Группа два")
    page(reader, "diary:week", vasya)
    saved(movement.change_subgroup, deputy, vasya, small_school.english,
          small_school.english_5a_group2.subgroup, WEDNESDAY, **ORDER)
    week = page(reader, "diary:week", vasya)
    assert "Группа два" in week and "Группа один" not in week


def test_an_event_posted_for_the_class_is_on_the_reloaded_week(reader, vasya, class_teacher,
                                                               small_school, saved):
    saved(save_event, class_teacher, EventData(kind="meeting", title="Родительское собрание",
                                               date=WEDNESDAY, class_id=small_school.class_5a.pk))
    assert "Родительское собрание" in page(reader, "diary:week", vasya)


def test_a_holiday_added_in_the_setup_screens_is_on_the_reloaded_week(reader, vasya, year,
                                                                      administrator, saved):
    def add_holiday():
        holiday = Holiday.objects.create(year=year, name="День школы", starts_on=WEDNESDAY,
                                         ends_on=WEDNESDAY)
        LogEntry.objects.log_actions(administrator.pk, [holiday], ADDITION, single_object=True)

    saved(add_holiday)
    assert "День школы" in page(reader, "diary:week", vasya)


def test_a_version_is_bumped_again_after_the_commit(small_school,
                                                   django_capture_on_commit_callbacks):
    """A reader who saw the first bump may have read the data before the commit: the second
    leaves what they stored behind."""
    classes, school = [small_school.class_5a.pk], small_school.school.pk
    before = versions.stamp(classes, school)
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        versions.bump_classes(classes)
        during = versions.stamp(classes, school)
    assert during != before
    for callback in after_commit:
        callback()
    assert versions.stamp(classes, school) not in (before, during)


def test_a_version_lost_from_the_cache_never_comes_back_as_an_old_one(small_school):
    from django.core.cache import cache

    classes, school = [small_school.class_5a.pk], small_school.school.pk
    seen = {versions.stamp(classes, school)}
    for _ in range(3):
        cache.delete(versions._class_key(small_school.class_5a.pk))
        seen.add(versions.stamp(classes, school))
    assert len(seen) == 4


# What differs per reader --------------------------------------------------------------------

def test_each_reader_sees_what_is_new_since_their_own_last_visit(client, parent, vasya, teacher,
                                                                 maths, saved):
    student = type(client)()
    student.force_login(vasya.user)
    with time_machine.travel(at(TODAY, 9), tick=False):
        client.force_login(parent)
        assert 'data-testid="new"' not in page(client, "diary:week", vasya)
    with time_machine.travel(at(TODAY, 15), tick=False):
        saved(set_cell, teacher, maths, vasya, "5")
    with time_machine.travel(at(TODAY, 16), tick=False):
        # The student's first visit: nothing is new; the body is now in the cache.
        assert 'data-testid="new"' not in page(student, "diary:week", vasya)
    with time_machine.travel(at(TODAY, 19), tick=False):
        assert page(client, "diary:week", vasya).count('data-testid="new"') == 1
    with time_machine.travel(at(TODAY, 20), tick=False):
        assert 'data-testid="new"' not in page(client, "diary:week", vasya)
        assert 'data-testid="new"' not in page(student, "diary:week", vasya)


def test_new_homework_gets_its_badge_from_the_cached_body(client, parent, vasya, teacher, maths,
                                                          saved):
    with time_machine.travel(at(TODAY, 9), tick=False):
        client.force_login(parent)
        page(client, "diary:week", vasya)
    with time_machine.travel(at(TODAY, 15), tick=False):
        saved(set_homework, teacher, maths, text="№ 12")
    with time_machine.travel(at(TODAY, 19), tick=False):
        week = page(client, "diary:week", vasya)
    assert '<span class="badge text-bg-success me-1" data-testid="new">новое</span>№ 12' in week
    assert "<!--new:" not in week


def test_staff_looking_in_are_logged_on_every_visit_and_see_no_family_bits(
        client, deputy, parent, vasya, masha, teacher, maths, saved):
    saved(set_cell, teacher, maths, vasya, "5")
    client.force_login(parent)
    page(client, "diary:week", vasya)                 # the body is in the cache
    client.force_login(deputy)
    for _ in range(2):
        week = page(client, "diary:week", vasya)
        assert 'data-testid="family-view-banner"' in week
        assert 'data-testid="child-switcher"' not in week and 'data-testid="new"' not in week
    assert PersonalDataEvent.objects.filter(
        actor=deputy, subject=vasya.user, kind=PersonalDataEvent.Kind.VIEW_DIARY).count() == 2


def test_the_family_switcher_is_the_readers_own(client, parent, vasya, masha, maths):
    client.force_login(parent)
    assert 'data-testid="child-switcher"' in page(client, "diary:week", vasya)
    client.force_login(vasya.user)
    assert 'data-testid="child-switcher"' not in page(client, "diary:week", vasya)


def test_a_parent_who_lost_the_link_to_the_child_gets_404_from_the_cached_page(
        client, parent, vasya, maths):
    client.force_login(parent)
    page(client, "diary:week", vasya)
    ParentStudent.objects.filter(parent__user=parent, student=vasya).delete()
    assert client.get(url("diary:week", vasya)).status_code == 404


def test_setup_log_entries_bump_the_setup_version(administrator, year, saved):
    before = versions.stamp([], year.school_id)
    saved(LogEntry.objects.log_actions, administrator.pk, [year], ADDITION, single_object=True)
    assert versions.stamp([], year.school_id) != before


def test_a_teachers_save_does_not_fail_when_redis_refuses_the_new_version(
        vasya, teacher, maths, saved, monkeypatch):
    from django.core.cache import caches
    from redis.exceptions import ConnectionError as RedisDown

    def refuse(*args, **kwargs):
        raise RedisDown("Redis is down")

    # The cache object itself, not the proxy: the test's Redis cache is replaced by the run's
    # own when its settings are restored, before this patch is undone.
    monkeypatch.setattr(caches["default"], "set_many", refuse)
    saved(set_cell, teacher, maths, vasya, "5")
    assert maths.marks.get(student=vasya).value == "5"


# What the week shows around its body, and whose diary it is: cached too --------------------

def test_a_notice_posted_and_withdrawn_is_on_the_reloaded_week(reader, vasya, class_teacher,
                                                               small_school, saved):
    from django.utils import timezone

    from messaging.notices.services import NoticeData, save_notice, withdraw_notice

    assert "Сбор макулатуры" not in page(reader, "diary:week", vasya)
    notice = saved(save_notice, class_teacher, NoticeData(
        kind="notice", audience="class", title="Сбор макулатуры", body="В пятницу.",
        publish_at=timezone.now(), class_id=small_school.class_5a.pk))
    assert "Сбор макулатуры" in page(reader, "diary:week", vasya)
    saved(withdraw_notice, class_teacher, notice.pk)
    assert "Сбор макулатуры" not in page(reader, "diary:week", vasya)


def test_a_notice_for_another_class_or_the_staff_is_not_on_the_week(reader, vasya,
                                                                    administrator, small_school,
                                                                    saved):
    from django.utils import timezone

    from messaging.notices.services import NoticeData, save_notice

    for audience, title, class_id in [("class", "Только для 5Б", small_school.class_5b.pk),
                                      ("staff", "Только для учителей", None),
                                      ("parents", "Для родителей", None)]:
        saved(save_notice, administrator, NoticeData(
            kind="notice", audience=audience, title=title, body="Текст.",
            publish_at=timezone.now(), class_id=class_id))
    week = page(reader, "diary:week", vasya)
    assert "Для родителей" in week
    assert "Только для 5Б" not in week and "Только для учителей" not in week
    reader.force_login(vasya.user)
    assert "Для родителей" not in page(reader, "diary:week", vasya)   # not the student's own


def test_a_notification_about_the_child_is_on_the_reloaded_week_until_read(reader, parent,
                                                                           vasya, saved):
    from messaging.notifications.services import mark_read, notify

    saved(notify, [parent.pk], event="absence", key="test:absence", title="Пропуск урока",
          text="Василий отсутствовал на уроке.", student_id=vasya.pk)
    assert 'data-testid="diary-notification"' in page(reader, "diary:week", vasya)
    saved(mark_read, parent)
    assert 'data-testid="diary-notification"' not in page(reader, "diary:week", vasya)


def test_a_childs_new_name_is_on_the_parents_reloaded_page(reader, vasya, saved):
    user = vasya.user

    def rename():
        user.first_name = "Вячеслав"
        user.save()

    saved(rename)
    assert "Вячеслав" in page(reader, "diary:week", vasya)


def test_a_child_newly_linked_is_in_the_parents_switcher_at_once(reader, parent, vasya,
                                                                 classmate, saved):
    assert "Николай" not in page(reader, "diary:week", vasya)
    saved(ParentStudent.objects.create, parent=parent.parent, student=classmate,
          relation=ParentStudent.Relation.MOTHER)
    assert "Николай" in page(reader, "diary:week", vasya)


def test_a_family_read_while_a_family_changed_is_read_again_next_time(
        parent, vasya, maths, monkeypatch, django_assert_num_queries):
    """A change committed while the family was read may not be in what was read: what is
    stored then is out of date at once."""
    from diary import family_cache, queries

    read = queries.family_enrolments

    def read_while_a_move_commits(*args, **kwargs):
        found = read(*args, **kwargs)
        versions.bump_families()
        return found

    monkeypatch.setattr(queries, "family_enrolments", read_while_a_move_commits)
    family_cache.family_enrolments(parent, themself=False, children=True, today=TODAY)
    monkeypatch.setattr(queries, "family_enrolments", read)
    with django_assert_num_queries(1):   # read again
        family_cache.family_enrolments(parent, themself=False, children=True, today=TODAY)
    with django_assert_num_queries(0):   # and now kept
        family_cache.family_enrolments(parent, themself=False, children=True, today=TODAY)
