"""The notifications pages: the list and the diary's box, the preferences, the refusals and the
deliveries log — what each role sees, bad input in Russian, outsiders 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import ContactChannel
from journal.models import SchoolClass
from messaging.models import (
    Delivery,
    InformationRefusal,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from messaging.models.notifications import Channel, Event
from messaging.notifications.services import notify
from tests.conftest import make_parent, make_school, make_student, make_year
from tests.journal.journal_setup import TODAY
from tests.messaging.notifications_setup import (  # noqa: F401 (fixtures)
    consent,
    kolya_fixture,
    kolya_parent_fixture,
    school_day_fixture,
    vasya_fixture,
)

pytestmark = pytest.mark.usefixtures("school_day")
# Every page: session, user, who the user is, the navigation's unread counts (2, until cached).
PAGE_QUERIES = 5
LIST = reverse("messaging:notifications:list")
SETTINGS = reverse("messaging:notifications:preferences")
REFUSALS = reverse("messaging:notifications:refusals")
DELIVERIES = reverse("messaging:notifications:deliveries")


def tell(user, key: str, title: str, student=None, link: str = "") -> Notification:
    [made] = notify([user.pk], event=Event.ABSENCE, key=key, title=title, text=f"{title}.",
                    student_id=student.pk if student else None, link=link)
    return made


# The user's notifications ----------------------------------------------------------------------

def test_the_list_shows_unread_first_and_marks_them_read(client, parent, vasya,
                                                         django_assert_max_num_queries):
    old = tell(parent, "a", "Старое уведомление", vasya)
    tell(parent, "b", "Новое уведомление", vasya)
    Notification.objects.filter(pk=old.pk).update(read_at=dt.datetime(2026, 11, 16, 9,
                                                                       tzinfo=dt.UTC))
    newest = tell(parent, "c", "Самое новое", vasya)
    Notification.objects.filter(pk=old.pk).update(created_at=newest.created_at
                                                  + dt.timedelta(minutes=1))
    client.force_login(parent)
    with django_assert_max_num_queries(PAGE_QUERIES + 2):  # the count, the page
        page = client.get(LIST).content.decode()
    order = [page.index(t) for t in ("Самое новое", "Новое уведомление", "Старое уведомление")]
    assert order == sorted(order)
    assert page.count('data-unread="1"') == 2

    client.post(reverse("messaging:notifications:read", args=[newest.pk]))
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    client.post(reverse("messaging:notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_nobody_marks_or_opens_another_users_notification(client, parent, outsider_parent):
    theirs = tell(outsider_parent, "x", "Чужое", link="/diary/")
    client.force_login(parent)
    assert client.post(reverse("messaging:notifications:read", args=[theirs.pk])) \
        .status_code == 404
    assert client.get(reverse("messaging:notifications:open", args=[theirs.pk])) \
        .status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, parent, vasya):
    mine = tell(parent, "y", "Пропуск", vasya, link=f"/diary/{vasya.pk}/week/")
    client.force_login(parent)
    answer = client.get(reverse("messaging:notifications:open", args=[mine.pk]))
    assert answer.url == f"/diary/{vasya.pk}/week/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_an_outside_link_of_a_notification_is_not_followed(client, parent):
    mine = tell(parent, "z", "Ссылка", link="https://evil.example/")
    client.force_login(parent)
    assert client.get(reverse("messaging:notifications:open", args=[mine.pk])).url == LIST


def test_the_diary_shows_the_childs_new_notifications_to_the_parent_only(
        client, parent, vasya, children, class_teacher):
    tell(parent, "d1", "Петров Василий: пропуск урока «Математика» 16.11.2026", vasya)
    tell(parent, "d2", "Петрова Мария: пропуск урока «Чтение» 16.11.2026", children[1])
    week = reverse("diary:week", args=[vasya.pk])
    client.force_login(parent)
    page = client.get(week).content.decode()
    assert 'data-testid="diary-notifications"' in page
    assert "Петров Василий: пропуск урока" in page and "Петрова Мария" not in page

    client.force_login(class_teacher)  # looks at the diary as the family sees it
    assert 'data-testid="diary-notifications"' not in client.get(week).content.decode()


def test_the_user_menu_leads_to_the_preferences(client, teacher):
    client.force_login(teacher)
    assert f'href="{SETTINGS}" data-testid="menu-notifications"' in \
        client.get(reverse("home")).content.decode()


# Preferences -----------------------------------------------------------------------------------

def test_without_a_consent_email_cannot_be_chosen_and_the_page_says_who_records_it(
        client, parent):
    client.force_login(parent)
    page = client.get(SETTINGS).content.decode()
    [email] = re.findall(r'<input[^>]*name="absence-email"[^>]*>', page)
    assert " disabled" in email and " checked" not in email
    assert "Согласие и адрес записывает классный руководитель" in page

    client.post(SETTINGS, {"absence-internal": "on", "absence-email": "on",
                           "quiet_from": "21:00", "quiet_to": "08:00"})
    assert not NotificationPreference.objects.filter(channel=Channel.EMAIL).exists()


def test_a_parent_with_a_consent_chooses_email_and_a_digest(client, parent):
    consent(parent, ContactChannel.Kind.EMAIL, parent.email)
    client.force_login(parent)
    page = client.get(SETTINGS).content.decode()
    assert "petrova@example.ru" in page
    answer = client.post(SETTINGS, {"absence-internal": "on", "absence-email": "on",
                                    "low_mark-email": "on", "daily_digest": "on",
                                    "quiet_from": "22:00", "quiet_to": "07:30"})
    assert answer.status_code == 302
    on = set(NotificationPreference.objects.filter(user=parent, enabled=True)
             .values_list("event", "channel"))
    assert on == {("absence", "internal"), ("absence", "email"), ("low_mark", "email")}
    assert NotificationPreference.objects.get(user=parent, event="message",
                                              channel="internal").enabled is False
    settings_row = NotificationSettings.objects.get(user=parent)
    assert (settings_row.daily_digest, settings_row.quiet_from, settings_row.quiet_to) == (
        True, dt.time(22), dt.time(7, 30))


def test_bad_quiet_hours_are_refused_in_russian_and_change_nothing(client, parent):
    client.force_login(parent)
    page = client.post(SETTINGS, {"absence-internal": "on", "quiet_from": "25:99",
                                  "quiet_to": ""}).content.decode()
    assert "Введите время в виде ЧЧ:ММ, например 08:30." in page and "Обязательное поле." in page
    assert not NotificationPreference.objects.exists()
    assert not NotificationSettings.objects.exists()


def test_staff_are_offered_messages_and_notices_the_deputy_also_marks_over_absence(
        client, teacher, deputy, director, administrator):
    client.force_login(teacher)
    page = client.get(SETTINGS).content.decode()
    assert 'name="message-internal"' in page and 'name="absence-internal"' not in page
    assert 'name="mark_over_absence-internal"' not in page
    for told in (deputy, director):
        client.force_login(told)
        assert 'name="mark_over_absence-internal"' in client.get(SETTINGS).content.decode()
    # The administrator (ICT) is not told of them, so is not offered the choice either.
    client.force_login(administrator)
    assert 'name="mark_over_absence-internal"' not in client.get(SETTINGS).content.decode()


# Refusals --------------------------------------------------------------------------------------

def test_the_class_teacher_records_a_refusal_of_a_parent_of_the_class(
        client, class_teacher, parent, vasya, kolya_parent, django_assert_max_num_queries):
    client.force_login(class_teacher)
    # The classes (3: theirs, the choice, the menu); the parents, their children and
    # refusals; the refusals' count.
    with django_assert_max_num_queries(PAGE_QUERIES + 7):
        page = client.get(REFUSALS).content.decode()  # their class is chosen for them
    assert "Петрова Наталья Андреевна" in page and "Козлова Ирина Петровна" in page
    form = reverse("messaging:notifications:record_refusal", args=[parent.parent.pk])
    assert client.get(form).status_code == 200

    bad = client.post(form, {"refused_on": "17.11.2026", "document": " "}).content.decode()
    assert "Дата отказа не может быть позже сегодняшнего дня." in bad
    assert "Обязательное поле." in bad
    assert not InformationRefusal.objects.exists()

    assert client.post(form, {"refused_on": "10.11.2026",
                              "document": "заявление № 5"}).status_code == 302
    refusal = InformationRefusal.objects.get()
    assert (refusal.parent, refusal.refused_on, refusal.recorded_by) == (
        parent.parent, dt.date(2026, 11, 10), class_teacher)
    again = client.post(form, {"refused_on": "12.11.2026", "document": "ещё одно"})
    assert "Отказ этого родителя уже записан: от 10.11.2026." in again.content.decode()


def test_a_class_teacher_cannot_reach_another_classs_parent(client, class_teacher,
                                                             outsider_parent, small_school):
    client.force_login(class_teacher)
    other = outsider_parent.parent
    assert client.get(reverse("messaging:notifications:record_refusal",
                              args=[other.pk])).status_code == 404
    assert client.get(REFUSALS, {"school_class": small_school.class_5b.pk}).status_code == 404
    assert client.get(REFUSALS, {"school_class": "x"}).status_code == 404


def test_the_administration_lists_refusals_and_withdraws_one(client, administrator, director,
                                                              parent, class_teacher):
    refusal = InformationRefusal.objects.create(parent=parent.parent,
                                                refused_on=TODAY - dt.timedelta(days=6),
                                                document="заявление № 5",
                                                recorded_by=class_teacher)
    client.force_login(director)
    page = client.get(REFUSALS).content.decode()
    assert "заявление № 5" in page and "действует" in page
    assert 'data-label="Отказ от">10.11.2026<' in page  # the date the refusal was made
    assert "Петров Василий" in page  # the children, for the guardianship authority

    client.force_login(administrator)
    client.post(reverse("messaging:notifications:withdraw_refusal", args=[refusal.pk]))
    refusal.refresh_from_db()
    assert refusal.withdrawn_on == TODAY


@pytest.mark.parametrize("who", ["teacher", "parent", "secretary"])
def test_others_get_404_on_the_refusals(client, request, who, parent, class_teacher):
    refusal = InformationRefusal.objects.create(parent=parent.parent, refused_on=TODAY,
                                                recorded_by=class_teacher)
    client.force_login(request.getfixturevalue(who))
    assert client.get(REFUSALS).status_code == 404
    assert client.get(reverse("messaging:notifications:record_refusal",
                              args=[parent.parent.pk])).status_code == 404
    assert client.post(reverse("messaging:notifications:withdraw_refusal",
                               args=[refusal.pk])).status_code == 404
    refusal.refresh_from_db()
    assert refusal.withdrawn_on is None


# Deliveries ------------------------------------------------------------------------------------

@pytest.fixture
def failed_delivery(parent, vasya) -> Delivery:
    notification = tell(parent, "f", "Петров Василий: пропуск", vasya)
    return Delivery.objects.create(notification=notification, channel=Channel.EMAIL,
                                   address=parent.email, status=Delivery.Status.FAILED,
                                   attempts=5, last_error="SMTP: 451 try again later")


def test_the_deliveries_log_filters_and_refuses_a_bad_date_in_russian(
        client, administrator, failed_delivery, django_assert_max_num_queries):
    client.force_login(administrator)
    # The second factor's device; the school; the failures, the count, the page; the classes.
    with django_assert_max_num_queries(PAGE_QUERIES + 6):
        page = client.get(DELIVERIES, {"channel": "email"}).content.decode()
    assert "SMTP: 451 try again later" in page and 'data-testid="retry"' in page
    assert client.get(DELIVERIES, {"channel": "sms"}).content.decode().count(
        'data-testid="delivery"') == 0
    bad = client.get(DELIVERIES, {"date_from": "32.13.2026"}).content.decode()
    assert 'data-testid="filter-errors"' in bad and 'data-testid="delivery"' not in bad


@pytest.mark.parametrize("who", ["teacher", "parent", "secretary", "class_teacher"])
def test_only_the_administration_opens_the_deliveries_log(client, request, who,
                                                          failed_delivery):
    client.force_login(request.getfixturevalue(who))
    assert client.get(DELIVERIES).status_code == 404
    assert client.post(reverse("messaging:notifications:retry",
                               args=[failed_delivery.pk])).status_code == 404
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == Delivery.Status.FAILED


def test_another_schools_delivery_and_class_are_not_found(client, administrator,
                                                           failed_delivery):
    other = make_school()
    other_class = SchoolClass.objects.create(year=make_year(other), grade=5, letter="В")
    student = make_student(other, "alien", "Чужой", "Ребёнок", other_class)
    alien = make_parent("alienparent", "Чужая", "Мама", "", [student])
    notification = tell(alien, "g", "Чужой: пропуск", student)
    theirs = Delivery.objects.create(notification=notification, channel=Channel.EMAIL,
                                     address="a@example.ru", status=Delivery.Status.FAILED)
    client.force_login(administrator)
    assert client.post(reverse("messaging:notifications:retry",
                               args=[theirs.pk])).status_code == 404
    page = client.get(DELIVERIES).content.decode()
    assert "Чужой: пропуск" not in page and "Петров Василий: пропуск" in page
    assert client.get(DELIVERIES, {"school_class": other_class.pk}).status_code == 404


def test_the_deliveries_of_a_class(client, administrator, failed_delivery, small_school):
    client.force_login(administrator)
    of_5a = client.get(DELIVERIES, {"school_class": small_school.class_5a.pk}).content.decode()
    of_5b = client.get(DELIVERIES, {"school_class": small_school.class_5b.pk}).content.decode()
    assert of_5a.count('data-testid="delivery"') == 1
    assert of_5b.count('data-testid="delivery"') == 0
