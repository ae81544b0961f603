"""Who makes a class's information letters and downloads them: the class teacher of the class
and the school's deputy director and director (`JOURNAL_CHECKERS`), for classes of the current
year. Anyone else gets 404, as for a missing class or letter. Built on the class's rights of
`journal.permissions` (`access_class`, `classes_with_rights`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import is_signed_in
from journal.models import SchoolClass
from journal.permissions import ClassRights, access_class, classes_with_rights
from messaging.models import InformationLetter

CLASS_NOT_FOUND = "Класс не найден."
LETTER_NOT_FOUND = "Письмо не найдено."


def makes_letters(rights: ClassRights) -> bool:
    """The class teacher, and the school-wide readers of journals; not a checker of chosen
    classes, who checks journals only."""
    return rights.leads or rights.school_wide


def classes_for_letters(user) -> QuerySet[SchoolClass]:
    """The current year's classes whose letters `user` makes (the list of `makes_letters`)."""
    classes = SchoolClass.objects.filter(year__is_current=True)
    if not is_signed_in(user):
        return classes.none()
    if user.is_superuser:
        return classes
    return (classes_with_rights(user).filter(Q(_leads=True) | Q(_reads_all=True))
            .filter(year__is_current=True))


def access_letters_class(user, class_id) -> SchoolClass:
    """The class (year, school, class teacher loaded) if `user` makes its letters, else 404."""
    school_class, rights = access_class(user, class_id)
    if not (makes_letters(rights) and school_class.year.is_current):
        raise Http404(CLASS_NOT_FOUND)
    return school_class


def access_letter(user, letter_id) -> InformationLetter:
    """A letter (its class, student and requester loaded) for whoever makes its class's letters;
    404 for anyone else."""
    letter = (InformationLetter.objects.select_related("student__user", "requested_by")
              .filter(pk=letter_id).first())
    if letter is None:
        raise Http404(LETTER_NOT_FOUND)
    letter.school_class = access_letters_class(user, letter.school_class_id)
    return letter
