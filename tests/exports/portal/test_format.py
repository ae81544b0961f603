"""ejournal-v1, our portal format: every file it writes is valid against its JSON Schema, the
manifest tells the truth about the files, the same scope gives the same bytes, a daily export
carries what the change history shows changed (deletions too), a control export the month's
lessons, and nobody without a portal UID appears."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from jsonschema import Draft202012Validator

from accounts.models import Parent, ParentStudent, Student, User
from exports.models import PortalExport
from exports.portal.content import entity_rows, left_out
from exports.portal.formats import get_format
from exports.portal.formats.ejournal_v1 import EjournalV1
from exports.portal.scope import Scope
from journal.models import Lesson, Mark, StudyPeriod, TimetableSlot
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import set_homework
from tests.conftest import YEAR_END, YEAR_START, build_small_school, built_once, make_student
from tests.journal.journal_setup import at

pytestmark = pytest.mark.django_db

Kind = PortalExport.Kind
SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "exports" / "portal" / "schema"
                     / "ejournal-v1.schema.json").read_text(encoding="utf-8"))
OCTOBER_DAY = dt.date(2026, 10, 12)
NOVEMBER_DAY = dt.date(2026, 11, 9)
TODAY = dt.date(2026, 11, 16)
SINCE = at(dt.date(2026, 11, 15), 20)  # the last daily export
UNTIL = at(TODAY, 20)
TOPIC = 'Дроби: «половина», "четверть" и \\ обратная черта'
HOMEWORK = "№ 12, 15\nи повторить таблицу"


@dataclass
class Built:
    school: object
    year: object
    october: Lesson
    november: Lesson
    english: Lesson
    vasya: Student
    kolya: Student
    nameless: Student
    changed_mark: Mark      # changed inside the window
    earlier_mark: Mark      # changed before it only
    deleted_mark_id: int    # Вася's October mark, deleted inside it


def build() -> Built:
    small = build_small_school()
    teacher = User.objects.get(username="matveeva")
    User.objects.filter(username="matveeva").update(staff_portal_uid="7001")
    User.objects.filter(username="klassnaya").update(staff_portal_uid="7002")
    # Иванов keeps two journals and has no UID: his journals go without a teacher's UID.
    vasya = make_student(small.school, "vasya", "Петров", "Василий", small.class_5a)
    kolya = make_student(small.school, "kolya", "Сомов", "Николай", small.class_5a)
    nameless = make_student(small.school, "bezuid", "Безуидов", "Тихон", small.class_5a)
    make_student(small.school, "fedya", "Фёдоров", "Фёдор", small.class_5b)
    Student.objects.filter(pk=vasya.pk).update(portal_uid="1001")
    Student.objects.filter(pk=kolya.pk).update(portal_uid="1002")
    Student.objects.exclude(pk__in=[vasya.pk, kolya.pk, nameless.pk]).update(portal_uid="1003")
    with_uid = Parent.objects.create(user=User.objects.create_user(
        "petrova", last_name="Петрова", first_name="Наталья", email="petrova@example.ru"),
        phone="+7 900 111-22-33", portal_uid="2001")
    without_uid = Parent.objects.create(user=User.objects.create_user(
        "somova", last_name="Сомова", first_name="Ирина"), phone="+7 900 444-55-66")
    ParentStudent.objects.create(parent=with_uid, student=vasya, relation="mother")
    ParentStudent.objects.create(parent=without_uid, student=kolya, relation="mother")
    small.english_5a_group1.subgroup.students.add(vasya, nameless)
    TimetableSlot.objects.create(assignment=small.maths_5a, weekday=1, lesson_number=2,
                                 room="21", valid_from=YEAR_START, valid_to=YEAR_END)

    october = Lesson.objects.create(assignment=small.maths_5a, date=OCTOBER_DAY, number=2,
                                    topic="Натуральные числа", is_held=True)
    november = Lesson.objects.create(assignment=small.maths_5a, date=NOVEMBER_DAY, number=2,
                                     topic=TOPIC, is_held=True)
    english = Lesson.objects.create(assignment=small.english_5a_group2, date=NOVEMBER_DAY,
                                    number=3, is_held=True)
    with time_machine.travel(at(OCTOBER_DAY), tick=False):
        deleted_mark_id = set_cell(teacher, october, vasya, "4").marks[0].pk
        set_cell(teacher, october, kolya, "н")
        quarter = StudyPeriod.objects.get(year=small.year, kind="quarter", number=1)
    with time_machine.travel(at(dt.date(2026, 10, 26)), tick=False):
        set_final_mark(teacher, small.maths_5a, vasya, "period", quarter, "4")
        set_final_mark(teacher, small.maths_5a, nameless, "period", quarter, "3")
    with time_machine.travel(at(NOVEMBER_DAY), tick=False):
        changed_mark = set_cell(teacher, november, vasya, "3").marks[0]
        earlier_mark = set_cell(teacher, november, kolya, "5").marks[0]
        set_cell(teacher, november, nameless, "2")
    with time_machine.travel(at(dt.date(2026, 11, 12)), tick=False):
        set_cell(teacher, november, kolya, "4")  # before the window: not in the daily
    with time_machine.travel(at(TODAY, 10), tick=False):
        set_cell(teacher, november, vasya, "5")
        set_homework(teacher, november, text=HOMEWORK)
        set_cell(teacher, october, vasya, "")
    return Built(small.school, small.year, october, november, english, vasya, kolya, nameless,
                 changed_mark, earlier_mark, deleted_mark_id)


built = built_once(build, at(TODAY, 18))


def scope_of(built: Built, kind: str) -> Scope:
    if kind == Kind.DAILY:
        return Scope(built.school, built.year, kind, until=UNTIL, since=SINCE)
    if kind == Kind.CONTROL:
        return Scope(built.school, built.year, kind, until=UNTIL, date_from=dt.date(2026, 11, 1),
                     date_to=dt.date(2026, 11, 30))
    return Scope(built.school, built.year, kind, until=UNTIL, date_from=YEAR_START,
                 date_to=YEAR_END)


def export(built: Built, kind: str, folder: Path):
    return get_format("ejournal-v1").write(scope_of(built, kind), folder)


def rows_of(folder: Path, entity: str) -> list[dict]:
    text = (folder / f"{entity}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def validator_for(definition: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


# The schema and the manifest -----------------------------------------------------------------

def test_the_schema_itself_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("kind", [Kind.DAILY, Kind.CONTROL, Kind.FULL])
def test_every_line_of_every_file_and_the_manifest_validate_against_the_schema(
        built, tmp_path, kind):
    export(built, kind, tmp_path)
    manifest = manifest_of(tmp_path)
    errors = [f"manifest.json: {e.message}" for e in validator_for("manifest").iter_errors(
        manifest)]
    for listed in manifest["files"]:
        entity = listed["name"].removesuffix(".jsonl")
        validator = validator_for(entity)
        for number, row in enumerate(rows_of(tmp_path, entity), start=1):
            errors += [f"{listed['name']}:{number}: {e.message}"
                       for e in validator.iter_errors(row)]
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f["name"] for f in manifest["files"]] + ["manifest.json"])


def test_a_row_that_breaks_the_schema_is_caught(built, tmp_path):
    """The validation above can fail: the schema is strict about keys and UIDs."""
    export(built, Kind.FULL, tmp_path)
    mark = rows_of(tmp_path, "marks")[0]
    validator = validator_for("marks")
    assert validator.is_valid(mark)
    assert not validator.is_valid({**mark, "student_name": "Петров"})
    assert not validator.is_valid({**mark, "student_uid": "Петров"})
    assert not validator.is_valid({k: v for k, v in mark.items() if k != "weight"})


@pytest.mark.parametrize("kind", [Kind.DAILY, Kind.FULL])
def test_the_manifest_counts_rows_and_checksums_each_file(built, tmp_path, kind):
    written = export(built, kind, tmp_path)
    manifest = manifest_of(tmp_path)
    assert manifest["format"] == "ejournal-v1" and manifest["kind"] == kind
    assert manifest["school_id"] == built.school.pk
    for listed in manifest["files"]:
        data = (tmp_path / listed["name"]).read_bytes()
        assert listed["bytes"] == len(data)
        assert listed["sha256"] == hashlib.sha256(data).hexdigest()
        assert listed["rows"] == data.count(b"\n")
        assert manifest["counts"][listed["name"].removesuffix(".jsonl")] == listed["rows"]
    assert written.manifest.name == "manifest.json"
    assert written.manifest.sha256 == hashlib.sha256(
        (tmp_path / "manifest.json").read_bytes()).hexdigest()
    assert written.counts == manifest["counts"]


def test_the_same_scope_over_the_same_data_gives_the_same_bytes(built, tmp_path):
    export(built, Kind.DAILY, tmp_path / "first")
    export(built, Kind.DAILY, tmp_path / "second")
    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert first == second
    assert first["marks.jsonl"]


def test_the_windows_are_written_in_the_manifest(built, tmp_path):
    export(built, Kind.DAILY, tmp_path)
    assert manifest_of(tmp_path)["window"] == {
        "since": "2026-11-15T17:00:00+00:00", "until": "2026-11-16T17:00:00+00:00",
        "date_from": None, "date_to": None}


def test_each_line_is_the_compact_json_of_its_object_with_keys_in_the_schemas_order(
        built, tmp_path):
    """The journal's records are spelled by hand for speed: they read back as JSON and are
    spelled as the standard encoder would, quotes, backslashes and line breaks included."""
    export(built, Kind.FULL, tmp_path)
    for listed in manifest_of(tmp_path)["files"]:
        entity = listed["name"].removesuffix(".jsonl")
        keys = list(SCHEMA["$defs"][entity]["properties"])
        for line in (tmp_path / listed["name"]).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert line == json.dumps(row, ensure_ascii=False, separators=(",", ":"))
            assert list(row) == keys
    november = next(r for r in rows_of(tmp_path, "lessons") if r["id"] == built.november.pk)
    assert november["topic"] == TOPIC
    assert november["homework"] == HOMEWORK


def test_content_gives_each_rows_keys_in_the_schemas_order(built):
    """The format's templates take a row's values in order: content must build them so."""
    for entity, rows in entity_rows(scope_of(built, Kind.DAILY)):
        first = next(rows, None)
        if first is not None:
            assert list(first) == list(SCHEMA["$defs"][entity]["properties"]), entity


# What each kind carries ----------------------------------------------------------------------

def test_a_daily_export_carries_what_changed_in_its_window_and_nothing_older(built, tmp_path):
    export(built, Kind.DAILY, tmp_path)
    marks = rows_of(tmp_path, "marks")
    assert [(m["id"], m["value"]) for m in marks] == [(built.changed_mark.pk, "5")]
    assert built.earlier_mark.pk not in {m["id"] for m in marks}
    lessons = rows_of(tmp_path, "lessons")
    assert [(r["id"], r["homework"]) for r in lessons] == [(built.november.pk, HOMEWORK)]
    assert rows_of(tmp_path, "deletions") == [{"entity": "mark", "id": built.deleted_mark_id}]
    assert rows_of(tmp_path, "final_marks") == []
    assert (tmp_path / "final_marks.jsonl").read_bytes() == b""


def test_a_daily_export_takes_the_whole_reference_data(built, tmp_path):
    export(built, Kind.DAILY, tmp_path)
    assert [c["name"] for c in rows_of(tmp_path, "classes")] == ["1А", "5А", "5Б", "10А"]
    assert len(rows_of(tmp_path, "assignments")) == 6
    assert rows_of(tmp_path, "timetable")[0]["room"] == "21"


def test_a_control_export_covers_only_the_months_lessons_and_their_records(built, tmp_path):
    export(built, Kind.CONTROL, tmp_path)
    lessons = rows_of(tmp_path, "lessons")
    assert {r["id"] for r in lessons} == {built.november.pk, built.english.pk}
    lesson_ids = {r["lesson_id"] for r in rows_of(tmp_path, "marks")}
    assert lesson_ids == {built.november.pk}
    assert rows_of(tmp_path, "absences") == []  # Коля's absence was in October
    assert "final_marks" not in manifest_of(tmp_path)["counts"]
    assert not (tmp_path / "deletions.jsonl").exists()


def test_a_full_export_carries_the_whole_year(built, tmp_path):
    export(built, Kind.FULL, tmp_path)
    assert {r["id"] for r in rows_of(tmp_path, "lessons")} == {
        built.october.pk, built.november.pk, built.english.pk}
    assert [(a["student_uid"], a["kind"]) for a in rows_of(tmp_path, "absences")] == [
        ("1002", "absent")]
    assert [(f["student_uid"], f["value"]) for f in rows_of(tmp_path, "final_marks")] == [
        ("1001", "4")]


# Depersonalised: UIDs only, and who has none is left out --------------------------------------

def test_participants_appear_only_by_uid_and_those_without_one_are_left_out(built, tmp_path):
    written = export(built, Kind.FULL, tmp_path)
    students = {m["student_uid"] for m in rows_of(tmp_path, "marks")}
    assert students == {"1001", "1002"}
    assert {e["student_uid"] for e in rows_of(tmp_path, "enrolments")} == {
        "1001", "1002", "1003"}
    assert rows_of(tmp_path, "families") == [
        {"student_uid": "1001", "parent_uid": "2001", "legal_representative": True}]
    group = next(g for g in rows_of(tmp_path, "subgroups") if g["name"] == "1 группа")
    assert group["student_uids"] == ["1001"]
    teachers = {a["teacher_uid"] for a in rows_of(tmp_path, "assignments")}
    assert teachers == {"7001", "7002", None}  # Иванов has no UID
    assert [c["class_teacher_uid"] for c in rows_of(tmp_path, "classes")
            if c["name"] == "5А"] == ["7002"]
    assert written.left_out == {"students": 1, "parents": 1, "staff": 1}
    assert manifest_of(tmp_path)["left_out"] == written.left_out


def test_left_out_lists_the_people_for_the_administrator(built):
    people = left_out(scope_of(built, Kind.FULL))
    assert [s.user.last_name for s in people["students"]] == ["Безуидов"]
    assert [p.user.last_name for p in people["parents"]] == ["Сомова"]
    assert [u.username for u in people["staff"]] == ["ivanov"]


def test_the_default_format_is_ejournal_v1():
    assert isinstance(get_format(), EjournalV1)
