"""The administrator's pages of portal exports: who may open them, the schedule's form refusing
nonsense in Russian, «Выгрузить сейчас» making a run that (tasks in-process, no transport)
completes, the runs' list with its filter, a run's page and its files, and the home page's
section with the last runs and a failure."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from accounts.roles import Role
from exports.models import ExportSchedule, PortalExport
from exports.portal.schedule import schedule_of
from tests.conftest import (
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_school,
    make_staff,
)

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 16, 14, tzinfo=MOSCOW)  # a Monday in the second quarter
Kind, Status = PortalExport.Kind, PortalExport.Status


@dataclass
class Cast:
    small: object
    administrator: object
    deputy: object
    director: object
    teacher: object
    parent: object


def build() -> Cast:
    small = build_small_school()
    school = small.school
    children = make_children(small)
    return Cast(
        small=small,
        administrator=make_staff(school, "admin", "Админов", "Игорь", "Николаевич",
                                 role=Role.ADMINISTRATOR),
        deputy=make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY),
        director=make_staff(school, "director", "Директорова", "Марина", "Львовна",
                            role=Role.DIRECTOR),
        teacher=small.maths_5a.teacher,
        parent=make_parent("petrova", "Петрова", "Наталья", "Андреевна", children))


built_fixture = built_once(build)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def exports_root(settings, tmp_path) -> Path:
    """Files stay in a folder of the test's own; nowhere to deliver them."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.PORTAL_DROP_DIR = ""
    settings.PORTAL_URL = ""
    settings.PORTAL_EXPORT_FORMAT = "ejournal-v1"
    return settings.EXPORT_ROOT


@pytest.fixture
def admin_client(client, built):
    client.force_login(built.administrator)
    return client


def run_of(school, kind=Kind.DAILY, status=Status.DONE, **fields) -> PortalExport:
    fields.setdefault("created_at", NOW - dt.timedelta(hours=1))
    return PortalExport.objects.create(school=school, kind=kind, status=status,
                                       format="ejournal-v1", until=fields["created_at"],
                                       **fields)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Who may open them ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "deputy", "director", "parent"])
def test_only_the_administrator_opens_the_exports_pages(client, built, who):
    run = run_of(built.small.school)
    client.force_login(getattr(built, who))
    for url in (reverse("portal:index"), reverse("portal:runs"),
                reverse("portal:run", args=[run.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:start", args=["daily"])).status_code == 404
    assert client.post(reverse("portal:index"), {"daily_hours": "3"}).status_code == 404
    assert not PortalExport.objects.exclude(pk=run.pk).exists()
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="nav-portal"' not in home
    assert 'data-section="portal-exports"' not in home


def test_the_administrator_finds_the_page_in_the_menu_and_sees_the_schedule(admin_client):
    home = admin_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("portal:index")}" data-testid="nav-portal"' in home

    page = admin_client.get(reverse("portal:index"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Выгрузки на портал" in text
    assert "каждый день в 01:00" in text
    assert "по воскресеньям в 04:00" in text
    assert "каждый месяц 1-го числа в 05:00" in text
    assert text.count("Выгрузить сейчас") == 3
    assert "Передача на портал не настроена" in text  # neither a drop folder nor a portal
    assert f'href="{reverse("portal:uids")}"' in text
    assert f'href="{reverse("exports:year_journals")}"' in text
    assert 'name="daily_hours" value="1"' in text


def test_the_page_says_where_the_files_go(admin_client, settings):
    settings.PORTAL_DROP_DIR = "/srv/portal-drop"
    assert "папку обмена с порталом: /srv/portal-drop" in \
        admin_client.get(reverse("portal:index")).content.decode()
    settings.PORTAL_DROP_DIR, settings.PORTAL_URL = "", "https://portal.example/api/upload"
    assert "на портал по адресу https://portal.example/api/upload" in \
        admin_client.get(reverse("portal:index")).content.decode()


def test_the_index_page_costs_a_fixed_number_of_queries(admin_client, built,
                                                        django_assert_max_num_queries):
    school = built.small.school
    admin_client.get(reverse("portal:index"))  # the schedule is made on the first visit
    for kind in Kind:
        run_of(school, kind, Status.FAILED, error="Портал ответил 400")
        run_of(school, kind, Status.DONE, counts={"lessons": 3}, left_out={"students": 2})

    # The session and user, the person's roles, the school, the schedule with who changed it,
    # the last run of each kind.
    with django_assert_max_num_queries(9):
        page = admin_client.get(reverse("portal:index"))
    assert page.status_code == 200


# The schedule's form -------------------------------------------------------------------------

VALID = {"enabled": "on", "daily_hours": "1", "control_weekday": "7", "control_hour": "4",
         "full_day": "1", "full_hour": "5"}


def beat_state(school) -> list:
    return list(PeriodicTask.objects.filter(name__startswith=f"portal-export:{school.pk}:")
                .order_by("name").values_list("name", "crontab__hour", "crontab__day_of_week",
                                              "crontab__day_of_month", "enabled"))


def test_the_administrator_changes_the_schedule_and_beat_follows(admin_client, built):
    school = built.small.school

    response = admin_client.post(reverse("portal:index"), {
        **VALID, "daily_hours": "13, 2", "control_weekday": "3", "control_hour": "6",
        "full_day": "28", "full_hour": "23"}, follow=True)

    assert "Расписание выгрузок сохранено." in messages_of(response)
    schedule = ExportSchedule.objects.get(school=school)
    assert (schedule.daily_hours, schedule.control_weekday, schedule.control_hour,
            schedule.full_day, schedule.full_hour) == ([2, 13], 3, 6, 28, 23)
    assert schedule.updated_by == built.administrator
    assert beat_state(school) == [
        (f"portal-export:{school.pk}:control", "6", "3", "*", True),
        (f"portal-export:{school.pk}:daily", "2,13", "*", "*", True),
        (f"portal-export:{school.pk}:full", "23", "*", "28", True)]
    text = response.content.decode()
    assert "каждый день в 02:00 и 13:00" in text
    assert 'value="2, 13"' in text
    assert "Изменено 16.11.2026" in text


def test_switching_the_schedule_off_stops_beat(admin_client, built):
    data = {key: value for key, value in VALID.items() if key != "enabled"}
    admin_client.post(reverse("portal:index"), data)
    assert [row[-1] for row in beat_state(built.small.school)] == [False, False, False]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"daily_hours": "25"}, "daily_hours", "Час — число от 0 до 23."),
    ({"daily_hours": "1, 25"}, "daily_hours", "Час — число от 0 до 23."),
    ({"daily_hours": "час"}, "daily_hours", "Час — число от 0 до 23."),
    ({"daily_hours": "1, 1"}, "daily_hours", "Час 1 указан дважды."),
    ({"daily_hours": " "}, "daily_hours", "Укажите хотя бы один час"),
    ({"control_hour": "24"}, "control_hour", "Час — число от 0 до 23."),
    ({"full_hour": "-1"}, "full_hour", "Час — число от 0 до 23."),
    ({"full_day": "31"}, "full_day", "Не в каждом месяце есть 31-е число: выберите число от 1 "
                                     "до 28"),
    ({"full_day": "29"}, "full_day", "Не в каждом месяце есть 29-е число"),
    ({"full_day": "0"}, "full_day", "Число месяца — от 1 до 28."),
    ({"control_weekday": ""}, "control_weekday", "Выберите день недели."),
    ({"control_weekday": "8"}, "control_weekday", "Выберите день недели."),
])
def test_a_schedule_that_makes_no_sense_is_refused_in_russian_and_nothing_changes(
        admin_client, built, changes, field, message):
    school = built.small.school
    schedule = schedule_of(school)
    before = (ExportSchedule.objects.filter(pk=schedule.pk).values().get(), beat_state(school),
              PeriodicTasks.last_change())

    response = admin_client.post(reverse("portal:index"), {**VALID, **changes})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    text = response.content.decode()
    assert message in text
    assert "Расписание не сохранено" in text
    assert (ExportSchedule.objects.filter(pk=schedule.pk).values().get(), beat_state(school),
            PeriodicTasks.last_change()) == before
    assert "каждый день в 01:00" in text  # the kept schedule, not the refused one


# «Выгрузить сейчас» and a run's page -----------------------------------------------------------

def test_export_now_makes_a_run_that_completes_and_its_page_shows_the_counts(
        admin_client, built, exports_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("portal:start", args=["daily"]))

    run = PortalExport.objects.get()
    assert (run.kind, run.reason, run.requested_by) == (Kind.DAILY, PortalExport.Reason.MANUAL,
                                                        built.administrator)
    assert response.status_code == 302
    assert response.url == reverse("portal:run", args=[run.pk])
    page = admin_client.get(response.url)
    assert "Выгрузка поставлена в очередь." in messages_of(page)
    run.refresh_from_db()
    assert run.status == Status.DONE
    text = page.content.decode()
    assert 'data-status="done"' in text
    assert "выполнена" in text
    assert "hx-trigger" not in text  # finished: nothing to ask again
    counts = dict(page.context["counts"])
    assert counts["Классы"] == 4
    assert counts["Школа"] == 1
    assert dict(page.context["left_out"])["обучающихся"] == 2  # the children have no UID
    names = [file["name"] for file in page.context["files"]]
    assert names[-1] == "manifest.json"
    assert "classes.jsonl" in names
    assert run.checksum in text

    index = admin_client.get(reverse("portal:index")).content.decode()
    assert f'href="{reverse("portal:run", args=[run.pk])}"' in index
    assert "не вошли <b" in index


def test_a_second_press_while_a_run_is_unfinished_says_so(admin_client, built, exports_root,
                                                          django_capture_on_commit_callbacks):
    unfinished = run_of(built.small.school, Kind.FULL, Status.RETRY)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("portal:start", args=["full"]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:index")
    assert "Выгрузка этого вида уже идёт: дождитесь её окончания." in messages_of(response)
    assert list(PortalExport.objects.all()) == [unfinished]


def test_an_unknown_kind_is_not_found(admin_client):
    assert admin_client.post(reverse("portal:start", args=["weekly"])).status_code == 404
    assert admin_client.get(reverse("portal:start", args=["daily"])).status_code == 405


def test_an_unfinished_runs_state_asks_again_by_itself(admin_client, built):
    run = run_of(built.small.school, Kind.DAILY, Status.RETRY, attempts=2,
                 error="Портал не ответил", next_attempt_at=NOW + dt.timedelta(minutes=4))

    page = admin_client.get(reverse("portal:run", args=[run.pk])).content.decode()
    assert f'hx-get="{reverse("portal:run", args=[run.pk])}"' in page
    assert "ждёт повтора" in page
    assert "2; следующая — 16.11.2026 14:04" in page
    assert "Портал не ответил" in page

    part = admin_client.get(reverse("portal:run", args=[run.pk]), headers={"HX-Request": "true"})
    assert part.templates[0].name == "exports/portal/_run_state.html"
    assert "<html" not in part.content.decode()


def test_a_run_of_another_school_is_not_found(admin_client, built):
    other = make_school()  # a second school with its own run
    assert admin_client.get(reverse("portal:run", args=[run_of(other).pk])).status_code == 404


# Files of a run ---------------------------------------------------------------------------------

def made_run(school, root: Path) -> PortalExport:
    folder = root / "7" / "daily" / "run"
    folder.mkdir(parents=True)
    (folder / "lessons.jsonl").write_text('{"id": 1}\n')
    (folder / "secret.txt").write_text("not listed")
    (root / "outside.txt").write_text("outside the run")
    (folder / "manifest.json").write_text(json.dumps({"files": [
        {"name": "lessons.jsonl", "rows": 1, "bytes": 10, "sha256": "ab" * 32}]}))
    return run_of(school, folder="7/daily/run", checksum="cd" * 32)


def test_a_runs_files_download_by_the_names_its_manifest_lists(admin_client, built,
                                                               exports_root):
    run = made_run(built.small.school, exports_root)

    page = admin_client.get(reverse("portal:run", args=[run.pk])).content.decode()
    assert "ab" * 32 in page
    response = admin_client.get(reverse("portal:run_file", args=[run.pk, "lessons.jsonl"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'{"id": 1}\n'
    assert "attachment" in response["Content-Disposition"]
    assert admin_client.get(reverse("portal:run_file",
                                    args=[run.pk, "manifest.json"])).status_code == 200

    for name in ("secret.txt", "..", "..%2Foutside.txt", "nothing.jsonl"):
        url = reverse("portal:run_file", args=[run.pk, "x"])[:-1] + name
        assert admin_client.get(url).status_code == 404, name


def test_someone_else_cannot_download_a_runs_file(client, built, exports_root):
    run = made_run(built.small.school, exports_root)
    client.force_login(built.deputy)
    assert client.get(reverse("portal:run_file",
                              args=[run.pk, "lessons.jsonl"])).status_code == 404


# The list of runs ----------------------------------------------------------------------------

def test_the_runs_list_is_newest_first_and_filters_by_kind_and_status(admin_client, built):
    school = built.small.school
    old_failed = run_of(school, Kind.FULL, Status.FAILED, created_at=NOW - dt.timedelta(days=3))
    daily = run_of(school, Kind.DAILY, Status.DONE, created_at=NOW - dt.timedelta(days=2),
                   counts={"lessons": 5, "marks": 7}, bytes=2048)
    new_failed = run_of(school, Kind.FULL, Status.FAILED, created_at=NOW - dt.timedelta(days=1))
    run_of(make_school())  # another school's run is never listed

    every = admin_client.get(reverse("portal:runs"))
    assert [r.pk for r in every.context["page"].object_list] == [new_failed.pk, daily.pk,
                                                               old_failed.pk]
    assert "2,0\xa0КБ" in every.content.decode()

    failed = admin_client.get(reverse("portal:runs"), {"status": "failed"})
    assert [r.pk for r in failed.context["page"].object_list] == [new_failed.pk, old_failed.pk]
    daily_only = admin_client.get(reverse("portal:runs"), {"kind": "daily", "status": ""})
    assert [r.pk for r in daily_only.context["page"].object_list] == [daily.pk]
    none = admin_client.get(reverse("portal:runs"), {"kind": "daily", "status": "failed"})
    assert "Выгрузок, подходящих под условия отбора, нет." in none.content.decode()
    # A value off the lists is ignored, not an error.
    assert admin_client.get(reverse("portal:runs"), {"kind": "x"}).status_code == 200


def test_the_runs_list_is_paged_by_25(admin_client, built):
    school = built.small.school
    for hours in range(30):
        run_of(school, created_at=NOW - dt.timedelta(hours=hours + 1))
    first = admin_client.get(reverse("portal:runs"))
    assert len(first.context["page"].object_list) == 25
    second = admin_client.get(reverse("portal:runs"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


# The home page ---------------------------------------------------------------------------------

def test_the_home_page_shows_the_last_runs_and_a_failure(admin_client, built,
                                                         django_assert_max_num_queries):
    school = built.small.school
    run_of(school, Kind.DAILY, Status.DONE, created_at=NOW - dt.timedelta(hours=2),
           counts={"lessons": 40, "marks": 2}, bytes=4096)
    failed = run_of(school, Kind.FULL, Status.FAILED, created_at=NOW - dt.timedelta(hours=3),
                    error="Нет права записи в папку обмена")
    # A failed daily made good by a later success is not a failure any more.
    run_of(school, Kind.DAILY, Status.FAILED, created_at=NOW - dt.timedelta(days=1),
           error="Старая ошибка")

    admin_client.get(reverse("home"))
    # The section costs four: the last run of each kind and the failures; the backups' section
    # two (archive/templatetags/backups.py: the newest verified backup, a failed copy).
    with django_assert_max_num_queries(16):
        text = admin_client.get(reverse("home")).content.decode()

    assert 'data-section="portal-exports"' in text
    assert "записей: 42" in text
    assert "4,0\xa0КБ" in text
    failures = text.split('data-testid="portal-failures"')[1].split("</div>")[0]
    assert "Полная (учебный год) от 16.11.2026 11:00" in failures
    assert "Нет права записи в папку обмена" in failures
    assert reverse("portal:run", args=[failed.pk]) in failures
    assert "Старая ошибка" not in text
    assert "ещё не выполнялась" in text  # the control export


def test_the_home_page_has_no_failure_box_when_all_is_well(admin_client, built):
    run_of(built.small.school, Kind.DAILY, Status.DONE)
    text = admin_client.get(reverse("home")).content.decode()
    assert 'data-section="portal-exports"' in text
    assert 'data-testid="portal-failures"' not in text


# The setup screens -----------------------------------------------------------------------------

def test_the_setup_screens_show_beats_entries_and_the_schedule(client, built):
    from accounts.models import User

    school = built.small.school
    schedule = schedule_of(school)
    client.force_login(User.objects.create_superuser("root", "root@school7.example", "x"))

    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:django_celery_beat_periodictask_changelist") in index
    assert reverse("admin:exports_exportschedule_changelist") in index
    tasks = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert f"portal-export:{school.pk}:daily" in tasks.content.decode()
    run = run_of(school, error="Портал ответил 400")
    shown = client.get(reverse("admin:exports_portalexport_change", args=[run.pk]))
    assert "Портал ответил 400" in shown.content.decode()
    assert 'name="_save"' not in shown.content.decode()  # runs are only looked at

    url = reverse("admin:exports_exportschedule_change", args=[schedule.pk])
    refused = client.post(url, {**VALID, "daily_hours": "25"})
    assert "Час — число от 0 до 23." in refused.content.decode()
    client.post(url, {**VALID, "daily_hours": "3"})
    assert ExportSchedule.objects.get(pk=schedule.pk).daily_hours == [3]
    assert PeriodicTask.objects.get(name=f"portal-export:{school.pk}:daily").crontab.hour == "3"
