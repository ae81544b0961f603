"""accounts: families' access to the diary and staff logins (accounts/views/)."""

from django.urls import path

from accounts.views import families, person, staff_logins

app_name = "accounts"
urlpatterns = [
    path("families/", families.index, name="families"),
    path("families/class/<int:class_id>/", families.class_page, name="class_families"),
    path("families/class/<int:class_id>/issue/", families.issue_class, name="issue_class"),
    path("families/class/<int:class_id>/slips/", families.class_slips, name="class_slips"),
    path("families/person/<int:user_id>/", person.person_page, name="person"),
    path("families/person/<int:user_id>/issue/", families.issue_one, name="issue"),
    path("families/person/<int:user_id>/edit/", person.edit_person, name="edit_person"),
    path("families/person/<int:user_id>/contacts/", person.edit_contacts, name="edit_contacts"),
    path("families/person/<int:user_id>/terminate/", person.termination, name="terminate"),
    path("families/parent/<int:parent_id>/application/", person.application,
         name="application"),
    path("families/parent/<int:parent_id>/application.pdf", person.application_blank,
         name="application_blank"),
    path("families/parent/<int:parent_id>/consent/", person.consent, name="consent"),
    path("families/notice/<int:termination_id>.pdf", person.termination_notice,
         name="termination_notice"),
    path("staff-logins/", staff_logins.staff_page, name="staff_logins"),
    path("staff-logins/issue-all/", staff_logins.issue_all_staff, name="issue_all_staff"),
    path("staff-logins/<int:user_id>/issue/", staff_logins.issue_staff, name="issue_staff"),
]
