"""Plain text and Markdown files: the encoding detected (charset-normalizer), binary files refused."""

from __future__ import annotations

import codecs

import charset_normalizer

from quizzes.sources.ingest import UnreadableSource, paragraphs_from_text

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its mark starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Files that are certainly not text, whatever their name says.
_SIGNATURES = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a Word document or another zip archive",
    b"\xd0\xcf\x11\xe0": "an old Word (.doc) document",
    b"{\\rtf": "a rich text (.rtf) document",
    b"\x89PNG": "a picture",
    b"\xff\xd8\xff": "a picture",
    b"GIF8": "a picture",
}
_NOT_TEXT = (
    "This file is not plain text{what}: upload it with its own extension (.pdf, .docx), or open it and paste the "
    "text instead."
)
_UNDECODABLE = (
    "The text's encoding could not be recognised. Open the file in a text editor, save it as UTF-8, and upload it "
    "again, or paste the text instead."
)


def decode(data: bytes) -> str:
    """The text of a file whose encoding is unknown: a byte order mark, else UTF-8, else charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableSource(_UNDECODABLE) from error
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableSource(_NOT_TEXT.format(what=f" (it looks like {what})"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return text
    if len(data) > _SAMPLE_BYTES:
        # A book's worth of bytes takes charset-normalizer seconds; its first part tells the encoding as well, and
        # the whole must then decode with it (else the whole is examined after all).
        try:
            return data.decode(_detect(data[:_SAMPLE_BYTES]).encoding)
        except (UnicodeDecodeError, LookupError, UnreadableSource):
            pass
    return str(_detect(data))


_SAMPLE_BYTES = 256 * 1024


def _detect(data: bytes):
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise UnreadableSource(_NOT_TEXT.format(what="") if b"\x00" in data else _UNDECODABLE)
    if b"\x00" in data and not best.encoding.startswith(("utf_16", "utf_32")):
        # NUL bytes are never in text, except as half of UTF-16 or UTF-32 characters.
        raise UnreadableSource(_NOT_TEXT.format(what=""))
    return _likeliest(matches, best)


# Where charset-normalizer finds several encodings about as plausible (a mostly English text with a few accents and
# curly quotes fits many code pages), the one teachers' computers most often write wins.
_COMMON = ("cp1252", "cp1251", "koi8_r", "latin_1", "cp1250", "iso8859_15", "mac_roman")


def _likeliest(matches, best):
    close = [
        match for match in matches if match.chaos <= best.chaos + 0.03 and match.coherence >= best.coherence - 0.05
    ]
    for encoding in _COMMON:
        for match in close:
            if encoding in match.could_be_from_charset:
                return match
    return best


def read_text(data: bytes) -> list[str]:
    text = decode(data)
    if _looks_binary(text):
        raise UnreadableSource(_NOT_TEXT.format(what=""))
    return paragraphs_from_text(text)


def read_markdown(data: bytes) -> list[str]:
    """Markdown rendered by markdown-it-py, then reduced to text like any HTML (so markup never survives)."""
    from markdown_it import MarkdownIt

    from quizzes.sources.readers.html import paragraphs_from_markup

    text = decode(data)
    if _looks_binary(text):
        raise UnreadableSource(_NOT_TEXT.format(what=""))
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return paragraphs_from_markup(renderer.render(text))


def _looks_binary(text: str) -> bool:
    """True if more than 1 in 100 characters is a control character no text file holds."""
    sample = text[:200_000]
    controls = sum(1 for character in sample if character < " " and character not in "\t\n\r\f")
    return controls * 100 > len(sample)
