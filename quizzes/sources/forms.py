"""Forms of the source library: a source's provenance, adding one (paste or upload), replacing its text, finding
sources, and the reader's query string."""

from __future__ import annotations

from django import forms

from quizzes.models import Source
from quizzes.sources import ingest
from quizzes.sources.services import PROVENANCE_FIELDS

MAX_UPLOAD_BYTES = ingest.MAX_UPLOAD_BYTES
LIMITS_TEXT = f"{ingest.LIMITS_TEXT} Files: {ingest.ACCEPTED_TEXT} (a PDF needs its text layer)."
# Pasted text: the reader's own bound on characters (it counts the words).
MAX_PASTED_CHARACTERS = ingest.MAX_CHARACTERS
MAX_SEARCH_LENGTH = 100
THIS_YEAR_AND_SOON = 2100


class ProvenanceForm(forms.ModelForm):
    """Who wrote it, when, what kind of document, where it appeared, and the author's standpoint in our words."""

    year = forms.IntegerField(required=False, min_value=1, max_value=THIS_YEAR_AND_SOON, label="Year")
    standpoint = forms.CharField(
        required=False,
        max_length=2000,
        label="The author's standpoint",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Two or three sentences for students: who is speaking, from what position, to whom.",
    )

    class Meta:
        model = Source
        fields = list(PROVENANCE_FIELDS)
        labels = {
            "category": "Kind of source",
            "kind": "In words (optional)",
            "year": "Year",
            "date": "Full date (optional)",
            "published_in": "Where it was published or delivered",
            "standpoint": "The author's standpoint",
            "visibility": "Who may use it",
            "allow_context": "Students may read it in context",
        }
        help_texts = {
            "kind": "For example \u201cspeech to the Petrograd Soviet\u201d.",
            "date": "Year-month-day, e.g. 1917-10-25, when the day matters.",
            "calendar": "Russia used the Old Style (Julian) calendar until February 1918: say which the date is in.",
            "published_in": "",
            "standpoint": "Two or three sentences for students: who is speaking, from what position, to whom.",
            "allow_context": "Under a quoted passage in the feedback, your students see \u201cRead it in context\u201d: "
            "the whole text opens at that passage.",
        }
        widgets = {
            "standpoint": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
            "date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"].choices = Source.Visibility.choices
        self.fields["category"].choices = [("", "Not said"), *Source.Category.choices]
        self.fields["calendar"].choices = [("", "Not said"), *Source.Calendar.choices]

    def clean(self):
        cleaned = super().clean()
        date, year = cleaned.get("date"), cleaned.get("year")
        if date and year and date.year != year:
            self.add_error("year", f"The full date is in {date.year}: give the same year, or leave it empty.")
        if cleaned.get("calendar") and not date:
            self.add_error("calendar", "A calendar goes with a full date.")
        return cleaned

    def provenance(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TextForm(forms.Form):
    """The text: pasted, or a file to read it from (one of the two)."""

    text = forms.CharField(
        required=False,
        label="Paste the text",
        max_length=MAX_PASTED_CHARACTERS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Leave a blank line between paragraphs.",
    )
    upload = forms.FileField(
        required=False,
        label="Or upload a file",
        help_text=LIMITS_TEXT,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ingest.EXTENSIONS)}),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("upload")
        if upload and text.strip():
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not upload and not text.strip() and not self.errors:
            raise forms.ValidationError("Paste the document's text, or upload a file.")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("upload", f"The file is too large. {LIMITS_TEXT}")
        return cleaned

    def paragraphs(self) -> list[str]:
        """The text as paragraphs (the ingest reader's); ingest.UnreadableSource says why it cannot be read."""
        upload = self.cleaned_data.get("upload")
        if upload:
            return ingest.read_upload(upload.name, upload.read())
        return ingest.read_pasted(self.cleaned_data["text"])

    @property
    def upload_name(self) -> str:
        upload = self.cleaned_data.get("upload")
        return upload.name if upload else ""


class AddSourceForm(ProvenanceForm):
    rights_confirmed = forms.BooleanField(
        required=True,
        label="I may use this text with my classes",
        help_text="It is in the public domain, openly licensed, or you have permission (your school\u2019s licence, "
        "fair use for teaching).",
        error_messages={"required": "Confirm that you may use this text with your classes."},
    )


class LibraryFilterForm(forms.Form):
    """The library's search box and filters; a bad value is ignored, never refused."""

    q = forms.CharField(required=False, max_length=MAX_SEARCH_LENGTH, label="Author or title")
    whose = forms.ChoiceField(
        required=False,
        label="Whose",
        choices=[("", "All I may use"), ("mine", "Mine"), ("shared", "Shared by other teachers"), ("bank", "The bank")],
    )
    category = forms.ChoiceField(required=False, label="Kind", choices=[("", "Any"), *Source.Category.choices])

    def wanted(self) -> dict:
        self.is_valid()
        return {
            name: self.cleaned_data.get(name) or "" for name in ("q", "whose", "category") if name not in self.errors
        }


class ReaderForm(forms.Form):
    """The reader's query string: ?p= (the paragraph to show) and ?q= (words to find); nonsense falls back."""

    p = forms.IntegerField(required=False, min_value=1, max_value=10**9)
    q = forms.CharField(required=False, max_length=MAX_SEARCH_LENGTH)

    def paragraph(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("p") or 1 if "p" not in self.errors else 1

    def search(self) -> str:
        self.is_valid()
        return " ".join((self.cleaned_data.get("q") or "").split()) if "q" not in self.errors else ""
