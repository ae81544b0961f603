from __future__ import annotations

from django.urls import path

from journal.views import (
    attendance,
    checks,
    grid,
    imports,
    journals,
    lesson,
    plans,
    substitutions,
    timetable,
)

app_name = "journal"
urlpatterns = [
    path("", journals.my_journals, name="my_journals"),
    path("<int:assignment_id>/", grid.journal_page, name="journal"),
    path("<int:assignment_id>/cell/", grid.save_cell, name="save_cell"),
    path("<int:assignment_id>/cell/detail/", grid.cell_detail, name="cell_detail"),
    path("<int:assignment_id>/mark/<int:mark_id>/", grid.edit_mark, name="edit_mark"),
    path("<int:assignment_id>/column/", grid.fill_lesson_column, name="fill_column"),
    path("<int:assignment_id>/term/", grid.save_term_mark, name="save_term_mark"),
    path("<int:assignment_id>/plan/", plans.plan_page, name="plan"),
    path("<int:assignment_id>/plan/import/", plans.plan_import, name="plan_import"),
    path("<int:assignment_id>/plan/dates/", plans.plan_fill_dates, name="plan_fill_dates"),
    path("<int:assignment_id>/plan/template.xlsx", plans.plan_template, {"extension": "xlsx"},
         name="plan_template"),
    path("<int:assignment_id>/plan/template.csv", plans.plan_template, {"extension": "csv"},
         name="plan_template_csv"),
    path("lesson/<int:lesson_id>/", lesson.lesson_record, name="lesson"),
    path("lesson/<int:lesson_id>/substitute/", lesson.substitute, name="lesson_substitute"),
    path("lesson/<int:lesson_id>/files/<int:file_id>/delete/", lesson.delete_file,
         name="homework_file_delete"),
    path("homework/file/<int:file_id>/", lesson.download_file, name="homework_file"),
    path("class/<int:class_id>/attendance/", attendance.class_week, name="class_attendance"),
    path("class/<int:class_id>/attendance/day/", attendance.student_day, name="attendance_day"),
    path("checks/late/", checks.late_entries_page, name="late_entries"),
    path("timetable/", timetable.timetable_page, name="timetable"),
    path("timetable/slot/", timetable.save_slot, name="timetable_slot"),
    path("timetable/copy/", timetable.copy_timetable, name="timetable_copy"),
    path("substitutions/", substitutions.day_page, name="substitutions"),
    path("import/", imports.index, name="import_index"),
    path("import/template.xlsx", imports.template, name="import_template"),
    path("import/<slug:kind>/", imports.upload, name="import_upload"),
]
