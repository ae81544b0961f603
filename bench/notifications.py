"""Benchmark: one absence notice per parent for a whole grade, through a real Celery worker to a
real SMTP server on loopback.

Runs on the benchmark database (DATABASE_URL or postgres://postgres@127.0.0.1:5432/
ejournal_bench, where `seed_demo` leaves the large school; seeded here with `--size large` if it
has no school). Takes the grade with the most parents (about 300 in the large school), gives
every parent of it an e-mail consent and the choice of e-mail for absences at once, starts
aiosmtpd on a free port of 127.0.0.1 and `celery -A ejournal worker` (broker: Redis database
BENCH_REDIS_URL, default redis://127.0.0.1:6379/15) with Django's SMTP backend pointed at it.
Then, as a teacher fills a column with «н», it marks every student of the grade absent at an
extra lesson of today in each class (`journal.services.cells.fill_column`: one write, one
commit per class) and waits for the e-mails. The journal's commit enqueues one task per write;
the worker turns it into notifications and deliveries and sends each e-mail as its own task.

Figures: the write (all the classes' columns) and, from the first write to the last e-mail in
the SMTP server, the total and per e-mail; the first e-mail's latency. Everything the benchmark
added is removed at the end, except the journal's history rows (append-only by design) of its
extra lessons. Progress goes to stderr; stdout gets only `name: value unit` lines.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ejournal_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/15"
HOST = "127.0.0.1"
# Worker processes: an e-mail task mostly waits for the SMTP server and the database.
CONCURRENCY = 4
WAIT_SECONDS = 600
REASON = "замер уведомлений"


class Inbox:
    """aiosmtpd's handler: the time each e-mail arrived, and to whom."""

    def __init__(self):
        self.arrivals: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        with self.lock:
            self.arrivals.append((time.perf_counter(), ",".join(envelope.rcpt_tos)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _environment(smtp_port: int) -> dict[str, str]:
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_URL,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL") or DEFAULT_BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST, "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "0",
        "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
        "LOG_LEVEL": "WARNING",
    }


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejournal.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if env["DATABASE_URL"].startswith("postgres"):
        from bench.sign_in import _ensure_database

        _ensure_database(env["DATABASE_URL"])
    import django

    django.setup()


def _ensure_school() -> None:
    from django.core.management import call_command

    from journal.models import School

    call_command("migrate", verbosity=0, interactive=False)
    if not School.objects.exists():
        print("notifications: no school in the benchmark database, seeding the large one",
              file=sys.stderr)
        # In its own process with tasks in-process, as `seed_demo` runs: the seeding's own
        # notifications are made as it commits, not left in the benchmark's queue.
        env = {name: value for name, value in os.environ.items()
               if name not in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")}
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "seed_demo", "--size",
                        "large"], cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def _grade():
    """(classes, parent links) of the grade of the current year with the most parents."""
    from django.db.models import Count

    from accounts.models import ParentStudent
    from journal.models import Enrolment, SchoolClass

    current = Enrolment.objects.current()
    per_grade = (ParentStudent.objects.filter(parent__user__is_active=True,
                                              student__enrolments__in=current)
                 .values("student__enrolments__school_class__grade")
                 .annotate(n=Count("pk")).order_by("-n"))
    grade = per_grade[0]["student__enrolments__school_class__grade"]
    classes = list(SchoolClass.objects.filter(year__is_current=True, grade=grade)
                   .order_by("letter"))
    in_grade = ParentStudent.objects.filter(
        parent__user__is_active=True,
        student__in=current.filter(school_class__in=classes).values("student_id"))
    return grade, classes, list(in_grade.select_related("parent__user"))


class Choices:
    """The e-mail consents and choices the benchmark gives the grade's parents, and how to put
    back what they were."""

    def __init__(self, users):
        from accounts.models import ContactChannel
        from messaging.models import NotificationPreference, NotificationSettings
        from messaging.models.notifications import Channel, Event

        ids = [u.pk for u in users]
        self.channels = {c.user_id: c for c in ContactChannel.objects.filter(
            user_id__in=ids, kind=ContactChannel.Kind.EMAIL)}
        self.prefs = {p.user_id: p.enabled for p in NotificationPreference.objects.filter(
            user_id__in=ids, event=Event.ABSENCE, channel=Channel.EMAIL)}
        self.digests = dict(NotificationSettings.objects.filter(user_id__in=ids)
                            .values_list("user_id", "daily_digest"))
        self.users = users

    def apply(self) -> None:
        from django.utils import timezone

        from accounts.models import ContactChannel
        from messaging.models import NotificationPreference, NotificationSettings
        from messaging.models.notifications import Channel, Event

        today = timezone.localdate()
        ContactChannel.objects.bulk_create(
            [ContactChannel(user=u, kind=ContactChannel.Kind.EMAIL, address=self.address(u),
                            consented=True, consented_on=today)
             for u in self.users if u.pk not in self.channels])
        ContactChannel.objects.filter(pk__in=[c.pk for c in self.channels.values()]).update(
            consented=True)
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=u, event=Event.ABSENCE, channel=Channel.EMAIL,
                                    enabled=True) for u in self.users],
            update_conflicts=True, unique_fields=["user", "event", "channel"],
            update_fields=["enabled"])
        NotificationSettings.objects.filter(user__in=self.users).update(daily_digest=False)

    @staticmethod
    def address(user) -> str:
        return user.email or f"{user.username}@bench.example.ru"

    def restore(self) -> None:
        from accounts.models import ContactChannel
        from messaging.models import NotificationPreference, NotificationSettings
        from messaging.models.notifications import Channel, Event

        ids = [u.pk for u in self.users]
        ContactChannel.objects.filter(user_id__in=ids, kind=ContactChannel.Kind.EMAIL).exclude(
            pk__in=[c.pk for c in self.channels.values()]).delete()
        for channel in self.channels.values():
            ContactChannel.objects.filter(pk=channel.pk).update(consented=channel.consented)
        chosen = NotificationPreference.objects.filter(user_id__in=ids, event=Event.ABSENCE,
                                                       channel=Channel.EMAIL)
        chosen.exclude(user_id__in=list(self.prefs)).delete()
        for user_id, enabled in self.prefs.items():
            chosen.filter(user_id=user_id).update(enabled=enabled)
        for user_id, digest in self.digests.items():
            NotificationSettings.objects.filter(user_id=user_id).update(daily_digest=digest)


def _extra_lessons(classes, today):
    """An extra lesson of today in each class, in the journal of its first subject taught to
    the whole class (so that every student is in it)."""
    from django.db.models import Max

    from journal.models import Lesson, TeachingAssignment

    lessons = []
    for school_class in classes:
        assignment = (TeachingAssignment.objects.filter(school_class=school_class,
                                                        subgroup__isnull=True)
                      .select_related("teacher").order_by("subject__order", "pk").first())
        last = Lesson.objects.filter(assignment=assignment, date=today).aggregate(
            n=Max("number"))["n"] or 0
        lessons.append(Lesson.objects.create(assignment=assignment, date=today, number=last + 1,
                                             is_extra=True, is_held=True,
                                             topic="Замер уведомлений"))
    return lessons


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "ejournal", "worker",
               "--loglevel=WARNING", f"--concurrency={CONCURRENCY}", "--pool=prefork",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--hostname=bench-notifications@%h"]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                            stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)


def _wait_for_worker(seconds: int = 120) -> None:
    from ejournal.celery import app

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
    raise SystemExit("notifications: the Celery worker did not answer")


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _purge() -> None:
    """Nothing of an earlier, interrupted run waits in the benchmark's queue."""
    from ejournal.celery import app

    app.control.purge()


def run() -> int:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    env = _environment(port)
    _setup_django(env)
    from django.db import connections
    from django.utils import timezone

    from journal.services.cells import fill_column
    from messaging.models import Delivery, Notification
    from messaging.notifications.preferences import refusals_in_force

    try:
        _ensure_school()
    except Exception as exc:  # noqa: BLE001 (say what to do, whatever the database said)
        print(f"notifications: the benchmark database does not answer ({exc})", file=sys.stderr)
        return 1
    today = timezone.localdate()
    grade, classes, links = _grade()
    refused = set(refusals_in_force().values_list("parent__user_id", flat=True))
    users = list({link.parent.user_id: link.parent.user for link in links
                  if link.parent.user_id not in refused}.values())
    expected = sum(1 for link in links if link.parent.user_id not in refused)
    print(f"notifications benchmark: grade {grade}, {len(classes)} classes, {len(users)} "
          f"parents, {expected} e-mails expected; worker concurrency {CONCURRENCY}",
          file=sys.stderr)

    choices = Choices(users)
    choices.apply()
    lessons = _extra_lessons(classes, today)
    smtp = Controller(inbox, hostname=HOST, port=port)
    smtp.start()
    _purge()
    connections.close_all()
    worker = _start_worker(env)
    try:
        _wait_for_worker()
        started = time.perf_counter()
        for lesson in lessons:
            fill_column(lesson.assignment.teacher, lesson, "н")
        written = time.perf_counter()
        deadline = time.monotonic() + WAIT_SECONDS
        while len(inbox.arrivals) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # anything more (a duplicate) would arrive now
        arrivals = sorted(at for at, _ in inbox.arrivals)
    finally:
        _stop(worker)
        smtp.stop()
        told = Notification.objects.filter(key__in=[
            f"absence:{lesson.pk}:{link.student_id}" for lesson in lessons for link in links])
        deliveries = Delivery.objects.filter(notification__in=told)
        sent = deliveries.filter(status=Delivery.Status.SENT).count()
        attempts = sum(deliveries.values_list("attempts", flat=True))
        told.delete()
        for lesson in lessons:
            lesson.delete()
        choices.restore()

    if len(arrivals) != expected:
        print(f"notifications: {len(arrivals)} of {expected} e-mails arrived in "
              f"{WAIT_SECONDS} s", file=sys.stderr)
        return 1
    total = arrivals[-1] - started
    print(f"notifications_grade_parents: {len(users)} count")
    print(f"notifications_emails: {len(arrivals)} count")
    print(f"notifications_deliveries_sent: {sent} count")
    print(f"notifications_delivery_attempts: {attempts} count")
    print(f"notifications_worker_concurrency: {CONCURRENCY} count")
    print(f"notifications_write: {written - started:.2f} s")
    print(f"notifications_first_email: {arrivals[0] - started:.2f} s")
    print(f"notifications_total: {total:.2f} s")
    print(f"notifications_per_email: {1000 * total / len(arrivals):.1f} ms")
    print(f"notifications_rate: {len(arrivals) / total:.1f} emails/s")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run())
