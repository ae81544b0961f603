"""The demo's news, notices and events, posted through the services by the demo's people
(`journal.demo.cast`): the news editor, the secretary, the director and the class teacher."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from journal.models import SchoolClass
from journal.weeks import week_start
from messaging.models import Announcement, SchoolEvent
from messaging.notices.services import EventData, NoticeData, save_event, save_notice

Kind = Announcement.Kind
Audience = Announcement.Audience
Event = SchoolEvent.Kind

NEWS = [
    (6, "Итоги школьного этапа олимпиады",
     "Поздравляем победителей и призёров школьного этапа всероссийской олимпиады школьников!\n"
     "Списки участников муниципального этапа — у классных руководителей."),
    (3, "Библиотека ждёт читателей",
     "В школьную библиотеку поступили новые книги для 1–11 классов.\n"
     "Библиотека работает с понедельника по пятницу с 9:00 до 16:00."),
    (1, "Неделя безопасности дорожного движения",
     "На этой неделе на классных часах говорим о правилах дорожного движения. "
     "Пожалуйста, повторите с детьми безопасный путь из дома в школу."),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(today: dt.date) -> None:
    """A few news items, a notice to one grade's families, a class notice by its class
    teacher, a notice to the staff, and school and class events this week and the next."""
    people = {u.username: u for u in User.objects.filter(
        username__in=["editor", "secretary", "director", "klass"])}
    led = (SchoolClass.objects.filter(class_teacher=people["klass"], year__is_current=True)
           .order_by("grade", "letter").first())
    monday = week_start(today)
    for days_ago, title, body in NEWS:
        save_notice(people["editor"], NoticeData(
            kind=Kind.NEWS, audience=Audience.SCHOOL, title=title, body=body,
            publish_at=_at(today - dt.timedelta(days=days_ago), 9)))
    save_notice(people["director"], NoticeData(
        kind=Kind.NOTICE, audience=Audience.STAFF, title="Педагогический совет",
        body="Педагогический совет по итогам четверти — послезавтра в 15:00 в актовом зале.",
        publish_at=_at(today - dt.timedelta(days=2), 8),
        expires_at=_at(today + dt.timedelta(days=3), 0)))
    if led is not None:
        save_notice(people["secretary"], NoticeData(
            kind=Kind.NOTICE, audience=Audience.GRADE, grade=led.grade,
            title=f"Родительские собрания {led.grade}-х классов",
            body="Уважаемые родители! Собрания пройдут на следующей неделе в кабинетах классов, "
                 "время сообщат классные руководители.",
            publish_at=_at(today - dt.timedelta(days=1), 10),
            expires_at=_at(today + dt.timedelta(days=14), 0)))
        save_notice(people["klass"], NoticeData(
            kind=Kind.NOTICE, audience=Audience.CLASS, class_id=led.pk,
            title="Экскурсия в краеведческий музей",
            body="Идём в краеведческий музей (дата — в календаре событий). Сбор в 9:00 у школы; "
                 "с собой — сменная обувь и 150 рублей на билет.",
            publish_at=_at(today, 8), expires_at=_at(today + dt.timedelta(days=5), 0)))
        save_event(people["klass"], EventData(
            kind=Event.EXCURSION, title="Экскурсия в краеведческий музей", class_id=led.pk,
            date=monday + dt.timedelta(days=4), starts_at=dt.time(9), ends_at=dt.time(12),
            place="Краеведческий музей"))
        save_event(people["klass"], EventData(
            kind=Event.MEETING, title=f"Родительское собрание {led}", class_id=led.pk,
            date=monday + dt.timedelta(days=8), starts_at=dt.time(18), place="Кабинет 21",
            description="Итоги четверти, подготовка к экскурсии."))
    save_event(people["director"], EventData(
        kind=Event.OPEN_DAY, title="День открытых дверей", date=monday + dt.timedelta(days=5),
        starts_at=dt.time(10), ends_at=dt.time(13), place="Актовый зал"))
    save_event(people["director"], EventData(
        kind=Event.HOLIDAY, title="Концерт ко Дню матери", date=monday + dt.timedelta(days=10),
        starts_at=dt.time(17), place="Актовый зал"))
