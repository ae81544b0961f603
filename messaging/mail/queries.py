"""Reads the mail pages need: the inbox (a fixed number of queries whatever its length), a
thread with its messages, the sender's mailings, and the picker of recipients built from the
sender's `Audience`, so that it offers exactly the people and groups the check allows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from accounts.models import ParentStudent, StaffRole, User
from accounts.queries.search import case_variants, person_matches, search_words
from accounts.roles import Role
from journal.models import SchoolClass, TeachingAssignment
from messaging.mail.audience import (
    ADMINISTRATION,
    MAIL_ADMINISTRATION,
    PARENTS,
    STAFF,
    STUDENTS,
    TEACHERS,
    Audience,
    taught_in,
)
from messaging.models import Mailing, Message, Participant, Thread

# A thread is unread for a participant while its last message is newer than their reading.
UNREAD = Q(last_read_at__isnull=True) | Q(thread__last_message_at__gt=F("last_read_at"))


# The inbox and a thread ---------------------------------------------------------------------

def _text_matches(text: str) -> Q:
    """Every word of `text` in the thread's subject or in one of its messages."""
    condition = Q()
    for word in search_words(text):
        either = Q()
        for variant in case_variants(word):
            either |= Q(thread__subject__icontains=variant) | Q(Exists(Message.objects.filter(
                thread_id=OuterRef("thread_id"), body__icontains=variant)))
        condition &= either
    return condition


def inbox(user, *, archived: bool = False, text: str = "", person: str = ""
          ) -> QuerySet[Participant]:
    """The user's threads (the archived ones, or the others), unread first, then the newest;
    each with `unread`, the last message's text and sender, and `thread.others`: the other people."""
    last = Message.objects.filter(thread_id=OuterRef("thread_id")).order_by("-sent_at", "-pk")
    memberships = (
        Participant.objects.filter(user=user, archived=archived)
        .select_related("thread")
        .annotate(unread=ExpressionWrapper(UNREAD, output_field=BooleanField()),
                  last_body=Subquery(last.values("body")[:1]),
                  last_sender_id=Subquery(last.values("sender_id")[:1]))
        .prefetch_related(Prefetch(
            "thread__participants", to_attr="others",
            queryset=Participant.objects.exclude(user=user).select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")))
        .order_by("-unread", "-thread__last_message_at", "-thread_id"))
    if text.strip():
        memberships = memberships.filter(_text_matches(text))
    if person.strip():
        others = Participant.objects.filter(thread_id=OuterRef("thread_id")).exclude(user=user)
        memberships = memberships.filter(Exists(others.filter(person_matches(person, "user__"))))
    return memberships


def messages_of(thread: Thread) -> list[Message]:
    """The thread's messages, oldest first, with senders and files; the first message of a
    mailing's thread carries the mailing's files."""
    messages = list(thread.messages.select_related("sender").prefetch_related("attachments"))
    for message in messages:
        message.files = list(message.attachments.all())
    if thread.mailing_id and messages:
        messages[0].files = list(thread.mailing.attachments.all()) + messages[0].files
    return messages


def participants_of(thread: Thread) -> list[Participant]:
    return list(thread.participants.select_related("user")
                .order_by("user__last_name", "user__first_name", "pk"))


def mailings_of(user) -> QuerySet[Mailing]:
    return Mailing.objects.filter(sender=user).order_by("-created_at", "-pk")


def thread_of_mailing(user, mailing_id) -> Thread | None:
    """The recipient's own thread of a mailing (what the mailing's notification links to)."""
    return Thread.objects.filter(mailing_id=mailing_id, participants__user=user).first()


# The picker ---------------------------------------------------------------------------------

@dataclass
class Option:
    value: str
    label: str


@dataclass
class Section:
    label: str
    options: list[Option] = field(default_factory=list)


def person_value(user_id: int) -> str:
    return f"user:{user_id}"


def group_value(key: str) -> str:
    return f"group:{key}"


def _roles_of(audience: Audience, users: list[User]) -> dict[int, list[str]]:
    roles = defaultdict(list)
    rows = StaffRole.objects.filter(school=audience.school, user__in=users,
                                    role__in=MAIL_ADMINISTRATION).order_by("role")
    for row in rows:
        label = Role(row.role).label  # «Заместитель директора по УВР»: keep the acronym
        roles[row.user_id].append(label[0].lower() + label[1:])
    return roles


def _subjects_taught(audience: Audience, teachers: list[User]) -> dict[int, list[str]]:
    """What each of these teachers teaches the sender's family (their subjects), and the
    classes they lead of it."""
    family = audience.family_enrolments
    labels: dict[int, list[str]] = defaultdict(list)
    # The journal at hand, two levels out from the journals `taught_in` looks through.
    this_journal = TeachingAssignment.objects.filter(pk=OuterRef(OuterRef("pk")))
    journals = (TeachingAssignment.objects.filter(year=audience.year, teacher__in=teachers)
                .filter(Exists(family.filter(taught_in(this_journal))))
                .select_related("subject").order_by("subject__order", "subject__name"))
    for journal in journals:
        name = journal.subject.name.lower()
        if name not in labels[journal.teacher_id]:
            labels[journal.teacher_id].append(name)
    led = SchoolClass.objects.filter(pk__in=family.values("school_class_id"),
                                     class_teacher__in=teachers).order_by("grade", "letter")
    for school_class in led:
        labels[school_class.class_teacher_id].append(f"классный руководитель {school_class}")
    return labels


def _by_class(audience: Audience, kind: str) -> dict[int, list[Option]]:
    """The students, or the parents, the sender reaches, under each class of a student."""
    by_class: dict[int, list[Option]] = defaultdict(list)
    people = audience.people(kind)
    if kind == STUDENTS:
        rows = (audience.enrolments.filter(student__user__in=people)
                .select_related("student__user")
                .order_by("student__user__last_name", "student__user__first_name"))
        for row in rows:
            user = row.student.user
            by_class[row.school_class_id].append(Option(person_value(user.pk), user.full_name))
        return by_class
    class_of = Subquery(audience.enrolments.filter(student_id=OuterRef("student_id"))
                        .values("school_class_id")[:1])
    links = (ParentStudent.objects.filter(parent__user__in=people,
                                          student__in=audience.enrolments.values("student_id"))
             .select_related("parent__user", "student__user").annotate(class_id=class_of)
             .order_by("parent__user__last_name", "parent__user__first_name", "student_id"))
    children: dict[tuple[int, int], list[str]] = defaultdict(list)
    parents: dict[tuple[int, int], User] = {}
    for link in links:
        where = (link.class_id, link.parent.user_id)
        parents[where] = link.parent.user
        children[where].append(link.student.user.full_name)
    for (class_id, user_id), user in parents.items():
        label = f"{user.full_name} (родитель: {', '.join(children[class_id, user_id])})"
        by_class[class_id].append(Option(person_value(user_id), label))
    return by_class


def picker(audience: Audience) -> list[Section]:
    """The groups and people the sender may write to, in sections: groups, the
    administration, teachers, each class's students and parents, the other staff."""
    sections: list[Section] = []
    if audience.groups:
        sections.append(Section("Группы (рассылка)", [
            Option(group_value(g.key), g.label) for g in audience.groups]))
    listed: set[int] = set()

    def section(label: str, users: list[User], notes: dict[int, list[str]]) -> None:
        options = [Option(person_value(u.pk), " — ".join(
            [u.full_name, ", ".join(notes[u.pk])] if notes.get(u.pk) else [u.full_name]))
            for u in users if u.pk not in listed]
        listed.update(u.pk for u in users)
        if options:
            sections.append(Section(label, options))

    if ADMINISTRATION in audience.reach:
        users = list(audience.people(ADMINISTRATION))
        section("Администрация", users, _roles_of(audience, users))
    if TEACHERS in audience.reach:
        users = list(audience.people(TEACHERS))
        section("Учителя", users, _subjects_taught(audience, users))
    if STUDENTS in audience.reach:
        students, parents = _by_class(audience, STUDENTS), _by_class(audience, PARENTS)
        classes = SchoolClass.objects.filter(pk__in=set(students) | set(parents))
        for school_class in classes.order_by("grade", "letter"):
            if parents.get(school_class.pk):
                sections.append(Section(f"{school_class} — родители", parents[school_class.pk]))
            if students.get(school_class.pk):
                sections.append(Section(f"{school_class} — обучающиеся",
                                        students[school_class.pk]))
    if STAFF in audience.reach:
        section("Сотрудники школы", list(audience.people(STAFF)), {})
    return sections
