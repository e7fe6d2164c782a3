"""Writes on teachers' sources: adding one (pasted or uploaded), its provenance, replacing its text, deleting it, and
placing questions' quotes in its text."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction

from quizzes.models import Citation, Question, Source, SourceParagraph, SourceText
from quizzes.sources.quotes import FoldedText, QuoteMatch, QuoteNotFound, QuoteTooLong, find_quote, normalise_paragraph

# The provenance a teacher gives (and may change later); the rest of a source is the service's to set.
PROVENANCE_FIELDS = (
    "author",
    "title",
    "category",
    "kind",
    "year",
    "date",
    "calendar",
    "published_in",
    "standpoint",
    "visibility",
    "allow_context",
)


class SourceRefused(ValueError):
    """The change cannot be made; the message says why, `questions` lists the questions that stand in its way."""

    def __init__(self, message: str, questions: Iterable[Question] = ()):
        super().__init__(message)
        self.questions = list(questions)


def _citing_questions(source: Source) -> list[Question]:
    return list(Question.objects.filter(citations__source=source).distinct().order_by("id"))


def _new_file_name() -> str:
    return f"own-{secrets.token_hex(8)}"


def store_text(source: Source, paragraphs: list[str]) -> FoldedText:
    """Replace the source's stored paragraphs and folded text; the counts on the source are set too (the caller
    saves it). No paragraphs: no text stored."""
    paragraphs = [p for p in (normalise_paragraph(p) for p in paragraphs) if p]
    text = FoldedText.of(paragraphs)
    SourceParagraph.objects.filter(source=source).delete()
    SourceParagraph.objects.bulk_create(
        [
            SourceParagraph(source=source, position=n, offset=offset, text=paragraph)
            for n, (offset, paragraph) in enumerate(zip(text.starts, paragraphs, strict=True), start=1)
        ],
        batch_size=1000,
    )
    SourceText.objects.update_or_create(source=source, defaults={"folded": text.folded, "starts": text.starts})
    source.word_count = sum(len(p.split(" ")) for p in paragraphs)
    source.paragraph_count = len(paragraphs)
    if not paragraphs:
        SourceText.objects.filter(source=source).delete()
    return text


@transaction.atomic
def source_add(
    *,
    owner,
    paragraphs: list[str],
    rights_confirmed: bool,
    upload_name: str = "",
    **provenance,
) -> Source:
    """A new source of the teacher's with its text. Refused (nothing stored) unless the teacher confirms they may
    use the text with their classes, and unless there is text."""
    if not any(p.strip() for p in paragraphs):
        raise SourceRefused("The text is empty: paste the document's text, or upload a file.")
    if not rights_confirmed:
        raise SourceRefused("Confirm that you may use this text with your classes.")
    unknown = set(provenance) - set(PROVENANCE_FIELDS)
    if unknown:
        raise TypeError(f"not provenance: {', '.join(sorted(unknown))}")
    source = Source(
        owner=owner,
        file_name=_new_file_name(),
        rights_confirmed=True,
        upload_name=upload_name[:255],
        visibility=provenance.pop("visibility", Source.Visibility.PRIVATE),
        **provenance,
    )
    if source.date and not source.year:
        source.year = source.date.year
    source.save()
    store_text(source, paragraphs)
    source.save(update_fields=["word_count", "paragraph_count"])
    return source


@transaction.atomic
def source_update_provenance(*, source: Source, **provenance) -> Source:
    unknown = set(provenance) - set(PROVENANCE_FIELDS)
    if unknown:
        raise TypeError(f"not provenance: {', '.join(sorted(unknown))}")
    for name, value in provenance.items():
        setattr(source, name, value)
    if source.date:
        source.year = source.date.year
    source.save()
    return source


def text_change_refusal(source: Source, paragraphs: list[str]) -> SourceRefused | None:
    """Why the source's text may not become these paragraphs (it is empty, or a quote of a question citing the
    source is not in it, with those questions), or None when it may."""
    if not any(p.strip() for p in paragraphs):
        return SourceRefused("The text is empty: paste the document's text, or upload a file.")
    new = FoldedText.of([p for p in (normalise_paragraph(p) for p in paragraphs) if p])
    broken: dict[int, Question] = {}
    for citation in Citation.objects.filter(source_id=source.pk).select_related("question").order_by("question_id"):
        try:
            find_quote(new, citation.quote)
        except (QuoteNotFound, QuoteTooLong):
            broken[citation.question_id] = citation.question
    if broken:
        count = len(broken)
        return SourceRefused(
            f"The new text would break the quotes of {count} question{'s' if count != 1 else ''}: "
            "change or remove those quotes first, or keep the passages they quote.",
            broken.values(),
        )
    return None


@transaction.atomic
def source_replace_text(*, source: Source, paragraphs: list[str], upload_name: str = "") -> Source:
    """Put a new text in place of the stored one. Refused, with the questions affected, when a quote of a question
    citing the source is not in the new text: no question silently loses its evidence."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    refusal = text_change_refusal(locked, paragraphs)
    if refusal is not None:
        raise refusal
    new = store_text(locked, paragraphs)
    if upload_name:
        locked.upload_name = upload_name[:255]
    locked.save()
    _anchor(list(Citation.objects.filter(source=locked)), new)
    return locked


@transaction.atomic
def source_delete(*, source: Source) -> None:
    """Delete a source and its text; refused, with the list, while questions cite it."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    citing = _citing_questions(locked)
    if citing:
        raise SourceRefused(
            f"{len(citing)} question{'s' if len(citing) != 1 else ''} quote{'' if len(citing) != 1 else 's'} this "
            "source: delete them or change their evidence first.",
            citing,
        )
    locked.delete()


# -- Quotes --------------------------------------------------------------------------------------------------------


def folded_text(source: Source) -> FoldedText | None:
    """The source's folded text (one query), or None when its text is not stored."""
    stored = SourceText.objects.filter(source_id=source.pk).values_list("folded", "starts").first()
    return FoldedText(folded=stored[0], starts=stored[1]) if stored else None


def quote_check(*, source: Source, quote: str) -> QuoteMatch | None:
    """Where the quote stands in the source's stored text; QuoteNotFound or QuoteTooLong when it is not there; None
    when the source's text is not stored (the shared documents), so there is nothing to check it against here."""
    text = folded_text(source) if source.has_text else None
    if text is None:
        return None
    return find_quote(text, quote)


def _anchor(citations: list[Citation], text: FoldedText) -> None:
    changed = []
    for citation in citations:
        try:
            match = find_quote(text, citation.quote)
            place = (match.paragraph, match.paragraph_last, match.start, match.end)
        except (QuoteNotFound, QuoteTooLong):
            place = (None, None, None, None)
        if place != (citation.paragraph, citation.paragraph_last, citation.start, citation.end):
            citation.paragraph, citation.paragraph_last, citation.start, citation.end = place
            changed.append(citation)
    if changed:
        Citation.objects.bulk_update(changed, ["paragraph", "paragraph_last", "start", "end"])


def citations_anchor(question: Question) -> None:
    """Place each of the question's quotes in its source's text, where that text is stored (after a save)."""
    citations = list(Citation.objects.filter(question=question).select_related("source"))
    by_source: dict[int, list[Citation]] = {}
    for citation in citations:
        if citation.source.has_text:
            by_source.setdefault(citation.source_id, []).append(citation)
        elif citation.paragraph is not None:
            _anchor([citation], FoldedText(folded="", starts=[]))
    for cited in by_source.values():
        text = folded_text(cited[0].source)
        if text is not None:
            _anchor(cited, text)
