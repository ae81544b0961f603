"""`manage.py seed_demo --size small`: the demo school the README promises, built once for the
module (inside a transaction rolled back at the end) as of a fixed Monday."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Parent, StaffRole, Student, User
from accounts.roles import Role
from journal.demo import cast
from journal.demo.names import PATRONYMICS, Logins, last_name_for, transliterate
from journal.demo.school_year import YearCalendar, year_start_for
from journal.models import (
    Absence,
    AcademicYear,
    ChangeRecord,
    Enrolment,
    FinalMark,
    Holiday,
    Homework,
    Lesson,
    Mark,
    PlanItem,
    School,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    TeachingAssignment,
    TimetableSlot,
)
from journal.models.rights import KEEP_JOURNAL, VIEW_CLASS_JOURNALS
from journal.queries.plans import next_plan_item, programme_completion
from journal.services.rights import rights_disagreements

TODAY = dt.date(2026, 11, 23)  # a Monday in the second quarter
REASON = "загружено при создании демо-школы"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeding output; the school stays in the database for the module's tests only."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        moment = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
        with time_machine.travel(moment, tick=False):
            call_command("seed_demo", size="small", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _stem(last_name: str) -> str:
    """Иванов/Иванова → Иванов, Троицкий/Троицкая → Троицк: one family name for both sexes."""
    for ending in ("ая", "ий", "ой", "а"):
        if last_name.endswith(ending):
            return last_name[: -len(ending)]
    return last_name


def test_the_demo_school_is_built_as_of_today(db, demo):
    year = AcademicYear.objects.get(is_current=True)
    assert (year.name, year.starts_on) == ("2026/2027", dt.date(2026, 9, 1))
    assert School.objects.get().name == "МБОУ «Средняя общеобразовательная школа № 12»"
    assert sorted(SchoolClass.objects.values_list("grade", flat=True)) == [1, 5, 10]
    assert 25 <= Student.objects.count() <= 35
    assert "Итого" in demo and "Обучающиеся" in demo


def test_every_staff_role_is_held_by_someone(db, demo):
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(Role.values)
    assert StaffRole.objects.filter(role=Role.DEPUTY).values("user").distinct().count() == 2


def sign_in(client, login: str, password: str) -> bool:
    # The lock-out check (django-axes) needs the request a sign-in comes with.
    return client.login(request=RequestFactory().post(reverse("login")), username=login,
                        password=password)


@pytest.mark.parametrize("login", cast.LOGINS)
def test_every_demo_login_signs_in_with_the_shared_password(db, demo, client, login):
    assert sign_in(client, login, cast.DEMO_PASSWORD)
    assert not sign_in(client, login, "wrong-password")


def test_generated_users_share_the_password_too(db, demo, client):
    someone = Student.objects.exclude(user__username="student").select_related("user").first()
    assert someone.user.username.isascii()
    assert sign_in(client, someone.user.username, cast.DEMO_PASSWORD)


def test_first_graders_get_topics_and_absences_but_no_marks_or_homework(db, demo):
    first_grade = Lesson.objects.filter(assignment__school_class__grade=1)
    held = first_grade.filter(is_held=True)
    assert held.count() > 100
    assert not held.filter(topic="").exists()
    assert not Mark.objects.filter(lesson__assignment__school_class__grade=1).exists()
    assert not Homework.objects.filter(lesson__assignment__school_class__grade=1).exists()
    assert not FinalMark.objects.filter(assignment__school_class__grade=1).exists()
    assert Absence.objects.filter(lesson__assignment__school_class__grade=1).exists()


def test_older_classes_get_mostly_fours_and_fives(db, demo):
    values = Counter(Mark.objects.filter(lesson__assignment__subject__is_elective=False)
                     .values_list("value", flat=True))
    total = sum(values.values())
    assert total > 1000
    assert set(values) <= {"2", "3", "4", "5"}
    assert (values["4"] + values["5"]) / total > 0.65
    assert 0 < values["2"] / total < 0.08
    assert values["3"] > values["2"]


def test_electives_are_marked_pass_or_fail(db, demo):
    values = set(Mark.objects.filter(lesson__assignment__subject__is_elective=True)
                 .values_list("value", flat=True))
    assert values and values <= {"зач", "незач"}


def test_some_lessons_are_control_works_with_a_mark_for_everyone_present(db, demo):
    control = Lesson.objects.filter(assessment_type__name="Контрольная работа", is_held=True,
                                    assignment__subgroup__isnull=True)
    assert control.exists()
    lesson = control.first()
    present = (len(TeachingAssignment.objects.get(pk=lesson.assignment_id).school_class
                   .enrolments.all()) - lesson.absences.exclude(kind=Absence.Kind.LATE).count())
    assert lesson.marks.count() == present
    assert "Контрольная работа" in lesson.topic


def test_absences_use_every_kind_and_lateness_has_minutes(db, demo):
    kinds = set(Absence.objects.values_list("kind", flat=True))
    assert {Absence.Kind.ILL, Absence.Kind.ABSENT, Absence.Kind.LATE} <= kinds
    late = Absence.objects.filter(kind=Absence.Kind.LATE)
    assert not late.filter(minutes_late__isnull=True).exists()
    assert not Absence.objects.exclude(kind=Absence.Kind.LATE).filter(
        minutes_late__isnull=False).exists()


def test_nothing_is_recorded_after_today(db, demo):
    assert Lesson.objects.filter(date__gt=TODAY).exists()
    assert not Lesson.objects.filter(date__gte=TODAY, is_held=True).exists()
    assert not Lesson.objects.filter(date__gt=TODAY).exclude(topic="").exists()
    assert not Mark.objects.filter(lesson__date__gte=TODAY).exists()
    assert not Absence.objects.filter(lesson__date__gte=TODAY).exists()
    assert not Lesson.objects.filter(date__lt=TODAY, is_held=False).exists()


def test_homework_is_due_at_the_next_lesson_of_the_journal(db, demo):
    homework = Homework.objects.select_related("lesson", "due_lesson").exclude(is_none=True)
    assert homework.count() > 100
    assert Homework.objects.filter(is_none=True, text="").exists()
    for item in homework[:200]:
        following = (Lesson.objects.filter(assignment_id=item.lesson.assignment_id)
                     .filter(date__gt=item.lesson.date).order_by("date", "number").first())
        same_day_later = Lesson.objects.filter(assignment_id=item.lesson.assignment_id,
                                               date=item.lesson.date,
                                               number__gt=item.lesson.number).first()
        assert item.due_lesson == (same_day_later or following)


def test_the_first_quarter_has_term_marks_from_the_weighted_average(db, demo):
    first_quarter = StudyPeriod.objects.get(kind="quarter", number=1)
    finals = FinalMark.objects.filter(period=first_quarter).select_related("assignment")
    assert finals.exists()
    assert not FinalMark.objects.filter(assignment__school_class__grade=10).exists()
    final = finals.exclude(recommended=None).first()
    marks = Mark.objects.filter(lesson__assignment=final.assignment, student=final.student,
                                lesson__date__range=(first_quarter.starts_on,
                                                     first_quarter.ends_on))
    weights = [(int(m.value), m.assessment_type.weight) for m in marks]
    average = sum(v * w for v, w in weights) / sum(w for _, w in weights)
    assert abs(final.recommended - average) < 0.01


def test_the_demo_parent_has_two_children_in_different_classes(db, demo):
    parent = Parent.objects.get(user__username="parent")
    children = list(parent.children.select_related("user"))
    assert len(children) == 2
    classes = {Enrolment.objects.get(student=child).school_class_id for child in children}
    assert len(classes) == 2
    assert {_stem(child.user.last_name) for child in children} == {"Петров"}
    assert parent.phone and parent.user.email
    student = Student.objects.get(user__username="student")
    assert student in children
    assert Enrolment.objects.get(student=student).school_class.grade >= 5


def test_siblings_share_their_family_name_and_every_child_has_a_parent(db, demo):
    assert not Student.objects.filter(parent_links__isnull=True).exists()
    for parent in Parent.objects.prefetch_related("children__user"):
        names = {_stem(child.user.last_name) for child in parent.children.all()}
        assert len(names) == 1, parent
        fathers = {name for child in parent.children.all()
                   for name, forms in PATRONYMICS.items() if child.user.patronymic in forms}
        assert len(fathers) == 1, parent


def test_families_who_signed_in_looked_at_a_diary_of_their_own_and_the_rest_never(db, demo):
    from diary.models import ActivityRecord

    family = User.objects.filter(Q(parent__isnull=False) | Q(student__isnull=False))
    signed = family.filter(last_login__isnull=False)
    assert 0 < signed.count() < family.count()
    for user in signed.select_related("parent", "student"):
        records = list(ActivityRecord.objects.filter(user=user).order_by("at"))
        assert [(r.kind, r.page) for r in records] == [("sign_in", ""), ("view", "week")], user
        assert records[0].at == user.last_login
        own = ([user.student.pk] if hasattr(user, "student")
               else list(user.parent.children.values_list("pk", flat=True)))
        assert records[1].student_id in own
    assert not ActivityRecord.objects.filter(user__in=family.filter(last_login__isnull=True))


def test_the_deputy_teaches_maths_leads_a_class_and_is_a_parent(db, demo):
    zavuch = User.objects.get(username="zavuch")
    roles = set(zavuch.staff_roles.values_list("role", flat=True))
    assert roles == {Role.DEPUTY, Role.TEACHER}
    assert zavuch.assignments.filter(subject__name__startswith="Алгебра").exists()
    assert zavuch.led_classes.exists()
    assert Parent.objects.get(user=zavuch).children.exists()


def test_the_demo_teacher_has_several_journals_and_a_lesson_today(db, demo):
    teacher = User.objects.get(username="teacher")
    assert teacher.assignments.count() >= 2
    today = Lesson.objects.filter(assignment__teacher=teacher, date=TODAY)
    assert today.exists()
    assert not today.filter(is_held=True).exists()
    assert not today.filter(topic="").exists()
    klass = User.objects.get(username="klass")
    assert klass.led_classes.get().students.filter(user__username="student").exists()


def test_every_journal_entry_has_a_history_row_by_the_teacher(db, demo):
    demo_rows = ChangeRecord.objects.filter(reason=REASON)
    for model, entity, teacher_path in [
        (Mark, ChangeRecord.Entity.MARK, "lesson__assignment__teacher_id"),
        (Absence, ChangeRecord.Entity.ABSENCE, "lesson__assignment__teacher_id"),
        (Homework, ChangeRecord.Entity.HOMEWORK, "lesson__assignment__teacher_id"),
        (FinalMark, ChangeRecord.Entity.FINAL_MARK, "assignment__teacher_id"),
    ]:
        rows = set(demo_rows.filter(entity=entity, action=ChangeRecord.Action.CREATE)
                   .values_list("entity_id", "user_id"))
        objects = set(model.objects.values_list("pk", teacher_path))
        assert objects, model
        assert rows == objects, model
    held = set(Lesson.objects.exclude(topic="").values_list("pk", "assignment__teacher_id"))
    lesson_rows = demo_rows.filter(entity=ChangeRecord.Entity.LESSON,
                                   action=ChangeRecord.Action.UPDATE)
    assert set(lesson_rows.values_list("entity_id", "user_id")) == held
    row = lesson_rows.filter(new__is_held=True).first()
    assert row.old["topic"] == "" and row.new["topic"]
    # The timetable made every lesson; that is on record too.
    assert ChangeRecord.objects.filter(entity=ChangeRecord.Entity.LESSON,
                                       action=ChangeRecord.Action.CREATE).count() == \
        Lesson.objects.count()


def test_every_journal_has_a_thematic_plan_for_the_whole_year(db, demo):
    journals = TeachingAssignment.objects.annotate(lesson_count=Count("lessons"))
    hours = dict(PlanItem.objects.values("plan__assignment").annotate(total=Sum("hours"))
                 .values_list("plan__assignment", "total"))
    for journal in journals:
        assert hours[journal.pk] == journal.lesson_count, journal
    first = PlanItem.objects.filter(number=1).select_related("plan")
    assert first.count() == journals.count()
    for item in first:
        assert item.planned_on == item.plan.assignment.lessons.order_by("date", "number")[0].date
    assert not PlanItem.objects.filter(topic="").exists()
    assert PlanItem.objects.filter(topic__startswith="Контрольная работа").exists()


def test_lessons_up_to_today_follow_the_plan_and_later_ones_are_free(db, demo):
    assert not Lesson.objects.filter(date__lte=TODAY, plan_item__isnull=True).exists()
    assert not Lesson.objects.filter(date__gt=TODAY, plan_item__isnull=False).exists()
    assert not Lesson.objects.filter(plan_item__isnull=False).exclude(
        plan_item__plan__assignment_id=F("assignment_id")).exists()
    for item in PlanItem.objects.filter(lessons__isnull=False).distinct()[:300]:
        lessons = list(item.lessons.order_by("date", "number"))
        assert item.planned_on == lessons[0].date
        assert len(lessons) <= item.hours
        if lessons[0].assessment_type_id is None:
            assert lessons[0].topic == item.topic


def test_the_plan_suggests_the_next_topic_and_shows_completion(db, demo, client):
    teacher = User.objects.get(username="teacher")
    journal = teacher.assignments.order_by("pk").first()
    done = journal.lessons.filter(date__lte=TODAY).order_by("-date", "-number").first()
    following = journal.lessons.filter(date__gt=TODAY).order_by("date", "number").first()
    suggestion = next_plan_item(following)
    used = journal.lessons.filter(plan_item=done.plan_item).count()
    assert suggestion == (done.plan_item if used < done.plan_item.hours else
                          PlanItem.objects.get(plan=done.plan_item.plan_id,
                                               number=done.plan_item.number + 1))
    completion = programme_completion(journal, TODAY)
    assert completion.held == journal.lessons.filter(date__lt=TODAY).count()
    assert completion.held_linked == completion.held
    assert 0 < completion.items_covered < completion.items
    assert 0 < completion.of_planned < 100

    client.force_login(teacher)
    page = client.get(reverse("journal:plan", args=[journal.pk])).content.decode()
    assert "план не заполнен" not in page
    assert f"{completion.of_planned} %" in page
    page = client.get(reverse("journal:lesson", args=[following.pk])).content.decode()
    assert f"Предложен следующий пункт КТП: <b>{suggestion.number}. {suggestion.topic}" in page


def test_a_few_lesson_records_are_entered_late_for_the_deputys_check(db, demo, client):
    late = Lesson.objects.filter(late_days__gt=0).select_related("entered_by",
                                                                 "assignment__teacher")
    assert 0 < late.count() < Lesson.objects.filter(is_held=True).count() * 0.05
    for lesson in late[:20]:
        assert lesson.is_held and lesson.entered_by == lesson.assignment.teacher
        row = ChangeRecord.objects.get(entity=ChangeRecord.Entity.LESSON, entity_id=lesson.pk,
                                       reason=REASON)
        entered = row.at.astimezone(ZoneInfo("Europe/Moscow")).date()
        assert (entered - lesson.date).days == lesson.late_days
        assert entered < TODAY
    assert not Mark.objects.filter(late_days__gt=0).exists()
    client.force_login(User.objects.get(username="zavuch"))
    page = client.get(reverse("journal:late_entries"), {"month": "2026-11"}).content.decode()
    assert page.count('data-testid="late-entry"') == late.filter(date__month=11).count()


def test_history_rows_are_dated_when_the_lesson_ended(db, demo):
    row = ChangeRecord.objects.filter(reason=REASON, entity=ChangeRecord.Entity.ABSENCE).first()
    lesson = Lesson.objects.get(pk=row.lesson_id)
    assert row.at.astimezone(ZoneInfo("Europe/Moscow")).date() == lesson.date


def test_seeding_again_with_if_empty_changes_nothing(db, demo):
    models = [User, Student, Parent, Lesson, Mark, Absence, Homework, ChangeRecord]
    before = [m.objects.count() for m in models]
    out = StringIO()
    call_command("seed_demo", size="small", if_empty=True, stdout=out)
    assert "уже загружена" in out.getvalue()
    assert [m.objects.count() for m in models] == before
    with pytest.raises(CommandError, match="уже есть школа"):
        call_command("seed_demo", size="small", stdout=StringIO())


def test_the_timetable_has_no_conflicts(db, demo):
    slots = TimetableSlot.objects.select_related("assignment__year")
    assert slots.count() > 60
    for slot in slots:
        assert slot.conflict_message() is None, slot
        slot.full_clean()


def test_each_class_day_runs_from_the_first_lesson_without_gaps(db, demo):
    numbers: dict[tuple[int, int], set[int]] = {}
    for class_id, weekday, number in TimetableSlot.objects.values_list(
            "assignment__school_class_id", "weekday", "lesson_number"):
        numbers.setdefault((class_id, weekday), set()).add(number)
    assert len(numbers) == 3 * 5
    for day in numbers.values():
        assert day == set(range(1, len(day) + 1))


def test_split_subjects_have_two_groups_with_their_own_teachers(db, demo):
    for subgroup in Subgroup.objects.all():
        assert subgroup.students.exists()
        assert subgroup.assignments.count() == 1
    english = TeachingAssignment.objects.filter(school_class__grade=5,
                                                subject__name__contains="английский")
    assert english.count() == 2
    assert len({a.teacher_id for a in english}) == 2
    groups = [set(a.subgroup.students.values_list("pk", flat=True)) for a in english]
    assert not groups[0] & groups[1]
    class_students = set(english[0].school_class.students.values_list("pk", flat=True))
    assert groups[0] | groups[1] == class_students


def test_teachers_keep_their_journals_and_class_teachers_see_their_class(db, demo):
    assert rights_disagreements() == []
    for assignment in TeachingAssignment.objects.select_related("teacher"):
        assert assignment.teacher.has_perm(f"journal.{KEEP_JOURNAL}", assignment)
    outsider = User.objects.get(username="director")
    assert not outsider.has_perm(f"journal.{KEEP_JOURNAL}", TeachingAssignment.objects.first())
    for school_class in SchoolClass.objects.select_related("class_teacher"):
        assert school_class.class_teacher.has_perm(f"journal.{VIEW_CLASS_JOURNALS}", school_class)


def test_students_are_born_to_fit_their_grade(db, demo):
    for enrolment in Enrolment.objects.select_related("student", "school_class"):
        age = (dt.date(2026, 9, 1) - enrolment.student.birth_date).days / 365.25
        grade = enrolment.school_class.grade
        assert grade + 5.4 < age < grade + 6.6, enrolment


def test_terms_and_holidays_follow_the_russian_calendar(db, demo):
    for period in StudyPeriod.objects.all():
        period.full_clean()
    assert StudyPeriod.objects.filter(kind="quarter", grade_to=9).count() == 4
    assert StudyPeriod.objects.filter(kind="half", grade_from=10).count() == 2
    assert Holiday.objects.filter(starts_on=dt.date(2026, 11, 4)).exists()
    february = Holiday.objects.get(grade_from=1, grade_to=1)
    assert february.starts_on.month == 2
    assert not Lesson.objects.filter(date=dt.date(2026, 11, 4)).exists()
    assert not Lesson.objects.filter(date__range=(dt.date(2026, 10, 24),
                                                  dt.date(2026, 11, 1))).exists()


def test_demo_logins_prints_every_login_with_name_and_password(db, demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in cast.LOGINS:
        assert f"{login} " in text
    assert cast.DEMO_PASSWORD in text
    assert "Руднева Анна Павловна" in text
    assert "классный руководитель 5А" in text


def test_the_year_starts_in_september_of_the_right_calendar_year():
    assert year_start_for(dt.date(2026, 9, 1)) == 2026
    assert year_start_for(dt.date(2027, 5, 20)) == 2026
    assert year_start_for(dt.date(2026, 8, 31)) == 2025
    terms = YearCalendar(2026).terms()
    assert terms[0].starts_on == dt.date(2026, 9, 1)
    assert all(a.ends_on < b.starts_on for a, b in zip(terms[:3], terms[1:4], strict=True))


def test_feminine_last_names_follow_russian_grammar():
    assert last_name_for("Иванов", female=True) == "Иванова"
    assert last_name_for("Соловьёв", female=True) == "Соловьёва"
    assert last_name_for("Ильин", female=True) == "Ильина"
    assert last_name_for("Троицкий", female=True) == "Троицкая"
    assert last_name_for("Луговой", female=True) == "Луговая"
    assert last_name_for("Черных", female=True) == "Черных"
    assert last_name_for("Шевченко", female=True) == "Шевченко"
    assert last_name_for("Иванов", female=False) == "Иванов"


def test_generated_logins_are_transliterated_and_unique():
    logins = Logins(reserved=["ivanova.ap"])
    assert transliterate("Щукина Юлия") == "shchukinayuliya"
    assert logins.make("Иванова", "Анна", "Петровна") == "ivanova.ap2"
    assert logins.make("Иванова", "Алла", "Павловна") == "ivanova.ap3"
    assert logins.make("Жуков", "Юрий") == "zhukov.y"
