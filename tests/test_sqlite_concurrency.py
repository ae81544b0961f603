"""The embedded demo runs on SQLite: two saves of one cell at the same moment must end as on
PostgreSQL, one saved and one refused with the current value (409), never a 500."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_two_saves_of_one_cell_at_once_give_200_and_409_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "ejournal.settings", "CELERY_TASK_ALWAYS_EAGER": "1"}
    env.pop("REDIS_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "tests/scripts/sqlite_cell_race.py", "20"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    pairs = result.stdout.split("\n")[:-1]
    assert len(pairs) == 20, result.stdout + result.stderr[-3000:]
    assert set(pairs) == {"200 409"}, result.stdout
