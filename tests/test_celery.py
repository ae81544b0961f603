"""The Celery app takes its configuration from the Django settings (the CELERY_ ones)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from celery.result import EagerResult

from ejournal.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent


@app.task(name="tests.add")
def add(x, y):
    return x + y


def celery_conf_in(tmp_path: Path, **env: str) -> dict:
    """The Celery app's configuration as a fresh process with this environment sees it."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "DEBUG": "1", "VAR_DIR": str(tmp_path / "var")}
    code = textwrap.dedent("""
        import json
        from ejournal.celery import app
        print(json.dumps({"broker": app.conf.broker_url, "eager": app.conf.task_always_eager,
                          "timezone": app.conf.timezone, "acks_late": app.conf.task_acks_late}))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env={**base, **env},  # noqa: S603 - our own code
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_tasks_run_in_process(tmp_path):
    conf = celery_conf_in(tmp_path)

    assert conf == {"broker": "memory://", "eager": True, "timezone": "Europe/Moscow",
                    "acks_late": True}


def test_with_redis_tasks_go_to_the_broker(tmp_path):
    conf = celery_conf_in(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3",
                          TIME_ZONE="Asia/Novosibirsk")

    assert conf == {"broker": "redis://127.0.0.1:6379/3", "eager": False,
                    "timezone": "Asia/Novosibirsk", "acks_late": True}


@pytest.mark.parametrize(("flag", "eager"), [("1", True), ("0", False)])
def test_eager_flag_wins_over_the_default(tmp_path, flag, eager):
    conf = celery_conf_in(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3",
                          CELERY_TASK_ALWAYS_EAGER=flag)

    assert conf["eager"] is eager


def test_settings_changed_in_a_test_reach_the_app(settings):
    """conftest.py makes tasks run in-process through the Django settings; Celery must see that."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert app.conf.task_always_eager is False

    settings.CELERY_TASK_ALWAYS_EAGER = True
    result = add.delay(2, 3)

    assert isinstance(result, EagerResult)
    assert result.get(timeout=1) == 5
