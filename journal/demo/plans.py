"""The thematic plans (КТП) of the demo journals.

A journal's lessons for the whole year are walked through the subject's topics, with the class's
written works and their reviews in between; lessons of one topic in a row make one plan item,
dated by its first lesson in the timetable. The lessons up to today take their topics from the
same walk and link to their items, so the plan shows what is covered and suggests what is next.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import connection

from journal.demo.topics import TopicPlan
from journal.demo.works import REVIEWED, WorkPlan, big_work_topic, small_work_topic
from journal.models import Lesson, PlanItem, ThematicPlan
from journal.models.plans import MAX_ITEM_HOURS

TOPIC_LENGTH = PlanItem._meta.get_field("topic").max_length


@dataclass(frozen=True)
class Step:
    """One lesson of the year as the plan sees it."""

    topic: str          # the lesson's topic
    work: str | None    # the written work of the whole class, if any
    unit: str           # lessons of one unit in a row make one plan item
    item_topic: str     # the item's topic, when this lesson starts one


def year_script(code: str, grade: int, hours: int, works: WorkPlan, lessons: int,
                gives_marks: bool, rng: random.Random) -> list[Step]:
    """What each of a journal's `lessons` of the year is about, in order."""
    topics = TopicPlan(code, grade, hours, rng)
    # Lessons since the last big work; it comes when a topic is over and enough have passed.
    since_big = -rng.randrange(works.big_every) if works.big_every else 0
    big_done = 0
    small_at = rng.randrange(works.small_every) if works.small_every else -1
    review = ""
    steps: list[Step] = []
    for k in range(lessons):
        since_big += 1
        if review:
            steps.append(Step(review, None, review, review))
            review = ""
        elif (gives_marks and works.big_every and since_big > works.big_every
              and topics.finished):
            work = works.big[big_done % len(works.big)]
            big_done += 1
            since_big = 0
            topic = big_work_topic(code, work, topics.current)
            review = REVIEWED.get(work, "")
            steps.append(Step(topic, work, topic, topic))
        elif gives_marks and works.small_every and k % works.small_every == small_at:
            work = works.small[(k // works.small_every) % len(works.small)]
            ordinary = topics.next()  # the topic the lesson would have without the work
            steps.append(Step(small_work_topic(topics.current, work), work, topics.unit,
                              ordinary))
        else:
            topic = topics.next()
            steps.append(Step(topic, None, topics.unit, topic))
    return steps


def plan_items(steps: list[Step], dates: list[dt.date], plan: ThematicPlan
               ) -> tuple[list[PlanItem], list[int]]:
    """The plan's items (unsaved) and, for each lesson, the index of its item. An item is
    dated by its first lesson."""
    items: list[PlanItem] = []
    item_of: list[int] = []
    previous = None
    for step, day in zip(steps, dates, strict=True):
        if step.unit != previous or items[-1].hours >= MAX_ITEM_HOURS:
            items.append(PlanItem(plan=plan, number=len(items) + 1,
                                  topic=step.item_topic[:TOPIC_LENGTH], hours=0, planned_on=day))
            previous = step.unit
        items[-1].hours += 1
        item_of.append(len(items) - 1)
    return items, item_of


def link_lessons(links: list[tuple[int, int]], chunk: int = 2000) -> None:
    """Set the plan item of many lessons, given as (lesson id, item id). One UPDATE joined to a
    VALUES list per chunk (PostgreSQL, and SQLite since 3.33): every lesson has its own item,
    so the ORM's ways (an UPDATE per item, or a CASE per row) cost more than the rest of the
    lesson updates together."""
    quote = connection.ops.quote_name
    table = quote(Lesson._meta.db_table)
    pk = quote(Lesson._meta.pk.column)
    item = quote(Lesson._meta.get_field("plan_item").column)
    with connection.cursor() as cursor:
        for start in range(0, len(links), chunk):
            part = links[start:start + chunk]
            values = ", ".join(["(CAST(%s AS integer), CAST(%s AS integer))"] * len(part))
            cursor.execute(
                f"UPDATE {table} SET {item} = v.column2 "  # noqa: S608 (no user input)
                f"FROM (VALUES {values}) AS v WHERE {table}.{pk} = v.column1",
                [number for pair in part for number in pair])
