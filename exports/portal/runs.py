"""Portal export runs: starting one, building and delivering it, retries and the catch-up.

- `start_export` records a run with its window and enqueues its task after the commit. One
  unfinished run per school and kind (a partial unique constraint): a second is `ExportBusy`.
  A broker that does not answer leaves the run queued; the catch-up sends it later.
- `perform` (the task's body) does the run under a lock in the database — on PostgreSQL a
  session-level advisory lock per school and kind, which the server drops with a dead worker's
  connection — so two workers never work on one school's runs of a kind at once. The files are
  written into a fresh staging folder and renamed into the run's folder when complete; a run
  resumed after a crash is built again from scratch, a run already built is only delivered.
- `catch_up` (beat, every few minutes) starts the scheduled runs whose moment passed while
  nothing ran, and sends again the runs a dead worker or a missing broker left behind.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import errno
import logging
import secrets
import shutil
import smtplib
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from accounts.roles import Role
from exports.models import ExportSchedule, PortalExport
from exports.portal.formats import Written, get_format
from exports.portal.scope import Scope
from exports.portal.transports import DeliveryError, Transport, transport_from_settings
from journal.models import AcademicYear, School

log = logging.getLogger(__name__)

Kind = PortalExport.Kind
Status = PortalExport.Status
KINDS = (Kind.DAILY, Kind.CONTROL, Kind.FULL)
MANIFEST = "manifest.json"  # a format names its manifest otherwise with `manifest_name`
STAGING = ".staging"
# Queued this long and not taken: its task was lost (the broker was down) — send it again.
QUEUED_GRACE = dt.timedelta(minutes=2)
# A scheduled moment is missed when this much later no run of the kind has been made (beat's
# own task has had its chance), and it is caught up only within a day.
SCHEDULE_GRACE = dt.timedelta(minutes=10)
CATCH_UP_WINDOW = dt.timedelta(hours=24)
# A retry's task may arrive a little before the planned moment (another host's clock).
RETRY_TOLERANCE = dt.timedelta(seconds=5)
LOCK_NAMESPACE = 0x45504500  # the first key of our advisory locks; the kind is added to it


class ExportRefused(Exception):
    """A run cannot be started; the message says why, in Russian."""


class ExportBusy(ExportRefused):
    def __init__(self, message: str = "Выгрузка этого вида уже идёт: дождитесь её окончания."):
        super().__init__(message)


class BuildError(Exception):
    """The run's files could not be made; the message is the run's error, in Russian."""


# Starting a run ------------------------------------------------------------------------------

def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def window(school: School, kind: str, now: dt.datetime) -> dict:
    """The run's window: `since`/`until` for a daily run, the lesson days for the others."""
    year = AcademicYear.objects.filter(school=school).current()
    if year is None:
        raise ExportRefused("В школе не задан текущий учебный год: выгружать нечего.")
    if kind == Kind.DAILY:
        # What changed after the last successful daily run, within this year.
        last = (PortalExport.objects.filter(school=school, kind=Kind.DAILY, status=Status.DONE)
                .order_by("-until").values_list("until", flat=True).first())
        year_began = _local_midnight(year.starts_on)
        since = max(last, year_began) if last else year_began
        return {"since": min(since, now), "until": now}
    if kind == Kind.CONTROL:
        today = timezone.localdate(now)
        first = today.replace(day=1)
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        date_from, date_to = max(first, year.starts_on), min(last, year.ends_on)
        if date_from > date_to:
            raise ExportRefused(f"Текущий месяц не входит в учебный год {year.name}: "
                                f"контрольной выгрузке нечего нести.")
        return {"date_from": date_from, "date_to": date_to, "until": now}
    if kind == Kind.FULL:
        return {"date_from": year.starts_on, "date_to": year.ends_on, "until": now}
    raise ExportRefused(f"Неизвестный вид выгрузки: {kind}.")


def start_export(school: School, kind: str, *, reason: str = PortalExport.Reason.MANUAL,
                 by: User | None = None, now: dt.datetime | None = None) -> PortalExport:
    """Record a run of `kind` and have a worker do it once the record is committed. Raises
    ExportBusy while a run of the kind is unfinished, ExportRefused when there is no year."""
    now = now or timezone.now()
    fields = window(school, kind, now)
    try:
        with transaction.atomic():
            run = PortalExport.objects.create(
                school=school, kind=kind, reason=reason, requested_by=by, created_at=now,
                format=settings.PORTAL_EXPORT_FORMAT, **fields)
    except IntegrityError:
        raise ExportBusy from None
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


def enqueue(run_id: int) -> bool:
    """Send the run's task; False when the broker did not take it (the run stays queued and
    the catch-up sends it again)."""
    from exports.tasks import run_portal_export  # the task module imports this one

    try:
        run_portal_export.delay(run_id)
    except (BrokerError, OSError) as exc:
        log.warning("Portal export %s stays queued: the broker did not take its task (%s)",
                    run_id, exc)
        return False
    return True


def last_runs(school: School) -> dict[str, PortalExport | None]:
    """The latest run of each kind (None for a kind never run)."""
    runs = PortalExport.objects.filter(school=school).order_by("-created_at", "-pk")
    return {kind: runs.filter(kind=kind).first() for kind in KINDS}


# The lock --------------------------------------------------------------------------------------

_local_locks: dict[tuple[int, str], threading.Lock] = {}
_local_locks_guard = threading.Lock()


def lock_key(school_id: int, kind: str) -> tuple[int, int]:
    """The two keys of the advisory lock of a school's runs of a kind."""
    return LOCK_NAMESPACE + KINDS.index(kind), school_id


def _local_lock(school_id: int, kind: str) -> threading.Lock:
    with _local_locks_guard:
        return _local_locks.setdefault((school_id, kind), threading.Lock())


@contextlib.contextmanager
def run_lock(school_id: int, kind: str) -> Iterator[bool]:
    """Hold the lock of the school's runs of the kind, if free; yields whether it is held.
    PostgreSQL: a session-level advisory lock (held across our transactions, dropped by the
    server when the worker's connection dies). SQLite, the demo's one process: a thread lock."""
    if connection.vendor != "postgresql":
        lock = _local_lock(school_id, kind)
        held = lock.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                lock.release()
        return
    key = lock_key(school_id, kind)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except Exception:  # the connection is gone, and the lock with it
                log.warning("Portal export lock %s: could not release it", key, exc_info=True)


def lock_is_free(school_id: int, kind: str) -> bool:
    """Nobody works on the school's runs of the kind now (a worker that did has died)."""
    with run_lock(school_id, kind) as held:
        return held


# Doing a run -----------------------------------------------------------------------------------

def backoff(attempts: int) -> int:
    """Seconds before the next delivery attempt: 1, 2, 4… times the base."""
    return settings.PORTAL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def perform(run_id: int) -> int | None:
    """Build and deliver the run, under the lock of its school and kind. Returns the seconds
    to wait before delivery is tried again (the task retries), else None: done, failed, not
    ours to do (finished, or another worker holds the lock)."""
    run = PortalExport.objects.filter(pk=run_id).only("pk", "school_id", "kind", "status").first()
    if run is None or run.finished:
        return None
    with run_lock(run.school_id, run.kind) as held:
        if not held:
            log.info("Portal export %s: another worker has the lock of its kind", run_id)
            return None
        return _perform_locked(run_id)


def _update(run: PortalExport, **fields) -> int:
    """Write the fields of a run not yet finished (committed at once: the page shows them)."""
    for name, value in fields.items():
        setattr(run, name, value)
    return PortalExport.objects.filter(pk=run.pk, status__in=PortalExport.UNFINISHED).update(
        **fields)


def _perform_locked(run_id: int) -> int | None:
    run = (PortalExport.objects.select_related("school")
           .filter(pk=run_id, status__in=PortalExport.UNFINISHED).first())
    if run is None:
        return None
    if (run.status == Status.RETRY and run.next_attempt_at
            and run.next_attempt_at > timezone.now() + RETRY_TOLERANCE):
        return None  # sent early (twice); the retry already planned delivers it in its time
    files = _built_files(run)
    if files is None:
        _update(run, status=Status.BUILDING, started_at=run.started_at or timezone.now(),
                error="")
        try:
            written = _build(run)
        except BuildError as exc:
            _fail(run, str(exc))
            return None
        files = [info.name for info in written.files]
    transport = transport_from_settings()
    if transport is None:
        _update(run, status=Status.DONE, finished_at=timezone.now(), next_attempt_at=None,
                error="")
        return None
    return _deliver(run, transport, files)


def run_folder(run: PortalExport) -> str:
    """The run's folder under EXPORT_ROOT: `<school id>/<kind>/<YYYYmmdd-HHMMSS>-<run id>`."""
    stamp = timezone.localtime(run.until or run.created_at).strftime("%Y%m%d-%H%M%S")
    return f"{run.school_id}/{run.kind}/{stamp}-{run.pk}"


def _manifest_name(run: PortalExport) -> str:
    with contextlib.suppress(LookupError):
        return getattr(get_format(run.format), "manifest_name", MANIFEST)
    return MANIFEST


def _built_files(run: PortalExport) -> list[str] | None:
    """The files of a run already built (its folder recorded, the manifest there), manifest
    last; None when the run must be built."""
    if not run.folder:
        return None
    folder = settings.EXPORT_ROOT / run.folder
    manifest = _manifest_name(run)
    if not (folder / manifest).is_file():
        return None
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != manifest)
    return [*names, manifest]


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the data for the whole build: a REPEATABLE READ transaction on
    PostgreSQL. Inside a caller's transaction (tests) its view is already one; SQLite, the
    demo, has one writer at a time."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _disk_reason(exc: OSError) -> str:
    root = settings.EXPORT_ROOT
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"На диске для файлов выгрузок ({root}) нет места: выгрузка не собрана."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Нет права записи в папку файлов выгрузок ({root}): выгрузка не собрана."
    return f"Не удалось записать файлы выгрузки в {root}: {exc.strerror or exc}."


def _build(run: PortalExport) -> Written:
    """Write the run's files into a fresh staging folder and rename it into the run's folder;
    record what was written. A staging folder an interrupted attempt left is removed first."""
    root = Path(settings.EXPORT_ROOT)
    staging_root = root / STAGING
    for old in staging_root.glob(f"{run.pk}-*"):
        shutil.rmtree(old, ignore_errors=True)
    staging = staging_root / f"{run.pk}-{secrets.token_hex(4)}"
    relative = run_folder(run)
    final = root / relative
    try:
        staging.mkdir(parents=True)
        fmt = get_format(run.format)
        with _snapshot():
            written = fmt.write(Scope.of(run), staging)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():  # renamed there by an attempt that died before recording it
            shutil.rmtree(final)
        staging.rename(final)
    except OSError as exc:
        log.warning("Portal export %s: building failed", run.pk, exc_info=True)
        raise BuildError(_disk_reason(exc)) from exc
    except LookupError as exc:  # no current year, an unknown format
        raise BuildError(str(exc)) from exc
    except Exception as exc:
        log.exception("Portal export %s: building failed", run.pk)
        raise BuildError(f"Не удалось собрать выгрузку: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _update(run, folder=relative, counts=written.counts, left_out=written.left_out,
            bytes=written.bytes, checksum=written.manifest.sha256)
    return written


def _deliver(run: PortalExport, transport: Transport, files: list[str]) -> int | None:
    attempts = run.attempts + 1
    _update(run, status=Status.DELIVERING, attempts=attempts, next_attempt_at=None)
    try:
        transport.deliver(run, settings.EXPORT_ROOT / run.folder, files)
    except DeliveryError as exc:
        error = exc
    except Exception as exc:  # a fault of the transport itself: tried again within the budget
        log.exception("Portal export %s: delivery broke", run.pk)
        error = DeliveryError(f"Сбой при передаче выгрузки: {exc}")
    else:
        _update(run, status=Status.DONE, finished_at=timezone.now(), next_attempt_at=None,
                error="")
        return None
    log.warning("Portal export %s, delivery attempt %s failed: %s", run.pk, attempts, error)
    if error.permanent:
        _fail(run, str(error))
        return None
    if attempts > settings.PORTAL_DELIVERY_RETRIES:
        _fail(run, f"Портал не принял выгрузку и после {attempts} попыток. "
                   f"Последняя ошибка: {error}")
        return None
    delay = backoff(attempts)
    _update(run, status=Status.RETRY, error=str(error),
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay))
    return delay


def _fail(run: PortalExport, error: str) -> None:
    """Mark the run failed and tell the school's administrators, once: only the update that
    finished the run sends the letter."""
    if _update(run, status=Status.FAILED, error=error, finished_at=timezone.now(),
               next_attempt_at=None) == 1:
        tell_administrators(run)


# Telling the administrators --------------------------------------------------------------------

def run_url(run: PortalExport) -> str:
    """The run's page on the site, for the letter (the admin's page if the run page is not
    mounted)."""
    for name in ("portal:run", "admin:exports_portalexport_change"):
        with contextlib.suppress(NoReverseMatch):
            return settings.SITE_URL + reverse(name, args=[run.pk])
    return settings.SITE_URL + "/"


def administrators(school: School):
    return (User.objects.filter(staff_roles__school=school,
                                staff_roles__role=Role.ADMINISTRATOR, is_active=True)
            .exclude(email="").distinct().order_by("pk"))


def tell_administrators(run: PortalExport) -> int:
    """E-mail each of the school's administrators that the run failed; how many letters went."""
    school = run.school
    subject = f"Выгрузка на портал не выполнена: {run.get_kind_display()} — {school.short_name}"
    body = (f"Выгрузка на региональный портал не выполнена.\n\n"
            f"Школа: {school.name}\n"
            f"Вид выгрузки: {run.get_kind_display()}\n"
            f"Начата: {timezone.localtime(run.started_at or run.created_at):%d.%m.%Y %H:%M}\n"
            f"Ошибка: {run.error}\n\n"
            f"Подробности и повторный запуск: {run_url(run)}\n")
    letters = [EmailMessage(subject=subject[:250], body=body, to=[user.email])
               for user in administrators(school)]
    if not letters:
        return 0
    try:
        return get_connection().send_messages(letters) or 0
    except (smtplib.SMTPException, OSError):
        log.exception("Portal export %s: the failure letter was not sent", run.pk)
        return 0


# The catch-up -------------------------------------------------------------------------------

def catch_up(now: dt.datetime | None = None) -> dict[str, int]:
    """Start the scheduled runs whose moment (within the last day) passed with no run made
    since, and send again the runs left behind: queued and not taken, taken by a worker that
    died (its lock is free), waiting for a retry whose time has come."""
    from exports.portal.schedule import last_due, schedule_of

    now = now or timezone.now()
    # A school nobody has set a schedule for yet runs on the defaults.
    for school in School.objects.filter(export_schedule__isnull=True):
        schedule_of(school)
    started = 0
    for schedule in ExportSchedule.objects.filter(enabled=True).select_related("school"):
        for kind in KINDS:
            due = last_due(schedule, kind, now)
            if due is None or not now - CATCH_UP_WINDOW <= due <= now - SCHEDULE_GRACE:
                continue
            if PortalExport.objects.filter(school=schedule.school, kind=kind,
                                           created_at__gte=due).exists():
                continue
            try:
                start_export(schedule.school, kind, reason=PortalExport.Reason.SCHEDULE, now=now)
            except ExportRefused as exc:
                log.info("Catch-up of %s %s export: %s", schedule.school, kind, exc)
                continue
            started += 1
    resent = 0
    left = PortalExport.objects.filter(
        Q(status=Status.QUEUED, created_at__lt=now - QUEUED_GRACE)
        | Q(status__in=(Status.BUILDING, Status.DELIVERING))
        | Q(status=Status.RETRY) & (Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)))
    for run in left.only("pk", "school_id", "kind", "status").order_by("created_at", "pk"):
        if run.status in (Status.BUILDING, Status.DELIVERING) and not lock_is_free(
                run.school_id, run.kind):
            continue  # a live worker has it
        resent += enqueue(run.pk)
    return {"started": started, "resent": resent}
