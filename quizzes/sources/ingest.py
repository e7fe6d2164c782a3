"""Turning what a teacher pastes or uploads into plain paragraphs, or a clear reason why not.

The interface the rest of the package uses: read_pasted(text) and read_upload(file_name, data), both returning
a list of paragraphs (non-empty strings, whitespace inside each folded to single spaces, never markup) or raising
UnreadableSource with a message for the teacher. The readers of each file type live in quizzes/sources/readers/
and are imported only when a file of their type arrives (pypdf and python-docx are slow to import)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath

# A whole book, not only a chapter: 250,000 words is about 800 printed pages. The benchmark stores 150,000 words.
MAX_WORDS = 250_000
# A PDF of a few hundred pages with its fonts, or a Word file with pictures, stays well under this.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Bounds a text without spaces (a pasted blob), which the word limit alone would let through: 250,000 words of
# Russian average about 8 characters with their space.
MAX_CHARACTERS = 4_000_000
LIMITS_TEXT = "Up to 20 MB and 250,000 words (about 800 printed pages)."
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
ACCEPTED_TEXT = ".txt, .md, .html, .docx or .pdf"


class UnreadableSource(ValueError):
    """The text cannot be stored; str(error) tells the teacher why and what to do instead."""


# Control characters are dropped; so are the invisible ones that would break a verbatim quote check (a soft hyphen,
# a zero-width space, a byte order mark left inside the text). Whitespace ones become spaces or line breaks.
_INVISIBLE = dict.fromkeys([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xAD, 0x200B, 0xFEFF])
_INVISIBLE.update({0x0C: "\n\n", 0x2029: "\n\n", 0x2028: "\n"})


def clean_text(text: str) -> str:
    """NFC-normalised text without control or invisible characters, line breaks kept as "\\n"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


def fold(text: str) -> str:
    """One paragraph: whitespace of any kind folded to single spaces, ends trimmed."""
    return " ".join(text.split())


def paragraphs_from_text(text: str) -> list[str]:
    """Plain text to paragraphs: blank lines separate paragraphs; a text with no blank line at all has one
    paragraph a line (as a word processor saves "text only"), a text with blank lines has its lines re-flowed."""
    text = clean_text(text)
    lines = text.split("\n")
    if not any(not line.strip() for line in lines):
        blocks: Iterable[str] = lines
    else:
        blocks = _split_on_blank_lines(lines)
    return [paragraph for paragraph in map(fold, blocks) if paragraph]


def _split_on_blank_lines(lines: list[str]) -> list[str]:
    blocks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def check_size(paragraphs: list[str]) -> list[str]:
    """The paragraphs, cleaned and folded, if they are not empty and within the limits; UnreadableSource if not."""
    paragraphs = [paragraph for paragraph in (fold(clean_text(text)) for text in paragraphs) if paragraph]
    if not paragraphs:
        raise UnreadableSource("There is no text in it: paste the document's text, or upload a file that has text.")
    characters = sum(map(len, paragraphs))
    word_count = sum(paragraph.count(" ") + 1 for paragraph in paragraphs)
    if word_count > MAX_WORDS or characters > MAX_CHARACTERS:
        size = f"{word_count:,} words" if word_count > MAX_WORDS else f"{characters:,} characters"
        raise UnreadableSource(
            f"The text is too long ({size}): the limit is {MAX_WORDS:,} words. "
            "Split it into parts (a chapter each) and add each as its own source."
        )
    return paragraphs


def read_pasted(text: str) -> list[str]:
    if len(text) > MAX_CHARACTERS * 2:
        raise UnreadableSource(
            f"The text is too long: the limit is {MAX_WORDS:,} words. "
            "Split it into parts (a chapter each) and add each as its own source."
        )
    if not text.strip():
        raise UnreadableSource("The text is empty: paste the document's text, or upload a file.")
    return check_size(paragraphs_from_text(text))


def extension_of(file_name: str) -> str:
    """The lower-case extension of an uploaded file's name, whichever system's path the browser sent."""
    name = PureWindowsPath(PurePosixPath(file_name or "").name).name
    return PurePosixPath(name.strip().lower()).suffix


def read_upload(file_name: str, data: bytes) -> list[str]:
    extension = extension_of(file_name)
    if extension not in EXTENSIONS:
        hint = " Save it as .docx (Word: File, Save as) first." if extension in (".doc", ".odt", ".rtf") else ""
        shown = f"“{extension}” files" if extension else "Files without an extension"
        raise UnreadableSource(f"{shown} cannot be read. Upload a {ACCEPTED_TEXT} file, or paste the text.{hint}")
    if not data:
        raise UnreadableSource("The file is empty: choose the file again, or paste the text.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableSource(
            f"The file is too large ({len(data) / 1024 / 1024:.1f} MB): the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split it into parts, or paste the text."
        )
    try:
        paragraphs = _read(extension, data)
    except UnreadableSource:
        raise
    except (RecursionError, MemoryError) as error:
        raise UnreadableSource(_DAMAGED) from error
    except Exception as error:  # noqa: BLE001 - a parser's surprise on a hostile file is a refusal, never a 500
        raise UnreadableSource(_DAMAGED) from error
    return check_size(paragraphs)


_DAMAGED = "The file could not be read: it may be damaged. Open it on your computer and paste the text instead."


def _read(extension: str, data: bytes) -> list[str]:
    if extension in (".txt", ".md"):
        from quizzes.sources.readers import text

        return text.read_markdown(data) if extension == ".md" else text.read_text(data)
    if extension in (".html", ".htm"):
        from quizzes.sources.readers import html

        return html.read_html(data)
    if extension == ".docx":
        from quizzes.sources.readers import word

        return word.read_docx(data)
    from quizzes.sources.readers import pdf

    return pdf.read_pdf(data)
