"""Test documents made on the spot: text in several encodings, Markdown, HTML, Word and PDF files, and hostile ones.

No downloaded fixtures: every file a reader test uploads is written here, by fpdf2 (PDF), python-docx (Word) or by
hand (text, HTML, and the zip and XML tricks of a malicious .docx)."""

from __future__ import annotations

import io
import zipfile

# Sentences in the manner of an eyewitness account of Smolny (written for the tests, not a quotation).
REED = (
    "At Smolny there was a strange atmosphere. The great corridors were full of soldiers and workers, "
    "hurrying to and fro with bundles of papers; committees met behind every door, and the Military "
    "Revolutionary Committee sat day and night."
)
RUSSIAN = "Вся власть Советам! Временное правительство низложено. Государственная власть перешла в руки Военно-революционного комитета."
VOCABULARY = (
    "soldiers workers sailors committee congress soviet palace bridge telegraph station bread peace land "
    "council delegates resolution meeting garrison cruiser winter revolution ministers"
)
WORDS = VOCABULARY.split()


def words(count: int, start: int = 0) -> str:
    """A sentence-ish run of `count` words, deterministic, ending with a full stop."""
    text = " ".join(WORDS[(start + index) % len(WORDS)] for index in range(count))
    return text[0].upper() + text[1:] + "."


# --- Plain text and Markdown -------------------------------------------------------------------------------------


def make_text(text: str, encoding: str = "utf-8") -> bytes:
    """The text encoded as a file would be: "utf-8-sig" and "utf-16" write a byte order mark."""
    return text.encode(encoding)


MARKDOWN = """# The Second Congress of Soviets

The congress opened at *Smolny* on **25 October** at 10.40 pm; see [the minutes](https://example.org/minutes)
for the list of delegates.

## Resolutions

- The Decree on Peace
- The Decree on __Land__

> All power to the Soviets!

```
print("code is kept as text")
```

Inline `code` and an image ![a poster](poster.png) too.
"""


# --- HTML ------------------------------------------------------------------------------------------------------


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Page title, not body text</title>
<style>p { color: red; }</style>
<script>document.write("never stored");</script></head>
<body>
<h1>The storming of the Winter Palace</h1>
<p>The <em>Aurora</em> fired a blank shot &mdash; the signal &amp; the start.</p>
<div>A block <span>with inline</span> elements<br>and a line break.</div>
<ul><li>First item</li><li>Second <a href="https://example.org">item</a></li></ul>
<p>Entities: caf&eacute; &laquo;quoted&raquo; &#8470; 1</p>
<!-- a comment, never stored -->
<table><tr><td>Cell one</td><td>Cell two</td></tr></table>
<noscript>Enable JavaScript</noscript>
</body></html>
"""


def make_html(body: str, charset: str = "utf-8") -> bytes:
    page = f'<html><head><meta charset="{charset}"></head><body>{body}</body></html>'
    return page.encode(charset)


# --- Word ------------------------------------------------------------------------------------------------------


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A real .docx written by python-docx: a heading, the paragraphs, and an optional table after them."""
    import docx

    document = docx.Document()
    document.add_heading("A source for the class", level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_docx_part(docx_bytes: bytes, part_name: str, content: bytes) -> bytes:
    """The same .docx with one part (e.g. "word/document.xml") replaced by `content`."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = content if item.filename == part_name else source.read(item.filename)
            target.writestr(item.filename, data)
    return buffer.getvalue()


_BODY = "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body>"
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' + _BODY + "</w:document>"
)


def make_billion_laughs_docx() -> bytes:
    """A .docx whose document.xml defines nested entities that would expand to gigabytes ("billion laughs")."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    ]
    doctype = "<!DOCTYPE lolz [" + "".join(entities) + "]>\n"
    xml = _DOCUMENT.format(doctype=doctype, text="&lol9;")
    return replace_docx_part(make_docx(["placeholder"]), "word/document.xml", xml.encode())


def make_external_entity_docx(path: str = "/etc/passwd", encoding: str = "utf-8") -> bytes:
    """A .docx whose document.xml asks the parser to read a local file into the text (XXE)."""
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{path}">]>\n'
    xml = _DOCUMENT.format(doctype=doctype, text="&xxe;")
    if encoding != "utf-8":
        xml = xml.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    return replace_docx_part(make_docx(["placeholder"]), "word/document.xml", xml.encode(encoding))


def make_zip_bomb_docx(member_bytes: int = 60_000_000) -> bytes:
    """A .docx with an extra member of `member_bytes` zeros: tiny compressed, huge once extracted."""
    buffer = io.BytesIO(make_docx(["A short document with a large hidden part."]))
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("word/media/padding.bin", "w", force_zip64=True) as member,
    ):
        chunk = bytes(1_000_000)
        for _ in range(member_bytes // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    """A zip archive that is not a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------------


def _new_pdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=11)
    return pdf


LINE_MM, PARAGRAPH_GAP_MM, TOP_MM, BOTTOM_MM, LINE_CHARACTERS = 5.5, 4.0, 20.0, 277.0, 88


def make_pdf_from_paragraphs(pages: list[list[str]], running_head: str = "", page_numbers: bool = False) -> bytes:
    """A PDF with a text layer: each page starts with its paragraphs, wrapped into lines with a gap between them.

    A paragraph too long for its page runs on to a new page, as in a book. A running head (the book's title) over
    each page and page numbers under them are optional. Lines are wrapped here: fpdf2's own multi_cell is too slow
    for the 100-page benchmark file."""
    import textwrap

    pdf = _new_pdf()

    def new_page() -> float:
        pdf.add_page()
        if running_head:
            pdf.text(80, 12, running_head.replace("#", str(pdf.page_no())))
        if page_numbers:
            pdf.text(100, 290, str(pdf.page_no()))
        return TOP_MM

    for paragraphs in pages:
        y = new_page()
        for paragraph in paragraphs:
            for line in textwrap.wrap(paragraph, LINE_CHARACTERS):
                if y > BOTTOM_MM:
                    y = new_page()
                pdf.text(15, y, line)
                y += LINE_MM
            y += PARAGRAPH_GAP_MM
    return bytes(pdf.output())


def make_pdf(pages: int, words_per_page: int) -> bytes:
    """A `pages`-page PDF with about `words_per_page` words a page, in paragraphs of about 100 words.

    The benchmark stores the 100-page one (pages=100, words_per_page=500)."""
    per_paragraph = 100
    document = []
    for page in range(pages):
        left, paragraphs = words_per_page, []
        while left > 0:
            count = min(per_paragraph, left)
            paragraphs.append(f"Page {page + 1}. " + words(count - 2, start=page * 7 + len(paragraphs)))
            left -= count
        document.append(paragraphs)
    return make_pdf_from_paragraphs(document)


def make_image_only_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages are pictures only, as a scanner makes them: no text layer at all."""
    from PIL import Image, ImageDraw

    pdf = _new_pdf()
    for page in range(pages):
        picture = Image.new("RGB", (600, 800), "white")
        ImageDraw.Draw(picture).text((50, 50), f"Scanned page {page + 1}", fill="black")
        pdf.add_page()
        pdf.image(picture, x=10, y=10, w=190)
    return bytes(pdf.output())


def make_encrypted_pdf(user_password: str = "secret") -> bytes:
    """A PDF that opens only with a password (an empty user password opens without asking)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(make_pdf_from_paragraphs([[REED]])))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_pdf_bomb(inflated_bytes: int = 80_000_000) -> bytes:
    """A small PDF whose page's compressed content stream inflates to `inflated_bytes` of spaces."""
    import pypdf
    from pypdf.generic import DecodedStreamObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf_from_paragraphs([["Hello."]]))))
    content = DecodedStreamObject()
    content.set_data(b" " * inflated_bytes)
    writer.pages[0].replace_contents(content.flate_encode(level=9))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_slow_pdf(instructions: int = 200_000) -> bytes:
    """A PDF of a few kilobytes whose one page draws `instructions` line segments: seconds of work for a reader."""
    import pypdf
    from pypdf.generic import DecodedStreamObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf_from_paragraphs([["Hello."]]))))
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 11 Tf 50 700 Td (Hello.) Tj ET\n" + b"10 20 m 30 40 l S\n" * instructions)
    writer.pages[0].replace_contents(content.flate_encode(level=9))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
