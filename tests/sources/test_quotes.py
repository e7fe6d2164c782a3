"""Finding quotes in a stored text: folding as check_bank does, the paragraphs a quote falls in, and the message
that says exactly what does not match."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.bank.rules import fold_for_quotes, quote_found
from quizzes.sources.quotes import FoldedText, QuoteNotFound, QuoteTooLong, find_quote, normalise_paragraph
from quizzes.sources.selectors import segments_of

PARAGRAPHS = [
    "Lenin wrote to the Central Committee: \u201cThe situation is utterly critical.\u201d",
    "Delay is fatal \u2014 the Winter Palace must be taken tonight.",
    "Kerensky left Petrograd in a car lent by the American embassy.",
]


@pytest.fixture
def text():
    return FoldedText.of(PARAGRAPHS)


def test_folding_straightens_quotes_and_dashes_and_keeps_offsets():
    original = "\u201cDelay\u201d is fatal \u2014 it\u2019s"
    assert fold_for_quotes(original) == '"Delay" is fatal - it\'s'
    assert len(fold_for_quotes(original)) == len(original)


def test_check_bank_finds_a_quote_typed_with_straight_quotes_and_a_hyphen():
    assert quote_found('"The situation is utterly critical."', PARAGRAPHS[0])
    assert quote_found("Delay is fatal - the Winter Palace", PARAGRAPHS[1])


def test_a_quote_is_found_in_its_paragraph(text):
    match = find_quote(text, "Delay is fatal - the   Winter Palace")
    assert (match.paragraph, match.paragraph_last) == (2, 2)
    assert text.folded[match.start : match.end] == "Delay is fatal - the Winter Palace"


def test_a_quote_across_two_paragraphs_names_both(text):
    match = find_quote(text, "utterly critical.\u201d Delay is fatal")
    assert (match.paragraph, match.paragraph_last) == (1, 2)


def test_a_wrong_word_is_named_with_what_the_text_says(text):
    with pytest.raises(QuoteNotFound) as refused:
        find_quote(text, "Kerensky left Petrograd in a lorry lent by")
    message = str(refused.value)
    assert "\u201cKerensky left Petrograd in a\u201d" in message
    assert "your quote has \u201clorry\u201d where the text goes on \u201ccar\u201d" in message


def test_a_first_word_not_in_the_text_is_named(text):
    with pytest.raises(QuoteNotFound, match="first word, \u201cTrotsky\u201d"):
        find_quote(text, "Trotsky left Petrograd")


def test_a_quote_that_runs_past_the_end_says_the_text_ends(text):
    with pytest.raises(QuoteNotFound, match="the text ends there"):
        find_quote(text, "by the American embassy. And then")


def test_a_quote_longer_than_the_banks_limit_is_refused(text):
    with pytest.raises(QuoteTooLong, match="31 words"):
        find_quote(text, " ".join(["word"] * 31))


def test_an_empty_quote_is_refused(text):
    with pytest.raises(QuoteNotFound, match="empty"):
        find_quote(text, "   ")


# -- Properties ----------------------------------------------------------------------------------------------------

WORD = st.text(alphabet="abcxyz\u2014\u201c\u201d'\u2019-", min_size=1, max_size=6)
PARAGRAPH = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


@given(st.lists(PARAGRAPH, min_size=1, max_size=6), st.data())
def test_any_run_of_words_in_the_text_is_found_where_it_stands(paragraphs, data):
    paragraphs = [normalise_paragraph(p) for p in paragraphs]
    text = FoldedText.of(paragraphs)
    words = " ".join(paragraphs).split(" ")
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, min(len(words), first + 30) - 1))
    quote = " ".join(words[first : last + 1])
    match = find_quote(text, quote)
    assert text.folded[match.start : match.end] == fold_for_quotes(quote)
    # The paragraphs named hold the quote's first and last characters.
    assert text.starts[match.paragraph - 1] <= match.start
    assert match.paragraph_last == text.paragraph_at(match.end - 1) >= match.paragraph


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45), st.sampled_from("ab"))))
def test_marking_a_paragraph_never_changes_its_text(text, spans):
    segments = segments_of(text, spans)
    assert "".join(s.text for s in segments) == text
