"""The people of the demo school: staff with their roles, students in families, parents."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Parent, ParentStudent, StaffRole, Student, User
from accounts.roles import SECOND_FACTOR_ROLES, Role
from journal.demo import cast
from journal.demo.curriculum import SUBJECTS, is_split, speciality
from journal.demo.names import (
    BOY_NAMES,
    GIRL_NAMES,
    LAST_NAMES,
    MAN_NAMES,
    WOMAN_NAMES,
    Logins,
    last_name_for,
    patronymic_of,
    phone_number,
)
from journal.demo.school import DemoSchool, Size
from journal.models import Enrolment, SchoolClass

# Weekly hours of one full teaching post (ставка) and the most a generated teacher takes.
PLANNED_LOAD = 18
MAX_LOAD = 27
STAFF_DOMAIN = "school12.example.com"
PARENT_DOMAIN = "example.com"
# Share of men among the teachers of a speciality (the rest are women).
_MEN_SHARE = {"pe": 0.6, "obzr": 0.9, "trud": 0.5, "informatics": 0.5, "physics": 0.4,
              "history": 0.3, "primary": 0.03}


@dataclass
class Teacher:
    user: User
    caps: dict[str, int]
    pins: tuple[tuple[str, int], ...] = ()
    leads_grade: int | None = None
    may_lead_class: bool = True
    room: str = ""
    load: dict[str, int] = field(default_factory=dict)


@dataclass
class Staffroom:
    teachers: list[Teacher]
    primary_teacher_of: dict[int, Teacher]  # class id → its primary-school teacher
    by_login: dict[str, User]


@dataclass
class Pupils:
    by_class: dict[int, list[Student]]  # class id → its students in class-list order


def _user(login: str, last: str, first: str, patronymic: str, password: str,
          email: str = "") -> User:
    return User(username=login, last_name=last, first_name=first, patronymic=patronymic,
                password=password, email=email)


def hours_by_speciality(demo: DemoSchool) -> dict[str, int]:
    """Weekly teacher-hours the classes need, by kind of teacher (a split subject counts twice)."""
    hours: dict[str, int] = defaultdict(int)
    for school_class in demo.classes:
        for spec in SUBJECTS:
            h = spec.hours_in(school_class.grade)
            if h:
                groups = 2 if is_split(spec.code, school_class.grade) else 1
                hours[speciality(spec.code, school_class.grade)] += h * groups
    return dict(hours)


def _rooms():
    """Room numbers from the second floor up, thirty to a floor."""
    for floor in itertools.count(2):
        for number in range(1, 31):
            yield f"{floor}{number:02d}"


def create_staff(demo: DemoSchool, rng: random.Random, logins: Logins,
                 password: str) -> Staffroom:
    users: list[User] = []
    roles: list[tuple[User, str]] = []
    teachers: list[Teacher] = []

    def add(login: str, last: str, first: str, patronymic: str, member_roles) -> User:
        user = _user(login, last, first, patronymic, password, f"{login}@{STAFF_DOMAIN}")
        users.append(user)
        roles.extend((user, role) for role in member_roles)
        return user

    for member in [*cast.STAFF, cast.SECOND_DEPUTY]:
        login = member.login or logins.make(member.last_name, member.first_name,
                                            member.patronymic)
        user = add(login, member.last_name, member.first_name, member.patronymic, member.roles)
        if member.teaches:
            teachers.append(Teacher(user=user, caps=dict(member.teaches), pins=member.pins,
                                    leads_grade=member.leads_grade,
                                    may_lead_class=member.may_lead_class))

    generated: list[User] = []

    def generated_teacher(spec: str, cap: int) -> Teacher:
        female = rng.random() >= _MEN_SHARE.get(spec, 0.12)
        family = rng.choice(LAST_NAMES)
        first = rng.choice(WOMAN_NAMES if female else MAN_NAMES)
        patronymic = patronymic_of(rng.choice(MAN_NAMES), female)
        last = last_name_for(family, female)
        user = add(logins.make(last, first, patronymic), last, first, patronymic, [Role.TEACHER])
        generated.append(user)
        return Teacher(user=user, caps={spec: cap})

    primary_teacher_of = {}
    for school_class in demo.classes:
        if school_class.grade <= 4:
            teacher = generated_teacher("primary", 30)
            teacher.room = f"1{len(primary_teacher_of) + 1:02d}"
            primary_teacher_of[school_class.pk] = teacher
            teachers.append(teacher)

    for spec, hours in hours_by_speciality(demo).items():
        if spec == "primary":
            continue
        fixed = [t for t in teachers if spec in t.caps]
        free_hours = max(0, hours - sum(t.caps[spec] for t in fixed))
        # Two groups of one class meet at once, so a split subject needs two teachers.
        least = 2 if spec in ("english", "trud") else 1
        count = max(least - len(fixed), round(free_hours / PLANNED_LOAD), 1 if free_hours else 0)
        for _ in range(count):
            teachers.append(generated_teacher(spec, MAX_LOAD))

    rooms = _rooms()
    shared_rooms = {"pe": "Спортзал", "trud": "Мастерская"}
    shared_count: dict[str, int] = defaultdict(int)
    for teacher in teachers:
        if teacher.room:
            continue
        main = next(iter(teacher.caps))
        if main in shared_rooms:
            shared_count[main] += 1
            # A room of one's own: the timetable refuses two lessons in one room at once.
            teacher.room = f"{shared_rooms[main]} {shared_count[main]}"
        else:
            teacher.room = next(rooms)

    _give_portal_uids(users, without=generated[-2:])
    User.objects.bulk_create(users, batch_size=1000)
    StaffRole.objects.bulk_create(
        [StaffRole(user=user, school=demo.school, role=role) for user, role in roles],
        batch_size=1000)
    # The demo logins that need the second factor get the published demo authenticator.
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Демо-аутентификатор", key=cast.DEMO_TOTP_KEY, confirmed=True)
        for user in users
        if user.username in cast.LOGINS and {r for u, r in roles if u is user} & SECOND_FACTOR_ROLES)
    return Staffroom(teachers=teachers, primary_teacher_of=primary_teacher_of,
                     by_login={u.username: u for u in users})


def _give_portal_uids(users: list[User], without: list[User]) -> None:
    """Portal codes for the staff, all but `without`: the administrator's page of participants
    without a code has someone to show. A generator of their own, so that the rest of the demo
    comes out as before."""
    codes = random.Random("demo-staff-portal-uids").sample(range(10**9, 10**10), len(users))
    left_out = {id(user) for user in without}
    for user, code in zip(users, codes, strict=True):
        if id(user) not in left_out:
            user.staff_portal_uid = str(code)


@dataclass
class _Child:
    last: str
    first: str
    patronymic: str
    female: bool
    grade: int
    login: str = ""
    school_class: SchoolClass | None = None


@dataclass
class _Family:
    children: list[_Child]
    mother: tuple[str, str, str] | None
    father: tuple[str, str, str] | None
    mother_login: str = ""
    mother_user: User | None = None


def _birth_date(rng: random.Random, start_year: int, grade: int) -> dt.date:
    """Born so as to be 6½–7½ years old on entering the first grade."""
    earliest = dt.date(start_year - 6 - grade, 3, 1)
    return earliest + dt.timedelta(days=rng.randrange(365))


def _child(rng: random.Random, family_name: str, father_name: str, grade: int) -> _Child:
    female = rng.random() < 0.5
    first = rng.choice(GIRL_NAMES if female else BOY_NAMES)
    return _Child(last_name_for(family_name, female), first, patronymic_of(father_name, female),
                  female, grade)


def _random_family(rng: random.Random, grades: list[int]) -> _Family:
    family_name = rng.choice(LAST_NAMES)
    father_name = rng.choice(MAN_NAMES)
    children = [_child(rng, family_name, father_name, g) for g in grades]
    has_mother = rng.random() < 0.97
    has_father = rng.random() < 0.9 or not has_mother
    mother = father = None
    if has_mother:
        mother_family = family_name if rng.random() < 0.93 else rng.choice(LAST_NAMES)
        mother = (last_name_for(mother_family, True), rng.choice(WOMAN_NAMES),
                  patronymic_of(rng.choice(MAN_NAMES), True))
    if has_father:
        father = (family_name, father_name, patronymic_of(rng.choice(MAN_NAMES), False))
    return _Family(children, mother, father)


def _fixed_families(demo: DemoSchool, staff: Staffroom) -> list[_Family]:
    grades = {c.grade for c in demo.classes}
    petrovs = _Family(
        children=[
            _Child(cast.STUDENT.last_name, cast.STUDENT.first_name, cast.STUDENT.patronymic,
                   False, cast.STUDENT_GRADE, login=cast.STUDENT.login,
                   school_class=demo.first_class_of(cast.STUDENT_GRADE)),
            _Child(*cast.STUDENT_SISTER, True, cast.SISTER_GRADE,
                   school_class=demo.first_class_of(cast.SISTER_GRADE)),
        ],
        mother=(cast.PARENT.last_name, cast.PARENT.first_name, cast.PARENT.patronymic),
        father=cast.STUDENT_FATHER, mother_login=cast.PARENT.login)
    child_grade = next(g for g in cast.DEPUTY_CHILD_GRADES if g in grades)
    last_class = [c for c in demo.classes if c.grade == child_grade][-1]
    zavyalovs = _Family(
        children=[_Child(*cast.DEPUTY_CHILD, False, child_grade, school_class=last_class)],
        mother=None, father=cast.DEPUTY_HUSBAND, mother_user=staff.by_login["zavuch"])
    return [petrovs, zavyalovs]


def _plan_families(demo: DemoSchool, size: Size, rng: random.Random,
                   fixed: list[_Family]) -> list[_Family]:
    seats = {c.pk: rng.randint(*size.class_size) for c in demo.classes}
    for family in fixed:
        for child in family.children:
            seats[child.school_class.pk] -= 1
    free: dict[int, int] = defaultdict(int)
    for school_class in demo.classes:
        free[school_class.grade] += seats[school_class.pk]

    families: list[_Family] = []
    while any(free.values()):
        open_grades = [g for g in sorted(free) if free[g] > 0]
        wanted = rng.choices((1, 2, 3), weights=(72, 23, 5))[0]
        first = rng.choices(open_grades, weights=[free[g] for g in open_grades])[0]
        others = [g for g in open_grades if g != first]
        grades = [first, *rng.sample(others, min(wanted - 1, len(others)))]
        for g in grades:
            free[g] -= 1
        families.append(_random_family(rng, grades))

    by_grade: dict[int, list[_Child]] = defaultdict(list)
    for family in families:
        for child in family.children:
            by_grade[child.grade].append(child)
    for grade, children in by_grade.items():
        rng.shuffle(children)
        places = [c for c in demo.classes if c.grade == grade
                  for _ in range(seats[c.pk])]
        for child, school_class in zip(children, places, strict=True):
            child.school_class = school_class
    return fixed + families


def create_students_and_parents(demo: DemoSchool, size: Size, rng: random.Random,
                                logins: Logins, password: str, staff: Staffroom) -> Pupils:
    families = _plan_families(demo, size, rng, _fixed_families(demo, staff))
    start_year = demo.calendar.start_year
    uids: set[str] = set()

    def portal_uid() -> str:
        while True:
            uid = str(rng.randrange(10**9, 10**10))
            if uid not in uids:
                uids.add(uid)
                return uid

    users: list[User] = []
    students: list[tuple[Student, _Child]] = []
    parents: list[tuple[Parent, list[Student] | _Family, str]] = []
    for family in families:
        for child in family.children:
            login = child.login or logins.make(child.last, child.first, child.patronymic)
            user = _user(login, child.last, child.first, child.patronymic, password)
            users.append(user)
            student = Student(user=user, school=demo.school, sex="f" if child.female else "m",
                              birth_date=_birth_date(rng, start_year, child.grade),
                              portal_uid=portal_uid())
            students.append((student, child))
    for family in families:
        for relation, person, login in (("mother", family.mother, family.mother_login),
                                        ("father", family.father, "")):
            if person is None:
                continue
            login = login or logins.make(*person)
            user = _user(login, *person, password, f"{login}@{PARENT_DOMAIN}")
            users.append(user)
            parents.append((Parent(user=user, phone=phone_number(rng), portal_uid=portal_uid()),
                            family, relation))
        if family.mother_user is not None:
            parents.append((Parent(user=family.mother_user, phone=phone_number(rng),
                                   portal_uid=portal_uid()), family, "mother"))

    User.objects.bulk_create(users, batch_size=1000)
    for student, _child_plan in students:
        student.user_id = student.user.pk
    Student.objects.bulk_create([s for s, _ in students], batch_size=1000)
    for parent, _family, _relation in parents:
        parent.user_id = parent.user.pk
    Parent.objects.bulk_create([p for p, _, _ in parents], batch_size=1000)

    student_of = {id(child): student for student, child in students}
    links = [ParentStudent(parent=parent, student=student_of[id(child)], relation=relation)
             for parent, family, relation in parents for child in family.children]
    ParentStudent.objects.bulk_create(links, batch_size=1000)

    y = start_year
    by_class: dict[int, list[Student]] = {c.pk: [] for c in demo.classes}
    enrolments = []
    for student, child in students:
        by_class[child.school_class.pk].append(student)
        number, date = ("45-у", dt.date(y, 8, 28)) if child.grade == 1 else \
            ("112-у", dt.date(y, 5, 30))
        enrolments.append(Enrolment(student=student, school_class=child.school_class,
                                    enrolled_on=demo.calendar.starts_on, order_number=number,
                                    order_date=date))
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    for class_students in by_class.values():
        class_students.sort(key=lambda s: (s.user.last_name, s.user.first_name,
                                           s.user.patronymic))
    return Pupils(by_class=by_class)
