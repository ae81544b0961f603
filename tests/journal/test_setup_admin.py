"""The setup screens validate in Russian and write through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from accounts.roles import Role
from journal.models import (
    ChangeRecord,
    Lesson,
    SchoolClass,
    SchoolClassUserObjectPermission,
    SubjectUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
    TimetableSlot,
)
from journal.services.rights import rights_disagreements
from tests.conftest import make_user
from tests.journal.journal_setup import TODAY, at


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
