"""The class teacher's look at the families of the class: when each parent and student last
signed in or opened the diary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.models import ParentStudent
from diary.activity import last_visits
from journal.models import Enrolment
from journal.permissions import access_class


@login_required
def class_activity(request, class_id: int):
    school_class, rights = access_class(request.user, class_id)
    if not rights.sees_families:
        raise Http404("Класс не найден.")
    enrolments = (Enrolment.objects.active_on(timezone.localdate()).filter(school_class=school_class)
                  .select_related("student__user")
                  .prefetch_related(Prefetch("student__parent_links",
                                             queryset=ParentStudent.objects.select_related(
                                                 "parent__user")))
                  .order_by("student__user__last_name", "student__user__first_name"))
    students = [e.student for e in enrolments]
    users = [s.user for s in students] + [
        link.parent.user for s in students for link in s.parent_links.all()]
    visits = last_visits(users)
    rows = [{
        "student": s, "student_visit": visits.get(s.user_id),
        "parents": [(link.parent, link.get_relation_display(), visits.get(link.parent.user_id))
                    for link in s.parent_links.all()],
    } for s in students]
    return render(request, "diary/class_activity.html", {
        "school_class": school_class, "rows": rows, "now": timezone.now(),
    })
