"""Settings for the test suite: the project's settings in their development form, plus speed."""

import os

os.environ.setdefault("DEBUG", "1")

from ejournal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
STATIC_ROOT = BASE_DIR / "test-artifacts" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Its own test database per run, so that two runs on one PostgreSQL server (two checkouts, or
# a developer and CI) never drop each other's database.
if not DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405

# Cached values are keyed by ids that a new test database hands out again: each run its own keys.
_cache = globals().get("CACHES", {"default": {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})["default"]
CACHES = {"default": {**_cache, "KEY_PREFIX": f"test{os.getpid()}"}}
# Sessions in the table whether or not the run has Redis, so that the query counts the tests pin
# are the same in both (they count the session's query, which production's `cached_db` saves);
# tests/accounts/test_session_cache.py runs production's store on Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Likewise the session's user is read from the table on every request (it is kept in Redis only
# where the run has Redis); the tests on production's cache turn it on (tests/redis_cache.py).
SESSION_USER_SECONDS = 0

# Tasks run in-process in every test, also in module-wide fixtures (a test of the real broker and
# worker says so itself).
CELERY_TASK_ALWAYS_EAGER = True
