"""Finding a quote in a stored text, and saying exactly what does not match when it is not there. Pure: no database.

A text is kept folded (quizzes.bank.rules.fold_for_quotes, as check_bank compares quotes), its paragraphs joined by
single spaces, with the offset where each paragraph starts; folding keeps offsets, so a match found in the folded
text is also where the quote stands in the stored paragraphs.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from quizzes.bank.rules import MAX_QUOTE_WORDS, fold_for_quotes
from quizzes.bank.types.base import collapse_whitespace


@dataclass(frozen=True)
class FoldedText:
    folded: str
    starts: list[int]  # where paragraph n (1-based) starts: starts[n - 1]

    @classmethod
    def of(cls, paragraphs: list[str]) -> FoldedText:
        """Paragraphs already stored (NFC, whitespace collapsed: see normalise_paragraph)."""
        starts, offset = [], 0
        for paragraph in paragraphs:
            starts.append(offset)
            offset += len(paragraph) + 1
        return cls(folded=fold_for_quotes(" ".join(paragraphs)), starts=starts)

    def paragraph_at(self, offset: int) -> int:
        """The paragraph (1-based) holding the character at `offset`."""
        return max(1, bisect_right(self.starts, offset))


def normalise_paragraph(text: str) -> str:
    """A paragraph as it is stored: NFC, whitespace collapsed to single spaces (so that folding keeps offsets)."""
    return collapse_whitespace(text)


@dataclass(frozen=True)
class QuoteMatch:
    start: int
    end: int
    paragraph: int
    paragraph_last: int


class QuoteNotFound(ValueError):
    """The quote is not in the text; the message says how far it matches and the first word that differs."""


class QuoteTooLong(ValueError):
    pass


def _shown(words: list[str], *, last: int = 8) -> str:
    return ("\u2026 " if len(words) > last else "") + " ".join(words[-last:])


def find_quote(text: FoldedText, quote: str) -> QuoteMatch:
    """Where the quote stands in the text (its first occurrence), or QuoteNotFound saying what does not match."""
    folded = fold_for_quotes(quote)
    words = folded.split(" ") if folded else []
    if not words:
        raise QuoteNotFound("The quote is empty: copy a passage from the text.")
    if len(words) > MAX_QUOTE_WORDS:
        raise QuoteTooLong(f"The quote has {len(words)} words; quote at most {MAX_QUOTE_WORDS}.")
    start = text.folded.find(folded)
    if start >= 0:
        end = start + len(folded)
        return QuoteMatch(start, end, text.paragraph_at(start), text.paragraph_at(end - 1))
    raise QuoteNotFound(mismatch_message(text.folded, words))


def mismatch_message(folded_text: str, words: list[str]) -> str:
    """How much of the quote's start is in the text, and where the first occurrence of that start goes on
    differently. A start that is found means every shorter start is found too, so the longest is found by halving."""
    low, high = 0, len(words)  # the first `low` words are found together; all `high` are not
    while high - low > 1:
        middle = (low + high) // 2
        if folded_text.find(" ".join(words[:middle])) >= 0:
            low = middle
        else:
            high = middle
    if low == 0:
        return (
            f"The quote is not in the text: its first word, \u201c{words[0]}\u201d, is not in it. "
            "Copy the passage from the reader."
        )
    matched = " ".join(words[:low])
    at = folded_text.find(matched) + len(matched)
    following = folded_text[at:].lstrip(" ").split(" ", 1)[0] if at < len(folded_text) else ""
    expected = f"the text goes on \u201c{following}\u201d" if following else "the text ends there"
    return (
        f"The quote is not in the text: it matches up to \u201c{_shown(words[:low])}\u201d, "
        f"then your quote has \u201c{words[low]}\u201d where {expected}."
    )
