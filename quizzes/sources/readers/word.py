"""Word (.docx) files read by python-docx, after the archive and its XML have been checked for tricks.

Checked before python-docx opens anything, with the zipfile module's directory only (nothing is extracted yet):
the number of members, their total size once extracted, and each member's compression ratio (an "archive bomb"
is a few kilobytes that inflate to gigabytes). Then every member is scanned for a DOCTYPE or ENTITY declaration,
which Word never writes and which the "billion laughs" and external-entity (XXE) attacks need; such a file is
refused before any XML parser sees it. (python-docx's own parser also leaves entities unresolved.)"""

from __future__ import annotations

import io
import zipfile
import zlib

from quizzes.sources.ingest import UnreadableSource

MAX_MEMBERS = 2_000
MAX_EXTRACTED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
# A small member may compress very well (a run of empty table cells) without harm; the ratio is judged above this
# size. (Prose in Word's XML compresses about tenfold.)
RATIO_FROM_BYTES = 2 * 1024 * 1024

NOT_WORD = (
    "This is not a valid Word document (.docx). Open it in Word or LibreOffice, save it as .docx, and upload it "
    "again, or paste the text instead."
)
UNSAFE = (
    "This Word document holds content that could harm the server (an archive that inflates to an enormous size, or "
    "XML entity declarations), so it was not opened. Open it in Word, copy the text, and paste it instead."
)
# Every encoding an XML parser might be told the part is in, as bytes.lower() leaves it.
_DECLARATIONS = tuple(
    word.encode(encoding)
    for word in ("<!doctype", "<!entity")
    for encoding in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def read_docx(data: bytes) -> list[str]:
    if not data.startswith(b"PK"):
        raise UnreadableSource(NOT_WORD)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise UnreadableSource(NOT_WORD) from error
    with archive:
        check_archive(archive)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UnreadableSource(NOT_WORD) from error
    except Exception as error:  # noqa: BLE001 - lxml's XMLSyntaxError and the like: not a document Word wrote
        raise UnreadableSource(NOT_WORD) from error
    return list(document_paragraphs(document))


def check_archive(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnreadableSource(UNSAFE)
    if sum(member.file_size for member in members) > MAX_EXTRACTED_BYTES:
        raise UnreadableSource(UNSAFE)
    for member in members:
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise UnreadableSource(UNSAFE)
    for member in members:
        if member.is_dir():
            continue
        try:
            # zipfile stops at the size the directory declares, so a member that lies about it cannot inflate.
            content = archive.read(member).lower()
        except (
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            RuntimeError,
            ValueError,
            EOFError,
            OSError,
        ) as error:
            raise UnreadableSource(NOT_WORD) from error
        if any(declaration in content for declaration in _DECLARATIONS):
            raise UnreadableSource(UNSAFE)


def document_paragraphs(document) -> list[str]:
    """The body's paragraphs in reading order, with the paragraphs of tables (and tables in tables) in place.

    A merged cell appears once. Headers, footers, footnotes and text boxes are not read."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraphs: list[str] = []
    pending = list(reversed(list(document.iter_inner_content())))
    while pending:
        block = pending.pop()
        if isinstance(block, Paragraph):
            paragraphs.append(block.text)
        elif isinstance(block, Table):
            cells, seen = [], set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:  # the same XML element for each grid column a merged cell spans
                        seen.add(cell._tc)
                        cells.extend(cell.iter_inner_content())
            pending.extend(reversed(cells))
    return paragraphs
