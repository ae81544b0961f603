"""The fixed demo logins: the same people, with the same password, in every size of the demo."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import Role

DEMO_PASSWORD = "demo2026"  # noqa: S105 (the published demo password)
# The demo's authenticator secret (hex, as django-otp keeps it) for the logins whose roles need
# the second factor: published with the demo logins, so it exists only in demo data.
DEMO_TOTP_KEY = b"ejournal-demo-2026!!".hex()


@dataclass(frozen=True)
class CastMember:
    login: str
    title: str
    last_name: str
    first_name: str
    patronymic: str
    female: bool
    roles: tuple[str, ...] = ()
    # Speciality → weekly hours they take; pins: (speciality, grade) → they teach the first
    # class of that grade (so the demo logins always meet the same classes).
    teaches: tuple[tuple[str, int], ...] = ()
    pins: tuple[tuple[str, int], ...] = ()
    leads_grade: int | None = None
    may_lead_class: bool = True


STAFF = [
    CastMember("director", "Директор", "Соколова", "Марина", "Львовна", True, (Role.DIRECTOR,)),
    CastMember("zavuch", "Заместитель директора по УВР, учитель математики", "Завьялова",
               "Елена", "Викторовна", True,
               (Role.DEPUTY, Role.TEACHER), teaches=(("maths", 8),), pins=(("maths", 10),),
               leads_grade=10),
    CastMember("admin", "Администратор (зам. по ИКТ)", "Кузнецов", "Игорь", "Николаевич", False,
               (Role.ADMINISTRATOR,)),
    CastMember("coordinator", "Ответственный за эл. дневник, учитель английского языка",
               "Белова", "Татьяна", "Сергеевна", True, (Role.DIARY_COORDINATOR, Role.TEACHER),
               teaches=(("english", 18),)),
    CastMember("dpo", "Ответственный за защиту ПД", "Орлов", "Андрей",
               "Викторович", False, (Role.DATA_OFFICER,)),
    CastMember("secretary", "Секретарь", "Григорьева", "Светлана", "Петровна", True,
               (Role.SECRETARY,)),
    CastMember("editor", "Редактор новостей, учитель русского языка", "Лебедева",
               "Ирина", "Александровна", True, (Role.NEWS_EDITOR, Role.TEACHER),
               teaches=(("russian", 18),)),
    CastMember("dispatcher", "Диспетчер расписания", "Никитина", "Галина", "Михайловна", True,
               (Role.DISPATCHER,)),
    CastMember("teacher", "Учитель математики и информатики", "Матвеева", "Ольга", "Игоревна",
               True, (Role.TEACHER,), teaches=(("maths", 18), ("informatics", 6)),
               pins=(("maths", 5), ("informatics", 10)), may_lead_class=False),
    CastMember("klass", "Учитель русского языка и литературы", "Руднева",
               "Анна", "Павловна", True, (Role.TEACHER,), teaches=(("russian", 20),),
               pins=(("russian", 5),), leads_grade=5),
]

# Staff without a demo login of their own (a generated one).
SECOND_DEPUTY = CastMember("", "", "Сафонова", "Людмила", "Ивановна", True,
                           (Role.DEPUTY, Role.TEACHER), teaches=(("history", 8),),
                           may_lead_class=False)

PARENT = CastMember("parent", "Родитель", "Петрова", "Наталья", "Андреевна", True)
STUDENT = CastMember("student", "Обучающийся", "Петров", "Василий", "Сергеевич", False)
# The student's family: his father (a generated login), his sister in the first grade.
STUDENT_FATHER = ("Петров", "Сергей", "Николаевич")
STUDENT_SISTER = ("Петрова", "Мария", "Сергеевна")
STUDENT_GRADE = 5
SISTER_GRADE = 1
# The deputy's own child and husband.
DEPUTY_CHILD = ("Завьялов", "Кирилл", "Андреевич")
DEPUTY_HUSBAND = ("Завьялов", "Андрей", "Петрович")
DEPUTY_CHILD_GRADES = (7, 5)

LOGINS = [m.login for m in STAFF] + [PARENT.login, STUDENT.login]
