"""Who sees which notice: every reader × every notice (expired and future ones hidden), the
notices page and one notice's page, the attachments' rights, the diary's notices, and the rule
read the other way (whom a notice is for) agreeing with it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from messaging.models import AnnouncementFile
from messaging.notices import queries
from messaging.notices.audience import READ_ALL
from tests.messaging.notices_setup import (  # noqa: F401 (fixtures)
    CAST,
    NOW,
    frozen_now_fixture,
    notice,
    world_fixture,
)

# The notices of `notices_setup` each reader sees now.
SCHOOL_WIDE = {"news", "school"}
STAFF = SCHOOL_WIDE | {"staff"}
EVERY_NOTICE = STAFF | {"parents", "grade 5", "class 5А", "class 5Б", "grade 1"}
SEES = {
    "editor": STAFF,
    "secretary": EVERY_NOTICE,
    "director": EVERY_NOTICE,
    "deputy": EVERY_NOTICE,
    "administrator": EVERY_NOTICE,
    "data_officer": STAFF,
    "teacher": STAFF,
    "ivanov": STAFF,                                     # no role: teaches 5Б
    "class_teacher": STAFF | {"grade 5", "class 5А"},    # leads 5А
    "parent": SCHOOL_WIDE | {"parents", "grade 5", "class 5А", "grade 1"},  # of 5А and 1А
    "vasya": SCHOOL_WIDE | {"grade 5", "class 5А"},
    "masha": SCHOOL_WIDE | {"grade 1"},
    "outsider_parent": SCHOOL_WIDE | {"parents", "grade 5", "class 5Б"},
    "outsider_child": SCHOOL_WIDE | {"grade 5", "class 5Б"},
    "other_parent": {"other school"},
    "other_director": {"other school"},
}


def names_of(world, notices) -> set[str]:
    by_pk = {n.pk: name for name, n in world.notices.items()}
    return {by_pk[n.pk] for n in notices}


def signed_in(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_every_reader_is_in_the_cast():
    assert set(SEES) == set(CAST)


@pytest.mark.parametrize("reader", CAST)
def test_each_reader_sees_exactly_the_notices_meant_for_them(db, world, reader):
    assert names_of(world, queries.visible_to(world.users[reader])) == SEES[reader]


def test_the_expired_and_the_future_notices_are_shown_to_nobody(db, world):
    for reader in CAST:
        seen = names_of(world, queries.visible_to(world.users[reader]))
        assert not seen & {"expired", "future"}, reader


def test_a_notice_shows_from_its_publication_to_its_expiry(db, world):
    parent = world.users["parent"]
    future, expired = world.notices["future"], world.notices["expired"]
    second = dt.timedelta(seconds=1)
    for moment, shown in ((future.publish_at - second, False), (future.publish_at, True)):
        with time_machine.travel(moment, tick=False):
            assert queries.visible_to(parent).filter(pk=future.pk).exists() == shown
    for moment, shown in ((expired.expires_at - second, True), (expired.expires_at, False)):
        with time_machine.travel(moment, tick=False):
            assert queries.visible_to(parent).filter(pk=expired.pk).exists() == shown


@pytest.mark.parametrize("name", ["news", "school", "staff", "parents", "grade 5", "class 5А",
                                  "class 5Б", "grade 1", "other school"])
def test_whom_a_notice_is_for_agrees_with_who_sees_it(db, world, name):
    """The other side of the rule: told are those who see it, less the readers of everything
    (the administration, the secretary), who are not told of a notice not for them."""
    notice_ = world.notices[name]
    cast = {world.users[r].pk: r for r in CAST}
    told = {cast[pk] for pk in queries.audience_of(notice_).values_list("pk", flat=True)
            if pk in cast}
    sees = {r for r in CAST if name in SEES[r]}
    readers_of_all = {r for r in sees if world.users[r].staff_roles.filter(
        school=notice_.school, role__in=READ_ALL).exists()}
    assert told <= sees
    assert sees - told <= readers_of_all
    if notice_.audience not in ("school", "staff"):
        assert not told & readers_of_all


def test_the_audience_of_a_notice_leaves_out_switched_off_accounts(db, world):
    vasya = world.users["vasya"]
    vasya.is_active = False
    vasya.save(update_fields=["is_active"])
    assert vasya not in queries.audience_of(world.notices["class 5А"])
    assert world.users["parent"] in queries.audience_of(world.notices["class 5А"])


# The pages ---------------------------------------------------------------------------------

def titles_on(page: str) -> set[str]:
    return {part.split("</a>")[0].rsplit(">", 1)[1]
            for part in page.split('data-testid="notice-title"')[1:]}


def test_the_notices_page_lists_the_readers_notices_newest_first(db, world):
    page = signed_in(world, "parent").get(reverse("messaging:notices:list")).content.decode()
    assert titles_on(page) == {world.notices[n].title for n in SEES["parent"]}
    news = signed_in(world, "parent").get(reverse("messaging:notices:list") + "?kind=news")
    assert titles_on(news.content.decode()) == {"Новость школы"}
    notices = signed_in(world, "parent").get(reverse("messaging:notices:list") + "?kind=notice")
    assert titles_on(notices.content.decode()) == {
        world.notices[n].title for n in SEES["parent"] - {"news"}}


def test_the_notices_page_costs_the_same_with_two_notices_and_with_fifty(
        db, world, django_assert_num_queries):
    client = signed_in(world, "parent")
    url = reverse("messaging:notices:list")
    client.get(url)
    # session, user, who the user is, the count and the page of notices.
    with django_assert_num_queries(5):
        client.get(url + "?kind=news")
    for n in range(50):
        notice(world, "editor", f"Новость {n}", kind="news")
    with django_assert_num_queries(5):
        page = client.get(url + "?kind=news").content.decode()
    assert len(titles_on(page)) == 20 and 'data-testid="pager"' in page


@pytest.mark.parametrize("reader", ["parent", "vasya", "class_teacher", "director", "teacher",
                                    "outsider_parent", "other_parent"])
def test_a_notices_page_opens_for_its_readers_only(db, world, reader):
    url = reverse("messaging:notices:notice", args=[world.notices["class 5А"].pk])
    response = signed_in(world, reader).get(url)
    assert response.status_code == (200 if "class 5А" in SEES[reader] else 404)
    if response.status_code == 200:
        assert "Текст: Пятый А" in response.content.decode()


def test_a_future_notice_opens_for_its_poster_only(db, world):
    url = reverse("messaging:notices:notice", args=[world.notices["future"].pk])
    assert signed_in(world, "parent").get(url).status_code == 404
    page = signed_in(world, "secretary").get(url).content.decode()
    assert "Текст: Будущее" in page and "запланировано" in page


def test_the_notices_pages_send_anonymous_visitors_to_sign_in(db, world):
    for url in (reverse("messaging:notices:list"),
                reverse("messaging:notices:notice", args=[world.notices["news"].pk])):
        assert Client().get(url)["Location"].startswith(reverse("login"))


# Attachments -----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def attachment(world):
    attached = AnnouncementFile(announcement=world.notices["class 5А"],
                                original_name="Согласие на экскурсию.pdf", size=len(PDF))
    attached.file.save("Согласие.pdf", SimpleUploadedFile("Согласие.pdf", PDF), save=True)
    return attached


@pytest.mark.parametrize("reader", CAST)
def test_an_attachment_downloads_for_those_who_see_its_notice_only(db, world, attachment,
                                                                    reader):
    response = signed_in(world, reader).get(reverse("messaging:notices:file",
                                                    args=[attachment.pk]))
    if "class 5А" in SEES[reader]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
    else:
        assert response.status_code == 404


def test_the_notice_page_links_its_attachments(db, world, attachment):
    page = signed_in(world, "parent").get(reverse(
        "messaging:notices:notice", args=[world.notices["class 5А"].pk])).content.decode()
    assert reverse("messaging:notices:file", args=[attachment.pk]) in page
    assert "Согласие на экскурсию.pdf" in page


def test_an_attachment_of_a_withdrawn_notice_is_the_posters_only(db, world, attachment):
    notice_ = world.notices["class 5А"]
    notice_.expires_at = NOW
    notice_.save()
    url = reverse("messaging:notices:file", args=[attachment.pk])
    assert signed_in(world, "parent").get(url).status_code == 404
    assert signed_in(world, "class_teacher").get(url).status_code == 200


# The diary's notices ---------------------------------------------------------------------------

def test_the_diary_shows_the_childs_notices_and_the_parents_ones_to_the_parents(db, world):
    vasya = world.users["vasya"].student
    as_parent = names_of(world, queries.shown_in_diary(vasya, parents=True))
    assert as_parent == {"news", "school", "parents", "grade 5", "class 5А"}
    assert names_of(world, queries.shown_in_diary(vasya, parents=False)) == as_parent - {
        "parents"}
    masha = world.users["masha"].student
    assert names_of(world, queries.shown_in_diary(masha, parents=True)) == {
        "news", "school", "parents", "grade 1"}


@pytest.mark.parametrize("parents", [True, False])
@pytest.mark.parametrize("login", ["vasya", "masha"])
def test_the_diary_reads_the_same_notices_from_the_cached_school_list(db, world, login,
                                                                      parents):
    """The week reads `in_diary` from the school's cached list: the rule is `shown_in_diary`'s,
    expired, future, other schools' and staff notices included in the test's world."""
    from journal.models import Enrolment

    student = world.users[login].student
    classes = [e.school_class for e in Enrolment.objects.current().filter(student=student)
               .select_related("school_class__year")]
    assert names_of(world, queries.in_diary(classes, parents=parents, now=NOW)) == names_of(
        world, queries.shown_in_diary(student, parents=parents, now=NOW))


def test_the_diary_week_shows_the_current_notices_on_top(db, world):
    vasya = world.users["vasya"].student
    url = reverse("diary:week", args=[vasya.pk])
    page = signed_in(world, "parent").get(url).content.decode()
    top = page.split('data-testid="diary-notices"')[1].split('data-testid="day"')[0]
    assert titles_on(top) == {"Пятый А", "Пятые классы", "Для родителей"}  # the newest three
    own = signed_in(world, "vasya").get(url).content.decode()
    assert "Для родителей" not in own and "Пятый А" in own
