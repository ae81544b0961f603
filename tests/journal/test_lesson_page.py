"""The lesson record page: the plan item and its suggestion, substitution, homework files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal.models import ChangeRecord, Homework, HomeworkFile, Lesson, PlanItem
from journal.permissions import files_readable_by
from journal.rules import JournalError
from journal.services.homework import (
    MAX_FILE_BYTES,
    add_homework_files,
    delete_homework_file,
    set_homework,
)
from journal.services.lesson_record import assign_substitute, save_lesson_record
from journal.services.plans import PlanRow, save_plan
from tests.conftest import make_user
from tests.journal.journal_setup import TODAY, at, make_lesson

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def journal(small_school):
    return small_school.maths_5a


@pytest.fixture
def lesson(journal):
    return make_lesson(journal)


@pytest.fixture
def plan(teacher, journal):
    save_plan(teacher, journal, [PlanRow(topic="Натуральные числа", number=1),
                                 PlanRow(topic="Сложение дробей", number=2),
                                 PlanRow(topic="Вычитание дробей", number=3)])
    return list(PlanItem.objects.order_by("number"))


def lesson_url(lesson) -> str:
    return reverse("journal:lesson", args=[lesson.pk])


def record(lesson, **fields) -> dict:
    return {"topic": "", "plan_item": "", "lesson_version": lesson.version,
            "homework_version": 0, **fields}


def pdf(name="Задание.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Plan items --------------------------------------------------------------------------------


def test_the_next_unused_plan_item_is_suggested(client, teacher, journal, plan):
    make_lesson(journal, TODAY, 1, topic="Натуральные числа", plan_item=plan[0])
    lesson = make_lesson(journal, TODAY, 2)
    client.force_login(teacher)
    response = client.get(lesson_url(lesson))
    page = response.content.decode()
    assert 'data-testid="plan-suggestion"' in page and "2. Сложение дробей" in page
    form = response.context["form"]
    assert (form.initial["plan_item"], form.initial["topic"]) == (plan[1].pk, "Сложение дробей")


def test_no_suggestion_when_the_lesson_has_a_topic(client, teacher, journal, plan):
    lesson = make_lesson(journal, topic="Повторение")
    client.force_login(teacher)
    response = client.get(lesson_url(lesson))
    assert response.context["suggestion"] is None
    assert response.context["form"].initial["plan_item"] is None


def test_a_chosen_plan_item_fills_an_empty_topic_and_is_in_the_history(client, teacher, lesson,
                                                                       plan):
    client.force_login(teacher)
    response = client.post(lesson_url(lesson), record(lesson, plan_item=plan[2].pk,
                                                      is_held="on"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.plan_item, lesson.topic) == (plan[2], "Вычитание дробей")
    row = ChangeRecord.objects.get(entity="lesson", entity_id=lesson.pk)
    assert (row.old["plan_item_id"], row.new["plan_item_id"], row.new["topic"]) == (
        None, plan[2].pk, "Вычитание дробей")


def test_a_typed_topic_is_kept_with_the_plan_item(teacher, lesson, plan):
    saved = save_lesson_record(teacher, lesson, topic="Дроби: сложение", plan_item=plan[1])
    assert (saved.topic, saved.plan_item) == ("Дроби: сложение", plan[1])
    unlinked = save_lesson_record(teacher, saved, plan_item=None)
    assert (unlinked.plan_item, unlinked.topic) == (None, "Дроби: сложение")
    last = ChangeRecord.objects.filter(entity="lesson").order_by("pk").last()
    assert (last.old["plan_item_id"], last.new["plan_item_id"]) == (plan[1].pk, None)


def test_a_plan_item_of_another_journal_is_refused(teacher, small_school, lesson):
    from journal.services.plans import save_plan as save_other_plan

    save_other_plan(teacher, small_school.english_5a_group1, [PlanRow(topic="Alphabet")])
    with pytest.raises(JournalError, match="нет в тематическом плане этого журнала"):
        save_lesson_record(teacher, lesson, plan_item=PlanItem.objects.get(topic="Alphabet"))
    assert Lesson.objects.get(pk=lesson.pk).plan_item is None


def test_the_deputy_correcting_a_record_must_give_a_reason(client, deputy, lesson):
    client.force_login(deputy)
    response = client.post(lesson_url(lesson), record(lesson, topic="Исправленная тема"))
    assert response.status_code == 400
    assert Lesson.objects.get(pk=lesson.pk).topic == ""
    response = client.post(lesson_url(lesson), record(lesson, topic="Исправленная тема",
                                                      reason="по итогам проверки"))
    assert response.status_code == 302
    assert ChangeRecord.objects.get(entity="lesson").reason == "по итогам проверки"


# Substitution ------------------------------------------------------------------------------


def test_a_teacher_sees_no_substitution_form_and_cannot_assign(client, teacher, substitute,
                                                               lesson):
    client.force_login(teacher)
    page = client.get(lesson_url(lesson)).content.decode()
    assert 'data-testid="substitute-form"' not in page
    assert "Урок ведёт: <b>Матвеева Ольга Игоревна</b>" in page
    response = client.post(reverse("journal:lesson_substitute", args=[lesson.pk]), {
        "substitute": substitute.pk, "substitute_reason": "болезнь", "lesson_version": 1})
    assert response.status_code == 403
    assert Lesson.objects.get(pk=lesson.pk).substitute is None


def test_the_deputy_assigns_a_substitute_who_then_sees_the_lesson(client, deputy, substitute,
                                                                  lesson):
    client.force_login(deputy)
    page = client.get(lesson_url(lesson)).content.decode()
    assert 'data-testid="substitute-form"' in page and "Заменин Пётр Сергеевич" in page
    response = client.post(reverse("journal:lesson_substitute", args=[lesson.pk]), {
        "substitute": substitute.pk, "substitute_reason": "Болезнь учителя",
        "lesson_version": lesson.version})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.substitute, lesson.substitute_reason) == (substitute, "Болезнь учителя")
    page = client.get(lesson_url(lesson)).content.decode()
    assert "Урок ведёт: <b>Заменин Пётр Сергеевич</b>" in page and "вместо Матвеева О. И." in page

    client.force_login(substitute)
    home = client.get(reverse("home")).content.decode()
    assert lesson_url(lesson) in home and "замена за Матвеева О. И." in home
    response = client.post(lesson_url(lesson), record(lesson, topic="Проценты", is_held="on"))
    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).topic == "Проценты"


def test_a_substitution_needs_a_reason(client, deputy, substitute, lesson):
    client.force_login(deputy)
    response = client.post(reverse("journal:lesson_substitute", args=[lesson.pk]), {
        "substitute": substitute.pk, "substitute_reason": "", "lesson_version": 1})
    assert response.status_code == 400
    assert Lesson.objects.get(pk=lesson.pk).substitute is None


def test_the_deputy_cancels_a_substitution(client, deputy, substitute, lesson):
    assign_substitute(deputy, lesson, substitute, "Курсы")
    client.force_login(deputy)
    response = client.post(reverse("journal:lesson_substitute", args=[lesson.pk]), {
        "cancel": "1", "lesson_version": 2})
    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).substitute is None
    assert ChangeRecord.objects.filter(entity="lesson").order_by("pk").last().reason == \
        "замена отменена"


def test_the_administrator_assigns_on_the_substitution_page(client, administrator, substitute,
                                                            lesson):
    client.force_login(administrator)
    assert client.get(lesson_url(lesson)).status_code == 404  # reads no journals
    url = reverse("journal:lesson_substitute", args=[lesson.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="substitute-form"' in page and 'data-testid="lesson-form"' not in page
    response = client.post(url, {"substitute": substitute.pk, "substitute_reason": "Болезнь",
                                 "lesson_version": 1})
    assert response.status_code == 302 and response.url == url
    assert Lesson.objects.get(pk=lesson.pk).substitute == substitute


@pytest.mark.parametrize("who", ["parent", "outsider_parent", "substitute"])
def test_others_get_404_on_the_substitution_page(client, request, lesson, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("journal:lesson_substitute", args=[lesson.pk])).status_code == 404


# Homework files ----------------------------------------------------------------------------


def test_files_are_uploaded_with_the_homework_and_recorded(client, teacher, lesson):
    client.force_login(teacher)
    text = SimpleUploadedFile("Памятка.txt", "Правило сложения дробей".encode())
    response = client.post(lesson_url(lesson), record(
        lesson, topic="Дроби", homework="№ 245 и памятка", files=[pdf(), text]))
    assert response.status_code == 302
    files = list(HomeworkFile.objects.order_by("pk"))
    assert [(f.original_name, f.uploaded_by) for f in files] == [
        ("Задание.pdf", teacher), ("Памятка.txt", teacher)]
    assert files[0].size == len(PDF) and files[0].file.name.startswith("homework/2026/11/")
    row = ChangeRecord.objects.filter(entity="homework").order_by("pk").last()
    assert (row.action, row.old["files"], row.new["files"]) == (
        "update", "", "Задание.pdf, Памятка.txt")
    assert row.reason == "прикреплены файлы «Задание.pdf», «Памятка.txt»"
    page = client.get(lesson_url(lesson)).content.decode()
    assert 'data-testid="homework-files"' in page and "Памятка.txt" in page


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "такие файлы прикреплять нельзя"),
    (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"), "не похоже на PDF"),
    (SimpleUploadedFile("empty.docx", b""), "пуст"),
])
def test_a_wrong_file_is_refused_and_nothing_is_saved(client, teacher, lesson, upload, message):
    client.force_login(teacher)
    response = client.post(lesson_url(lesson), record(
        lesson, topic="Дроби", homework="№ 245", files=[pdf(), upload]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HomeworkFile.objects.exists() and not Homework.objects.exists()
    assert Lesson.objects.get(pk=lesson.pk).topic == ""


def test_a_file_over_10_mb_is_refused(client, teacher, lesson):
    big = SimpleUploadedFile("Учебник.pdf", PDF + b"0" * MAX_FILE_BYTES)
    client.force_login(teacher)
    response = client.post(lesson_url(lesson), record(lesson, homework="Прочитать",
                                                      files=[big]))
    assert response.status_code == 400
    assert "больше 10 МБ" in response.content.decode()
    assert not HomeworkFile.objects.exists()


def test_files_need_a_homework_text(client, teacher, lesson):
    client.force_login(teacher)
    response = client.post(lesson_url(lesson), record(lesson, files=[pdf()]))
    assert "сначала запишите текст задания" in response.content.decode()
    assert not HomeworkFile.objects.exists()


def test_a_file_is_deleted_with_history_and_from_the_storage(client, teacher, lesson,
                                                             django_capture_on_commit_callbacks):
    set_homework(teacher, lesson, text="№ 1")
    [attached] = add_homework_files(teacher, lesson, [pdf()])
    path = attached.file.path
    with pytest.raises(JournalError, match="сначала удалите их"):
        set_homework(teacher, lesson, text="")
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("journal:homework_file_delete",
                                       args=[lesson.pk, attached.pk]))
    assert response.status_code == 302
    assert not HomeworkFile.objects.exists()
    import os

    assert not os.path.exists(path)
    row = ChangeRecord.objects.filter(entity="homework").order_by("pk").last()
    assert (row.old["files"], row.new["files"], row.reason) == (
        "Задание.pdf", "", "удалён файл «Задание.pdf»")


def test_only_writers_delete_files(client, class_teacher, teacher, lesson):
    set_homework(teacher, lesson, text="№ 1")
    [attached] = add_homework_files(teacher, lesson, [pdf()])
    client.force_login(class_teacher)
    response = client.post(reverse("journal:homework_file_delete", args=[lesson.pk, attached.pk]))
    assert response.status_code == 403
    with pytest.raises(JournalError):
        delete_homework_file(class_teacher, attached)
    assert HomeworkFile.objects.exists()


def may_download(user, attached: HomeworkFile) -> bool:
    """What the download view decides (the diary's links follow the same rule)."""
    return files_readable_by(user).filter(pk=attached.pk).exists()


@pytest.fixture
def attached(teacher, lesson):
    set_homework(teacher, lesson, text="Прочитать параграф")
    return add_homework_files(teacher, lesson, [pdf()])[0]


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "deputy", "director", "student",
                                 "parent"])
def test_journal_readers_students_and_parents_download_a_file(client, request, children,
                                                              attached, who):
    user = children[0].user if who == "student" else request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("journal:homework_file", args=[attached.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert may_download(user, attached)


@pytest.mark.parametrize("who", ["outsider_parent", "outsider_child", "administrator",
                                 "other_teacher"])
def test_outsiders_get_404_for_a_file(client, request, small_school, attached, who):
    if who == "outsider_child":
        user = request.getfixturevalue("outsider_child").user
    elif who == "other_teacher":
        user = small_school.maths_5b.teacher
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("journal:homework_file", args=[attached.pk])).status_code == 404
    assert not may_download(user, attached)


def test_subgroup_files_are_for_the_subgroups_students_only(client, teacher, small_school,
                                                            children):
    vasya = children[0]
    group_lesson = make_lesson(small_school.english_5a_group1)
    set_homework(teacher, group_lesson, text="Learn the words")
    [attached] = add_homework_files(teacher, group_lesson, [pdf("Words.pdf")])
    assert not may_download(vasya.user, attached)
    small_school.english_5a_group1.subgroup.students.add(vasya)
    assert may_download(vasya.user, attached)


def test_a_student_who_joined_later_cannot_download_earlier_files(small_school, teacher,
                                                                  lesson, attached):
    from tests.conftest import make_student

    newcomer = make_student(small_school.school, "novenkiy", "Новенький", "Пётр",
                            small_school.class_5a)
    newcomer.enrolments.update(enrolled_on=TODAY.replace(day=TODAY.day + 1))
    assert not may_download(newcomer.user, attached)
    assert not may_download(make_user("nobody", "Никто", "Никто"), attached)


def test_the_lesson_page_runs_a_fixed_number_of_queries(client, teacher, deputy, journal, lesson,
                                                        django_assert_max_num_queries):
    save_plan(teacher, journal, [PlanRow(topic=f"Тема {n}", number=n) for n in range(1, 171)])
    for n in range(1, 30):
        make_lesson(journal, TODAY, 3 + n, plan_item=PlanItem.objects.get(number=n))
    set_homework(teacher, lesson, text="№ 1")
    add_homework_files(teacher, lesson, [pdf(f"{n}.pdf") for n in range(5)])
    for user in (teacher, deputy):
        client.force_login(user)
        with django_assert_max_num_queries(18):
            response = client.get(lesson_url(lesson))
        assert response.content.decode().count("Тема 1") >= 1
