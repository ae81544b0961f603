"""The backups page and its rules: who sees it, who may download, the button, the warning on
the administrator's home page and the e-mail that goes out at most once a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from archive.backups.alerts import stale_backup_alert
from archive.backups.dump import SQLITE, manifest_of
from archive.backups.folders import MANIFEST, sha256_of, write_json
from archive.models import Backup, BackupAlert
from archive.tasks import alert_stale_backups
from journal.models import School

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 10, 12, 0, tzinfo=MOSCOW)
Status, Check = Backup.Status, Backup.Check


@pytest.fixture
def places(settings, tmp_path) -> dict[str, Path]:
    paths = {name: tmp_path / name for name in ("backups", "media", "copy")}
    for path in paths.values():
        path.mkdir()
    settings.BACKUP_ROOT, settings.MEDIA_ROOT = paths["backups"], paths["media"]
    settings.BACKUP_COPY_DIR = ""
    return paths


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def done_backup(root: Path, hours_ago: float, *, check: str = Check.PASSED,
                **fields) -> Backup:
    started_at = timezone.now() - dt.timedelta(hours=hours_ago)
    backup = Backup.objects.create(
        folder=f"{started_at.astimezone(MOSCOW):%Y%m%d-%H%M%S}", engine=SQLITE,
        status=Status.DONE, started_at=started_at, finished_at=started_at, check_status=check,
        database_file="database.sqlite3", media_file="media.tar", **fields)
    folder = root / backup.folder
    folder.mkdir()
    (folder / "database.sqlite3").write_bytes(b"SQLite format 3\0" + b"x" * 3_000_000)
    (folder / "media.tar").write_bytes(b"\0" * 10240)
    backup.database_bytes = (folder / "database.sqlite3").stat().st_size
    backup.database_sha256 = sha256_of(folder / "database.sqlite3")
    backup.media_bytes, backup.media_sha256 = 10240, sha256_of(folder / "media.tar")
    backup.save()
    write_json(folder / MANIFEST, manifest_of(backup))
    return backup


# Who sees the page ---------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "director", "deputy", "secretary"])
def test_only_the_administrator_sees_the_backups(client, request, places, who):
    backup = done_backup(places["backups"], 2)
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("archive:backups")).status_code == 404
    assert client.get(reverse("archive:backup_row", args=[backup.pk])).status_code == 404
    assert client.get(reverse("archive:backup_download",
                              args=[backup.pk, "database"])).status_code == 404
    assert client.post(reverse("archive:backup_start")).status_code == 404
    assert Backup.objects.count() == 1


@pytest.mark.django_db
def test_the_administrator_sees_each_backup_with_size_state_check_and_copy(
        client, administrator, places, clock, django_assert_max_num_queries):
    passed = done_backup(places["backups"], 2, copied_at=NOW, copied_to="/mnt/copy/x")
    done_backup(places["backups"], 26, check=Check.FAILED,
                check_mismatches={"journal_mark": [10, 9]}, copy_error="Папка недоступна")
    Backup.objects.create(folder="20261108-013000", engine=SQLITE, status=Status.FAILED,
                          started_at=NOW - dt.timedelta(hours=50),
                          error="Недостаточно места на диске для резервной копии.")
    client.force_login(administrator)

    with django_assert_max_num_queries(13):
        page = client.get(reverse("archive:backups")).content.decode()

    assert page.count('data-testid="backup-row"') == 3
    assert "2,9 МБ" in page  # 3,000,016 bytes of database and a 10 KB tar
    assert f"{passed.started_at.astimezone(MOSCOW):%d.%m.%Y %H:%M}" in page
    assert "восстановление проверено" in page and "проверка не прошла" in page
    assert "Расхождений: 1" in page
    assert "скопирована 10.11.2026 12:00" in page and "Папка недоступна" in page
    assert "Недостаточно места на диске для резервной копии." in page
    assert 'data-testid="backup-alert"' not in page
    # One school in the installation, and it is theirs: they may download.
    assert reverse("archive:backup_download", args=[passed.pk, "database"]) in page


@pytest.mark.django_db
def test_the_button_queues_one_backup_and_refuses_a_second_while_it_runs(
        client, administrator, places, django_capture_on_commit_callbacks):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks() as queued:
        first = client.post(reverse("archive:backup_start"), follow=True)
    with django_capture_on_commit_callbacks() as refused:
        second = client.post(reverse("archive:backup_start"), follow=True)

    backup = Backup.objects.get()
    assert backup.status == Status.RUNNING and backup.reason == Backup.Reason.MANUAL
    assert backup.requested_by == administrator
    assert len(queued) == 1 and refused == []
    assert "поставлена в очередь" in first.content.decode()
    page = second.content.decode()
    assert "уже создаётся или проверяется" in page
    assert 'data-testid="backup-start" disabled' in page
    # The queued row asks for itself again until it is done.
    assert f'hx-get="{reverse("archive:backup_row", args=[backup.pk])}"' in page


@pytest.mark.django_db
def test_a_backup_the_queue_did_not_take_fails_at_once_and_frees_the_button(
        client, administrator, places, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from archive.backups import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.make_backup, "delay", broker_down)
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("archive:backup_start"))
    page = client.get(reverse("archive:backups")).content.decode()

    backup = Backup.objects.get()
    assert backup.status == Status.FAILED
    assert "Очередь фоновых задач недоступна" in page
    assert 'data-testid="backup-start" disabled' not in page


# Downloads -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_administrator_of_the_only_school_downloads_a_backup(client, administrator, places):
    backup = done_backup(places["backups"], 2)
    client.force_login(administrator)

    response = client.get(reverse("archive:backup_download", args=[backup.pk, "database"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == \
        f'attachment; filename="ejournal-{backup.folder}-database.sqlite3"'
    assert b"".join(response.streaming_content) == \
        (places["backups"] / backup.folder / "database.sqlite3").read_bytes()
    assert client.get(reverse("archive:backup_download",
                              args=[backup.pk, "manifest"])).status_code == 404


@pytest.mark.django_db
def test_with_another_school_only_a_superuser_downloads(client, administrator, places):
    School.objects.create(name="Другая школа", short_name="Школа № 8")
    backup = done_backup(places["backups"], 2)
    client.force_login(administrator)

    page = client.get(reverse("archive:backups")).content.decode()
    response = client.get(reverse("archive:backup_download", args=[backup.pk, "media"]))

    assert response.status_code == 404
    assert 'data-testid="download-note"' in page and "данные всех школ" in page
    assert reverse("archive:backup_download", args=[backup.pk, "media"]) not in page
    superuser = User.objects.create_superuser("root", password="x")
    client.force_login(superuser)
    assert client.get(reverse("archive:backup_download",
                              args=[backup.pk, "media"])).status_code == 200


# The warning ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_warning_follows_the_newest_verified_backup(places, settings, clock):
    settings.BACKUP_MAX_AGE_HOURS = 36
    assert stale_backup_alert() == "Нет ни одной проверенной резервной копии."

    done_backup(places["backups"], 40)
    done_backup(places["backups"], 3, check=Check.FAILED)
    assert stale_backup_alert() == ("Последняя проверенная резервная копия сделана 08.11.2026 "
                                    "в 20:00 — больше 36 ч назад.")

    done_backup(places["backups"], 30)
    assert stale_backup_alert() is None


@pytest.mark.django_db
def test_the_administrators_home_page_shows_the_warning_and_the_teachers_does_not(
        client, administrator, teacher, year, places, clock):
    done_backup(places["backups"], 40)
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="backups"' in page
    assert "Последняя проверенная резервная копия сделана 08.11.2026 в 20:00" in page

    done_backup(places["backups"], 2)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="backup-alert"' not in page
    assert "Последняя проверенная копия — 10.11.2026 10:00." in page

    client.force_login(teacher)
    assert 'data-section="backups"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_one_letter_a_day_goes_to_the_administrators(administrator, teacher, places, clock,
                                                     mailoutbox):
    administrator.email = "admin@school.example"
    administrator.save()
    teacher.email = "teacher@school.example"
    teacher.save()
    done_backup(places["backups"], 40)

    alert_stale_backups.delay()
    clock.shift(dt.timedelta(hours=5))
    alert_stale_backups.delay()

    assert len(mailoutbox) == 1
    letter = mailoutbox[0]
    assert letter.to == ["admin@school.example"]
    assert "нет свежей проверенной резервной копии" in letter.subject
    assert "08.11.2026 в 20:00" in letter.body
    assert BackupAlert.objects.get().recipients == ["admin@school.example"]

    clock.shift(dt.timedelta(hours=20))
    alert_stale_backups.delay()
    assert len(mailoutbox) == 2

    clock.shift(dt.timedelta(days=2))
    done_backup(places["backups"], 1)  # a fresh verified backup: no more letters
    alert_stale_backups.delay()
    assert len(mailoutbox) == 2
