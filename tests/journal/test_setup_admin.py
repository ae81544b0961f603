"""The setup screens speak correct Russian, list their sections in the order a school is set
up, validate in Russian and write through the services."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule

from accounts.models import StaffRole, User
from accounts.roles import Role
from ejournal.admin import ReadOnlyAdmin
from exports.models import ExportSchedule, PortalExport
from exports.portal.schedule import schedule_of
from journal.models import (
    ChangeRecord,
    CurriculumItem,
    Holiday,
    Lesson,
    SchoolClass,
    SchoolClassUserObjectPermission,
    Subject,
    SubjectUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
    TimetableSlot,
)
from journal.services.rights import rights_disagreements
from tests.accounts.families_setup import make_family_records
from tests.conftest import make_user
from tests.journal.journal_setup import TODAY, at, make_lesson


def slot_form(assignment, weekday=1, number=2):
    return {"assignment": assignment.pk, "weekday": weekday, "lesson_number": number,
            "room": "12", "valid_from": "01.09.2026", "valid_to": "31.08.2027"}


def test_saving_a_timetable_slot_generates_its_lessons(client, deputy, small_school):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_timetableslot_add"),
                           slot_form(small_school.maths_5a), follow=True)
    assert response.status_code == 200
    assert "Уроки по расписанию обновлены" in response.content.decode()
    created = Lesson.objects.filter(assignment=small_school.maths_5a)
    assert created.count() > 25
    assert ChangeRecord.objects.filter(entity="lesson", user=deputy).count() == created.count()


def test_a_double_booked_teacher_is_refused_in_russian(client, deputy, small_school,
                                                       weekly_slot):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_timetableslot_add"),
                           slot_form(small_school.english_5a_group1))
    assert response.status_code == 200
    assert "уже ведёт урок в это время" in response.content.decode()
    assert TimetableSlot.objects.count() == 1


def test_deleting_a_slot_removes_its_empty_lessons(client, deputy, small_school, weekly_slot):
    from journal.services.lessons import generate_lessons

    generate_lessons(small_school.year)
    client.force_login(deputy)
    client.post(reverse("admin:journal_timetableslot_delete", args=[weekly_slot.pk]),
                {"post": "yes"})
    assert not Lesson.objects.filter(assignment=small_school.maths_5a).exists()


def test_an_extra_lesson_is_added_with_its_history(client, deputy, small_school):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_lesson_add"),
                           {"assignment": small_school.maths_5a.pk, "date": "10.09.2026",
                            "number": 7, "topic": "Консультация"})
    assert response.status_code == 302
    lesson = Lesson.objects.get(assignment=small_school.maths_5a, number=7)
    assert lesson.is_extra
    assert ChangeRecord.objects.get(entity="lesson", entity_id=lesson.pk).user == deputy


def test_an_extra_lesson_outside_the_year_is_refused(client, deputy, small_school):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_lesson_add"),
                           {"assignment": small_school.maths_5a.pk, "date": "10.09.2027",
                            "number": 7, "topic": ""})
    assert "Дата вне учебного года" in response.content.decode()
    assert not Lesson.objects.exists()


JOURNAL_GRANTS = "teachingassignmentuserobjectpermission_set"
CLASS_GRANTS = "schoolclassuserobjectpermission_set"
SUBJECT_GRANTS = "subjectuserobjectpermission_set"


def inline(prefix: str, *rows: dict, initial: int = 0) -> dict:
    """An inline's management form and rows, as the admin page posts them."""
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
    return data


def assignment_form(assignment, *grants, initial: int = 0, **fields) -> dict:
    return {"year": assignment.year_id, "teacher": assignment.teacher_id,
            "subject": assignment.subject_id, "school_class": assignment.school_class_id,
            "subgroup": assignment.subgroup_id or "", **fields,
            **inline(JOURNAL_GRANTS, *grants, initial=initial)}


def class_form(school_class, *grants, initial: int = 0, **fields) -> dict:
    return {"year": school_class.year_id, "grade": school_class.grade,
            "letter": school_class.letter, "class_teacher": school_class.class_teacher_id or "",
            **fields, **inline("enrolments"), **inline(CLASS_GRANTS, *grants, initial=initial)}


def access_history() -> list[tuple[str, str, str]]:
    """(action, right, holder) of the access records, oldest first."""
    return [(r.action, r.new["codename"] if r.new else r.old["codename"],
             (r.new or r.old)["user"])
            for r in ChangeRecord.objects.filter(entity="access").order_by("pk")]


@pytest.fixture
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def colleague(school):
    user = make_user("kollega", "Коллегова", "Вера", "Петровна")
    StaffRole.objects.create(user=user, school=school, role=Role.TEACHER)
    return user


def test_a_new_teacher_on_an_assignment_takes_over_its_journal(client, deputy, small_school,
                                                               substitute, teacher):
    client.force_login(deputy)
    assignment = small_school.maths_5a
    response = client.post(reverse("admin:journal_teachingassignment_change",
                                   args=[assignment.pk]),
                           assignment_form(assignment, teacher=substitute.pk))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.teacher == substitute
    assert substitute.has_perm("journal.keep_journal", assignment)
    fresh_teacher = type(teacher).objects.get(pk=teacher.pk)  # no cached permissions
    assert not fresh_teacher.has_perm("journal.keep_journal", assignment)
    assert rights_disagreements() == []
    record = ChangeRecord.objects.get(entity="access")
    assert (record.user, record.action, record.assignment_id) == (deputy, "update", assignment.pk)
    assert (record.old["user"], record.new["user"]) == (teacher.full_name, substitute.full_name)


def test_an_assignment_added_here_is_kept_by_its_teacher(client, deputy, small_school,
                                                         colleague):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_teachingassignment_add"), {
        "year": small_school.year.pk, "teacher": colleague.pk,
        "subject": small_school.russian.pk, "school_class": small_school.class_5b.pk,
        "subgroup": "", **inline(JOURNAL_GRANTS)})
    assert response.status_code == 302
    assignment = TeachingAssignment.objects.get(school_class=small_school.class_5b,
                                                subject=small_school.russian)
    assert colleague.has_perm("journal.keep_journal", assignment)
    assert rights_disagreements() == []
    assert access_history() == [("create", "keep_journal", colleague.full_name)]


def test_a_teacher_from_outside_the_school_is_refused_in_russian(client, deputy, small_school):
    stranger = make_user("postoronniy", "Посторонний", "Павел")
    client.force_login(deputy)
    assignment = small_school.maths_5a
    response = client.post(reverse("admin:journal_teachingassignment_change",
                                   args=[assignment.pk]),
                           assignment_form(assignment, teacher=stranger.pk))
    assert response.status_code == 200
    assert "не числится сотрудником этой школы" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.teacher_id != stranger.pk
    assert rights_disagreements() == []


def test_a_class_teacher_is_set_changed_and_cleared_with_the_right(client, deputy, small_school,
                                                                   colleague, teacher):
    client.force_login(deputy)
    school_class = small_school.class_5b
    url = reverse("admin:journal_schoolclass_change", args=[school_class.pk])
    for who in (colleague, teacher, None):
        response = client.post(url, class_form(school_class, class_teacher=who.pk if who else ""))
        assert response.status_code == 302
        school_class.refresh_from_db()
        assert school_class.class_teacher == who
        assert rights_disagreements() == []
    assert access_history() == [("create", "view_class_journals", colleague.full_name),
                                ("update", "view_class_journals", teacher.full_name),
                                ("delete", "view_class_journals", teacher.full_name)]
    response = client.post(reverse("admin:journal_schoolclass_add"), {
        **class_form(school_class, letter="В"), "class_teacher": colleague.pk})
    assert response.status_code == 302
    added = SchoolClass.objects.get(year=small_school.year, grade=5, letter="В")
    assert added.class_teacher == colleague
    assert rights_disagreements() == []


@pytest.mark.usefixtures("_frozen")
def test_a_second_teacher_and_an_inspector_are_granted_and_taken_back_on_the_journal_page(
        client, deputy, small_school, colleague, director):
    client.force_login(deputy)
    assignment = small_school.maths_5a
    url = reverse("admin:journal_teachingassignment_change", args=[assignment.pk])
    response = client.post(url, assignment_form(
        assignment, {"right": "co_keep_journal", "user": colleague.pk, "expires_on": ""},
        {"right": "inspect_journal", "user": director.pk, "expires_on": "30.11.2026"}))
    assert response.status_code == 302
    rows = {row.permission.codename: row for row in
            TeachingAssignmentUserObjectPermission.objects.filter(content_object=assignment)}
    assert rows["co_keep_journal"].user == colleague
    assert rows["inspect_journal"].user == director
    assert rows["inspect_journal"].expires_on == dt.date(2026, 11, 30)
    assert rows["inspect_journal"].granted_by == deputy
    assert rights_disagreements() == []

    page = client.get(url).content.decode()
    assert "Второй учитель и проверяющие журнала" in page
    response = client.post(url, assignment_form(
        assignment,
        {"id": rows["co_keep_journal"].pk, "right": "co_keep_journal", "user": colleague.pk,
         "expires_on": ""},
        {"id": rows["inspect_journal"].pk, "right": "inspect_journal", "user": director.pk,
         "expires_on": "30.11.2026", "DELETE": "on"}, initial=2))
    assert response.status_code == 302
    assert list(TeachingAssignmentUserObjectPermission.objects.filter(
        content_object=assignment).exclude(permission__codename="keep_journal")) == [
        rows["co_keep_journal"]]
    assert access_history() == [("create", "co_keep_journal", colleague.full_name),
                                ("create", "inspect_journal", director.full_name),
                                ("delete", "inspect_journal", director.full_name)]


@pytest.mark.usefixtures("_frozen")
@pytest.mark.parametrize(("end", "message"), [
    ("", "Укажите дату, по которую действует доступ проверяющего"),
    ("15.11.2026", "Дата окончания доступа 15.11.2026 уже прошла"),
])
def test_an_inspector_needs_an_end_date_not_in_the_past(client, deputy, small_school, director,
                                                        end, message):
    client.force_login(deputy)
    assignment = small_school.maths_5a
    response = client.post(
        reverse("admin:journal_teachingassignment_change", args=[assignment.pk]),
        assignment_form(assignment, {"right": "inspect_journal", "user": director.pk,
                                     "expires_on": end}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TeachingAssignmentUserObjectPermission.objects.filter(
        permission__codename="inspect_journal").exists()


@pytest.mark.usefixtures("_frozen")
def test_class_and_subject_checkers_are_granted_on_their_pages(client, administrator,
                                                               small_school, colleague):
    client.force_login(administrator)
    school_class = small_school.class_5a
    response = client.post(reverse("admin:journal_schoolclass_change", args=[school_class.pk]),
                           class_form(school_class, {"right": "check_class_journals",
                                                     "user": colleague.pk, "expires_on": ""}))
    assert response.status_code == 302
    maths = small_school.maths
    response = client.post(reverse("admin:journal_subject_change", args=[maths.pk]), {
        "school": maths.school_id, "name": maths.name, "short_name": "", "order": maths.order,
        **inline(SUBJECT_GRANTS, {"right": "check_subject_journals", "user": colleague.pk,
                                  "expires_on": ""})})
    assert response.status_code == 302
    assert SchoolClassUserObjectPermission.objects.get(
        permission__codename="check_class_journals").content_object == school_class
    assert SubjectUserObjectPermission.objects.get().content_object == maths
    assert access_history() == [("create", "check_class_journals", colleague.full_name),
                                ("create", "check_subject_journals", colleague.full_name)]
    assert rights_disagreements() == []


def test_rights_go_to_active_staff_of_the_school_only(client, deputy, small_school, colleague):
    colleague.is_active = False
    colleague.save()
    client.force_login(deputy)
    school_class = small_school.class_5a
    response = client.post(reverse("admin:journal_schoolclass_change", args=[school_class.pk]),
                           class_form(school_class, {"right": "check_class_journals",
                                                     "user": colleague.pk, "expires_on": ""}))
    assert response.status_code == 200
    assert "отключена" in response.content.decode()
    assert not SchoolClassUserObjectPermission.objects.filter(
        permission__codename="check_class_journals").exists()


def test_a_journal_whose_teacher_left_stays_editable(client, deputy, small_school, teacher,
                                                     colleague):
    teacher.is_active = False
    teacher.save()
    client.force_login(deputy)
    assignment = small_school.maths_5a
    response = client.post(
        reverse("admin:journal_teachingassignment_change", args=[assignment.pk]),
        assignment_form(assignment, {"right": "co_keep_journal", "user": colleague.pk,
                                     "expires_on": ""}))
    assert response.status_code == 302
    assert colleague.has_perm("journal.co_keep_journal", assignment)
    assert rights_disagreements() == []


# The setup screens in correct Russian, sections in the order a school is set up --------------

def inline_add_links(page: str) -> list[str]:
    """The «add a row» links of the page's inlines, which the admin's script makes from JSON."""
    return [json.loads(html.unescape(data))["options"]["addText"]
            for data in re.findall(r'data-inline-formset="([^"]*)"', page)]


def nominative_mistakes(page: str) -> list[str]:
    """What the stock admin says with a model's name in the nominative where Russian needs
    another case («Выберите школа для изменения», «Добавить пользователь», «5 классы»), and its
    other untranslated turns, found on the page."""
    patterns = [r"Добавить еще один", r"был успешно", r"Модели в приложении",
                r"Выбрано 0 объектов", r'объект типа "', r"Django"]
    for model, model_admin in admin.site._registry.items():
        name, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
        if name != model_admin.names.accusative:
            patterns.append(rf"(Выберите|Добавить|Изменить|Просмотреть|[Уу]далить) "
                            rf"{re.escape(name)}(?![а-яё])")
        if plural != model_admin.names.plural_accusative:
            patterns.append(rf"выбранные {re.escape(plural)}(?![а-яё])")
        patterns.append(rf"\b\d+ {re.escape(plural)}(?![а-яё])")
    text = re.sub(r"\s+", " ", " ".join([page, *inline_add_links(page)]))
    return [found.group(0) for pattern in patterns for found in re.finditer(pattern, text)]


@pytest.fixture
def superuser(school):
    return make_user("root", "Суперов", "Сергей", is_superuser=True)


@pytest.fixture
def every_model_has_a_row(small_school, parent, weekly_slot, class_teacher):
    make_family_records(parent, class_teacher)
    CurriculumItem.objects.create(year=small_school.year, subject=small_school.maths, grade=5,
                                  hours_per_week=5)
    make_lesson(small_school.maths_5a, TODAY, number=2)
    # The portal exports' schedule (written into beat's tables) and a run.
    schedule_of(small_school.school)
    IntervalSchedule.objects.create(every=300, period=IntervalSchedule.SECONDS)
    PortalExport.objects.create(school=small_school.school, kind=PortalExport.Kind.FULL,
                                format="ejournal-v1", status=PortalExport.Status.DONE)


@pytest.mark.usefixtures("every_model_has_a_row")
def test_every_setup_page_names_its_model_in_the_right_case(client, superuser):
    client.force_login(superuser)
    pages = [reverse("admin:index"), reverse("admin:accounts_user_changelist") + "?_popup=1"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        row = model.objects.order_by("pk").first()
        assert row is not None, f"no {opts.label} to open"
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[row.pk]))
        # Export runs and schedules are made by the exports themselves and kept, the families'
        # records by the families' pages.
        kept = (PortalExport, ExportSchedule)
        if model not in kept and not isinstance(model_admin, ReadOnlyAdmin):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        # Lessons are never deleted here.
        if model not in (Lesson, *kept) and not isinstance(model_admin, ReadOnlyAdmin):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete",
                                 args=[row.pk]))
    mistakes = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := nominative_mistakes(response.content.decode()):
            mistakes[url] = found
    assert mistakes == {}
    assert len(pages) > 90


def h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.usefixtures("every_model_has_a_row")
def test_titles_and_buttons_take_the_accusative(client, superuser, small_school, children):
    client.force_login(superuser)

    def title(name: str, *args, query: str = "") -> str:
        return h1(client.get(reverse(f"admin:{name}", args=args) + query))

    assert title("journal_school_changelist") == "Выберите школу для изменения"
    assert title("journal_school_delete", small_school.school.pk) == "Нельзя удалить школу"
    assert title("journal_subgroup_delete", small_school.english_5a_group2.subgroup_id) == \
        "Удалить подгруппу"
    assert title("journal_schoolclass_change", small_school.class_5a.pk) == "Изменить класс"
    assert title("accounts_user_add") == "Добавить пользователя"
    assert title("accounts_user_changelist", query="?_popup=1") == "Выберите пользователя"
    assert title("accounts_student_changelist") == "Выберите обучающегося для изменения"
    assert title("accounts_parent_add") == "Добавить родителя (законного представителя)"
    assert title("journal_curriculumitem_add") == "Добавить строку учебного плана"
    assert title("journal_subgroup_change", small_school.english_5a_group1.subgroup_id) == \
        "Изменить подгруппу"
    assert title("journal_holiday_add") == "Добавить каникулы или праздник"
    assert title("journal_bellschedule_add") == "Добавить время урока"
    assert title("journal_teachingassignment_change", small_school.maths_5a.pk) == \
        "Изменить журнал"
    assert title("journal_lesson_changelist") == "Выберите урок для просмотра"

    page = client.get(reverse("admin:journal_holiday_changelist") + "?o=2").content.decode()
    assert '<td class="field-starts_on">04.11.2026</td>' in page
    assert 'class="sortable column-starts_on sorted ascending"' in page

    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Добавить пользователя</a>" in page
    assert '<option value="delete_selected">Удалить выбранных пользователей</option>' in page
    users = User.objects.count()
    assert f"Всего пользователей: {users}" in page
    assert f"Выбрано 0 из {users}" in page
    page = client.get(reverse("admin:accounts_user_change", args=[children[0].user_id]))
    assert inline_add_links(page.content.decode()) == ["Добавить ещё одну роль сотрудника"]
    assert "<title>Петров Василий | Изменить пользователя | Настройка школы — Электронный " \
           "журнал</title>" in page.content.decode()
    page = client.get(reverse("admin:journal_schoolclass_change", args=[small_school.class_5a.pk]))
    assert inline_add_links(page.content.decode()) == [
        "Добавить ещё одно зачисление в класс", "Добавить ещё одного проверяющего журналы класса"]


def test_the_links_beside_a_related_field_name_it_in_russian(client, superuser, small_school):
    client.force_login(superuser)
    page = client.get(reverse("admin:journal_subgroup_change",
                              args=[small_school.english_5a_group1.subgroup_id])).content.decode()
    assert 'title="Изменить выбранный класс"' in page
    assert 'title="Добавить предмет"' in page
    assert 'title="Просмотреть выбранный предмет"' in page
    page = client.get(reverse("admin:journal_schoolclass_change",
                              args=[small_school.class_5a.pk])).content.decode()
    assert 'title="Изменить выбранный учебный год"' in page
    assert 'title="Изменить выбранного пользователя"' in page  # the class teacher
    # The rows of an inline are named for assistive technology, not only by column headings.
    assert 'aria-label="Зачислен с"' in page


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_messages_agree_with_what_was_saved_or_deleted(client, superuser, small_school):
    client.force_login(superuser)
    school = small_school.school
    response = client.post(reverse("admin:journal_subject_add"), {
        "school": school.pk, "name": "Физика", "short_name": "", "order": 9,
        **inline(SUBJECT_GRANTS)}, follow=True)
    physics = Subject.objects.get(name="Физика")
    url = reverse("admin:journal_subject_change", args=[physics.pk])
    assert messages_of(response) == [f'Предмет «<a href="{url}">Физика</a>» успешно добавлен.']

    response = client.post(reverse("admin:journal_subgroup_add"), {
        "school_class": small_school.class_5b.pk, "subject": small_school.english.pk,
        "name": "1 группа", "_addanother": "1"}, follow=True)
    assert messages_of(response)[0].endswith(
        "» успешно добавлена. Ниже можно добавить ещё одну подгруппу.")

    holiday = Holiday.objects.get(name="День народного единства")
    response = client.post(reverse("admin:journal_holiday_delete", args=[holiday.pk]),
                           {"post": "yes"}, follow=True)
    assert messages_of(response) == [f"Каникулы или праздник «{holiday}» удалены."]

    chemistry = Subject.objects.create(school=school, name="Химия")
    pks = [physics.pk, chemistry.pk]
    response = client.post(reverse("admin:journal_subject_changelist"), {
        "action": "delete_selected", "_selected_action": pks, "post": "yes"}, follow=True)
    assert messages_of(response) == ["Удалено предметов: 2."]

    response = client.get(reverse("admin:journal_school_change", args=[9999]), follow=True)
    assert messages_of(response) == [
        "Школа с номером «9999» не найдена: возможно, её уже удалили."]


def test_the_delete_and_history_pages_read_in_russian(client, superuser, small_school):
    client.force_login(superuser)
    subject = small_school.english
    page = client.get(reverse("admin:journal_subject_delete", args=[subject.pk]))
    assert "Чтобы удалить предмет «Английский язык», сначала нужно удалить" in \
        page.content.decode()  # its journals are protected
    page = client.post(reverse("admin:journal_subject_changelist"), {
        "action": "delete_selected", "_selected_action": [small_school.russian.pk]})
    assert "Чтобы удалить выбранный предмет, сначала нужно удалить" in page.content.decode()

    user = small_school.maths_5b.teacher
    client.post(reverse("admin:accounts_user_change", args=[user.pk]), {
        "username": user.username, "last_name": "Ивановский", "first_name": user.first_name,
        "patronymic": user.patronymic, "email": "", "is_active": "on",
        **inline("staff_roles", {"school": small_school.school.pk, "role": "teacher"})})
    history = client.get(reverse("admin:accounts_user_history", args=[user.pk]))
    assert "Изменено: Фамилия. Добавлено: роль сотрудника «Ивановский Сергей Петрович: " \
           "Учитель»." in history.content.decode()


def test_the_index_lists_sections_in_the_order_a_school_is_set_up(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    read = [("section", caption) if caption else ("model", model) for caption, model in
            re.findall(r'<caption>(.*?)</caption>|<th scope="row"[^>]*>\s*<a [^>]*>(.*?)</a>',
                       page)]
    assert read == [
        ("section", "Школа и учебный год"), ("model", "Школы"), ("model", "Учебные годы"),
        ("model", "Учебные периоды"), ("model", "Каникулы и праздники"),
        ("model", "Расписание звонков"),
        ("section", "Классы, предметы и учебный план"), ("model", "Классы"),
        ("model", "Предметы"), ("model", "Учебный план"), ("model", "Подгруппы"),
        ("section", "Журналы и расписание"), ("model", "Журналы (учебная нагрузка)"),
        ("model", "Расписание"), ("model", "Уроки"),
        ("section", "Люди"), ("model", "Пользователи"), ("model", "Роли сотрудников"),
        ("model", "Обучающиеся"), ("model", "Зачисления в классы"),
        ("model", "Родители (законные представители)"), ("model", "Связи родителей и детей"),
        ("section", "Доступ семей и персональные данные"),
        ("model", "Заявления на электронный дневник"),
        ("model", "Согласия на обработку персональных данных"), ("model", "Каналы связи"),
        ("model", "Выдачи логинов"), ("model", "Прекращения предоставления услуги"),
        ("model", "Внешние входы"),
        ("section", "Выгрузки на портал"), ("model", "Расписания выгрузок"),
        ("model", "Выгрузки на портал"), ("model", "Периодические задачи"), ("model", "Crontab"),
        ("model", "Интервалы"),
        ("section", "Прочее"), ("model", "Виды контроля"),
    ]
    assert "<title>Настройка школы | Настройка школы — Электронный журнал</title>" in page


def test_a_dispatcher_sees_their_sections_in_order_and_the_timetable_pages(client, school):
    dispatcher = make_user("dispetcher", "Диспетчерова", "Нина")
    StaffRole.objects.create(user=dispatcher, school=school, role=Role.DISPATCHER)
    client.force_login(dispatcher)
    page = client.get(reverse("admin:index")).content.decode()
    assert re.findall(r"<caption>(.*?)</caption>", page) == [
        "Школа и учебный год", "Классы, предметы и учебный план", "Журналы и расписание"]
    assert f'<a href="{reverse("journal:timetable")}">Расписание уроков' in page
    assert f'<a href="{reverse("journal:substitutions")}">Замены на день</a>' in page


def test_a_secretary_is_not_offered_the_timetable_pages(client, school):
    secretary = make_user("sekretar", "Секретарёва", "Ольга")
    StaffRole.objects.create(user=secretary, school=school, role=Role.SECRETARY)
    client.force_login(secretary)
    page = client.get(reverse("admin:index")).content.decode()
    assert re.findall(r"<caption>(.*?)</caption>", page) == [
        "Классы, предметы и учебный план", "Люди"]
    assert reverse("journal:timetable") not in page


def test_an_applications_page_leads_back_to_the_sections(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:app_list", args=["journal"]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    page = client.get(reverse("admin:journal_holiday_changelist")).content.decode()
    assert f'<a href="{reverse("admin:index")}#setup-school">Школа и учебный год</a>' in page
