from django.urls import path

from archive.copies import views

urlpatterns = [
    path("<int:journal_id>/", views.copy_print, name="copy_print"),
    # Named as a file: a PDF, not a page.
    path("<int:journal_id>/copy.pdf", views.copy_pdf, name="copy_pdf"),
]
