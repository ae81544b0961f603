"""The internal mail as its users meet it: writing to one or several people, replying, unread
marks and the navigation's badge, archive, search, pages; crafted recipients, empty or
HTML-laden messages and too many sends refused; a mailing to a group made by one task."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.mail import tasks
from messaging.mail.services import SENDS_PER_WINDOW, reply, start_thread
from messaging.models import Mailing, Message, Notification, Participant, Thread
from messaging.models.notifications import Event
from tests.messaging.mail_setup import (  # noqa: F401 (fixtures)
    NOW,
    committed_fixture,
    compose,
    mail_school_fixture,
    monday_fixture,
    person,
)

INBOX = reverse("messaging:mail:inbox")


def page(client, user, url: str = INBOX, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def badge(html: str) -> str | None:
    found = re.search(r'data-testid="mail-badge">(\d+)', html)
    return found[1] if found else None


def subjects(html: str) -> list[str]:
    return re.findall(r'<span class="mail-subject">(?:<span[^>]*>новое</span>)?([^<]*)</span>',
                      html)


def thread_between(sender, recipients, subject: str, body: str = "Текст") -> Thread:
    return start_thread(sender, sender_school(sender), recipients, subject, body)


def sender_school(user):
    from messaging.mail.audience import audience_of

    return audience_of(user).school


# Writing and reading ------------------------------------------------------------------------

def test_a_parent_writes_to_the_class_teacher_who_sees_it_unread_and_opens_it(
        client, db, mail_school, committed):
    parent, class_teacher = mail_school["petrova"], mail_school["klassnaya"]
    with committed():
        response = compose(client, parent, [person(class_teacher)], "Справка после болезни",
                           "Добрый день!\nВася болел.")
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:mail:thread", args=[thread.pk])
    assert {p.user.username for p in thread.participants.all()} == {"petrova", "klassnaya"}

    inbox = page(client, class_teacher)
    assert badge(inbox) == "1"
    assert 'data-unread="1"' in inbox and "Справка после болезни" in inbox
    assert "Петрова Н. А." in inbox

    with committed():
        opened = page(client, class_teacher, reverse("messaging:mail:thread", args=[thread.pk]))
    assert "Вася болел." in opened
    inbox = page(client, class_teacher)
    assert badge(inbox) is None and 'data-unread="1"' not in inbox
    # The parent's own message is not new to her.
    assert badge(page(client, parent)) is None


def test_a_message_to_several_people_is_one_thread_that_all_of_them_read(
        client, db, mail_school, committed):
    teacher = mail_school["matveeva"]
    with committed():
        compose(client, teacher, [person(mail_school["petrova"]), person(mail_school["kozlova"])],
                "Экскурсия в музей", "Собираемся в 9:00.")
    thread = Thread.objects.get()
    assert {p.user.username for p in thread.participants.all()} == {
        "matveeva", "petrova", "kozlova"}
    with committed():
        reply(mail_school["kozlova"], Participant.objects.select_related("thread").get(
            thread=thread, user=mail_school["kozlova"]), "Мы придём.")
    html = page(client, mail_school["petrova"], reverse("messaging:mail:thread", args=[thread.pk]))
    assert "Собираемся в 9:00." in html and "Мы придём." in html
    assert badge(page(client, teacher)) == "1"


def test_a_reply_from_the_thread_page_reaches_the_others(client, db, mail_school, committed):
    thread = thread_between(mail_school["klassnaya"], [mail_school["petrova"]], "Собрание")
    url = reverse("messaging:mail:thread", args=[thread.pk])
    client.force_login(mail_school["petrova"])
    with committed():
        response = client.post(url, {"body": "Спасибо, буду."})
    assert response.status_code == 302
    assert list(thread.messages.values_list("body", flat=True)) == ["Текст", "Спасибо, буду."]
    assert badge(page(client, mail_school["klassnaya"])) == "1"


def test_every_new_message_notifies_its_recipients_not_its_sender(db, mail_school):
    thread = thread_between(mail_school["matveeva"], [mail_school["petrova"]], "Контрольная")
    notices = Notification.objects.filter(event=Event.MESSAGE)
    assert [n.recipient.username for n in notices] == ["petrova"]
    notice = notices.get()
    assert notice.link == reverse("messaging:mail:thread", args=[thread.pk])
    assert "Контрольная" in notice.title and "Матвеева О. И." in notice.title
    assert notice.key == f"message:{thread.messages.get().pk}"


def test_the_compose_page_says_the_correspondence_is_not_official(client, db, mail_school):
    html = page(client, mail_school["petrova"], reverse("messaging:mail:compose"))
    assert "не является официальной перепиской школы" in html
    assert '<legend class="mail-picker-heading">Учителя</legend>' in html
    assert "Иванов" not in html  # teaches the other English group, not her son


def test_the_compose_page_fills_in_an_allowed_recipient_and_refuses_another(
        client, db, mail_school):
    url = reverse("messaging:mail:compose")
    html = page(client, mail_school["petrova"], url, to=person(mail_school["klassnaya"]))
    checked = re.findall(r'<input [^>]*value="([^"]+)"[^>]* checked>', html)
    assert checked == [person(mail_school["klassnaya"])]
    assert client.get(url, {"to": person(mail_school["ivanov"])}).status_code == 404


# Bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("to", [
    lambda s: [person(s["ivanov"])],                       # another group's teacher
    lambda s: [person(s["klassnaya"]), person(s["klass5b"])],   # one stranger among them
    lambda s: [person(s["director9"])],                    # another school
    lambda s: ["group:staff"],                             # a group a parent may not address
    lambda s: [f"group:class-parents:{s.small.class_5a.pk}"],
    lambda s: ["user:abc"],
    lambda s: ["everyone"],
])
def test_a_crafted_recipient_gets_404_and_nothing_is_sent(client, db, mail_school, to):
    response = compose(client, mail_school["petrova"], to(mail_school), "Вопрос", "Текст")
    assert response.status_code == 404
    assert not Thread.objects.exists() and not Mailing.objects.exists()


def test_an_empty_subject_or_text_is_refused_in_russian(client, db, mail_school):
    response = compose(client, mail_school["petrova"], [person(mail_school["klassnaya"])],
                       "   ", "  \n ")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Укажите тему сообщения." in html and "Напишите текст сообщения." in html
    response = compose(client, mail_school["petrova"], [], "Тема", "Текст")
    assert response.status_code == 400 and "Выберите, кому написать." in response.content.decode()
    assert not Thread.objects.exists()


def test_a_group_goes_alone(client, db, mail_school):
    response = compose(client, mail_school["klassnaya"],
                       [f"group:class-parents:{mail_school.small.class_5a.pk}",
                        person(mail_school["petrova"])])
    assert response.status_code == 400
    assert "выберите либо людей, либо одну группу" in response.content.decode()
    assert not Mailing.objects.exists() and not Thread.objects.exists()


def test_html_in_a_message_shows_as_text_with_its_line_breaks(client, db, mail_school):
    thread = thread_between(mail_school["petrova"], [mail_school["klassnaya"]],
                            "<b>Тема</b>", "<script>alert('x')</script>\nВторая строка")
    html = page(client, mail_school["klassnaya"], reverse("messaging:mail:thread",
                                                          args=[thread.pk]))
    assert "<script>alert" not in html and "<b>Тема</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Вторая строка" in html
    assert "&lt;b&gt;Тема&lt;/b&gt;" in page(client, mail_school["klassnaya"])


def test_sending_is_limited_per_user_and_a_mailing_counts_once(client, db, mail_school):
    director = mail_school["director"]
    response = compose(client, director, ["group:school-parents"], "Собрание", "В четверг")
    assert response.status_code == 302
    for n in range(SENDS_PER_WINDOW - 1):
        response = compose(client, director, [person(mail_school["petrova"])], f"№ {n}", "Текст")
        assert response.status_code == 302
    response = compose(client, director, [person(mail_school["petrova"])], "Ещё", "Текст")
    assert response.status_code == 429
    assert "Слишком много сообщений подряд" in response.content.decode()
    assert not Thread.objects.filter(subject="Ещё").exists()
    thread = Thread.objects.filter(started_by=director, mailing=None).first()
    client.force_login(director)
    response = client.post(reverse("messaging:mail:thread", args=[thread.pk]), {"body": "И ещё"})
    assert response.status_code == 429
    # Another user is not held back; the director may send again in the next ten minutes.
    assert compose(client, mail_school["petrova"], [person(director)]).status_code == 302
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        assert compose(client, director, [person(mail_school["petrova"])], "Ещё",
                       "Текст").status_code == 302


# Threads of other people --------------------------------------------------------------------

def test_a_thread_is_404_to_anyone_who_does_not_take_part(client, db, mail_school):
    thread = thread_between(mail_school["klassnaya"], [mail_school["petrova"]], "Личное")
    for outsider in ("kozlova", "matveeva", "director"):
        client.force_login(mail_school[outsider])
        for name in ("thread", "archive_thread", "restore_thread"):
            url = reverse(f"messaging:mail:{name}", args=[thread.pk])
            method = client.get if name == "thread" else client.post
            assert method(url).status_code == 404
    assert client.get(reverse("messaging:mail:thread", args=[thread.pk + 1000])).status_code == 404


# Archive, search, pages ---------------------------------------------------------------------

def test_an_archived_thread_comes_back_with_a_reply(client, db, mail_school, committed):
    parent, class_teacher = mail_school["petrova"], mail_school["klassnaya"]
    thread = thread_between(class_teacher, [parent], "Собрание")
    client.force_login(parent)
    with committed():
        client.post(reverse("messaging:mail:archive_thread", args=[thread.pk]))
    assert "Собрание" not in page(client, parent)
    assert subjects(page(client, parent, reverse("messaging:mail:archive"))) == ["Собрание"]
    assert badge(page(client, parent)) is None  # unread, but archived

    with committed():
        reply(class_teacher, Participant.objects.select_related("thread").get(
            thread=thread, user=class_teacher), "Напоминаю: сегодня.")
    inbox = page(client, parent)
    assert subjects(inbox) == ["Собрание"] and badge(inbox) == "1"
    # The sender's own copy stays where it was.
    assert not Participant.objects.get(thread=thread, user=class_teacher).archived

    client.post(reverse("messaging:mail:archive_thread", args=[thread.pk]))
    response = client.post(reverse("messaging:mail:restore_thread", args=[thread.pk]))
    assert response.status_code == 302
    assert subjects(page(client, parent)) == ["Собрание"]


def test_the_inbox_puts_unread_threads_first(client, db, mail_school):
    parent = mail_school["petrova"]
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        older = thread_between(mail_school["klassnaya"], [parent], "Старое непрочитанное")
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        newer = thread_between(mail_school["matveeva"], [parent], "Новое прочитанное")
    Participant.objects.filter(thread=newer, user=parent).update(last_read_at=NOW)
    assert older.pk != newer.pk
    assert subjects(page(client, parent)) == ["Старое непрочитанное", "Новое прочитанное"]


def test_the_inbox_finds_threads_by_text_and_by_person(client, db, mail_school):
    parent = mail_school["petrova"]
    thread_between(mail_school["klassnaya"], [parent], "Собрание", "В четверг в актовом зале")
    thread_between(mail_school["matveeva"], [parent], "Контрольная", "Повторить дроби")
    thread_between(parent, [mail_school["director"]], "Заявление", "Прошу выдать справку")
    assert subjects(page(client, parent, q="собрание")) == ["Собрание"]
    assert subjects(page(client, parent, q="ДРОБИ")) == ["Контрольная"]
    assert subjects(page(client, parent, q="актовом четверг")) == ["Собрание"]
    assert subjects(page(client, parent, person="руднева")) == ["Собрание"]
    assert subjects(page(client, parent, person="Директорова")) == ["Заявление"]
    assert subjects(page(client, parent, person="петрова")) == []  # herself is nobody to find
    assert 'data-testid="mail-empty"' in page(client, parent, q="каникулы")


def test_the_inbox_runs_a_fixed_number_of_queries_and_pages_by_25(
        client, db, mail_school, django_assert_num_queries):
    parent = mail_school["petrova"]
    for n in range(3):
        thread_between(mail_school["klassnaya"], [parent], f"Тема {n}")
    page(client, parent)  # signed in, the navigation's counts cached
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    queries = len(few)  # read now: the next request empties the connection's log
    for n in range(3, 30):
        thread_between(mail_school["matveeva"] if n % 2 else mail_school["klassnaya"],
                       [parent], f"Тема {n}")
    client.get(INBOX)
    with django_assert_num_queries(queries):
        html = client.get(INBOX).content.decode()
    # The session, the user; the mailings tab; the count, the page, its people (who the user is,
    # for the menu, comes from the cache).
    assert queries == 6
    assert html.count('data-testid="thread-row"') == 25
    assert page(client, parent, page=2).count('data-testid="thread-row"') == 5


# Attachments ---------------------------------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_file_is_attached_and_only_the_threads_people_download_it(
        client, db, mail_school, media):
    from tests.messaging.mail_setup import PDF

    response = compose(client, mail_school["petrova"], [person(mail_school["klassnaya"])],
                       "Справка", "Справка во вложении", files=[upload("Справка.pdf", PDF)])
    assert response.status_code == 302
    attached = Message.objects.get().attachments.get()
    assert attached.original_name == "Справка.pdf" and attached.size == len(PDF)
    assert attached.file.name.startswith("messages/") and "Справка" not in attached.file.name
    url = reverse("messaging:mail:attachment", args=[attached.pk])
    assert url in page(client, mail_school["klassnaya"], reverse("messaging:mail:thread",
                                                                   args=[attached.message.thread_id]))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    for outsider in ("kozlova", "director", "matveeva"):
        client.force_login(mail_school[outsider])
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


@pytest.mark.parametrize(("files", "refusal"), [
    (lambda pdf: [upload("big.pdf", pdf + b"0" * (10 * 1024 * 1024))], "больше 10 МБ"),
    (lambda pdf: [upload("virus.exe", b"MZ\x90\x00", "application/octet-stream")],
     "такие файлы прикреплять нельзя"),
    (lambda pdf: [upload("fake.pdf", b"MZ\x90\x00")], "содержимое не похоже на PDF"),
    (lambda pdf: [upload(f"{n}.pdf", pdf) for n in range(6)], "не больше 5 файлов"),
])
def test_a_file_too_big_or_of_a_wrong_type_is_refused_in_russian(
        client, db, mail_school, media, files, refusal):
    from tests.messaging.mail_setup import PDF

    response = compose(client, mail_school["petrova"], [person(mail_school["klassnaya"])],
                       "Справка", "Во вложении", files=files(PDF))
    assert response.status_code == 400
    assert refusal in response.content.decode()
    assert not Thread.objects.exists()
    assert not any(media.rglob("*.*"))


# Mailings ------------------------------------------------------------------------------------

def test_a_mailing_to_a_grades_parents_makes_one_private_thread_each_in_one_task(
        client, db, mail_school, committed, media, monkeypatch):
    from tests.messaging.mail_setup import PDF

    director = mail_school["director"]
    queued = []
    delay = tasks.send_mailing.delay
    monkeypatch.setattr(tasks.send_mailing, "delay", lambda *a: (queued.append(a), delay(*a)))
    with committed():
        response = compose(client, director, ["group:grade-parents:5"], "Родительское собрание",
                           "В четверг в 18:00.", files=[upload("Повестка.pdf", PDF)])
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:mail:mailing", args=[mailing.pk])
    assert queued == [(mailing.pk,)]
    assert (mailing.status, mailing.recipients_total, mailing.recipients_done) == (
        Mailing.Status.DONE, 3, 3)
    assert mailing.audience_label == "Все родители 5-х классов"

    threads = Thread.objects.filter(mailing=mailing)
    assert threads.count() == 3
    for thread in threads:
        assert thread.participants.count() == 2
    recipients = {p.user.username for p in Participant.objects.filter(thread__mailing=mailing)
                  .exclude(user=director)}
    assert recipients == {"petrova", "kozlova", "sidorov"}
    # The sender's copies wait in the archive; each parent has theirs, unread.
    assert not Participant.objects.filter(thread__mailing=mailing, user=director,
                                          archived=False).exists()
    assert badge(page(client, mail_school["kozlova"])) == "1"
    assert Notification.objects.filter(key=f"mailing:{mailing.pk}").count() == 3
    assert "3 из 3" in page(client, director, reverse("messaging:mail:mailing",
                                                      args=[mailing.pk]))

    # A parent's reply reaches the director only, and brings the thread to the inbox.
    own = threads.get(participants__user=mail_school["kozlova"])
    with committed():
        reply(mail_school["kozlova"], Participant.objects.select_related("thread").get(
            thread=own, user=mail_school["kozlova"]), "Будем.")
    assert subjects(page(client, director)) == ["Родительское собрание"]
    client.force_login(mail_school["petrova"])
    assert client.get(reverse("messaging:mail:thread", args=[own.pk])).status_code == 404
    # The mailing's file: shown with each copy; for its recipients and sender only.
    url = reverse("messaging:mail:attachment", args=[mailing.attachments.get().pk])
    hers = threads.get(participants__user=mail_school["petrova"])
    assert url in page(client, mail_school["petrova"], reverse("messaging:mail:thread",
                                                                args=[hers.pk]))
    assert client.get(url).status_code == 200
    client.force_login(director)
    assert client.get(url).status_code == 200
    client.force_login(mail_school["matveeva"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("messaging:mail:mailing", args=[mailing.pk])).status_code == 404


def test_the_mailings_task_writes_in_bulk_whatever_the_number_of_parents(
        db, mail_school, django_assert_max_num_queries):
    from messaging.mail.services import deliver_mailing, start_mailing
    from tests.conftest import make_parent, make_student

    director = mail_school["director"]
    school = mail_school.small.school
    for n in range(40):
        child = make_student(school, f"pupil{n}", "Учеников", f"Ученик{n}",
                             mail_school.small.class_5b)
        make_parent(f"parent{n}", "Родителев", f"Родитель{n}", "", [child])
    mailing = start_mailing(director, school, "grade-parents:5", "Все родители 5-х классов",
                            "Собрание", "В четверг")
    with django_assert_max_num_queries(40):
        deliver_mailing(mailing.pk)
    mailing.refresh_from_db()
    assert mailing.recipients_done == 43
    assert Thread.objects.filter(mailing=mailing).count() == 43
    deliver_mailing(mailing.pk)  # a second delivery of the task does nothing
    assert Thread.objects.filter(mailing=mailing).count() == 43


def test_the_mailing_link_leads_each_recipient_to_their_own_thread(client, db, mail_school,
                                                                     committed):
    with committed():
        compose(client, mail_school["klassnaya"],
                [f"group:class-parents:{mail_school.small.class_5a.pk}"], "Экскурсия", "В пятницу")
    mailing = Mailing.objects.get()
    url = reverse("messaging:mail:mailing_thread", args=[mailing.pk])
    for login in ("petrova", "kozlova"):
        client.force_login(mail_school[login])
        response = client.get(url)
        own = Thread.objects.get(mailing=mailing, participants__user=mail_school[login])
        assert response["Location"] == reverse("messaging:mail:thread", args=[own.pk])
    client.force_login(mail_school["sidorov"])  # 5Б: not among them
    assert client.get(url).status_code == 404


def test_a_teacher_may_not_mail_a_class_they_do_not_lead(client, db, mail_school):
    response = compose(client, mail_school["matveeva"],
                       [f"group:class-parents:{mail_school.small.class_5a.pk}"])
    assert response.status_code == 404
    assert not Mailing.objects.exists()
