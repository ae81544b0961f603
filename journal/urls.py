from __future__ import annotations

from django.urls import path

from journal.views import grid, imports, lesson

app_name = "journal"
urlpatterns = [
    path("", grid.my_journals, name="my_journals"),
    path("<int:assignment_id>/", grid.journal_page, name="journal"),
    path("<int:assignment_id>/cell/", grid.save_cell, name="save_cell"),
    path("<int:assignment_id>/cell/detail/", grid.cell_detail, name="cell_detail"),
    path("<int:assignment_id>/column/", grid.fill_lesson_column, name="fill_column"),
    path("<int:assignment_id>/term/", grid.save_term_mark, name="save_term_mark"),
    path("lesson/<int:lesson_id>/", lesson.lesson_record, name="lesson"),
    path("import/", imports.index, name="import_index"),
    path("import/template.xlsx", imports.template, name="import_template"),
    path("import/<slug:kind>/", imports.upload, name="import_upload"),
]
