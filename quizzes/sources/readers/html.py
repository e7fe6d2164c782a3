"""HTML files reduced to paragraphs of text by BeautifulSoup (Python's html.parser): markup is never kept."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector
from bs4.exceptions import ParserRejectedMarkup

from quizzes.sources.ingest import UnreadableSource

# Elements whose text is never part of the document a class reads.
# fmt: off
_SKIPPED = frozenset({
    "script", "style", "template", "noscript", "title", "svg", "math", "canvas", "iframe", "object", "embed",
    "select", "button", "textarea",
})
# Elements that start and end a paragraph; the text of inline ones flows into the paragraph around them.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on


def read_html(data: bytes) -> list[str]:
    return paragraphs_from_markup(decode_html(data))


def decode_html(data: bytes) -> str:
    """The page's text: its byte order mark, else its declared charset (<meta charset>, as a browser does), else the
    same detection as for a text file."""
    from quizzes.sources.readers.text import _BOMS, decode

    declared = EncodingDetector.find_declared_encoding(data[:4096], is_html=True, search_entire_document=False)
    if declared and not data.startswith(tuple(bom for bom, _ in _BOMS)) and b"\x00" not in data[:4096]:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    return decode(data)


def paragraphs_from_markup(markup: str) -> list[str]:
    try:
        soup = BeautifulSoup(markup, "html.parser")
    except ParserRejectedMarkup as error:
        raise UnreadableSource(
            "This web page is too damaged to read. Open it in a browser, copy the text, and paste it instead."
        ) from error
    return paragraphs_from_soup(soup)


def paragraphs_from_soup(soup: BeautifulSoup) -> list[str]:
    """Walks the tree without recursion (a hostile page may nest ten thousand elements deep)."""
    paragraphs: list[str] = []
    current: list[str] = []
    breaks = 0  # <br> elements in a row: two of them end a paragraph, as on old pages that have no <p>

    def end_paragraph() -> None:
        text = " ".join("".join(current).split())
        if text:
            paragraphs.append(text)
        current.clear()

    stack: list[tuple[object, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            end_paragraph()
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment, doctype, CDATA or processing instruction
                current.append(str(node))
                if not node.isspace():
                    breaks = 0
            continue
        if not isinstance(node, Tag) or node.name in _SKIPPED:
            continue
        if node.name == "br":
            breaks += 1
            if breaks >= 2:
                end_paragraph()
            current.append("\n")
            continue
        if node.name in _BLOCKS:
            end_paragraph()
            breaks = 0
            stack.append((node, True))
        elif node.name in ("img", "input") or node.name == "wbr":
            continue
        stack.extend((child, False) for child in reversed(node.contents))
    end_paragraph()
    return paragraphs
