"""PDF files: the text layer read by pypdf page by page, its lines re-flowed into paragraphs.

pypdf gives the text of each line and, through its visitor, where each line sits on the page. A new paragraph starts
after a blank line, a gap between lines clearly wider than the page's usual line spacing, a first-line indent, or a
short line that ends a sentence; a paragraph that runs on over a page break is joined again. Words broken with a
hyphen at a line's end are joined when the next line goes on in lower case. Page numbers alone on the first or last
line of a page are dropped. A scan (pictures of pages, no text layer) is refused: its text would have to be
recognised (OCR), which the teacher can do better on their own computer.

The reading runs in a child process killed at a deadline (readers/isolated.py): a small hostile PDF can hold a page
that takes pypdf minutes."""

from __future__ import annotations

import io
import math
import re
import time
from dataclasses import dataclass

from quizzes.sources.ingest import MAX_WORDS, UnreadableSource

MAX_PAGES = 2_000
# Reading stops past this: checked between pages, and the child process reading the file is killed a little later
# (one page can take minutes). 100 pages of text take about 2 seconds.
MAX_SECONDS = 20.0
KILL_AFTER_SECONDS = 2.0

NO_TEXT = "This PDF has no text layer (it is probably a scan): paste the text instead."
ENCRYPTED = (
    "This PDF is protected by a password. Open it, print or save it as a PDF without a password, and upload that, "
    "or paste the text instead."
)
DAMAGED = "This is not a valid PDF, or it is damaged: open it on your computer and paste the text instead."
GARBLED = (
    "The text layer of this PDF cannot be decoded (its fonts do not say which letters they draw): open it, copy the "
    "text and paste it instead."
)
TOO_LONG = "This PDF is too long: the limit is {limit}. Upload the chapter you need, or paste its text."
TOO_SLOW = "This PDF takes too long to read. Upload the chapter you need, or paste its text."

_SENTENCE_END = tuple(".!?…:;\"'”’»)]")
_PAGE_NUMBER = re.compile(r"^\W*(page\s+)?(\d{1,4}|[ivxlcdm]{1,7})(\s*(/|of)\s*\d{1,4})?\W*$", re.IGNORECASE)
_UNDECODED = re.compile("[\ue000-\uf8ff\ufffd]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


@dataclass
class Line:
    text: str
    x: float = 0.0
    y: float = 0.0
    size: float = 0.0
    placed: bool = False


def read_pdf(data: bytes) -> list[str]:
    import pypdf.filters  # noqa: F401 - imported here, before the fork, so the child imports nothing

    from quizzes.sources.readers.isolated import run_with_deadline

    if b"%PDF" not in data[:1024]:
        raise UnreadableSource(DAMAGED)
    return run_with_deadline(
        read_pdf_here, data, seconds=MAX_SECONDS + KILL_AFTER_SECONDS, too_slow=TOO_SLOW, failed=DAMAGED
    )


def read_pdf_here(data: bytes) -> list[str]:
    """Reads the PDF in this process."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if b"%PDF" not in data[:1024]:
        raise UnreadableSource(DAMAGED)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableSource(ENCRYPTED)
        page_count = len(reader.pages)
    except UnreadableSource:
        raise
    except (DependencyError, FileNotDecryptedError) as error:
        raise UnreadableSource(ENCRYPTED) from error
    except (PdfReadError, Exception) as error:  # noqa: BLE001 - any parser failure on a damaged file
        raise UnreadableSource(DAMAGED) from error
    if page_count > MAX_PAGES:
        raise UnreadableSource(TOO_LONG.format(limit=f"{MAX_PAGES:,} pages"))

    started = time.monotonic()
    pages: list[list[Line]] = []
    words = 0
    for number in range(page_count):
        if time.monotonic() - started > MAX_SECONDS:
            raise UnreadableSource(TOO_SLOW)
        try:
            lines = page_lines(reader.pages[number])
        except (DependencyError, FileNotDecryptedError) as error:
            raise UnreadableSource(ENCRYPTED) from error
        except Exception as error:  # noqa: BLE001 - one damaged page is the whole file's refusal
            raise UnreadableSource(DAMAGED) from error
        words += sum(len(line.text.split()) for line in lines)
        if words > MAX_WORDS:
            raise UnreadableSource(TOO_LONG.format(limit=f"{MAX_WORDS:,} words"))
        pages.append(lines)
    running = running_heads(pages)
    paragraphs: list[str] = []
    for lines in pages:
        join_pages(paragraphs, page_paragraphs(lines, running))
    if not paragraphs:
        raise UnreadableSource(NO_TEXT)
    text = "".join(paragraphs)
    if len(_UNDECODED.findall(text)) * 10 > len(text):
        raise UnreadableSource(GARBLED)
    return paragraphs


def page_lines(page) -> list[Line]:
    """The page's lines in pypdf's reading order, each with the position and size of its first visible text."""
    lines = [Line("")]

    def visit(text: str, cm, tm, font, size) -> None:
        if not text:
            return
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append(Line(""))
            line = lines[-1]
            if not line.placed and part.strip():
                line.x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                line.y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
                line.size = abs(size * scale) or abs(size) or 10.0
                line.placed = True
            line.text += part

    page.extract_text(visitor_text=visit)
    for line in lines:
        line.text = line.text.translate(_LIGATURES).strip()
    return lines


def running_heads(pages: list[list[Line]]) -> frozenset[str]:
    """The running heads and feet of a book's pages: short lines that open or close many pages alike (page numbers
    aside), such as the book's title on even pages and the chapter's on odd ones."""
    counts: dict[str, int] = {}
    for lines in pages:
        texts = [text for text in (line.text.strip() for line in lines) if text]
        for text in {*texts[:2], *texts[-2:]}:
            if len(text) <= MAX_HEAD_CHARACTERS and not _PAGE_NUMBER.match(text):
                counts[_head_key(text)] = counts.get(_head_key(text), 0) + 1
    least = max(3, len(pages) // 4)
    return frozenset(key for key, count in counts.items() if count >= least)


MAX_HEAD_CHARACTERS = 80


def _head_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def page_paragraphs(lines: list[Line], running: frozenset[str] = frozenset()) -> list[str]:
    """One page's lines re-flowed into paragraphs, without the page numbers and running heads on its first or last
    lines."""
    lines = [Line(line.text.strip(), line.x, line.y, line.size, line.placed) for line in lines]

    def furniture(line: Line) -> bool:
        return not line.text or bool(_PAGE_NUMBER.match(line.text)) or _head_key(line.text) in running

    for _ in range(3):
        while lines and furniture(lines[-1]):
            lines.pop()
        while lines and furniture(lines[0]):
            lines.pop(0)
    placed = [line for line in lines if line.text]
    spacings = [
        before.y - after.y
        for before, after in zip(placed, placed[1:], strict=False)
        if 0 < before.y - after.y < 3 * max(before.size, 1.0)
    ]
    # The lower quartile: the spacing inside paragraphs, even on a page where most gaps are between paragraphs.
    spacing = sorted(spacings)[len(spacings) // 4] if spacings else None
    if placed and len(spacings) < 3:
        # Too few lines to tell a paragraph's spacing from the gap between paragraphs: text is set about 1.2 to 1.5
        # times its size apart.
        usual = 1.5 * sorted(line.size for line in placed)[len(placed) // 2]
        spacing = min(spacing, usual) if spacing else usual
    lengths = sorted(len(line.text) for line in placed)
    long_line = lengths[int(len(lengths) * 0.8)] if lengths else 0

    paragraphs: list[str] = []
    current = ""
    previous: Line | None = None
    for line in lines:
        if not line.text:
            if current:
                paragraphs.append(current)
            current, previous = "", None
            continue
        if previous is not None and current and starts_paragraph(previous, line, spacing, long_line):
            paragraphs.append(current)
            current = ""
        current = join_lines(current, line.text) if current else line.text
        previous = line
    if current:
        paragraphs.append(current)
    return paragraphs


def starts_paragraph(previous: Line, line: Line, spacing: float | None, long_line: int) -> bool:
    size = max(previous.size, line.size, 1.0)
    gap = previous.y - line.y
    ends_sentence = previous.text.endswith(_SENTENCE_END)
    if spacing and gap > 1.35 * spacing and gap > 0.3 * size:
        return True  # a wider gap than between the lines of a paragraph
    if gap < -size:
        return ends_sentence  # back up the page: the next column
    if abs(gap) < 0.3 * size:
        return False  # the same line, cut in two by the PDF
    if line.x > previous.x + size:
        return True  # a first-line indent
    return ends_sentence and len(previous.text) < 0.7 * long_line


def join_lines(text: str, line: str) -> str:
    """Two lines of one paragraph joined; a word hyphenated at the line's end joined again."""
    if text.endswith("\xad"):
        return text[:-1] + line
    if text.endswith("-") and len(text) > 1 and text[-2].isalnum():
        if text[-2].isalpha() and line[:1].islower():
            return text[:-1] + line  # revo-/lution
        return text + line  # Military-/Revolutionary, 1917-/1918: the hyphen belongs to the text
    return f"{text} {line}"


def join_pages(paragraphs: list[str], page: list[str]) -> None:
    """Adds a page's paragraphs, joining its first to the last one before if that one stopped mid-sentence."""
    if paragraphs and page:
        last = paragraphs[-1]
        if not last.endswith(_SENTENCE_END) or page[0][:1].islower():
            paragraphs[-1] = join_lines(last, page[0])
            page = page[1:]
    paragraphs.extend(page)
