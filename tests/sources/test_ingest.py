"""Pasted text, plain text files in many encodings, Markdown and HTML: the paragraphs a teacher gets, or why not."""

import random

import pytest

from quizzes.sources import ingest
from quizzes.sources.ingest import UnreadableSource, read_pasted, read_upload
from tests.sources import documents

FRENCH = (
    "Les délégués étaient réunis à Smolny; la garde rouge gardait les portes. Le congrès a voté le décret sur la "
    "paix, et les ministres furent arrêtés au palais d’Hiver."
)
GERMAN = "Die Arbeiter und Soldaten übernahmen die Macht; die Regierung wurde gestürzt. Größere Veränderungen folgten."


def refusal(file_name: str, data: bytes) -> str:
    with pytest.raises(UnreadableSource) as caught:
        read_upload(file_name, data)
    return str(caught.value)


# --- Pasted text -------------------------------------------------------------------------------------------------


def test_pasted_text_is_split_on_blank_lines_and_folded():
    text = "  First line\nof the first   paragraph.\r\n\r\n\n Second\tparagraph.  \n"
    assert read_pasted(text) == ["First line of the first paragraph.", "Second paragraph."]


def test_pasted_text_without_blank_lines_has_one_paragraph_a_line():
    assert read_pasted("One.\nTwo.\nThree.") == ["One.", "Two.", "Three."]


def test_control_and_invisible_characters_are_dropped_and_text_is_nfc():
    decomposed = "Cafe\u0301"  # e + combining acute accent
    assert read_pasted(f"A\x07 soft\u00adhyphen, a zero\u200bwidth space, {decomposed}.") == [
        "A softhyphen, a zerowidth space, Café."
    ]


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", "\x00\x01"])
def test_empty_pasted_text_is_refused(text):
    with pytest.raises(UnreadableSource, match="empty|no text"):
        read_pasted(text)


def test_a_text_over_the_word_limit_is_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_WORDS", 10)
    with pytest.raises(UnreadableSource, match="too long.*limit is 10 words"):
        read_pasted("word " * 11)


def test_the_limits_fit_the_benchmarks_150000_word_source():
    text = documents.words(150_000)
    assert sum(len(paragraph.split()) for paragraph in read_pasted(text)) == 150_000
    assert ingest.MAX_WORDS >= 150_000
    assert "250,000 words" in ingest.LIMITS_TEXT and "20 MB" in ingest.LIMITS_TEXT


# --- Plain text files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "utf-8"),
        (FRENCH, "utf-8-sig"),
        (documents.RUSSIAN, "utf-16"),
        (documents.RUSSIAN, "utf-16-be"),
        (documents.RUSSIAN, "utf-8-sig"),
        (FRENCH, "cp1252"),
        ("“Curly quotes” and a dash – in a mostly English text.", "cp1252"),
        (GERMAN, "latin-1"),
        (documents.RUSSIAN, "koi8-r"),
        (documents.RUSSIAN, "cp1251"),
    ],
)
def test_text_files_are_decoded_whatever_their_encoding(text, encoding):
    data = f"{text}\n\n{text}".encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + f"{text}".encode(encoding)
    paragraphs = read_upload("source.txt", data)
    assert paragraphs[0] == text
    assert "\ufeff" not in paragraphs[0]


def test_a_hard_wrapped_text_file_is_reflowed_into_its_paragraphs():
    data = b"The congress opened\nat Smolny.\n\nThe decrees\nfollowed.\n"
    assert read_upload("minutes.TXT", data) == ["The congress opened at Smolny.", "The decrees followed."]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (bytes(range(256)) * 40, "not plain text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(500), "looks like a picture"),
        (b"PK\x03\x04" + bytes(100), "Word document"),
        (b"%PDF-1.7\n" + bytes(100), "looks like a PDF"),
        (b"text with a NUL\x00 byte inside " * 50, "not plain text"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08 some letters \x0e\x0f" * 40, "not plain text"),
    ],
)
def test_binary_data_named_txt_is_refused(data, what):
    message = refusal("notes.txt", data)
    assert what in message
    assert "paste the text" in message


@pytest.mark.parametrize(
    "data",
    [
        bytes(byte | 0x80 for byte in random.Random(1).randbytes(3000)),
        "Вся власть Советам! ".encode("cp1251") * 50 + "Вся власть Советам! ".encode() * 50,
    ],
    ids=["high-bit noise", "two encodings mixed"],
)
def test_a_text_in_no_recognisable_encoding_is_refused(data):
    assert "encoding could not be recognised" in refusal("notes.txt", data)


def test_an_invalid_utf16_text_after_its_byte_order_mark_is_refused():
    assert "save it as UTF-8" in refusal("notes.txt", b"\xff\xfe" + b"\x00\xd8")


# --- Markdown ----------------------------------------------------------------------------------------------------


def test_markdown_keeps_the_text_and_drops_the_markup():
    assert read_upload("notes.md", documents.MARKDOWN.encode()) == [
        "The Second Congress of Soviets",
        "The congress opened at Smolny on 25 October at 10.40 pm; see the minutes for the list of delegates.",
        "Resolutions",
        "The Decree on Peace",
        "The Decree on Land",
        "All power to the Soviets!",
        'print("code is kept as text")',
        "Inline code and an image too.",
    ]


def test_html_inside_markdown_never_survives():
    data = b"Before <script>alert(1)</script> <b>bold</b> after.\n\n<div onclick='x()'>Block</div>\n"
    assert read_upload("notes.md", data) == ["Before bold after.", "Block"]


# --- HTML --------------------------------------------------------------------------------------------------------


def test_html_is_reduced_to_its_text_with_blocks_as_paragraphs():
    assert read_upload("page.html", documents.HTML.encode()) == [
        "The storming of the Winter Palace",
        "The Aurora fired a blank shot — the signal & the start.",
        "A block with inline elements and a line break.",
        "First item",
        "Second item",
        "Entities: café «quoted» № 1",
        "Cell one",
        "Cell two",
    ]


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
def test_html_is_decoded_by_its_declared_charset(charset):
    data = documents.make_html(f"<p>{documents.RUSSIAN}</p>", charset)
    assert read_upload("page.htm", data) == [documents.RUSSIAN]


def test_html_without_a_declared_charset_is_detected():
    data = f"<html><body><p>{FRENCH}</p></body></html>".encode("cp1252")
    assert read_upload("page.html", data) == [FRENCH]


def test_two_line_breaks_end_a_paragraph_in_html_without_paragraph_elements():
    data = b"<body>First line<br>same paragraph<br><br>Second paragraph</body>"
    assert read_upload("page.html", data) == ["First line same paragraph", "Second paragraph"]


def test_html_markup_and_scripts_are_never_stored():
    data = b"<p>Text <img src=x onerror=alert(1)><script>evil()</script>&lt;b&gt;not a tag&lt;/b&gt;</p>"
    assert read_upload("page.html", data) == ["Text <b>not a tag</b>"]


def test_deeply_nested_html_is_read_without_recursion():
    data = b"<div>" * 20_000 + b"Deep text" + b"</div>" * 20_000
    assert read_upload("page.html", data) == ["Deep text"]


def test_a_page_with_no_text_is_refused():
    assert "no text" in refusal("page.html", b"<html><head><title>T</title></head><body><img src=x></body></html>")


# --- Every file ----------------------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert "empty" in refusal("source.pdf", b"")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    message = refusal("source.txt", b"a " * (ingest.MAX_UPLOAD_BYTES // 2 + 1))
    assert "too large" in message and "20 MB" in message


@pytest.mark.parametrize("file_name", ["virus.exe", "source.doc", "source.odt", "source", "source.txt.zip", ""])
def test_an_unknown_extension_is_refused_with_the_accepted_ones(file_name):
    message = refusal(file_name, b"text")
    assert ".txt, .md, .html, .docx or .pdf" in message


def test_an_old_word_file_is_told_to_be_saved_as_docx():
    assert "Save it as .docx" in refusal("Reed.DOC", b"\xd0\xcf\x11\xe0")


def test_a_path_sent_as_the_file_name_is_reduced_to_its_extension():
    assert read_upload("C:\\Users\\teacher\\Reed.TXT", b"Text.") == ["Text."]
    assert ingest.extension_of("folder.d/notes") == ""


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_a_long_text_is_decoded_by_the_encoding_of_its_first_part(encoding):
    text = f"{documents.RUSSIAN}\n\n" * 3000  # over the 256 KB that charset-normalizer examines
    assert read_upload("long.txt", text.encode(encoding)) == [documents.RUSSIAN] * 3000


def test_a_long_text_that_breaks_its_first_parts_encoding_later_is_examined_whole():
    data = f"{FRENCH}\n\n".encode("cp1252") * 2000 + b"A byte cp1252 does not define: \x81."
    paragraphs = read_upload("long.txt", data)
    assert paragraphs[0] == FRENCH
    assert len(paragraphs) == 2001


def test_a_single_enormous_word_is_refused_by_its_characters():
    message = refusal("blob.txt", b"a" * (ingest.MAX_CHARACTERS + 1))
    assert "characters" in message and "limit is 250,000 words" in message
