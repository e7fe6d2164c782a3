"""Forms for classes: a student's join code; the teacher's naming, archiving and adding many students at once."""

from __future__ import annotations

import secrets

from django import forms

from quizzes.classroom.names import (
    MAX_NAME_LENGTH,
    MAX_STUDENTS_AT_ONCE,
    MAX_UPLOAD_BYTES,
    RosterError,
    parse_roster,
    roster_text_from_upload,
)
from quizzes.classroom.services import JoinRefused, classroom_for_code
from quizzes.models import Classroom


class ClassroomForm(forms.Form):
    name = forms.CharField(
        max_length=Classroom._meta.get_field("name").max_length,
        label="Class name",
        help_text="As your students know it, for example \u201cHistory 10A\u201d.",
    )


class ArchiveForm(forms.Form):
    archived = forms.TypedChoiceField(choices=[("1", "Archive"), ("0", "Unarchive")], coerce=lambda value: value == "1")


class RosterAddForm(forms.Form):
    names = forms.CharField(
        required=False,
        label="Paste names",
        # No max_length: the browser would cut a long paste silently; clean_names says what is wrong instead.
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "autocomplete": "off"}),
        help_text=(
            "One student per line, \u201cAnna Petrova\u201d, or two columns first name, last name "
            "(\u201cAnna,Petrova\u201d) copied from a spreadsheet. A header row such as \u201cFirst name,Last name\u201d "
            f"is optional. Up to {MAX_STUDENTS_AT_ONCE} students, {MAX_NAME_LENGTH} characters a name."
        ),
    )
    names_file = forms.FileField(
        required=False,
        label="Or upload a file",
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
        help_text="A .csv or .txt file saved as UTF-8 (in a spreadsheet: Save as \u2192 CSV UTF-8).",
    )
    # Sent back with the form, so that sending the same form twice (a reload) cannot make the accounts twice.
    batch = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["batch"] = secrets.token_urlsafe(16)

    def clean_names(self) -> str:
        text = self.cleaned_data["names"]
        if len(text) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"That is far more text than {MAX_STUDENTS_AT_ONCE} names need. Paste at most "
                f"{MAX_STUDENTS_AT_ONCE} names at once."
            )
        return text

    def clean_names_file(self) -> str:
        upload = self.cleaned_data["names_file"]
        if not upload:
            return ""
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Upload a .csv or .txt file (in a spreadsheet: Save as \u2192 CSV UTF-8).")
        try:
            return roster_text_from_upload(upload.read(MAX_UPLOAD_BYTES + 1))
        except RosterError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        pasted, uploaded = cleaned.get("names", "").strip(), cleaned.get("names_file", "")
        if pasted and uploaded:
            self.add_error("names", "Paste names or upload a file, not both.")
            return cleaned
        if not pasted and not uploaded:
            self.add_error("names", "Paste the names of your students, or upload a file of them.")
            return cleaned
        field = "names" if pasted else "names_file"
        try:
            cleaned["roster"] = parse_roster(pasted or uploaded)
        except RosterError as error:
            self.add_error(field, str(error))
        return cleaned


class JoinCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Class code")
        kwargs.setdefault("help_text", "Six letters and numbers, from your teacher.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        try:
            classroom_for_code(value)
        except JoinRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return value


class JoinForm(forms.Form):
    join_code = JoinCodeField()
