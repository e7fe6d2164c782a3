"""Fuzzing the readers: whatever bytes arrive, the teacher gets clean paragraphs or an UnreadableSource, never a 500."""

import functools
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.sources.ingest import EXTENSIONS, UnreadableSource, clean_text, fold, read_pasted, read_upload
from quizzes.sources.readers import isolated
from tests.sources import documents

fuzzing = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(file_name: str, data: bytes) -> list[str] | None:
    # PDFs are read in this process: forking a child for each example would triple the test's time, and the child
    # is tested on its own (test_ingest_pdf.py).
    in_this_process = mock.patch.object(isolated, "run_with_deadline", lambda reader, data, **limits: reader(data))
    try:
        with in_this_process:
            paragraphs = read_upload(file_name, data)
    except UnreadableSource as refusal:
        assert str(refusal)
        return None
    assert paragraphs
    assert all(paragraph and paragraph == fold(paragraph) for paragraph in paragraphs)
    return paragraphs


@functools.cache
def valid_files() -> dict[str, bytes]:
    return {
        ".txt": documents.make_text(documents.RUSSIAN + "\n\n" + documents.REED, "utf-16"),
        ".md": documents.MARKDOWN.encode(),
        ".html": documents.HTML.encode(),
        ".docx": documents.make_docx([documents.REED, documents.RUSSIAN], table=[["a", "b"]]),
        ".pdf": documents.make_pdf_from_paragraphs([[documents.REED, documents.words(40)], ["Second page."]]),
    }


@fuzzing
@given(text=st.text())
def test_pasted_text_keeps_every_word_in_order(text):
    try:
        paragraphs = read_pasted(text)
    except UnreadableSource:
        assert not clean_text(text).split()
        return
    assert " ".join(paragraphs).split() == clean_text(text).split()


@fuzzing
@given(extension=st.sampled_from(EXTENSIONS), data=st.binary(min_size=1, max_size=4000))
def test_random_bytes_are_read_or_refused(extension, data):
    read_or_refuse(f"source{extension}", data)


@pytest.mark.parametrize("extension", [".txt", ".md", ".html", ".docx", ".pdf"])
@fuzzing
@given(data=st.data())
def test_damaged_files_are_read_or_refused(extension, data):
    original = bytearray(valid_files()[extension])
    for _ in range(data.draw(st.integers(1, 8), label="damages")):
        position = data.draw(st.integers(0, len(original) - 1), label="position")
        original[position] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.integers(1, len(original)), label="kept bytes")
    read_or_refuse(f"source{extension}", bytes(original[:cut]))


def test_the_valid_files_the_fuzzer_damages_are_read():
    for extension, data in valid_files().items():
        assert read_or_refuse(f"source{extension}", data), extension
