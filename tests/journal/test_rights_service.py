"""The rights service: keys and guardian rows move together, rights no key carries are given to
the school's active staff only and each grant and revoke is in the change history."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import StaffRole
from accounts.roles import Role
from journal.models import (
    ChangeRecord,
    School,
    SchoolClassUserObjectPermission,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.history import describe_values
from journal.models.rights import (
    CHECK_CLASS_JOURNALS,
    CHECK_SUBJECT_JOURNALS,
    CO_KEEP_JOURNAL,
    INSPECT_JOURNAL,
    KEEP_JOURNAL,
)
from journal.rules import JournalError
from journal.services.rights import (
    grant,
    revoke,
    rights_disagreements,
    set_class_teacher,
    set_teacher,
    sync_class_rights,
    sync_journal_rights,
)
from tests.conftest import make_user
from tests.journal.journal_setup import TODAY, at


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def colleague(school):
    user = make_user("kollega", "Коллегова", "Вера", "Петровна")
    StaffRole.objects.create(user=user, school=school, role=Role.TEACHER)
    return user


def holders(assignment, codename: str) -> list:
    return [row.user for row in TeachingAssignmentUserObjectPermission.objects.filter(
        content_object=assignment, permission__codename=codename)]


def test_a_new_teacher_takes_the_key_and_the_right_in_one_step(small_school, deputy, teacher,
                                                               colleague):
    assignment = small_school.maths_5a
    set_teacher(deputy, assignment, colleague)
    assignment.refresh_from_db()
    assert assignment.teacher == colleague
    assert holders(assignment, KEEP_JOURNAL) == [colleague]
    assert rights_disagreements() == []
    record = ChangeRecord.objects.get(entity="access")
    assert (record.action, record.user, record.assignment_id) == ("update", deputy, assignment.pk)
    # PostgreSQL keeps JSON keys in its own order.
    assert set(describe_values(record.new).split("; ")) == {
        "право: ведёт журнал (учитель)", "кому: Коллегова Вера Петровна",
        "на что: Журнал 5А Математика"}


def test_the_same_teacher_again_changes_and_records_nothing(small_school, deputy, teacher):
    set_teacher(deputy, small_school.maths_5a, teacher)
    assert not ChangeRecord.objects.exists()


def test_a_class_teacher_is_set_and_removed_with_the_right(small_school, deputy, colleague):
    school_class = small_school.class_5b
    set_class_teacher(deputy, school_class, colleague)
    assert colleague.has_perm("journal.view_class_journals", school_class)
    assert rights_disagreements() == []
    set_class_teacher(deputy, school_class, None)
    school_class.refresh_from_db()
    assert school_class.class_teacher is None
    assert not SchoolClassUserObjectPermission.objects.filter(content_object=school_class).exists()
    assert rights_disagreements() == []
    assert list(ChangeRecord.objects.filter(entity="access").order_by("pk")
                .values_list("action", flat=True)) == ["create", "delete"]


def test_changing_the_teacher_keeps_the_rights_no_key_carries(small_school, deputy, colleague,
                                                              director, substitute):
    assignment = small_school.maths_5a
    grant(deputy, CO_KEEP_JOURNAL, assignment, colleague)
    grant(deputy, INSPECT_JOURNAL, assignment, director, expires_on=TODAY)
    set_teacher(deputy, assignment, substitute)
    assert holders(assignment, CO_KEEP_JOURNAL) == [colleague]
    assert holders(assignment, INSPECT_JOURNAL) == [director]
    assert holders(assignment, KEEP_JOURNAL) == [substitute]


def test_a_grant_again_moves_the_end_date_and_revoke_takes_it_back(small_school, deputy,
                                                                   director):
    assignment = small_school.maths_5a
    row = grant(deputy, INSPECT_JOURNAL, assignment, director, expires_on=TODAY)
    assert (row.granted_by, row.expires_on) == (deputy, TODAY)
    later = TODAY + dt.timedelta(days=30)
    assert grant(deputy, INSPECT_JOURNAL, assignment, director, expires_on=later).pk == row.pk
    grant(deputy, INSPECT_JOURNAL, assignment, director, expires_on=later)  # nothing changes
    revoke(deputy, TeachingAssignmentUserObjectPermission.objects.get(pk=row.pk))
    assert not holders(assignment, INSPECT_JOURNAL)
    records = list(ChangeRecord.objects.filter(entity="access").order_by("pk"))
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert {r.entity_id for r in records} == {row.pk}
    assert (records[1].old["expires_on"], records[1].new["expires_on"]) == (
        TODAY.isoformat(), later.isoformat())
    assert "действует по: 2026-12-16" in describe_values(records[1].new)
    with pytest.raises(ValueError, match="не редактируется"):
        records[0].save()


@pytest.mark.parametrize(("codename", "end", "message"), [
    (INSPECT_JOURNAL, None, "Укажите дату"),
    (INSPECT_JOURNAL, TODAY - dt.timedelta(days=1), "уже прошла"),
    (CO_KEEP_JOURNAL, TODAY - dt.timedelta(days=1), "уже прошла"),
    (KEEP_JOURNAL, None, "вместе с назначением учителя"),
])
def test_a_grant_is_refused_in_russian(small_school, deputy, colleague, codename, end, message):
    with pytest.raises(JournalError, match=message):
        grant(deputy, codename, small_school.maths_5a, colleague, expires_on=end)
    assert not ChangeRecord.objects.exists()


def test_rights_go_to_active_staff_of_the_journals_school_only(small_school, deputy, colleague,
                                                               teacher):
    stranger = make_user("chuzhoy_uchitel", "Чужов", "Иван")
    elsewhere = make_user("iz_drugoy", "Другова", "Анна")
    StaffRole.objects.create(user=elsewhere, school=School.objects.create(
        name="Школа № 8", short_name="Школа № 8"), role=Role.TEACHER)
    colleague.is_active = False
    colleague.save()
    for who, message in ((stranger, "не числится сотрудником"),
                         (elsewhere, "не числится сотрудником"), (colleague, "отключена")):
        with pytest.raises(JournalError, match=message):
            grant(deputy, CHECK_CLASS_JOURNALS, small_school.class_5a, who)
        with pytest.raises(JournalError, match=message):
            set_teacher(deputy, small_school.maths_5a, who)
        with pytest.raises(JournalError, match=message):
            set_class_teacher(deputy, small_school.class_5b, who)
    with pytest.raises(JournalError, match="учитель этого журнала"):
        grant(deputy, CO_KEEP_JOURNAL, small_school.maths_5a, teacher)
    assert rights_disagreements() == []


def test_a_subject_checker_is_granted_on_the_subject(small_school, deputy, colleague):
    row = grant(deputy, CHECK_SUBJECT_JOURNALS, small_school.maths, colleague)
    record = ChangeRecord.objects.get(entity="access")
    assert (record.entity_id, record.assignment_id, record.new["object"]) == (
        row.pk, None, "Предмет «Математика»")
    with pytest.raises(TypeError):
        grant(deputy, CHECK_SUBJECT_JOURNALS, small_school.class_5a, colleague)


def test_disagreements_are_found_and_sync_mends_them(small_school, colleague, teacher):
    assignment, school_class = small_school.maths_5a, small_school.class_5a
    TeachingAssignmentUserObjectPermission.objects.filter(
        content_object=assignment, permission__codename=KEEP_JOURNAL).update(user=colleague)
    row = SchoolClassUserObjectPermission.objects.get(content_object=school_class)
    row.user = teacher
    row.save()
    found = rights_disagreements()
    assert found == [
        "Журнал 5А Математика: право вести журнал у Коллегова В. П., а учитель журнала — "
        "Матвеева О. И.",
        "Журнал 5А Математика: у учителя Матвеева О. И. нет права вести журнал",
        "5А класс: право классного руководителя у Матвеева О. И., а классный руководитель — "
        "Руднева А. П.",
        "5А класс: у классного руководителя Руднева А. П. нет права на журналы класса",
    ]
    assert rights_disagreements(year=small_school.year) == found
    sync_journal_rights(assignment)
    sync_class_rights(school_class)
    assert rights_disagreements() == []
