"""Every role against every journal URL, with its own and a foreign journal. Outsiders get 404,
readers get the page but cannot write (403 or a refusal), writers write."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from journal.models import Mark
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def setup(small_school, children, outsider_child):
    own = small_school.maths_5a      # kept by `teacher`, class 5А led by `class_teacher`
    foreign = small_school.maths_5b  # another teacher's journal in 5Б
    return {
        "own": (own, make_lesson(own, TODAY), children[0]),
        "foreign": (foreign, make_lesson(foreign, TODAY), outsider_child),
    }


def requests_for(assignment, lesson, student):
    a = assignment.pk
    return {
        "page": ("get", reverse("journal:journal", args=[a]), {}),
        "detail": ("get", reverse("journal:cell_detail", args=[a]),
                   {"lesson": lesson.pk, "student": student.pk}),
        "lesson": ("get", reverse("journal:lesson", args=[lesson.pk]), {}),
        "cell": ("post", reverse("journal:save_cell", args=[a]),
                 {"lesson": lesson.pk, "student": student.pk, "entry": "5"}),
        "column": ("post", reverse("journal:fill_column", args=[a]),
                   {"lesson": lesson.pk, "entry": "4"}),
        "term": ("post", reverse("journal:save_term_mark", args=[a]),
                 {"period": assignment.year.periods.get(kind="quarter", number=2).pk,
                  "student": student.pk, "entry": "5", "version": "0"}),
    }


READ = {"page", "detail", "lesson"}
WRITE = {"cell", "column", "term"}

# who → (what they may read, what they may write) for the own and the foreign journal
MATRIX = {
    "teacher": {"own": (READ, WRITE), "foreign": (set(), set())},
    "class_teacher": {"own": (READ, set()), "foreign": (set(), set())},
    "deputy": {"own": (READ, WRITE), "foreign": (READ, WRITE)},
    "director": {"own": (READ, set()), "foreign": (READ, set())},
    "administrator": {"own": (set(), set()), "foreign": (set(), set())},
    "substitute": {"own": (set(), set()), "foreign": (set(), set())},
    "parent": {"own": (set(), set()), "foreign": (set(), set())},
    "outsider_parent": {"own": (set(), set()), "foreign": (set(), set())},
}


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("which", ["own", "foreign"])
def test_journal_rights_matrix(client, request, setup, who, which):
    user = request.getfixturevalue(who)
    client.force_login(user)
    readable, writable = MATRIX[who][which]
    assignment, lesson, student = setup[which]
    for name, (method, url, data) in requests_for(assignment, lesson, student).items():
        if method == "post" and who == "deputy":
            data = {**data, "reason": "исправление по итогам проверки"}
        response = getattr(client, method)(url, data)
        if name in readable or name in writable:
            assert response.status_code == 200, (who, which, name, response.status_code)
        elif name in WRITE and readable:
            assert response.status_code in (400, 403), (who, which, name, response.status_code)
        else:
            assert response.status_code == 404, (who, which, name, response.status_code)
    marks = Mark.objects.filter(lesson=lesson)
    assert marks.exists() == bool(writable)


def test_a_substitute_fills_only_the_lesson_they_cover(client, substitute, setup, deputy):
    from journal.services.lesson_record import assign_substitute

    assignment, lesson, student = setup["own"]
    assign_substitute(deputy, lesson, substitute, "болезнь учителя")
    other = make_lesson(assignment, TODAY.replace(day=TODAY.day - 1), 3)
    client.force_login(substitute)
    url = reverse("journal:save_cell", args=[assignment.pk])
    assert client.post(url, {"lesson": lesson.pk, "student": student.pk, "entry": "5"}
                       ).status_code == 200
    assert client.post(url, {"lesson": other.pk, "student": student.pk, "entry": "5"}
                       ).status_code == 404
    assert client.get(reverse("journal:journal", args=[assignment.pk])).status_code == 404


def test_unknown_ids_answer_404(client, teacher, setup):
    client.force_login(teacher)
    assert client.get(reverse("journal:journal", args=[999999])).status_code == 404
    assignment, lesson, student = setup["own"]
    assert client.post(reverse("journal:save_cell", args=[assignment.pk]),
                       {"lesson": "x", "student": student.pk, "entry": "5"}).status_code == 404
