"""PDF files: the text layer re-flowed into paragraphs, and scans, passwords and damaged files refused clearly."""

import time

import pytest

from quizzes.sources.ingest import UnreadableSource, read_upload
from quizzes.sources.readers import pdf
from tests.sources import documents


def refusal(data: bytes) -> str:
    with pytest.raises(UnreadableSource) as caught:
        read_upload("source.pdf", data)
    return str(caught.value)


def test_a_pdfs_lines_are_reflowed_into_its_paragraphs():
    data = documents.make_pdf_from_paragraphs(
        [["The first paragraph.", documents.REED + " " + documents.REED, "A short last one."]]
    )
    assert read_upload("Reed.pdf", data) == [
        "The first paragraph.",
        documents.REED + " " + documents.REED,
        "A short last one.",
    ]


def test_a_paragraph_running_over_a_page_break_is_joined_again():
    long_paragraph = documents.words(900)  # longer than a page
    data = documents.make_pdf_from_paragraphs([["Before.", long_paragraph], ["The next page's own paragraph."]])
    assert read_upload("long.pdf", data) == ["Before.", long_paragraph, "The next page's own paragraph."]


def test_make_pdf_gives_the_pages_and_words_asked_for():
    paragraphs = read_upload("made.pdf", documents.make_pdf(pages=3, words_per_page=250))
    assert sum(len(paragraph.split()) for paragraph in paragraphs) == 750
    assert paragraphs[0].startswith("Page 1. ") and paragraphs[-1].startswith("Page 3. ")
    assert len(paragraphs) == 9  # 100, 100 and 50 words a page


def test_a_scan_without_a_text_layer_is_refused_with_paste_the_text_instead():
    assert refusal(documents.make_image_only_pdf()) == (
        "This PDF has no text layer (it is probably a scan): paste the text instead."
    )


def test_a_password_protected_pdf_is_refused():
    assert "protected by a password" in refusal(documents.make_encrypted_pdf("secret"))


def test_a_pdf_encrypted_with_an_empty_password_is_read():
    assert read_upload("restricted.pdf", documents.make_encrypted_pdf("")) == [documents.REED]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n%garbage that is no PDF", b"Not a PDF at all", b"%PDF-1.4\n" + bytes(range(256)) * 20],
    ids=["header only", "text", "binary"],
)
def test_a_damaged_pdf_is_refused(data):
    assert "not a valid PDF, or it is damaged" in refusal(data)


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    assert "limit is 2 pages" in refusal(documents.make_pdf(pages=3, words_per_page=20))


def test_a_pdf_over_the_word_limit_is_refused_as_soon_as_it_is_passed(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_WORDS", 100)
    assert "limit is 100 words" in refusal(documents.make_pdf(pages=3, words_per_page=80))


def test_reading_stops_when_it_takes_too_long(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_SECONDS", -1.0)
    assert "takes too long" in refusal(documents.make_pdf(pages=2, words_per_page=20))


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("a revolu-", "tionary committee", "a revolutionary committee"),
        ("the Military-", "Revolutionary Committee", "the Military-Revolutionary Committee"),
        ("in 1917-", "1918", "in 1917-1918"),
        ("a dash -", "then more", "a dash - then more"),
        ("a soft\xad", "hyphen", "a softhyphen"),
        ("plain", "line", "plain line"),
    ],
)
def test_lines_are_joined_and_words_hyphenated_at_a_line_end_mended(first, second, joined):
    assert pdf.join_lines(first, second) == joined


def test_page_numbers_alone_on_a_line_are_dropped():
    lines = [pdf.Line("12", 300, 800, 10, True), pdf.Line("Text.", 50, 700, 10, True), pdf.Line("- 13 -", 300, 40)]
    assert pdf.page_paragraphs(lines) == ["Text."]


def test_running_heads_and_page_numbers_are_dropped_and_paragraphs_joined_across_pages():
    long_paragraph = documents.words(1500)  # runs over two page breaks
    data = documents.make_pdf_from_paragraphs(
        [["Opening paragraph.", long_paragraph], ["A paragraph of its own page."]],
        running_head="TEN DAYS THAT SHOOK THE WORLD - page #",
        page_numbers=True,
    )
    assert read_upload("book.pdf", data) == ["Opening paragraph.", long_paragraph, "A paragraph of its own page."]


def test_a_line_opening_only_a_few_pages_is_kept():
    data = documents.make_pdf_from_paragraphs([["Chapter One", "Text."], ["Chapter Two", "More text."]])
    assert read_upload("book.pdf", data) == ["Chapter One", "Text.", "Chapter Two", "More text."]


def test_a_first_line_indent_starts_a_paragraph():
    lines = [
        pdf.Line("  Indented start of one", 70, 700, 10, True),
        pdf.Line("paragraph that goes on", 50, 688, 10, True),
        pdf.Line("Another indented one", 70, 676, 10, True),
    ]
    assert pdf.page_paragraphs(lines) == ["Indented start of one paragraph that goes on", "Another indented one"]


def test_a_hundred_page_pdf_is_read_in_under_five_seconds():
    data = documents.make_pdf(pages=100, words_per_page=500)
    started = time.perf_counter()
    paragraphs = read_upload("book.pdf", data)
    elapsed = time.perf_counter() - started
    assert sum(len(paragraph.split()) for paragraph in paragraphs) == 50_000
    assert elapsed < 5.0, f"{elapsed:.2f} s"  # about 1 to 2 s here; the bound leaves room for a busy CI machine


def test_a_content_stream_that_inflates_beyond_reason_is_refused_quickly():
    bomb = documents.make_pdf_bomb(80_000_000)
    assert len(bomb) < 500_000
    started = time.perf_counter()
    assert "not a valid PDF, or it is damaged" in refusal(bomb)
    assert time.perf_counter() - started < 5


def test_a_small_pdf_with_a_page_too_slow_to_read_is_stopped_at_the_deadline(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.5)  # passed inside the page, so only the kill can stop it
    monkeypatch.setattr(pdf, "KILL_AFTER_SECONDS", 0.5)
    slow = documents.make_slow_pdf(500_000)  # about 20 s of pypdf's time
    assert len(slow) < 100_000
    started = time.perf_counter()
    assert "takes too long" in refusal(slow)
    assert time.perf_counter() - started < 5


def test_the_reader_in_the_child_process_gives_what_it_gives_in_this_one():
    data = documents.make_pdf(pages=2, words_per_page=120)
    assert read_upload("a.pdf", data) == pdf.read_pdf_here(data)
