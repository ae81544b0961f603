"""School and class events: who may post which (crafted classes get 404), the month's calendar
each user sees, the diary's week showing them on their days, and the home page with the news,
notices and coming events, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.models import SchoolEvent
from messaging.notices import queries
from tests.messaging.notices_setup import (  # noqa: F401 (fixtures)
    CAST,
    TODAY,
    frozen_now_fixture,
    notice,
    world_fixture,
)

CREATE = reverse("messaging:notices:event_create")
CALENDAR = reverse("messaging:notices:calendar")
# The week of TODAY (Monday 16.11.2026) and the next.
THURSDAY = TODAY + dt.timedelta(days=3)


def signed_in(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def event(world, author: str, title: str, day: dt.date, school_class: str | None = None,
          **fields) -> SchoolEvent:
    return SchoolEvent.objects.create(
        school=world.classes[school_class].year.school if school_class else world.school,
        school_class=world.classes[school_class] if school_class else None, title=title,
        date=day, author=world.users[author], **fields)


@pytest.fixture
def events(world):
    return {
        "open day": event(world, "director", "День открытых дверей", TODAY + dt.timedelta(
            days=5), kind="open_day", starts_at=dt.time(10), place="Актовый зал"),
        "meeting 5А": event(world, "class_teacher", "Родительское собрание 5А", THURSDAY,
                            "5А", kind="meeting", starts_at=dt.time(18)),
        "excursion 5Б": event(world, "deputy", "Экскурсия 5Б", THURSDAY, "5Б",
                              kind="excursion"),
        "exam 1А": event(world, "deputy", "Диагностика 1А", TODAY + dt.timedelta(days=9), "1А",
                         kind="exam"),
        "other school": event(world, "other_director", "Концерт школы № 9", THURSDAY,
                              "other 5А"),
    }


# Posting -------------------------------------------------------------------------------------

TARGETS = {"whole school": "", "class 5А": "5А", "class 5Б": "5Б",
           "another school's class": "other 5А"}
ROLES = ["director", "deputy", "administrator", "class_teacher", "secretary", "editor",
         "teacher", "parent", "vasya"]
EXPECTED = {
    "whole school":           "302 302 302 404 404 404 404 404 404",
    "class 5А":               "302 302 302 302 404 404 404 404 404",
    "class 5Б":               "302 302 302 404 404 404 404 404 404",
    "another school's class": "404 404 404 404 404 404 404 404 404",
}
CREATE_PAGE = "200 200 200 200 404 404 404 404 404"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_posts_the_events_the_rule_gives_it(db, world, role):
    client = signed_in(world, role)
    column = ROLES.index(role)
    wrong = []
    if client.get(CREATE).status_code != int(CREATE_PAGE.split()[column]):
        wrong.append("the page to post")
    for target, school_class in TARGETS.items():
        want = int(EXPECTED[target].split()[column])
        with transaction.atomic():
            before = SchoolEvent.objects.count()
            response = client.post(CREATE, {
                "school_class": world.classes[school_class].pk if school_class else "",
                "kind": "meeting", "title": "Собрание", "date": "20.11.2026",
                "starts_at": "18:00", "ends_at": "", "place": "", "description": ""})
            added = SchoolEvent.objects.count() - before
            transaction.set_rollback(True)
        if (response.status_code, added) != (want, 1 if want == 302 else 0):
            wrong.append(f"{target}: {response.status_code}, {added} saved; expected {want}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_a_posted_event_is_on_the_calendar_of_its_month(db, world):
    client = signed_in(world, "class_teacher")
    response = client.post(CREATE, {
        "school_class": world.classes["5А"].pk, "kind": "excursion", "title": "Музей",
        "date": "03.12.2026", "starts_at": "9:00", "ends_at": "12:30", "place": "Музей",
        "description": "Сбор у школы"})
    assert response["Location"] == CALENDAR + "?month=2026-12"
    saved = SchoolEvent.objects.get(title="Музей")
    assert (saved.school_class, saved.date, saved.starts_at, saved.ends_at, saved.author) == (
        world.classes["5А"], dt.date(2026, 12, 3), dt.time(9), dt.time(12, 30),
        world.users["class_teacher"])
    page = signed_in(world, "parent").get(response["Location"]).content.decode()
    day = page.split('data-testid="event-day" data-date="2026-12-03"')[1].split("</section>")[0]
    assert "Музей" in day and "09:00–12:30" in day and "5А класс" in day


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "", "date": ""}, "Обязательное поле."),
    ({"date": "32.12.2026"}, "Введите дату в виде ДД.ММ.ГГГГ"),
    ({"starts_at": "9 утра"}, "Введите время в виде ЧЧ:ММ"),
    ({"starts_at": "", "ends_at": "12:00"}, "Укажите время начала."),
    ({"starts_at": "12:00", "ends_at": "11:00"}, "Окончание должно быть позже начала."),
])
def test_a_wrong_event_is_refused_in_russian(db, world, fields, message):
    client = signed_in(world, "director")
    response = client.post(CREATE, {"school_class": "", "kind": "other", "title": "Концерт",
                                    "date": "20.11.2026", "starts_at": "", "ends_at": "",
                                    "place": "", "description": "", **fields})
    assert response.status_code == 200 and message in response.content.decode()
    assert not SchoolEvent.objects.filter(title="Концерт").exists()


def test_only_the_poster_edits_or_deletes_an_event(db, world, events):
    meeting = events["meeting 5А"]
    edit = reverse("messaging:notices:event_edit", args=[meeting.pk])
    delete = reverse("messaging:notices:event_delete", args=[meeting.pk])
    for role in ("director", "parent", "teacher"):
        client = signed_in(world, role)
        assert client.get(edit).status_code == 404
        assert client.post(delete).status_code == 404
    own = signed_in(world, "class_teacher")
    assert 'value="Родительское собрание 5А"' in own.get(edit).content.decode()
    assert own.post(edit, {"school_class": world.classes["5А"].pk, "kind": "meeting",
                           "title": "Собрание перенесено", "date": "20.11.2026",
                           "starts_at": "18:30", "ends_at": "", "place": "",
                           "description": ""}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.date) == ("Собрание перенесено", dt.date(2026, 11, 20))
    assert own.post(edit, {"school_class": world.classes["5Б"].pk, "kind": "meeting",
                           "title": "В чужой класс", "date": "20.11.2026"}).status_code == 404
    assert own.post(delete).status_code == 302
    assert not SchoolEvent.objects.filter(pk=meeting.pk).exists()


# Who sees which event ------------------------------------------------------------------------

STAFF_SEES = {"open day", "meeting 5А", "excursion 5Б", "exam 1А"}
SEES = {
    "editor": STAFF_SEES, "secretary": STAFF_SEES, "director": STAFF_SEES,
    "deputy": STAFF_SEES, "administrator": STAFF_SEES, "data_officer": STAFF_SEES,
    "teacher": STAFF_SEES, "ivanov": STAFF_SEES, "class_teacher": STAFF_SEES,
    "parent": {"open day", "meeting 5А", "exam 1А"},
    "vasya": {"open day", "meeting 5А"},
    "masha": {"open day", "exam 1А"},
    "outsider_parent": {"open day", "excursion 5Б"},
    "outsider_child": {"open day", "excursion 5Б"},
    "other_parent": {"other school"},
    "other_director": {"other school"},
}


@pytest.mark.parametrize("reader", CAST)
def test_each_user_sees_the_events_meant_for_them(db, world, events, reader):
    by_pk = {e.pk: name for name, e in events.items()}
    seen = {by_pk[e.pk] for e in queries.events_visible_to(world.users[reader])}
    assert seen == SEES[reader]


def test_the_calendar_shows_the_months_events_on_their_days(db, world, events):
    page = signed_in(world, "parent").get(CALENDAR).content.decode()
    assert "ноябрь 2026" in page.lower()
    grid = page.split('data-testid="month-grid"')[1].split("</table>")[0]
    thursday = grid.split('data-date="2026-11-19"')[1].split("</td>")[0]
    assert "Родительское собрание 5А" in thursday and "Экскурсия 5Б" not in thursday
    days = page.split('data-testid="event-days"')[1]
    assert [d.split('"')[1] for d in days.split('data-testid="event-day" data-date=')[1:]] == [
        "2026-11-19", "2026-11-21", "2026-11-25"]
    assert 'aria-current="date"' in grid.split('data-date="2026-11-16"')[1][:40]


def test_the_calendar_moves_by_months_and_reads_a_wrong_month_as_this_one(db, world, events):
    client = signed_in(world, "parent")
    december = client.get(CALENDAR + "?month=2026-12").content.decode()
    assert "декабрь 2026" in december.lower() and 'data-testid="no-events"' in december
    assert "?month=2026-11" in december and "?month=2027-01" in december
    wrong = client.get(CALENDAR + "?month=13-2026").content.decode()
    assert "Не удалось прочитать месяц" in wrong and "ноябрь 2026" in wrong.lower()


def test_the_calendar_answers_anonymous_visitors_with_the_sign_in_page(db, world):
    assert Client().get(CALENDAR)["Location"].startswith(reverse("login"))


# The diary's week ------------------------------------------------------------------------------

def test_the_diary_week_shows_the_schools_and_the_classs_events_on_their_days(db, world,
                                                                            events):
    vasya = world.users["vasya"].student
    page = signed_in(world, "parent").get(reverse("diary:week", args=[vasya.pk])).content.decode()
    days = {part.split('"')[1]: part.split("</section>")[0]
            for part in page.split('data-testid="day" data-date=')[1:]}
    assert "Родительское собрание 5А" in days["2026-11-19"]
    assert "18:00" in days["2026-11-19"]
    assert "Экскурсия 5Б" not in page and "Концерт школы № 9" not in page
    # The open day is on Saturday, which a five-day school shows only for it.
    assert "День открытых дверей" in days["2026-11-21"]
    assert "2026-11-22" not in days
    next_week = signed_in(world, "parent").get(
        reverse("diary:week", args=[vasya.pk]) + "?week=2026-11-23").content.decode()
    assert "Родительское собрание" not in next_week and "Диагностика 1А" not in next_week


# The home page ---------------------------------------------------------------------------------

def home_queries(client) -> tuple[int, str]:
    client.get("/")   # the navigation's counts are cached from the first page on
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    return len(captured), page


@pytest.mark.parametrize(("role", "newest"), [
    ("parent", ["Первые классы", "Пятый А", "Пятые классы", "Для родителей",
                "Объявление для всей школы"]),
    ("vasya", ["Пятый А", "Пятые классы", "Объявление для всей школы", "Новость школы"]),
    ("teacher", ["Педсовет", "Объявление для всей школы", "Новость школы"]),
    ("director", ["Первые классы", "Пятый Б", "Пятый А", "Пятые классы", "Для родителей"]),
])
def test_the_home_page_shows_the_users_newest_notices_and_coming_events(db, world, events,
                                                                        role, newest):
    _, page = home_queries(signed_in(world, role))
    shown = page.split('data-section="notices"')[1]
    titles = [part.split("</a>")[0].rsplit(">", 1)[1]
              for part in shown.split('data-testid="notice-title"')[1:]]
    assert titles == newest
    coming = [part.split("</span>")[0].rsplit(">", 1)[1]
              for part in shown.split('data-testid="event-title"')[1:]]
    assert coming == [events[name].title for name in ("meeting 5А", "excursion 5Б", "open day",
                                                      "exam 1А") if name in SEES[role]]


# The home page's queries once the navigation's counts are cached, 2 of them for the news and
# notices and the coming events (the rest are the session, the user, who the user is and the
# role's own sections: a teacher's include the remarks of the journals' check).
HOME_QUERIES = {"parent": 10, "teacher": 11, "vasya": 11}


@pytest.mark.parametrize("role", HOME_QUERIES)
def test_the_home_page_costs_two_queries_for_notices_and_events_however_many(db, world,
                                                                          events, role):
    client = signed_in(world, role)
    before, _ = home_queries(client)
    for n in range(12):
        notice(world, "editor", f"Новость {n}", kind="news")
        event(world, "director", f"Событие {n}", TODAY + dt.timedelta(days=n % 7))
    after, page = home_queries(client)
    assert before == after == HOME_QUERIES[role]
    assert page.count('data-testid="notice"') == 5 and page.count('data-testid="home-event"') == 5
