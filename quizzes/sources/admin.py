"""Django admin for every source: the shared bank's admin for sources (quizzes.bank.admin), with teachers' fields and
the stored text, edited as paragraphs separated by blank lines and refused when it would break a question's quote."""

from django import forms
from django.contrib import admin

from quizzes.bank.admin import SourceAdmin as BankSourceAdmin
from quizzes.models import Source
from quizzes.sources.ingest import UnreadableSource, read_pasted
from quizzes.sources.services import PROVENANCE_FIELDS, source_replace_text, store_text, text_change_refusal


def paragraphs_from_text(text: str) -> list[str]:
    try:
        return read_pasted(text)
    except UnreadableSource:
        return []


class SourceAdminForm(forms.ModelForm):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="The stored text, one paragraph per block, blank lines between. Empty for the shared bank's "
        "documents, whose text is not stored here. A change that would break a question's quote is refused.",
    )

    class Meta:
        model = Source
        fields = ["file_name", *PROVENANCE_FIELDS, "owner", "rights_confirmed", "upload_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form that leaves visibility out (an older admin page, a script) keeps the source's own.
        self.fields["visibility"].required = False
        if self.instance.pk and self.instance.has_text:
            texts = self.instance.paragraphs.order_by("position").values_list("text", flat=True)
            self.initial["text"] = "\n\n".join(texts)

    def clean_visibility(self) -> str:
        return self.cleaned_data.get("visibility") or self.instance.visibility or Source.Visibility.SHARED

    def clean(self):
        cleaned = super().clean()
        if "text" in self.changed_data and self.instance.pk:
            paragraphs = paragraphs_from_text(cleaned.get("text") or "")
            refusal = text_change_refusal(self.instance, paragraphs) if paragraphs else None
            if refusal is not None:
                listed = "; ".join(f"question {q.pk}: {q.prompt[:60]}" for q in refusal.questions)
                self.add_error("text", f"{refusal} {listed}".strip())
            elif not paragraphs and self.instance.citations.filter(paragraph__isnull=False).exists():
                self.add_error("text", "Questions quote this text: it cannot be emptied.")
        return cleaned


admin.site.unregister(Source)


@admin.register(Source)
class SourceAdmin(BankSourceAdmin):
    form = SourceAdminForm
    list_display = ("file_name", "author", "title", "owner", "visibility", "word_count", "question_count")
    list_filter = ("visibility", "category", "allow_context", "kind")
    search_fields = ("file_name", "author", "title", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("word_count", "paragraph_count", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "text" in form.changed_data:
            paragraphs = paragraphs_from_text(form.cleaned_data.get("text") or "")
            if obj.has_text and paragraphs:
                source_replace_text(source=obj, paragraphs=paragraphs)
            else:
                store_text(obj, paragraphs)
                obj.save(update_fields=["word_count", "paragraph_count"])
