"""`/healthz`: is the database and Redis reachable? 200 when both answer, 503 with the reason."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def _failure(what: str, exc: Exception) -> str:
    # The page is public: name the kind of failure, keep hosts and users in the log.
    logger.error("healthz: %s failed: %s", what, exc)
    return f"error: {exc.__class__.__name__}"


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer we report
        return _failure("database", exc)
    return "ok"


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run in-process)"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return _failure("redis", exc)
    return "ok"


def healthz(request):
    checks = {"database": _database_status(), "redis": _redis_status()}
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks},
                        status=200 if healthy else 503)
