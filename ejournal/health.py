"""`/healthz`: is the database and Redis reachable? 200 when both answer, 503 with the reason."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer we report
        return f"error: {exc.__class__.__name__}: {exc}".strip()
    return "ok"


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run in-process)"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}: {exc}".strip()
    return "ok"


def healthz(request):
    checks = {"database": _database_status(), "redis": _redis_status()}
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks},
                        status=200 if healthy else 503)
