"""Word files: their paragraphs and tables read, and every malformed or hostile .docx refused before it is parsed."""

import zipfile

import pytest

from quizzes.sources.ingest import UnreadableSource, read_upload
from quizzes.sources.readers import word
from tests.sources import documents


def refusal(data: bytes) -> str:
    with pytest.raises(UnreadableSource) as caught:
        read_upload("source.docx", data)
    return str(caught.value)


def test_a_word_document_gives_its_paragraphs_and_table_cells_in_order():
    data = documents.make_docx(
        [documents.REED, "Second  paragraph,\twith a tab.", "", documents.RUSSIAN],
        table=[["Date (Old Style)", "Event"], ["25 October", "The Winter Palace is taken"]],
    )
    assert read_upload("Reed.docx", data) == [
        "A source for the class",
        documents.REED,
        "Second paragraph, with a tab.",
        documents.RUSSIAN,
        "Date (Old Style)",
        "Event",
        "25 October",
        "The Winter Palace is taken",
    ]


def test_a_merged_table_cell_is_read_once():
    import io

    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Spans two columns"
    table.cell(0, 2).text = "Alone"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_upload("table.docx", buffer.getvalue()) == ["Spans two columns", "Alone"]


@pytest.mark.parametrize(
    "data",
    [
        b"This is plain text named .docx",
        b"PK\x03\x04 a truncated zip",
        documents.make_zip({"notes.txt": b"A zip, but not a Word document"}),
        documents.make_pdf_from_paragraphs([["A PDF renamed .docx"]]),
        documents.make_docx(["Fine"])[:2000],
    ],
    ids=["text", "truncated zip", "zip without a document", "pdf", "cut short"],
)
def test_a_file_that_is_not_a_word_document_is_refused(data):
    assert "not a valid Word document" in refusal(data)


def test_a_docx_whose_document_part_is_not_xml_is_refused():
    data = documents.replace_docx_part(documents.make_docx(["Fine"]), "word/document.xml", b"<w:document><unclosed")
    assert "not a valid Word document" in refusal(data)


def test_a_zip_bomb_is_refused_without_being_extracted(monkeypatch):
    bomb = documents.make_zip_bomb_docx(60_000_000)
    opened, open_member = [], zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name)
        return open_member(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert "could harm the server" in refusal(bomb)
    assert opened == []


def test_a_small_member_that_inflates_a_thousandfold_is_refused():
    assert "could harm the server" in refusal(documents.make_zip_bomb_docx(5_000_000))


def test_an_archive_with_too_many_members_is_refused():
    members = {f"word/part{number}.xml": b"<a/>" for number in range(word.MAX_MEMBERS + 1)}
    assert "could harm the server" in refusal(documents.make_zip(members))


def test_billion_laughs_entities_are_refused_before_parsing():
    assert "could harm the server" in refusal(documents.make_billion_laughs_docx())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le"])
def test_an_external_entity_is_refused_and_no_local_file_is_read(encoding, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-PASSWORD")
    message = refusal(documents.make_external_entity_docx(str(secret), encoding=encoding))
    assert "could harm the server" in message
    assert "SECRET" not in message


def test_python_docx_itself_does_not_expand_entities():
    """Behind the refusal, the parser python-docx uses would not read the file either (defence in depth)."""
    import io

    import docx

    data = documents.make_external_entity_docx("/etc/hostname")
    paragraphs = [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]
    hostname = open("/etc/hostname").read().strip()  # noqa: SIM115
    assert all(hostname not in text for text in paragraphs)


def test_a_docx_with_no_text_is_refused():
    import io

    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert "no text" in refusal(buffer.getvalue())
