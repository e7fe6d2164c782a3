"""Reads of the source library: the sources a teacher may use, a shared document's quoted passages, and the reader's
window of paragraphs with the passages quoted and the words searched for marked, each in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404

from quizzes.bank.rules import MAX_QUOTE_WORDS, fold_for_quotes
from quizzes.models import Citation, Source, SourceParagraph, SourceText
from quizzes.permissions import teacher_source
from quizzes.sources.quotes import FoldedText, QuoteNotFound, QuoteTooLong, find_quote

# Paragraphs the reader shows at once: a window, so that a book reads as fast as a page.
WINDOW = 40
MAX_SEARCH_HITS = 50
MAX_UNCOVERED_SHOWN = 30
MAX_QUOTE_CHARACTERS = 600


def library(teacher, *, q: str = "", whose: str = "", category: str = "") -> QuerySet[Source]:
    """The sources the teacher may use that fit the filter, theirs first, then other teachers' shared ones, then the
    shared bank's, each with how many questions the teacher may see quote it."""
    sources = Source.objects.visible_to(teacher).select_related("owner")
    if whose == "mine":
        sources = sources.filter(owner_id=teacher.pk)
    elif whose == "shared":
        sources = sources.filter(owner__isnull=False).exclude(owner_id=teacher.pk)
    elif whose == "bank":
        sources = sources.filter(owner__isnull=True)
    if q:
        sources = sources.filter(Q(author__icontains=q) | Q(title__icontains=q))
    if category:
        sources = sources.filter(category=category)
    citing = Q(citations__question__owner__isnull=True) | Q(citations__question__owner_id=teacher.pk)
    mine = Case(When(owner_id=teacher.pk, then=0), When(owner__isnull=False, then=1), default=2)
    return sources.annotate(quoted=Count("citations__question", filter=citing, distinct=True), whose=mine).order_by(
        "whose", "author", "title", "id"
    )


def visible_citations(viewer, source: Source) -> QuerySet[Citation]:
    """The citations of the source in questions the viewer may see: the bank's and, for a teacher, their own."""
    citations = Citation.objects.filter(source=source)
    if viewer is None:
        return citations.filter(question__owner__isnull=True)
    return citations.filter(Q(question__owner__isnull=True) | Q(question__owner_id=viewer.pk))


def quoted_passages(viewer, source: Source) -> list[Citation]:
    """A source's quoted passages (a shared document shows only these), each with its question."""
    return list(visible_citations(viewer, source).select_related("question").order_by("question_id", "position"))


# -- The reader ----------------------------------------------------------------------------------------------------


@dataclass
class Segment:
    text: str
    marks: frozenset[str] = frozenset()

    @property
    def css(self) -> str:
        return " ".join(sorted(self.marks))


@dataclass
class ShownParagraph:
    position: int
    segments: list[Segment]
    citations: list[Citation] = field(default_factory=list)
    has_hit: bool = False

    @property
    def anchor(self) -> str:
        return f"p{self.position}"

    @property
    def is_quoted(self) -> bool:
        return bool(self.citations)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass
class Coverage:
    quoted: int  # paragraphs at least one question quotes
    total: int
    uncovered: list[tuple[int, int]]  # runs of paragraphs no question quotes, first to last
    more_uncovered: int = 0

    @property
    def percent(self) -> int:
        return round(self.quoted * 100 / self.total) if self.total else 0


@dataclass
class ReaderPage:
    source: Source
    paragraphs: list[ShownParagraph]
    first: int
    last: int
    search: str
    hits: list[tuple[int, str]]  # (paragraph, a snippet) where the words searched for stand, in order
    more_hits: bool
    coverage: Coverage | None
    highlight: Citation | None

    @property
    def previous_start(self) -> int | None:
        return max(1, self.first - WINDOW) if self.first > 1 else None

    @property
    def next_start(self) -> int | None:
        return self.last + 1 if self.last < self.source.paragraph_count else None


def window_for(paragraph: int, total: int) -> tuple[int, int]:
    """The window holding `paragraph`: fixed pages of WINDOW paragraphs, so that links to a page stay stable."""
    paragraph = min(max(1, paragraph), max(1, total))
    first = (paragraph - 1) // WINDOW * WINDOW + 1
    return first, min(total, first + WINDOW - 1)


def segments_of(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """The paragraph cut where marks begin and end; each piece carries the marks over it (they may overlap)."""
    cuts = sorted({0, len(text), *(max(0, min(len(text), s)) for span in spans for s in span[:2])})
    segments = []
    for begin, finish in zip(cuts, cuts[1:], strict=False):
        if begin == finish:
            continue
        marks = frozenset(mark for s, e, mark in spans if s < finish and e > begin)
        segments.append(Segment(text[begin:finish], marks))
    return segments or [Segment(text)]


def _search_pattern(search: str) -> re.Pattern | None:
    folded = fold_for_quotes(search)
    return re.compile(re.escape(folded), re.IGNORECASE) if folded else None


def reader_page(
    viewer,
    source: Source,
    *,
    paragraph: int = 1,
    search: str = "",
    highlight: Citation | None = None,
    teacher_tools: bool = True,
) -> ReaderPage:
    """The window of paragraphs holding `paragraph`, the quoted passages in it marked (questions the viewer may
    see), the searched words marked, the search's hits in the whole text, and (for teachers) which paragraphs no
    question quotes yet: four queries at most, whatever the size of the text or the number of questions."""
    first, last = window_for(paragraph, source.paragraph_count)
    rows = list(
        SourceParagraph.objects.filter(source=source, position__gte=first, position__lte=last)
        .order_by("position")
        .values_list("position", "offset", "text")
    )
    window_start = rows[0][1] if rows else 0
    window_end = rows[-1][1] + len(rows[-1][2]) if rows else 0
    citations = list(
        visible_citations(viewer if teacher_tools else None, source)
        .filter(start__lt=window_end, end__gt=window_start)
        .select_related("question")
        .only(
            "id",
            "start",
            "end",
            "paragraph",
            "paragraph_last",
            "quote",
            "question__id",
            "question__prompt",
            "question__owner_id",
        )
        if teacher_tools
        else []
    )
    pattern = _search_pattern(search)
    shown = []
    for position, offset, text in rows:
        end = offset + len(text)
        spans = []
        quoting = []
        for citation in citations:
            if citation.start < end and citation.end > offset:
                spans.append((citation.start - offset, citation.end - offset, "quoted"))
                quoting.append(citation)
        if highlight is not None and highlight.start is not None and highlight.start < end and highlight.end > offset:
            spans.append((highlight.start - offset, highlight.end - offset, "this-quote"))
        has_hit = False
        if pattern is not None:
            for hit in pattern.finditer(fold_for_quotes(text)):
                spans.append((hit.start(), hit.end(), "hit"))
                has_hit = True
        shown.append(ShownParagraph(position, segments_of(text, spans), quoting, has_hit))
    hits, more_hits = _hits(source, search, pattern)
    coverage = _coverage(viewer, source) if teacher_tools else None
    return ReaderPage(source, shown, first, last if rows else first, search, hits, more_hits, coverage, highlight)


def _hits(source: Source, search: str, pattern: re.Pattern | None) -> tuple[list[tuple[int, str]], bool]:
    """The paragraphs where the search's words stand (one query: the database finds them), with a snippet each."""
    if pattern is None:
        return [], False
    rows = list(
        SourceParagraph.objects.filter(source=source, text__icontains=search)
        .order_by("position")
        .values_list("position", "text")[: MAX_SEARCH_HITS + 1]
    )
    hits = []
    for position, text in rows[:MAX_SEARCH_HITS]:
        found = pattern.search(fold_for_quotes(text))
        hits.append((position, _snippet(text, found.start() if found else 0)))
    return hits, len(rows) > MAX_SEARCH_HITS


def _snippet(text: str, at: int, *, before: int = 40, after: int = 80) -> str:
    """About `before` characters before `at` and `after` after it, cut at spaces, with ellipses where cut."""
    start = max(0, at - before)
    if start:
        space = text.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    end = min(len(text), at + after)
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    return ("\u2026" if start else "") + text[start:end] + ("\u2026" if end < len(text) else "")


def _coverage(viewer, source: Source) -> Coverage:
    """Which paragraphs the questions the teacher may see quote, and the runs of paragraphs none quotes (one query)."""
    total = source.paragraph_count
    covered = [False] * (total + 2)
    spans = visible_citations(viewer, source).filter(paragraph__isnull=False).values_list("paragraph", "paragraph_last")
    for first, last in spans:
        for n in range(first, min(last, total) + 1):
            covered[n] = True
    runs, start = [], None
    for n in range(1, total + 2):
        if n <= total and not covered[n]:
            start = n if start is None else start
        elif start is not None:
            runs.append((start, n - 1))
            start = None
    quoted = sum(covered[1 : total + 1])
    return Coverage(quoted, total, runs[:MAX_UNCOVERED_SHOWN], max(0, len(runs) - MAX_UNCOVERED_SHOWN))


def paragraph_text(source: Source, position: int) -> str:
    """One paragraph's text, or "" when there is no such paragraph."""
    return SourceParagraph.objects.filter(source=source, position=position).values_list("text", flat=True).first() or ""


# -- Quoting from the reader ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotingFrom:
    """Where a new quote comes from: a source the teacher may cite, one of its paragraphs (to copy the quote from),
    and the passage they selected, if any."""

    source: Source
    paragraph: int
    paragraph_text: str
    quote: str

    @property
    def initial(self) -> dict:
        """The editor's evidence fields: the selected passage, else the paragraph when it is short enough to quote."""
        quote = self.quote or (self.paragraph_text if len(self.paragraph_text.split()) <= MAX_QUOTE_WORDS else "")
        return {"citation_source": self.source, "citation_quote": quote}


def quoting_from(teacher, data) -> QuotingFrom | None:
    """From the editor's query (?source=&paragraph=&quote=): None without a source; a 404 for a source the teacher
    may not cite; a paragraph number out of range or not a number is the first paragraph."""
    value = str(data.get("source") or "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404("No such source.")
    source = teacher_source(teacher, int(value))
    try:
        paragraph = min(max(1, int(str(data.get("paragraph") or 1)[:10])), max(1, source.paragraph_count))
    except ValueError:
        paragraph = 1
    quote = " ".join(str(data.get("quote") or "")[:MAX_QUOTE_CHARACTERS].split())
    return QuotingFrom(source, paragraph, paragraph_text(source, paragraph) if source.has_text else "", quote)


# -- check_bank --------------------------------------------------------------------------------------------------


def stored_quote_problems() -> list[tuple[int, str]]:
    """(question id, problem) for every quote of a source whose text is stored that is not in that text: one query
    for the citations, one per source for its text."""
    citations = list(
        Citation.objects.filter(source__paragraph_count__gt=0)
        .select_related("source")
        .order_by("source_id", "question_id", "position")
    )
    problems = []
    texts: dict[int, FoldedText] = {}
    for citation in citations:
        if citation.source_id not in texts:
            stored = SourceText.objects.filter(source_id=citation.source_id).values_list("folded", "starts").first()
            texts[citation.source_id] = FoldedText(*(stored or ("", [])))
        try:
            find_quote(texts[citation.source_id], citation.quote)
        except (QuoteNotFound, QuoteTooLong) as error:
            problems.append((citation.question_id, f"quote from {citation.source.file_name}: {error}"))
    return sorted(problems)
