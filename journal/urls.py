from __future__ import annotations

from django.urls import path

from journal.views import imports

app_name = "journal"
urlpatterns = [
    path("import/", imports.index, name="import_index"),
    path("import/template.xlsx", imports.template, name="import_template"),
    path("import/<slug:kind>/", imports.upload, name="import_upload"),
]
