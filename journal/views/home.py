"""The home page: each role sees its own things, and a person with several roles sees each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.access import person_of
from accounts.roles import Role
from journal.queries import home as queries
from journal.queries import remarks as remark_queries
from journal.services.class_lists import classes_to_confirm

# Journals needing attention shown at first; «показать все» opens the rest.
ATTENTION_ROWS = 10


@login_required
def home(request):
    person = person_of(request)
    year = queries.current_year()
    today = timezone.localdate()
    context = {"year": year, "today": today, "sections": []}
    if year is None:
        return render(request, "journal/home.html", context)

    if person.teaches or person.leads_classes:
        bells = queries.bells_of(year)
        lessons = list(queries.lessons_taught_on(request.user, today))
        for lesson in lessons:
            lesson.bell = bells.get(lesson.number)
        context["todays_lessons"] = lessons
        context["journals"] = list(queries.journals_of(request.user, year, today))
        context["led_classes"] = list(queries.classes_led_by(request.user, year, today))
        # From May, while the school asks for it: the lists still to confirm for the rollover.
        context["lists_to_confirm"] = classes_to_confirm(request.user, year, today)
        context["sections"].append("teacher")
        # The notice of remarks from the journal check: the addressee's still to fix.
        context["my_remarks"] = remark_queries.waiting_for(request.user, today)
    if person.checks_journals:
        attention = list(queries.journals_needing_attention(year, today))
        show_all = request.GET.get("attention") == "all"
        context.update(attention=attention if show_all else attention[:ATTENTION_ROWS],
                       attention_total=len(attention), attention_all=show_all,
                       attention_rows=ATTENTION_ROWS)
        context["remarks_to_verify"] = remark_queries.to_verify(year.school_id, request.user,
                                                                today)
        context["sections"].append("checks")
    if person.administers:
        context["sections"].append("setup")
    elif person.may_setup:
        context["sections"].append("setup_limited")
    if person.checks_journals or person.administers:
        context["figures"] = queries.school_figures(year)
    if person.staff_roles & {Role.DIARY_COORDINATOR, Role.DATA_OFFICER}:
        context["families"] = queries.family_figures(year.school_id)
        context["sections"].append("families")
    # The roles' own pages (accounts/views/dpo.py, coordinator.py, secretary.py).
    for role, section in ((Role.DATA_OFFICER, "dpo"), (Role.DIARY_COORDINATOR, "coordinator"),
                          (Role.SECRETARY, "secretary")):
        if role in person.staff_roles:
            context["sections"].append(section)
    if person.is_staff_member and not context["sections"]:
        context["sections"].append("staff")
    if person.parent:
        children = person.parent.children.all()
        context["children"] = list(queries.children_with_classes(children, year))
        context["sections"].append("parent")
    if person.student:
        context["me"] = queries.children_with_classes([person.student], year)[0]
        bells = queries.bells_of(year)
        my_lessons = list(queries.lessons_for_student_on(person.student, today))
        for lesson in my_lessons:
            lesson.bell = bells.get(lesson.number)
        context["my_lessons"] = my_lessons
        context["sections"].append("student")
    return render(request, "journal/home.html", context)
