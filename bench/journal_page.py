"""Benchmark: the teacher's journal page and cell saves on the large demo school (PostgreSQL).

Runs after `seed_demo` (which leaves the large school in the benchmark database). Picks the
whole-class journal with the most students and lessons in the current period, renders its page
30 times and saves 200 cells through the same endpoint the grid uses, in-process through
Django's test client (no network in the figures). Prints p50/p95 of both and the page's query
count.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.common import setup_django

PAGE_REQUESTS = 30
CELL_SAVES = 200


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run() -> int:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from journal.models import Lesson, TeachingAssignment
    from journal.queries.grid import period_for, periods_for
    from journal.queries.students import journal_students

    settings.ALLOWED_HOSTS = ["*"]
    today = timezone.localdate()
    candidates = (TeachingAssignment.objects.filter(year__is_current=True, subgroup__isnull=True,
                                                    subject__is_elective=False,
                                                    school_class__grade__gt=1)
                  .annotate(held=Count("lessons", filter=Q(lessons__date__lte=today)))
                  .order_by("-held", "pk"))
    assignment = candidates.select_related("school_class", "teacher", "year__school").first()
    if assignment is None:
        print("journal_page: the benchmark database has no demo school; run seed_demo first",
              file=sys.stderr)
        return 1
    period = period_for(periods_for(assignment), today)
    lessons = list(Lesson.objects.filter(assignment=assignment, date__range=(
        period.starts_on, min(period.ends_on, today))).order_by("date", "number"))
    students = list(journal_students(assignment, lessons[-1].date))
    print(f"journal_page benchmark: {assignment} ({len(students)} students, {len(lessons)} "
          f"lessons in {period.title})", file=sys.stderr)

    client = Client()
    client.force_login(assignment.teacher)
    url = reverse("journal:journal", args=[assignment.pk])
    client.get(url)  # warm caches and connections
    # Django clears its query log when a request starts, so count at the cursor instead.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql)
                                    or execute(sql, *args)):
        client.get(url)
    page_times = []
    for _ in range(PAGE_REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        page_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200

    save_url = reverse("journal:save_cell", args=[assignment.pk])
    versions: dict[tuple[int, int], str] = {}
    save_times = []
    for i in range(CELL_SAVES):
        lesson = lessons[-1 - (i // len(students)) % len(lessons)]
        student = students[i % len(students)]
        key = (lesson.pk, student.pk)
        started = time.perf_counter()
        response = client.post(save_url, {"lesson": lesson.pk, "student": student.pk,
                                          "entry": "54"[i % 2], "force": "1",
                                          "note": "работа выполнена позже"})
        save_times.append((time.perf_counter() - started) * 1000)
        payload = response.json()
        assert payload.get("ok"), payload
        versions[key] = payload["version"]

    print(f"journal_page_students: {len(students)} count")
    print(f"journal_page_lessons: {len(lessons)} count")
    print(f"journal_page_queries: {len(queries)} count")
    print(f"journal_page_render_p50: {statistics.median(page_times):.1f} ms")
    print(f"journal_page_render_p95: {percentile(page_times, 0.95):.1f} ms")
    print(f"journal_cell_save_p50: {statistics.median(save_times):.1f} ms")
    print(f"journal_cell_save_p95: {percentile(save_times, 0.95):.1f} ms")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run())
