"""Who may post what to whom: every role × every target of a notice, crafted ones included
(404, nothing saved); the form's bad input refused in Russian; attachments' limits; the poster's
own notices edited and withdrawn, nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from messaging.models import Announcement, AnnouncementFile
from messaging.notices import queries
from tests.messaging.notices_setup import (  # noqa: F401 (fixtures)
    NOW,
    frozen_now_fixture,
    world_fixture,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
CREATE = reverse("messaging:notices:create")

# The targets a poster may name: (kind, audience, grade, class).
TARGETS = {
    "news": ("news", "school", "", ""),
    "school": ("notice", "school", "", ""),
    "staff": ("notice", "staff", "", ""),
    "parents": ("notice", "parents", "", ""),
    "grade 5": ("notice", "grade", "5", ""),
    "class 5А": ("notice", "class", "", "5А"),
    "class 5Б": ("notice", "class", "", "5Б"),
    "grade 7 (no such classes)": ("notice", "grade", "7", ""),
    "another school's class": ("notice", "class", "", "other 5А"),
    "news to a class": ("news", "class", "", "5А"),
    "notice with no audience": ("notice", "", "", ""),
}
ROLES = ["editor", "secretary", "director", "deputy", "administrator", "class_teacher",
         "teacher", "ivanov", "data_officer", "parent", "vasya"]
# 302: posted (and nothing else was); 404: refused, nothing saved. Columns as in ROLES: news
# editor, secretary, director, deputy, administrator, class teacher of 5А, teacher, a teacher
# with no role, personal-data officer, parent, student.
EXPECTED = {
    "news":                      "302 404 404 404 404 404 404 404 404 404 404",
    "school":                    "404 302 302 302 302 404 404 404 404 404 404",
    "staff":                     "404 302 302 302 302 404 404 404 404 404 404",
    "parents":                   "404 302 302 302 302 404 404 404 404 404 404",
    "grade 5":                   "404 302 302 302 302 404 404 404 404 404 404",
    "class 5А":                  "404 302 302 302 302 302 404 404 404 404 404",
    "class 5Б":                  "404 302 302 302 302 404 404 404 404 404 404",
    "grade 7 (no such classes)": "404 404 404 404 404 404 404 404 404 404 404",
    "another school's class":    "404 404 404 404 404 404 404 404 404 404 404",
    "news to a class":           "404 404 404 404 404 404 404 404 404 404 404",
    "notice with no audience":   "404 404 404 404 404 404 404 404 404 404 404",
}
# The page to post: for whom it opens.
CREATE_PAGE = "200 200 200 200 200 200 404 404 404 404 404"


def post_data(world, target: str, **extra) -> dict:
    kind, audience, grade, school_class = TARGETS[target]
    return {"kind": kind, "audience": audience, "grade": grade,
            "school_class": world.classes[school_class].pk if school_class else "",
            "title": "Субботник", "body": "В субботу — субботник.", **extra}


def send(client: Client, method: str, url: str, data: dict | None = None):
    """A request whose writes are rolled back after it, so every cell starts from the same
    school; returns the response and how many notices it added."""
    with transaction.atomic():
        before = Announcement.objects.count()
        response = getattr(client, method)(url, data or {})
        added = Announcement.objects.count() - before
        transaction.set_rollback(True)
    return response, added


def signed_in(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_posts_exactly_to_the_audiences_the_rule_gives_it(db, world, role):
    client = signed_in(world, role)
    column = ROLES.index(role)
    wrong = []
    response, _ = send(client, "get", CREATE)
    if response.status_code != int(CREATE_PAGE.split()[column]):
        wrong.append(f"the page to post: {response.status_code}")
    for target, cells in EXPECTED.items():
        want = int(cells.split()[column])
        response, added = send(client, "post", CREATE, post_data(world, target))
        if (response.status_code, added) != (want, 1 if want == 302 else 0):
            wrong.append(f"{target}: {response.status_code}, {added} saved; expected {want}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_every_target_has_an_expectation_for_every_role():
    assert set(EXPECTED) == set(TARGETS)
    for cells in [*EXPECTED.values(), CREATE_PAGE]:
        assert len(cells.split()) == len(ROLES)


def test_the_form_offers_each_poster_only_what_they_may_address(db, world):
    page = signed_in(world, "class_teacher").get(CREATE).content.decode()
    assert 'type="hidden" name="audience" value="class"' in page
    assert ">5А класс<" in page and ">5Б класс<" not in page
    assert 'name="grade"' not in page
    page = signed_in(world, "secretary").get(CREATE).content.decode()
    for label in ("вся школа", "параллель", "класс", "только сотрудники", "только родители",
                  ">5Б класс<", ">10-е классы<"):
        assert label in page
    assert "новость" not in page
    page = signed_in(world, "editor").get(CREATE).content.decode()
    assert 'type="hidden" name="kind" value="news"' in page
    assert 'type="hidden" name="audience" value="school"' in page


def test_a_posted_class_notice_names_its_class_and_nothing_else(db, world):
    client = signed_in(world, "secretary")
    response = client.post(CREATE, post_data(world, "class 5А", grade="5"))
    notice = Announcement.objects.latest("pk")
    assert response["Location"] == reverse("messaging:notices:notice", args=[notice.pk])
    assert (notice.audience, notice.school_class, notice.grade) == ("class",
                                                                    world.classes["5А"], None)
    assert notice.author == world.users["secretary"] and notice.school == world.school
    assert notice.publish_at == NOW and notice.expires_at is None


# Bad input -------------------------------------------------------------------------------------

def errors_of(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split('data-testid="field-error"')[1:]) or \
        response.content.decode()


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "", "body": ""}, "Обязательное поле."),
    ({"audience": "grade"}, "Выберите параллель."),
    ({"audience": "class"}, "Выберите класс."),
    ({"publish_date": "31.02.2026"}, "Введите дату в виде ДД.ММ.ГГГГ"),
    ({"publish_date": "20.11.2026", "publish_time": "25:00"}, "Введите время в виде ЧЧ:ММ"),
    ({"publish_time": "08:00"}, "Укажите дату публикации."),
    ({"expires_date": "15.11.2026"}, "Этот срок уже прошёл."),
    ({"publish_date": "25.11.2026", "expires_date": "20.11.2026"},
     "Показ должен заканчиваться после публикации."),
    ({"title": "З" * 201}, "не более 200 символов"),
])
def test_bad_input_is_refused_in_russian_and_saves_nothing(db, world, fields, message):
    client = signed_in(world, "secretary")
    response, added = send(client, "post", CREATE, post_data(world, "school", **fields))
    assert added == 0
    assert message in response.content.decode()
    assert response.status_code == 200


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("вирус.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
     "такие файлы прикреплять нельзя"),
    (SimpleUploadedFile("план.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
     "содержимое не похоже на PDF"),
    (SimpleUploadedFile("огромный.pdf", PDF + b"0" * (10 * 1024 * 1024),
                        content_type="application/pdf"), "больше 10 МБ"),
])
def test_a_wrong_attachment_refuses_the_notice_in_russian(db, world, upload, message):
    client = signed_in(world, "secretary")
    files_before = AnnouncementFile.objects.count()
    response, added = send(client, "post", CREATE, post_data(world, "school", files=[upload]))
    assert response.status_code == 200 and added == 0
    assert message in response.content.decode()
    assert AnnouncementFile.objects.count() == files_before


def test_a_notice_is_posted_with_its_attachments_and_dates(db, world):
    client = signed_in(world, "secretary")
    response = client.post(CREATE, post_data(
        world, "parents", publish_date="17.11.2026", publish_time="07:30",
        expires_date="20.11.2026",
        files=[SimpleUploadedFile("Положение.pdf", PDF, content_type="application/pdf"),
               SimpleUploadedFile("список.txt", "Иванов\nПетров".encode("cp1251"))]))
    assert response.status_code == 302
    notice = Announcement.objects.latest("pk")
    assert notice.publish_at == dt.datetime(2026, 11, 17, 7, 30, tzinfo=NOW.tzinfo)
    # «Показывать до 20.11» includes the whole 20th.
    assert notice.expires_at == dt.datetime(2026, 11, 21, 0, 0, tzinfo=NOW.tzinfo)
    assert sorted(f.original_name for f in notice.files.all()) == ["Положение.pdf", "список.txt"]
    page = client.get(response["Location"]).content.decode()
    assert "Сохранено: будет опубликовано 17.11.2026 в 07:30." in page
    assert "запланировано" in page


def test_html_in_a_notice_is_shown_as_text(db, world):
    client = signed_in(world, "secretary")
    response = client.post(CREATE, post_data(world, "school", title="<b>Важно</b>",
                                             body="<script>alert(1)</script>\nвторая строка"))
    page = signed_in(world, "parent").get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>Важно</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>вторая строка" in page
    assert "&lt;b&gt;Важно&lt;/b&gt;" in page


# The poster's own notices ----------------------------------------------------------------------

def test_the_poster_edits_their_notice_and_nobody_else_can(db, world):
    notice = world.notices["class 5А"]
    edit = reverse("messaging:notices:edit", args=[notice.pk])
    own = signed_in(world, "class_teacher")
    page = own.get(edit).content.decode()
    assert 'value="Пятый А"' in page and 'value="15.11.2026"' in page  # posted a day ago
    response = own.post(edit, post_data(world, "class 5А", title="Пятый А: изменено",
                                        audience="class", kind="notice"))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "Пятый А: изменено"
    for role in ("secretary", "director", "parent"):
        client = signed_in(world, role)
        assert client.get(edit).status_code == 404
        assert send(client, "post", edit, post_data(world, "class 5А"))[0].status_code == 404
    notice.refresh_from_db()
    assert notice.title == "Пятый А: изменено"


def test_an_edit_to_an_audience_out_of_reach_is_refused(db, world):
    notice = world.notices["class 5А"]
    client = signed_in(world, "class_teacher")
    response, _ = send(client, "post", reverse("messaging:notices:edit", args=[notice.pk]),
                       post_data(world, "class 5Б"))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.school_class == world.classes["5А"]


def test_withdrawing_hides_the_notice_now_and_only_the_poster_may(db, world):
    notice = world.notices["school"]
    withdraw = reverse("messaging:notices:withdraw", args=[notice.pk])
    assert signed_in(world, "director").post(withdraw).status_code == 404
    assert queries.visible_to(world.users["parent"]).filter(pk=notice.pk).exists()
    response = signed_in(world, "secretary").post(withdraw)
    assert response["Location"] == reverse("messaging:notices:mine")
    notice.refresh_from_db()
    assert notice.expires_at == NOW
    assert not queries.visible_to(world.users["parent"]).filter(pk=notice.pk).exists()
    mine = signed_in(world, "secretary").get(reverse("messaging:notices:mine")).content.decode()
    row = next(r for r in mine.split('data-testid="my-notice"') if "Объявление для всей школы" in r)
    assert "снято с показа" in row


def test_the_poster_removes_an_attachment_nobody_else_can(db, world):
    client = signed_in(world, "secretary")
    client.post(CREATE, post_data(world, "school", files=[
        SimpleUploadedFile("Положение.pdf", PDF, content_type="application/pdf")]))
    notice = Announcement.objects.latest("pk")
    attached = notice.files.get()
    delete = reverse("messaging:notices:file_delete", args=[notice.pk, attached.pk])
    assert signed_in(world, "director").post(delete).status_code == 404
    assert notice.files.exists()
    with transaction.atomic():
        assert client.post(delete).status_code == 302
    assert not notice.files.exists()


def test_the_posters_page_lists_their_notices_for_them_only(db, world):
    page = signed_in(world, "secretary").get(reverse("messaging:notices:mine")).content.decode()
    for title in ("Объявление для всей школы", "Пятый Б", "Первые классы", "Прошедшее",
                  "Будущее"):
        assert title in page
    assert "Педсовет" not in page  # the director's
    rows = {r.split("</a>")[0].rsplit(">", 1)[1]: r for r in page.split('data-testid="my-notice"')[1:]}
    assert "запланировано" in rows["Будущее"] and "на показе" in rows["Пятый Б"]
    for role in ("teacher", "parent", "vasya"):
        assert signed_in(world, role).get(reverse("messaging:notices:mine")).status_code == 404
