"""A teacher's source text: its paragraphs as the reader shows them, and one folded copy for checking quotes."""

from django.db import models

from quizzes.bank.models import Source


class SourceParagraph(models.Model):
    """One paragraph of a stored text, plain (never markup), its whitespace collapsed; `position` counts from 1 and
    is its anchor (#p12); `offset` is where it starts in the folded text (SourceText.folded)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField()
    offset = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["source", "position"]
        constraints = [models.UniqueConstraint(fields=["source", "position"], name="source_paragraph_unique")]

    def __str__(self) -> str:
        return f"{self.source_id} \u00b6{self.position}"


class SourceText(models.Model):
    """The whole text folded as quotes are compared (quizzes.bank.rules.fold_for_quotes), its paragraphs joined by
    single spaces, and where each paragraph starts in it: a quote is found with one string search and mapped back to
    its paragraphs by the starts, without reading the paragraphs."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, primary_key=True, related_name="stored_text")
    folded = models.TextField()
    starts = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"text of source {self.source_id}"
