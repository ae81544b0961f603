"""Benchmark: signing in with the production password hasher, and the 8 a.m. storm.

Runs on the benchmark database (DATABASE_URL or postgres://postgres@127.0.0.1:5432/
ejournal_bench, which `seed_demo` leaves; created here if there is none), migrates it and adds
its own users, removed at the end. Every sign-in is a POST of the real login form through
Django's test client and the whole middleware stack (sessions, CSRF, django-otp, the staff
session and second factor checks, django-axes and its lock-out backend), in-process: no network
in the figures. The hasher is the settings' default (PBKDF2-SHA256 with Django's iterations), not the tests'.

- per core: SERIAL sign-ins one after another in one process: median and spread, and the
  sign-ins per second one core gives at the median; also the hash alone, for its share;
- the storm: STAFF staff members sign in at once from WORKERS processes on this 2-core machine
  (PostgreSQL shares the cores): the wall time for all of them, p50/p95 of one sign-in;
- with the second factor: the password and then the authenticator's code, SECOND_FACTOR times.

Progress goes to stderr; stdout gets only `name: value unit` lines.
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from bench.common import setup_django

PASSWORD = "Бенчмарк-вход-2026"  # noqa: S105 (the benchmark's own throwaway users)
PREFIX = "bench-signin-"
SERIAL = 40
STAFF = 100
WORKERS = 2
SECOND_FACTOR = 10


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _ensure_database(url: str) -> None:
    """Creates the benchmark database when `seed_demo` has not (this benchmark needs no school)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    try:
        psycopg2.connect(url).close()
        return
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(
                sql.Identifier(parts.path.lstrip("/"))))
    finally:
        connection.close()


def _sign_in(login: str, address: str) -> float:
    """Milliseconds for one sign-in through the login form; fails loudly if it did not sign in."""
    from django.test import Client

    client = Client(REMOTE_ADDR=address)
    started = time.perf_counter()
    response = client.post("/login/", {"username": login, "password": PASSWORD})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 302 and response.url == "/", (login, response.status_code)
    return elapsed


def _storm_worker(logins: list[str]) -> list[float]:
    from django.db import connections

    connections.close_all()  # a forked process opens its own connection
    return [_sign_in(login, f"198.51.100.{index % 250 + 1}") for index, login in
            enumerate(logins)]


def _make_users(count: int, prefix: str):
    from django.contrib.auth.hashers import make_password

    from accounts.models import StaffRole, User
    from accounts.roles import Role
    from journal.models import School

    encoded = make_password(PASSWORD)  # one PBKDF2 run for all: the check is what is measured
    users = User.objects.bulk_create(
        User(username=f"{prefix}{number:03d}", password=encoded, last_name="Замеров",
             first_name="Учитель", patronymic=f"№{number}") for number in range(count))
    school = School.objects.order_by("pk").first()
    if school is not None:  # staff of the demo school, as at 8 a.m.
        StaffRole.objects.bulk_create(StaffRole(user=user, school=school, role=Role.TEACHER)
                                      for user in users)
    return users


def run() -> int:
    setup_django()
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, get_hasher
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except Exception as exc:  # noqa: BLE001 (say what to do, whatever the database said)
        print(f"sign_in: the benchmark database does not answer ({exc})", file=sys.stderr)
        return 1
    User.objects.filter(username__startswith=PREFIX).delete()
    hasher = get_hasher()
    print(f"sign_in benchmark: hasher {hasher.algorithm}, {hasher.iterations} iterations",
          file=sys.stderr)
    try:
        users = _make_users(STAFF, PREFIX)
        logins = [user.username for user in users]

        _sign_in(logins[0], "192.0.2.1")  # warm up: templates, connections
        encoded = users[0].password
        hash_times = []
        for _ in range(10):
            started = time.perf_counter()
            check_password(PASSWORD, encoded)
            hash_times.append((time.perf_counter() - started) * 1000)
        serial = [_sign_in(logins[i % STAFF], f"192.0.2.{i % 250 + 1}") for i in range(SERIAL)]

        chunks = [logins[i::WORKERS] for i in range(WORKERS)]
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
            started = time.perf_counter()
            storm = [ms for chunk in pool.map(_storm_worker, chunks) for ms in chunk]
            storm_wall = time.perf_counter() - started

        second = _make_users(SECOND_FACTOR, f"{PREFIX}2fa-")
        devices = [TOTPDevice.objects.create(user=user, name="замер", confirmed=True)
                   for user in second]
        with_code = []
        for device in devices:
            client = Client(REMOTE_ADDR="192.0.2.200")
            started = time.perf_counter()
            client.post("/login/", {"username": device.user.username, "password": PASSWORD})
            code = f"{TOTP(device.bin_key).token():06d}"
            response = client.post("/login/code/", {"code": code, "next": "/"})
            with_code.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302 and response.url == "/", response.status_code
    finally:
        User.objects.filter(username__startswith=PREFIX).delete()

    median = statistics.median(serial)
    print(f"sign_in_hash_p50: {statistics.median(hash_times):.1f} ms")
    print(f"sign_in_p50: {median:.1f} ms")
    print(f"sign_in_p5: {percentile(serial, 0.05):.1f} ms")
    print(f"sign_in_p95: {percentile(serial, 0.95):.1f} ms")
    print(f"sign_in_per_core: {1000 / median:.2f} sign-ins/s")
    print(f"sign_in_storm_staff: {STAFF} count")
    print(f"sign_in_storm_workers: {WORKERS} count")
    print(f"sign_in_storm_wall: {storm_wall:.1f} s")
    print(f"sign_in_storm_rate: {STAFF / storm_wall:.2f} sign-ins/s")
    print(f"sign_in_storm_p50: {statistics.median(storm):.1f} ms")
    print(f"sign_in_storm_p95: {percentile(storm, 0.95):.1f} ms")
    print(f"sign_in_second_factor_p50: {statistics.median(with_code):.1f} ms")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run())
