from __future__ import annotations

from django import forms

from journal.imports.base import MAX_UPLOAD_BYTES

XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label="Файл XLSX", help_text="Заполненный шаблон, не больше 5 МБ.",
                           widget=forms.FileInput(attrs={"accept": XLSX_TYPES}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 5 МБ. Разделите его на несколько файлов "
                                        "(например, по параллелям) и загрузите их по очереди.")
        return upload
