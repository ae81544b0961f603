"""Production settings: Django's deployment checks pass, and bad configuration stops the start loudly.

Settings are read once per process, so every case runs in a fresh interpreter with an environment
built from nothing (the test process itself runs with DEBUG=1, see tests/settings.py).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """What docker-compose.yml gives the site, with the test database; None removes a variable."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "ejournal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "ALLOWED_HOSTS": "school.example.ru",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "VAR_DIR": str(tmp_path / "var"),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=BASE_DIR, env=env,  # noqa: S603 - our own code
                          capture_output=True, text=True, timeout=120, check=False)


def settings_of(env: dict[str, str], *names: str) -> dict:
    result = run_python(env, f"""
        import json
        from django.conf import settings
        print(json.dumps({{name: str(getattr(settings, name)) for name in {names!r}}}))
    """)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refusal_of(env: dict[str, str]) -> str:
    """The settings must not load: returns the last line of the traceback."""
    result = run_python(env, "from django.conf import settings; settings.DEBUG")
    assert result.returncode != 0, "the settings loaded but should have refused"
    return result.stderr.strip().splitlines()[-1]


def test_check_deploy_passes_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=production_env(tmp_path), capture_output=True, text=True, timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper()


def test_production_refuses_to_start_without_secret_key(tmp_path):
    refusal = refusal_of(production_env(tmp_path, SECRET_KEY=None))

    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "SECRET_KEY is required" in refusal


@pytest.mark.parametrize("weak", ["", "short-key", "demo-only-insecure-key" + "x" * 50])
def test_production_refuses_a_weak_or_demo_secret_key(tmp_path, weak):
    refusal = refusal_of(production_env(tmp_path, SECRET_KEY=weak))

    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "SECRET_KEY must be at least 50 random characters" in refusal


def test_debug_must_be_a_clear_yes_or_no(tmp_path):
    refusal = refusal_of(production_env(tmp_path, DEBUG="maybe"))

    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "DEBUG='maybe' is not a boolean" in refusal


def test_unknown_time_zone_is_refused(tmp_path):
    refusal = refusal_of(production_env(tmp_path, TIME_ZONE="Mars/Base"))

    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "TIME_ZONE='Mars/Base' is not a known time zone" in refusal


def test_bad_integer_is_refused(tmp_path):
    refusal = refusal_of(production_env(tmp_path, SESSION_COOKIE_AGE="12h"))

    assert "SESSION_COOKIE_AGE='12h' is not an integer" in refusal


def test_secret_key_is_read_from_a_file(tmp_path):
    """Docker secrets: SECRET_KEY_FILE names a file; its content (without the newline) is the key."""
    key = secrets.token_urlsafe(45)
    key_file = tmp_path / "secret_key"
    key_file.write_text(key + "\n", encoding="utf-8")

    seen = settings_of(production_env(tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=str(key_file)),
                       "SECRET_KEY")

    assert seen["SECRET_KEY"] == key


def test_missing_secret_key_file_is_refused(tmp_path):
    missing = tmp_path / "no-such-file"

    refusal = refusal_of(production_env(tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=str(missing)))

    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured")
    assert f"SECRET_KEY_FILE={missing}" in refusal


def test_russian_school_defaults(tmp_path):
    seen = settings_of(production_env(tmp_path), "TIME_ZONE", "LANGUAGE_CODE", "CELERY_TIMEZONE",
                       "USE_TZ")

    assert seen == {"TIME_ZONE": "Europe/Moscow", "LANGUAGE_CODE": "ru",
                    "CELERY_TIMEZONE": "Europe/Moscow", "USE_TZ": "True"}


def test_time_zone_can_be_another_russian_one(tmp_path):
    seen = settings_of(production_env(tmp_path, TIME_ZONE="Asia/Yekaterinburg"),
                       "TIME_ZONE", "CELERY_TIMEZONE")

    assert seen == {"TIME_ZONE": "Asia/Yekaterinburg", "CELERY_TIMEZONE": "Asia/Yekaterinburg"}


def test_production_hardening_is_on(tmp_path):
    seen = settings_of(production_env(tmp_path), "DEBUG", "SESSION_COOKIE_SECURE",
                       "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
                       "ALLOWED_HOSTS")

    assert seen == {
        "DEBUG": "False",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "ALLOWED_HOSTS": "['school.example.ru']",
    }
