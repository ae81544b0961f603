"""Who may write to whom, role by role: the picker offers exactly the people and groups the
check allows — each asked of the check one by one, every account of both schools — and those
are the people the school's relations say."""

from __future__ import annotations

import pytest
from django.http import Http404

from messaging.mail.audience import audience_of
from messaging.mail.queries import picker
from tests.messaging.mail_setup import (  # noqa: F401 (fixtures)
    ADMINISTRATION,
    OTHER_ROLES,
    SCHOOL_7,
    STAFF_7,
    mail_school_fixture,
    monday_fixture,
)

ALL_GROUPS_7 = {"staff", "school-parents", "grade-parents:1", "grade-parents:5",
                "grade-parents:10", "class:1А", "class:5А", "class:5Б", "class:10А"}


def everyone_of_7_but(login: str) -> set[str]:
    return set(SCHOOL_7) - {login}


def colleagues_of(login: str) -> set[str]:
    return set(STAFF_7) - {login}


# login → (whom they may write to, which groups); "class:5А" is the parents of 5А.
MATRIX: dict[str, tuple[set[str], set[str]]] = {
    # A teacher: colleagues, the students they teach (5А maths: the whole class) and parents.
    "matveeva": (colleagues_of("matveeva") | {"vasya", "kolya", "petrova", "kozlova"}, set()),
    # No staff role, but a journal: a colleague too; of 5А only the 2nd English group.
    "ivanov": (colleagues_of("ivanov") | {"chuzhoy", "sidorov", "kolya", "kozlova"}, set()),
    # The class teacher of 5А (also reading in 1А): the class's parents at once, too.
    "klassnaya": (colleagues_of("klassnaya") | {"vasya", "kolya", "masha", "petrova",
                                                "kozlova"}, {"class:5А"}),
    "klass5b": (colleagues_of("klass5b") | {"chuzhoy", "sidorov"}, {"class:5Б"}),
    # The administration: anyone of the school and any group; nobody of school № 9.
    **{login: (everyone_of_7_but(login), ALL_GROUPS_7) for login in ADMINISTRATION},
    # Staff who teach nobody (the news editor, the e-diary coordinator, the personal-data
    # officer, the timetable dispatcher): colleagues only.
    **{login: (colleagues_of(login), set()) for login in OTHER_ROLES},
    # A parent: the children's teachers (not the other English group's), class teacher, and
    # the administration.
    "petrova": ({"matveeva", "klassnaya", *ADMINISTRATION}, set()),
    "kozlova": ({"matveeva", "klassnaya", "ivanov", *ADMINISTRATION}, set()),
    "sidorov": ({"ivanov", "klass5b", *ADMINISTRATION}, set()),
    # A student: their teachers and class teacher.
    "vasya": ({"matveeva", "klassnaya"}, set()),
    "masha": ({"klassnaya"}, set()),
    "chuzhoy": ({"ivanov", "klass5b"}, set()),
    # School № 9: its own people only.
    "director9": ({"chuzhaya", "chuzhaya_mama"}, {"staff", "school-parents", "grade-parents:5",
                                                  "class:other"}),
    "chuzhaya_mama": ({"director9"}, set()),
    "nobody": (set(), set()),
}


def group_key(name: str, mail_school) -> str:
    if not name.startswith("class:"):
        return name
    label = name.removeprefix("class:")
    if label == "other":
        return f"class-parents:{mail_school.other_class.pk}"
    school_class = next(c for c in (mail_school.small.class_1a, mail_school.small.class_5a,
                                    mail_school.small.class_5b, mail_school.small.class_10a)
                        if str(c) == label)
    return f"class-parents:{school_class.pk}"


def candidate_groups(mail_school) -> set[str]:
    classes = [mail_school.small.class_1a, mail_school.small.class_5a,
               mail_school.small.class_5b, mail_school.small.class_10a, mail_school.other_class]
    return ({"staff", "school-parents", "nonsense", "class-parents:x"}
            | {f"grade-parents:{n}" for n in range(1, 12)}
            | {f"class-parents:{c.pk}" for c in classes})


def allowed_by_check(audience, mail_school) -> tuple[set[int], set[str]]:
    people, groups = set(), set()
    for user in mail_school.users.values():
        try:
            audience.recipients([user.pk])
        except Http404:
            continue
        people.add(user.pk)
    for key in candidate_groups(mail_school):
        try:
            audience.group(key)
        except Http404:
            continue
        groups.add(key)
    return people, groups


def offered_by_picker(audience) -> tuple[set[int], set[str]]:
    people, groups = set(), set()
    for section in picker(audience):
        for option in section.options:
            kind, _, rest = option.value.partition(":")
            if kind == "user":
                people.add(int(rest))
            else:
                groups.add(rest)
    return people, groups


@pytest.mark.parametrize("login", sorted(MATRIX))
def test_the_picker_offers_exactly_whom_the_check_allows(db, mail_school, login):
    expected_people, expected_groups = MATRIX[login]
    audience = audience_of(mail_school[login])

    checked = allowed_by_check(audience, mail_school)
    offered = offered_by_picker(audience)

    assert offered == checked
    assert checked[0] == mail_school.ids(*expected_people)
    assert checked[1] == {group_key(name, mail_school) for name in expected_groups}


def test_a_crafted_list_with_one_stranger_is_refused_whole(db, mail_school):
    audience = audience_of(mail_school["petrova"])
    assert {u.username for u in audience.recipients(mail_school.ids("klassnaya"))} == {
        "klassnaya"}
    with pytest.raises(Http404):
        audience.recipients(mail_school.ids("klassnaya", "ivanov"))
    with pytest.raises(Http404):
        audience.recipients([])


def test_a_group_reaches_the_parents_of_its_students_now(db, mail_school):
    audience = audience_of(mail_school["director"])
    members = {key: {u.username for u in audience.group(key).members}
               for key in ("grade-parents:5", "school-parents", "staff")}
    assert members["grade-parents:5"] == {"petrova", "kozlova", "sidorov"}
    assert members["school-parents"] == {"petrova", "kozlova", "sidorov"}
    assert members["staff"] == set(STAFF_7)
    fifth_a = audience_of(mail_school["klassnaya"]).group(group_key("class:5А", mail_school))
    assert {u.username for u in fifth_a.members} == {"petrova", "kozlova"}


def test_the_picker_groups_people_by_class_with_their_children(db, mail_school):
    sections = {s.label: [o.label for o in s.options]
                for s in picker(audience_of(mail_school["klassnaya"]))}
    assert sections["Группы (рассылка)"] == ["Все родители 5А класса"]
    assert sections["5А — родители"] == [
        "Козлова Ирина Петровна (родитель: Козлов Николай)",
        "Петрова Наталья Андреевна (родитель: Петров Василий)"]
    assert sections["1А — родители"] == ["Петрова Наталья Андреевна (родитель: Петрова Мария)"]
    assert sections["5А — обучающиеся"] == ["Козлов Николай", "Петров Василий"]
    parents_view = {s.label: [o.label for o in s.options]
                    for s in picker(audience_of(mail_school["petrova"]))}
    assert parents_view["Учителя"] == [
        "Матвеева Ольга Игоревна — математика, английский язык",
        "Руднева Анна Павловна — русский язык, литературное чтение, "
        "классный руководитель 5А"]
    assert parents_view["Администрация"][0] == "Админов Игорь — администратор (зам. по ИКТ)"


def test_an_administrator_who_also_leads_a_class_still_reaches_everyone(db, mail_school):
    mail_school.small.class_10a.class_teacher = mail_school["zavuch"]
    mail_school.small.class_10a.save()
    people, groups = allowed_by_check(audience_of(mail_school["zavuch"]), mail_school)
    assert people == mail_school.ids(*everyone_of_7_but("zavuch"))
    assert groups == {group_key(name, mail_school) for name in ALL_GROUPS_7}
