"""The production run: docker-compose.yml, .env.example and the Dockerfile agree with the settings.

Docker itself is not run here; these tests read the files and load the settings the way the
containers would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
# Without these the site cannot run in production (the settings refuse, or it answers no host).
REQUIRED_BY_SETTINGS = {"SECRET_KEY", "ALLOWED_HOSTS"}
_VARIABLE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def names_read_in(path: Path) -> set[str]:
    """Environment variables a settings file reads through the helpers of ejournal/env.py."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z][A-Z0-9_]*)\"", text))


def strings_read_in(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"env_str\(\s*\"([A-Z][A-Z0-9_]*)\"", text))


def env_example() -> tuple[dict[str, str], set[str]]:
    """(variables set in .env.example, variables only shown there in comments)."""
    active, commented = {}, set()
    for line in (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines():
        match = _VARIABLE.match(line.strip())
        if not match:
            continue
        if match.group(1):
            commented.add(match.group(2))
        else:
            active[match.group(2)] = match.group(3)
    return active, commented


def compose_text() -> str:
    return (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`, enough for this file."""
    def replace(match: re.Match) -> str:
        name, kind, rest = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if kind == ":-":
            return rest
        raise AssertionError(f"docker compose would stop: {name} is not set ({rest})")

    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", replace, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(compose_text())


def mounts(service: dict) -> dict[str, str]:
    """volume name -> path in the container."""
    return dict(volume.split(":")[:2] for volume in service.get("volumes", []))


def command_line(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_five_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_named_volumes(compose):
    assert {"database", "media", "backups", "archives", "exports", "static"} <= set(compose["volumes"])


def test_database_and_redis_have_volumes_and_health_checks(compose):
    db, redis = compose["services"]["db"], compose["services"]["redis"]

    assert db["image"] == "postgres:15"
    assert mounts(db) == {"database": "/var/lib/postgresql/data"}
    assert "pg_isready" in db["healthcheck"]["test"]
    assert redis["image"] == "redis:7"
    assert "ping" in redis["healthcheck"]["test"]


def test_app_services_share_one_image_and_read_dot_env(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == "ejournal:latest", name
        assert services[name]["env_file"] == ".env", name
        environment = services[name]["environment"]
        assert "@db:5432/" in environment["DATABASE_URL"], name
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
        assert environment["DEBUG"] == "0", name


@pytest.mark.parametrize(("variable", "volume"), [("MEDIA_ROOT", "media"),
                                                  ("BACKUP_ROOT", "backups"),
                                                  ("ARCHIVE_ROOT", "archives")])
@pytest.mark.parametrize("service", ["web", "worker"])
def test_file_roots_are_on_volumes(compose, service, variable, volume):
    """Uploads, backups and archives outlive the containers, and web and worker see the same ones."""
    spec = compose["services"][service]

    assert mounts(spec)[volume] == spec["environment"][variable]


def test_web_migrates_then_serves_with_gunicorn_and_is_checked_on_healthz(compose):
    web = compose["services"]["web"]
    command = command_line(web)

    assert command.index("manage.py migrate --noinput") < command.index("gunicorn")
    assert "exec gunicorn --config ejournal/gunicorn.conf.py ejournal.wsgi" in command
    assert web["depends_on"] == {"db": {"condition": "service_healthy"},
                                 "redis": {"condition": "service_healthy"}}
    probe = web["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in probe[3]
    compile(probe[3], "web healthcheck", "exec")


def test_worker_and_beat_run_celery_after_the_migrations(compose):
    services = compose["services"]
    assert command_line(services["worker"]).startswith("celery -A ejournal worker")
    beat_command = command_line(services["beat"])
    assert beat_command.startswith("celery -A ejournal beat")
    # The schedule the administrator sets lives in the database; one beat sends it.
    assert "--scheduler=django_celery_beat.schedulers:DatabaseScheduler" in beat_command
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"] == {"condition": "service_healthy"}, name


def test_env_example_lists_only_variables_something_reads():
    active, commented = env_example()
    settings_py, gunicorn_py = BASE_DIR / "ejournal/settings.py", BASE_DIR / "ejournal/gunicorn.conf.py"
    readers = names_read_in(settings_py) | names_read_in(gunicorn_py)
    from_files = {f"{name}_FILE" for name in strings_read_in(settings_py) | strings_read_in(gunicorn_py)}
    for_compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose_text()))

    unknown = (set(active) | commented) - readers - from_files - for_compose

    assert not unknown, f".env.example lists variables nothing reads: {sorted(unknown)}"


def test_env_example_documents_every_setting():
    active, commented = env_example()

    undocumented = names_read_in(BASE_DIR / "ejournal/settings.py") - set(active) - commented

    assert not undocumented, f"add these to .env.example: {sorted(undocumented)}"


def test_env_example_sets_what_production_requires():
    active, _ = env_example()
    required_by_compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):\?", compose_text()))

    assert REQUIRED_BY_SETTINGS | required_by_compose <= set(active)


def test_env_example_does_not_set_what_compose_sets(compose):
    """Compose's `environment:` wins over `env_file:`; the same name in .env would only mislead."""
    active, _ = env_example()
    for name in APP_SERVICES:
        assert not set(active) & set(compose["services"][name]["environment"]), name


def _settings_check_with_env_example(compose, tmp_path, **filled: str) -> subprocess.CompletedProcess:
    """`check --deploy` in the environment the web container gets from .env.example and compose."""
    active, _ = env_example()
    active.update(filled)
    environment = {name: interpolate(str(value), active)
                   for name, value in compose["services"]["web"]["environment"].items()}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "ejournal.settings", **active, **environment}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                           "WARNING"], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_env_example_once_filled_in_passes_the_deploy_checks(compose, tmp_path):
    result = _settings_check_with_env_example(
        compose, tmp_path, SECRET_KEY="k" * 20 + "-filled-in-by-the-school-administrator-" + "y" * 10,
        POSTGRES_PASSWORD="0123456789abcdef",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_env_example_as_it_is_does_not_start(compose, tmp_path):
    """The placeholders are safe: a copied but unedited .env.example stops the site."""
    result = _settings_check_with_env_example(compose, tmp_path, POSTGRES_PASSWORD="0123456789abcdef")

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_dockerfile():
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    final_stage = dockerfile[dockerfile.rindex("\nFROM "):]

    assert "FROM python:3.11-slim-bookworm\n" in dockerfile
    assert "npm ci" in dockerfile
    assert "pip install -c constraints.txt ." in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    for library in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert library in dockerfile
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert "node assets/build.mjs" in dockerfile
    assert "/assets/static/build ./static/build" in final_stage
    # No secret in the image's environment: SECRET_KEY only ever appears on the build-time RUN line.
    joined = dockerfile.replace("\\\n", " ")
    baked = [line for line in joined.splitlines() if line.startswith(("ENV ", "ARG "))]
    assert baked
    assert not [line for line in baked if "SECRET" in line or "PASSWORD" in line]


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = {line.strip() for line in (BASE_DIR / ".dockerignore").read_text().splitlines()}

    assert {".env", ".git", ".venv", "node_modules", "var", "static/build", "staticfiles"} <= ignored
    assert "!.env.example" in ignored
