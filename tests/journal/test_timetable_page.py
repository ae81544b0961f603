"""The timetable page and its service: edits from a date with the double-booking checks,
the copies, the lessons that follow, and who may open it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from journal.models import ChangeRecord, Lesson, Mark, SchoolClass, Subgroup, TeachingAssignment
from journal.models import TimetableSlot as Slot
from journal.rules import JournalError, NotAllowed
from journal.services import timetable as service
from journal.services.lessons import generate_lessons
from journal.services.rights import sync_journal_rights
from tests.conftest import YEAR_END, YEAR_START, make_school, make_staff, make_year
from tests.journal.journal_setup import NEXT_WEEK, TODAY, at

MONDAY, TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3, 4


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def dispatcher(school):
    return make_staff(school, "dispetcher", "Расписанова", "Вера", "Олеговна",
                      role=Role.DISPATCHER)


def put(assignment, weekday, number, room="", since=YEAR_START, until=YEAR_END) -> Slot:
    slot = Slot.objects.create(assignment=assignment, weekday=weekday, lesson_number=number,
                               room=room, valid_from=since, valid_to=until)
    generate_lessons(assignment.year, assignments=[assignment])
    return slot


@pytest.fixture
def maths_monday(small_school):
    """Maths in 5А (Матвеева), Mondays, 2nd lesson, room 21, the whole year, with lessons."""
    return put(small_school.maths_5a, MONDAY, 2, "21")


def timetable(**filters) -> set[tuple]:
    return set(Slot.objects.filter(**filters).values_list(
        "assignment_id", "weekday", "lesson_number", "room", "valid_from", "valid_to"))


def dates(assignment, **filters) -> list[dt.date]:
    return list(Lesson.objects.filter(assignment=assignment, **filters).order_by("date")
                .values_list("date", flat=True))


def refused(call, match: str):
    """The call is refused with `match` in its message and changes no slot and no lesson."""
    before = (timetable(), set(Lesson.objects.values_list("pk", "room")))
    with pytest.raises(JournalError, match=match) as info:
        call()
    assert (timetable(), set(Lesson.objects.values_list("pk", "room"))) == before
    return info.value.message


# The double-booking checks ---------------------------------------------------------------

def test_a_teacher_cannot_give_two_lessons_at_once(dispatcher, small_school, year, maths_monday):
    message = refused(lambda: service.add_slot(
        dispatcher, year, small_school.english_5a_group1, MONDAY, 2, "14", from_date=TODAY),
        "Учитель Матвеева О. И. уже ведёт урок")
    assert "понедельник, 2 урок" in message and "5А Математика" in message


def test_a_class_cannot_have_two_lessons_at_once(dispatcher, small_school, year, maths_monday):
    refused(lambda: service.add_slot(dispatcher, year, small_school.russian_5a, MONDAY, 2, "30",
                                     from_date=TODAY),
            r"Класс 5А уже занят в это время \(понедельник, 2 урок\): Математика")


def test_a_subgroup_cannot_study_while_its_class_has_a_lesson_and_back(
        dispatcher, small_school, year, maths_monday):
    refused(lambda: service.add_slot(dispatcher, year, small_school.english_5a_group2, MONDAY, 2,
                                     "14", from_date=TODAY), "Класс 5А уже занят")
    put(small_school.english_5a_group2, WEDNESDAY, 1, "14")
    refused(lambda: service.add_slot(dispatcher, year, small_school.russian_5a, WEDNESDAY, 1,
                                     "30", from_date=TODAY), "Класс 5А уже занят")


def test_two_subgroups_study_at_once_but_not_in_one_room(dispatcher, small_school, year):
    put(small_school.english_5a_group2, WEDNESDAY, 1, "14")
    refused(lambda: service.add_slot(dispatcher, year, small_school.english_5a_group1, WEDNESDAY,
                                     1, " 14 ", from_date=TODAY),
            r"Кабинет 14 уже занят в это время \(среда, 1 урок\): 5А Английский язык, Иванов С. П.")
    change = service.add_slot(dispatcher, year, small_school.english_5a_group1, WEDNESDAY, 1,
                              "15", from_date=TODAY)
    assert [slot.room for slot in change.opened] == ["15"]


def test_a_room_holds_one_class_at_a_time(dispatcher, small_school, year, maths_monday):
    refused(lambda: service.add_slot(dispatcher, year, small_school.maths_5b, MONDAY, 2, "21",
                                     from_date=TODAY), "Кабинет 21 уже занят")
    service.add_slot(dispatcher, year, small_school.maths_5b, MONDAY, 2, "", from_date=TODAY)
    assert Slot.objects.filter(assignment=small_school.maths_5b).count() == 1


def test_a_clash_with_a_lesson_planned_later_in_the_year_is_refused_too(
        dispatcher, small_school, year):
    put(small_school.russian_5a, TUESDAY, 1, "30", since=dt.date(2027, 1, 12))
    refused(lambda: service.add_slot(dispatcher, year, small_school.maths_5a, TUESDAY, 1, "21",
                                     from_date=TODAY), "Класс 5А уже занят")


# Edits from a date keep the past ------------------------------------------------------------

def test_a_new_slot_makes_lessons_from_its_date_only(dispatcher, small_school, year):
    change = service.add_slot(dispatcher, year, small_school.russian_5a, TUESDAY, 1, "30",
                              from_date=TODAY)
    [slot] = change.opened
    assert (slot.valid_from, slot.valid_to) == (TODAY, YEAR_END)
    lessons = dates(small_school.russian_5a)
    assert lessons[0] == dt.date(2026, 11, 17) and change.lessons.created == len(lessons) > 20
    assert all(day.isoweekday() == TUESDAY for day in lessons)
    assert set(Lesson.objects.filter(assignment=small_school.russian_5a)
               .values_list("room", flat=True)) == {"30"}


def test_a_room_change_closes_the_old_slot_and_moves_only_later_lessons(
        dispatcher, small_school, year, maths_monday, teacher):
    moved_by_hand = Lesson.objects.get(assignment=small_school.maths_5a, date=dt.date(2026, 12, 7))
    moved_by_hand.room = "Актовый зал"
    moved_by_hand.save()
    change = service.change_slot(dispatcher, year, maths_monday, assignment=small_school.maths_5a,
                                 room="35", from_date=NEXT_WEEK)

    assert timetable(assignment=small_school.maths_5a) == {
        (small_school.maths_5a.pk, MONDAY, 2, "21", YEAR_START, NEXT_WEEK - dt.timedelta(days=1)),
        (small_school.maths_5a.pk, MONDAY, 2, "35", NEXT_WEEK, YEAR_END)}
    rooms = dict(Lesson.objects.filter(assignment=small_school.maths_5a)
                 .values_list("date", "room"))
    assert rooms[dt.date(2026, 9, 7)] == rooms[TODAY] == "21"
    assert rooms[NEXT_WEEK] == rooms[dt.date(2027, 5, 24)] == "35"
    assert rooms[dt.date(2026, 12, 7)] == "Актовый зал"
    assert change.lessons.created == change.lessons.deleted == 0
    assert change.rooms_moved == ChangeRecord.objects.filter(
        entity="lesson", action="update", reason=service.ROOM_REASON, user=dispatcher).count() > 20


def test_giving_a_slot_to_another_journal_keeps_past_lessons_and_lessons_with_marks(
        dispatcher, small_school, year, maths_monday, children):
    maths = small_school.maths_5a
    marked = Lesson.objects.get(assignment=maths, date=dt.date(2026, 11, 30))
    Mark.objects.create(lesson=marked, student=children[0], value="5")
    past = set(dates(maths, date__lt=NEXT_WEEK))

    change = service.change_slot(dispatcher, year, maths_monday, assignment=small_school.russian_5a,
                                 room="21", from_date=NEXT_WEEK)

    assert set(dates(maths)) == past | {marked.date}
    assert change.lessons.kept_with_data == 1
    assert dates(small_school.russian_5a)[0] == NEXT_WEEK


def test_a_slot_that_starts_on_the_date_is_changed_in_place(dispatcher, small_school, year):
    slot = put(small_school.maths_5a, MONDAY, 2, "21", since=NEXT_WEEK)
    service.change_slot(dispatcher, year, slot, assignment=small_school.maths_5a, room="35",
                        from_date=NEXT_WEEK)
    assert timetable() == {(small_school.maths_5a.pk, MONDAY, 2, "35", NEXT_WEEK, YEAR_END)}


def test_removing_a_slot_ends_it_the_day_before_and_drops_empty_later_lessons(
        dispatcher, small_school, year, maths_monday, children):
    maths = small_school.maths_5a
    marked = Lesson.objects.get(assignment=maths, date=dt.date(2026, 12, 14))
    Mark.objects.create(lesson=marked, student=children[0], value="4")
    change = service.remove_slot(dispatcher, year, maths_monday, from_date=NEXT_WEEK)
    assert timetable() == {(maths.pk, MONDAY, 2, "21", YEAR_START, dt.date(2026, 11, 22))}
    assert dates(maths, date__gte=NEXT_WEEK) == [marked.date]
    assert TODAY in dates(maths) and change.closed == 1


def test_the_past_and_other_years_are_not_changed(dispatcher, small_school, year, maths_monday):
    refused(lambda: service.remove_slot(dispatcher, year, maths_monday,
                                        from_date=TODAY - dt.timedelta(days=1)),
            "Расписание прошедших дней не меняется: выберите 16.11.2026")
    refused(lambda: service.add_slot(dispatcher, year, small_school.russian_5a, 6, 1, "",
                                     from_date=TODAY), "5-дневная учебная неделя")
    refused(lambda: service.add_slot(dispatcher, year, small_school.russian_5a, TUESDAY, 1, "",
                                     from_date=dt.date(2027, 9, 6)), "вне учебного года")


def test_only_the_timetables_keepers_change_it(small_school, year, teacher, director,
                                              administrator, deputy):
    for user in (teacher, director):
        with pytest.raises(NotAllowed):
            service.add_slot(user, year, small_school.russian_5a, TUESDAY, 1, "", from_date=TODAY)
    for number, user in enumerate((administrator, deputy), start=1):
        service.add_slot(user, year, small_school.russian_5a, TUESDAY, number, "",
                         from_date=TODAY)
    assert Slot.objects.count() == 2


# Copies ------------------------------------------------------------------------------------

@pytest.fixture
def week_of_5a(small_school):
    return [put(small_school.maths_5a, MONDAY, 2, "21"),
            put(small_school.russian_5a, TUESDAY, 1, "30"),
            put(small_school.english_5a_group1, WEDNESDAY, 1, "14"),
            put(small_school.english_5a_group2, WEDNESDAY, 1, "15")]


def test_a_class_timetable_is_copied_to_the_journals_of_another_class(
        dispatcher, small_school, year, week_of_5a):
    maths_5b = small_school.maths_5b
    old = put(maths_5b, THURSDAY, 3, "40")
    change = service.copy_class_timetable(dispatcher, year, small_school.class_5a,
                                          small_school.class_5b, from_date=NEXT_WEEK)
    in_force = timetable(assignment__school_class=small_school.class_5b,
                         valid_to__gte=NEXT_WEEK)
    # Into 5Б's own maths journal, in the room that journal used.
    assert in_force == {(maths_5b.pk, MONDAY, 2, "40", NEXT_WEEK, YEAR_END)}
    old.refresh_from_db()
    assert old.valid_to == NEXT_WEEK - dt.timedelta(days=1)
    assert change.skipped == ["Русский язык — в 5Б нет такого журнала (1 урок в неделю)",
                              "Английский язык — в 5Б нет такого журнала (1 урок в неделю)"]
    assert NEXT_WEEK in dates(maths_5b) and dt.date(2026, 11, 26) not in dates(maths_5b)


def test_copied_subgroup_lessons_go_to_the_subgroups_of_the_same_name(
        dispatcher, small_school, year, week_of_5a, substitute):
    class_5v = SchoolClass.objects.create(year=year, grade=5, letter="В")
    journals = {}
    for name, who in (("1 группа", substitute), ("2 группа", small_school.maths_5b.teacher)):
        group = Subgroup.objects.create(school_class=class_5v, subject=small_school.english,
                                        name=name)
        journals[name] = TeachingAssignment.objects.create(
            year=year, teacher=who, subject=small_school.english, school_class=class_5v,
            subgroup=group)
        sync_journal_rights(journals[name])
    # Иванов teaches the 2nd group of 5А at that time: the copy into his 5В group clashes.
    message = refused(lambda: service.copy_class_timetable(
        dispatcher, year, small_school.class_5a, class_5v, from_date=TODAY),
        "В расписании были бы накладки, ничего не изменено")
    assert "Учитель Иванов С. П. уже ведёт урок в это время (среда, 1 урок)" in message
    journals["2 группа"].teacher = make_staff(small_school.school, "anglichanka", "Смирнова",
                                              "Ирина")
    journals["2 группа"].save()
    service.copy_class_timetable(dispatcher, year, small_school.class_5a, class_5v,
                                 from_date=TODAY)
    assert timetable(assignment__school_class=class_5v) == {
        (journals["1 группа"].pk, WEDNESDAY, 1, "", TODAY, YEAR_END),
        (journals["2 группа"].pk, WEDNESDAY, 1, "", TODAY, YEAR_END)}


def test_a_class_is_not_copied_onto_itself(dispatcher, small_school, year, week_of_5a):
    refused(lambda: service.copy_class_timetable(dispatcher, year, small_school.class_5a,
                                                 small_school.class_5a, from_date=TODAY),
            "Выберите другой класс")


def test_a_weeks_timetable_is_copied_forward(dispatcher, small_school, year, week_of_5a):
    maths, russian = week_of_5a[:2]
    # From next week maths moves to room 35 and 5Б gets a lesson; two weeks on, the timetable
    # of this week comes back.
    service.change_slot(dispatcher, year, maths, assignment=small_school.maths_5a, room="35",
                        from_date=NEXT_WEEK)
    service.add_slot(dispatcher, year, small_school.maths_5b, TUESDAY, 3, "40",
                     from_date=NEXT_WEEK)
    back_on = dt.date(2026, 11, 30)
    this_week = timetable(valid_from__lte=TODAY, valid_to__gte=TODAY)
    next_week = timetable(valid_from__lte=NEXT_WEEK, valid_to__gte=NEXT_WEEK)

    service.copy_week(dispatcher, year, source_date=TODAY, from_date=back_on)

    def content(day):
        return {row[:4] for row in timetable(valid_from__lte=day, valid_to__gte=day)}

    assert content(back_on) == content(dt.date(2027, 5, 24)) == {row[:4] for row in this_week}
    assert content(NEXT_WEEK) == {row[:4] for row in next_week} != content(back_on)
    # A slot in force on both dates simply stays: no split.
    assert Slot.objects.filter(assignment=russian.assignment).count() == 1
    assert Lesson.objects.get(assignment=small_school.maths_5a, date=back_on).room == "21"
    assert Lesson.objects.get(assignment=small_school.maths_5a, date=NEXT_WEEK).room == "35"
    assert dates(small_school.maths_5b) == [dt.date(2026, 11, 24)]


def test_a_week_is_not_copied_onto_the_same_date(dispatcher, year, week_of_5a):
    refused(lambda: service.copy_week(dispatcher, year, source_date=NEXT_WEEK,
                                      from_date=NEXT_WEEK), "две разные даты")


# The page ----------------------------------------------------------------------------------

def page_url(**params) -> str:
    from urllib.parse import urlencode

    return f"{reverse('journal:timetable')}?{urlencode(params)}"


def test_the_page_shows_a_classes_week_with_bells_and_a_teachers_week(
        client, dispatcher, small_school, week_of_5a):
    client.force_login(dispatcher)
    page = client.get(page_url(show=f"c{small_school.class_5a.pk}")).content.decode()
    assert "Расписание уроков · 5А класс" in page
    assert "08:30–09:15" in page and "Понедельник" in page and "Суббота" not in page
    assert "Матвеева О. И. · каб. 21" in page and "(1 группа)" in page
    page = client.get(page_url(show=f"t{small_school.maths_5a.teacher.pk}")).content.decode()
    assert "5А класс · каб. 21" in page and "5А класс · каб. 14" in page
    assert "Русский язык" not in page.split("tt-grid")[-1].split("</table>")[0]


def test_the_page_runs_a_fixed_number_of_queries(client, dispatcher, small_school, week_of_5a,
                                                 django_assert_max_num_queries):
    client.force_login(dispatcher)
    # The navigation's unread counts cached, as after any first page.
    client.get(page_url(show=f"c{small_school.class_5a.pk}"))
    with django_assert_max_num_queries(14):
        client.get(page_url(show=f"c{small_school.class_5a.pk}"))


def test_a_cell_opens_for_editing_without_script_and_with_htmx(client, dispatcher, small_school,
                                                              week_of_5a):
    client.force_login(dispatcher)
    url = page_url(show=f"c{small_school.class_5a.pk}", on=TODAY.isoformat(), cell="3-1")
    page = client.get(url).content.decode()
    assert page.count('data-testid="tt-slot-form"') == 2 and 'data-testid="tt-add-form"' in page
    cell = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert cell.startswith('<td id="cell-3-1"') and "<html" not in cell
    assert cell.count('data-testid="tt-slot-form"') == 2


def post_slot(client, scope_class, *, htmx=False, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("journal:timetable_slot"), {
        "show": f"c{scope_class.pk}", "on": TODAY.isoformat(), **data}, **headers)


def test_a_lesson_is_added_by_a_plain_form(client, dispatcher, small_school):
    client.force_login(dispatcher)
    response = post_slot(client, small_school.class_5a, weekday=TUESDAY, lesson_number=1,
                         assignment=small_school.russian_5a.pk, room="30")
    assert response.status_code == 302 and response["Location"].endswith("#cell-2-1")
    assert timetable() == {(small_school.russian_5a.pk, TUESDAY, 1, "30", TODAY, YEAR_END)}
    page = client.get(response["Location"]).content.decode()
    assert "Урок добавлен в расписание с 16.11.2026: 5А Русский язык, Руднева А. П., каб. 30." in page


def test_a_clash_is_refused_in_the_cell_with_its_reason(client, dispatcher, small_school,
                                                       maths_monday):
    client.force_login(dispatcher)
    response = post_slot(client, small_school.class_5a, htmx=True, weekday=MONDAY,
                         lesson_number=2, assignment=small_school.russian_5a.pk, room="30")
    cell = response.content.decode()
    assert response.status_code == 200 and 'id="cell-1-2"' in cell
    assert ("Не сохранено. Класс 5А уже занят в это время (понедельник, 2 урок): Математика."
            in cell)
    assert 'value="30"' in cell  # what was typed stays
    assert Slot.objects.count() == 1
    plain = post_slot(client, small_school.class_5a, weekday=MONDAY, lesson_number=2,
                      assignment=small_school.russian_5a.pk, room="30")
    assert "cell=1-2" in plain["Location"]
    assert "Класс 5А уже занят" in client.get(plain["Location"]).content.decode()


def test_a_slot_is_changed_and_removed_through_the_page(client, dispatcher, small_school,
                                                       maths_monday):
    client.force_login(dispatcher)
    changed = post_slot(client, small_school.class_5a, htmx=True, slot=maths_monday.pk,
                        assignment=small_school.maths_5a.pk, room="35")
    assert "Урок изменён с 16.11.2026: 5А Математика, Матвеева О. И., каб. 35." in \
        changed.content.decode()
    new = Slot.objects.get(valid_from=TODAY)
    post_slot(client, small_school.class_5a, slot=new.pk, remove="1")
    assert timetable() == {(small_school.maths_5a.pk, MONDAY, 2, "21", YEAR_START,
                            TODAY - dt.timedelta(days=1))}


def test_a_past_date_is_shown_read_only(client, dispatcher, small_school, maths_monday):
    client.force_login(dispatcher)
    past = (TODAY - dt.timedelta(days=7)).isoformat()
    page = client.get(page_url(show=f"c{small_school.class_5a.pk}", on=past)).content.decode()
    assert "только для просмотра" in page and 'data-testid="tt-edit"' not in page
    response = client.post(reverse("journal:timetable_slot"), {
        "show": f"c{small_school.class_5a.pk}", "on": past, "slot": maths_monday.pk,
        "remove": "1"})
    assert "Расписание прошедших дней не меняется" in client.get(
        response["Location"]).content.decode()
    assert Slot.objects.get().valid_to == YEAR_END


def test_the_copies_report_what_they_did_and_skipped(client, dispatcher, small_school,
                                                    week_of_5a):
    client.force_login(dispatcher)
    response = client.post(reverse("journal:timetable_copy"), {
        "kind": "class", "source": small_school.class_5a.pk, "target": small_school.class_5b.pk,
        "from_date": "23.11.2026", "show": f"c{small_school.class_5a.pk}"}, follow=True)
    page = response.content.decode()
    assert "Расписание 5А класса скопировано в 5Б с 23.11.2026: уроков в неделю — 1." in page
    assert "Русский язык — в 5Б нет такого журнала (1 урок в неделю)" in page
    assert "Расписание уроков · 5Б класс" in page
    response = client.post(reverse("journal:timetable_copy"), {
        "kind": "week", "source_date": "16.11.2026", "from_date": "16.11.2026"}, follow=True)
    assert "Не скопировано. Выберите две разные даты" in response.content.decode()


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "director", "parent"])
def test_the_timetable_pages_are_not_found_for_others(client, request, small_school, who):
    client.force_login(request.getfixturevalue(who))
    for name in ("journal:timetable", "journal:substitutions"):
        assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("journal:timetable_slot"), {}).status_code == 404


def test_a_dispatcher_of_another_school_reaches_nothing_here(client, small_school, maths_monday):
    other = make_school()
    make_year(other)
    stranger = make_staff(other, "chuzhoy_disp", "Чужая", "Вера", role=Role.DISPATCHER)
    client.force_login(stranger)
    response = post_slot(client, small_school.class_5a, slot=maths_monday.pk, remove="1")
    assert response.status_code == 404
    assert Slot.objects.get().valid_to == YEAR_END


def test_the_menu_and_home_page_lead_keepers_to_the_timetable(client, dispatcher, teacher,
                                                              small_school):
    link = f'href="{reverse("journal:timetable")}"'
    client.force_login(dispatcher)
    home = client.get(reverse("home")).content.decode()
    assert link in home and 'data-testid="timetable-card"' in home
    client.force_login(teacher)
    assert link not in client.get(reverse("home")).content.decode()
