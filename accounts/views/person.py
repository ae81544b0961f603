"""One student's or parent's card for the staff who look after the family: their data and
notification consents (changed here, every change logged), their access to the diary, the
parent's application (printed blank and recorded) and consent, and the termination of the
service with its notice. Every opening of the card by staff is logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import (
    REASONS,
    ApplicationForm,
    ConsentForm,
    ContactsForm,
    PersonForm,
    TerminationForm,
)
from accounts.models import (
    ContactChannel,
    CredentialIssue,
    DiaryApplication,
    PersonalDataEvent,
    Student,
    Termination,
    User,
)
from accounts.pdf import pdf_response, render_pdf
from accounts.permissions import FamilyRights, access_family_member, access_parent, family_members
from accounts.queries.family_access import (
    children_of,
    current_class_of,
    director_of,
    parents_of,
    school_of,
    school_staff,
    status_of,
)
from accounts.services import personal_data
from accounts.services.applications import ApplicationRefused, record_application
from accounts.services.consents import record_consent, set_channels
from accounts.services.terminations import (
    TerminationRefused,
    notice_filename,
    notice_pdf,
    terminate,
)

VIEW_DATA = PersonalDataEvent.Kind.VIEW_DATA


def _channels_of(person: User) -> dict:
    return {c.kind: c for c in ContactChannel.objects.filter(user=person)}


def _card(request, person: User, rights: FamilyRights, *, person_form=None, contacts_form=None,
          status: int = 200):
    student = person.student if hasattr(person, "student") else None
    parent = person.parent if hasattr(person, "parent") else None
    channels = _channels_of(person)
    context = {
        "person": person, "rights": rights, "student": student, "parent": parent,
        "status": status_of(person), "school": school_of(person),
        "issues": CredentialIssue.objects.filter(user=person).select_related("issued_by")[:10],
        "terminations": Termination.objects.filter(user=person).select_related("recorded_by"),
        "channels": channels,
    }
    if student is not None:
        context["school_class"] = current_class_of(student)
        context["parents"] = parents_of(student)
    if parent is not None:
        children = children_of(parent)
        reachable = set(family_members(request.user).filter(
            pk__in=[link.student.user_id for link, _ in children]).values_list("pk", flat=True))
        context["children"] = [(link, school_class, link.student.user_id in reachable)
                               for link, school_class in children]
        context["school_class"] = next((school_class for link, school_class in children
                                        if school_class and link.student.user_id in reachable),
                                       None)
        context["applications"] = (DiaryApplication.objects.filter(parent=parent)
                                   .select_related("passport_checked_by", "recorded_by")
                                   .prefetch_related("children__user"))
        context["consents"] = parent.consents.select_related("recorded_by")
    if rights.edit:
        links = [link for link, _, _ in context.get("children", [])]
        context["person_form"] = person_form or PersonForm(person=person, links=links)
        context["contacts_form"] = contacts_form or ContactsForm(person=person,
                                                                 channels=channels)
    return render(request, "accounts/families/person.html", context, status=status)


@login_required
@require_GET
def person_page(request, user_id: int):
    person, rights = access_family_member(request.user, user_id)
    personal_data.record_view(request.user, request, person, VIEW_DATA,
                              "карточка: данные и доступ к дневнику")
    return _card(request, person, rights)


def _links_of(person: User):
    if not hasattr(person, "parent"):
        return []
    return [link for link, _ in children_of(person.parent)]


def _save_on_card(request, user_id: int, form_name: str, make_form, save, saved: str):
    """A save of one of the card's forms: refused on the card with the form's errors, or saved
    and named in `saved` (its `{}` takes what changed)."""
    person, rights = access_family_member(request.user, user_id)
    rights.require("edit")
    form = make_form(person)
    if not form.is_valid():
        return _card(request, person, rights, status=400, **{form_name: form})
    changed = save(person, form)
    if changed:
        messages.success(request, saved.format(", ".join(changed)))
    else:
        messages.info(request, "Изменений нет.")
    return redirect("accounts:person", person.pk)


@login_required
@require_POST
def edit_person(request, user_id: int):
    return _save_on_card(
        request, user_id, "person_form",
        lambda person: PersonForm(request.POST, person=person, links=_links_of(person)),
        lambda person, form: personal_data.update_person(
            request.user, request, person, form.values(), form.relations()),
        "Данные сохранены. Изменено: {}.")


@login_required
@require_POST
def edit_contacts(request, user_id: int):
    return _save_on_card(
        request, user_id, "contacts_form",
        lambda person: ContactsForm(request.POST, person=person, channels=_channels_of(person)),
        lambda person, form: [name.lower() for name in set_channels(
            request.user, request, person, form.consents())],
        "Сохранено: {}.")


# The parent's application ---------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def application(request, parent_id: int):
    parent, rights = access_parent(request.user, parent_id)
    rights.require("issue")
    person = parent.user
    school = school_of(person)
    children = Student.objects.filter(parent_links__parent=parent).select_related("user")
    form = ApplicationForm(request.POST or None, staff=school_staff(school), children=children,
                           actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record_application(
                    request.user, request, parent, received_on=form.cleaned_data["received_on"],
                    passport_checked_by=form.cleaned_data["passport_checked_by"],
                    children=list(form.cleaned_data["children"]),
                    note=form.cleaned_data["note"])
            except ApplicationRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Заявление {person.full_name} внесено: вход в "
                                          f"дневник открыт.")
                return redirect("accounts:person", person.pk)
        status = 400
    return render(request, "accounts/families/application.html", {
        "person": person, "parent": parent, "form": form, "status": status_of(person),
    }, status=status)


@login_required
@require_GET
def application_blank(request, parent_id: int):
    """The application, pre-filled from the data, to be filled in and signed in person."""
    parent, rights = access_parent(request.user, parent_id)
    rights.require("issue")
    person = parent.user
    school = school_of(person)
    personal_data.record_view(request.user, request, person, VIEW_DATA,
                              "печать бланка заявления")
    pdf = render_pdf("accounts/pdf/application.html", {
        "person": person, "parent": parent, "children": children_of(parent), "school": school,
        "director": director_of(school),
        "today": timezone.localdate(),
    })
    return pdf_response(pdf, f"zayavlenie-{person.username}.pdf", attachment=False)


@login_required
@require_http_methods(["GET", "POST"])
def consent(request, parent_id: int):
    parent, rights = access_parent(request.user, parent_id)
    rights.require("issue")
    person = parent.user
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            record_consent(request.user, request, parent, **form.cleaned_data)
            if form.cleaned_data["given"]:
                messages.success(request, "Согласие на обработку персональных данных внесено.")
            else:
                messages.warning(request, "Отказ от обработки персональных данных внесён: "
                                          "логин родителю не выдаётся. Если логин уже выдан, "
                                          "оформите прекращение услуги.")
            return redirect("accounts:person", person.pk)
        status = 400
    return render(request, "accounts/families/consent.html", {
        "person": person, "parent": parent, "form": form,
        "consents": parent.consents.select_related("recorded_by"),
    }, status=status)


# Termination of the service -------------------------------------------------------------

def _applicant(person: User):
    """Who applies for the service: the parent; for a student, their first legal
    representative."""
    if hasattr(person, "parent"):
        return person, person.parent
    link = next((link for link in parents_of(person.student) if link.is_legal_representative),
                None)
    return (link.parent.user, link.parent) if link else (None, None)


@login_required
@require_http_methods(["GET", "POST"])
def termination(request, user_id: int):
    person, rights = access_family_member(request.user, user_id)
    rights.require("terminate")
    applicant, applicant_parent = _applicant(person)
    initial = {"terminated_on": timezone.localdate()}
    if applicant is not None:
        initial.update(applicant_name=applicant.full_name, notice_email=applicant.email,
                       applicant_address=applicant_parent.address or applicant.email)
    form = TerminationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = terminate(request.user, request, person,
                                 applicant_name=data["applicant_name"],
                                 applicant_address=data["applicant_address"],
                                 reason=data["reason"], terminated_on=data["terminated_on"],
                                 notice_email=data["notice_email"])
            except TerminationRefused as exc:
                form.add_error(None, exc.message)
            else:
                sent = f" Уведомление отправлено на {data['notice_email']}." \
                    if data["notice_email"] else ""
                messages.success(request, f"Предоставление услуги {person.full_name} прекращено "
                                          f"{done.terminated_on:%d.%m.%Y}: учётная запись "
                                          f"аннулирована, сеансы завершены.{sent}")
                return redirect("accounts:person", person.pk)
        status = 400
    return render(request, "accounts/families/termination.html", {
        "person": person, "form": form, "reasons": REASONS, "status": status_of(person),
    }, status=status)


@login_required
@require_GET
def termination_notice(request, termination_id: int):
    done = get_object_or_404(Termination.objects.select_related("user"), pk=termination_id)
    try:
        access_family_member(request.user, done.user_id)
    except Http404:
        raise Http404("Уведомление не найдено.") from None
    return pdf_response(notice_pdf(done), notice_filename(done), attachment=False)
