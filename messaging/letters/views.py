"""The class teacher's information letters: the order form with the class's letters made
before, each letter's progress (a fragment the page polls) and its download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from messaging.letters.access import access_letter, access_letters_class, classes_for_letters
from messaging.letters.forms import LetterForm
from messaging.letters.queries import letters_of_class
from messaging.letters.services import order_letter
from messaging.models import InformationLetter

# How many of the class's letters the page lists.
LISTED = 30


@login_required
@require_GET
def index(request):
    """The classes whose letters the user makes; straight to the class when there is one."""
    classes = list(classes_for_letters(request.user).select_related("class_teacher")
                   .order_by("grade", "letter"))
    if not classes:
        raise Http404("Информационные письма готовят классный руководитель, заместитель "
                      "директора и директор.")
    if len(classes) == 1:
        return redirect("messaging:letters_class", classes[0].pk)
    return render(request, "messaging/letters/index.html", {"classes": classes})


@login_required
@require_http_methods(["GET", "POST"])
def class_letters(request, class_id: int):
    school_class = access_letters_class(request.user, class_id)
    form = LetterForm(request.POST or None, school_class=school_class,
                      today=timezone.localdate())
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            order_letter(request.user, school_class, student=data["student"],
                         date_from=data["date_from"], date_to=data["date_to"],
                         note=data["note"], one_file=form.one_file)
            messages.success(request, "Письмо заказано: оно готовится, ход виден в списке ниже.")
            return redirect("messaging:letters_class", school_class.pk)
        if form.crafted_student:
            raise Http404("Обучающийся не найден.")
    return render(request, "messaging/letters/class.html", {
        "school_class": school_class, "form": form,
        "letters": letters_of_class(school_class)[:LISTED],
    })


@login_required
@require_GET
def letter_status(request, letter_id: int):
    """The letter's state: a progress bar that asks again every second until it is done."""
    letter = access_letter(request.user, letter_id)
    return render(request, "messaging/letters/_status.html", {"letter": letter})


@login_required
@require_GET
def download(request, letter_id: int):
    letter = access_letter(request.user, letter_id)
    if letter.status != InformationLetter.Status.DONE or not letter.file:
        raise Http404("Письмо ещё не готово.")
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл письма не найден в хранилище.") from None
    response = FileResponse(handle, as_attachment=True, filename=download_name(letter))
    response["Cache-Control"] = "no-store"
    return response


def download_name(letter: InformationLetter) -> str:
    who = (f"{letter.student.user.last_name} {letter.student.user.first_name}" if letter.student
           else f"{letter.school_class} класс")
    extension = letter.file.name.rsplit(".", 1)[-1]
    return (f"Информационное письмо, {who}, {letter.date_from:%d.%m.%Y}–"
            f"{letter.date_to:%d.%m.%Y}.{extension}")
