"""Turning what a teacher pastes or uploads into plain paragraphs, or a clear reason why not.

The interface the rest of the package uses: read_pasted(text) and read_upload(file_name, data), both returning
a list of paragraphs (non-empty strings, whitespace inside each folded to single spaces) or raising
UnreadableSource with a message for the teacher."""

from __future__ import annotations


class UnreadableSource(ValueError):
    """The text cannot be stored; str(error) tells the teacher why and what to do instead."""


def paragraphs_from_text(text: str) -> list[str]:
    blocks = text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def read_pasted(text: str) -> list[str]:
    paragraphs = paragraphs_from_text(text)
    if not paragraphs:
        raise UnreadableSource("The text is empty: paste the document's text, or upload a file.")
    return paragraphs


def read_upload(file_name: str, data: bytes) -> list[str]:
    if not file_name.lower().endswith(".txt"):
        raise UnreadableSource("Only .txt files can be read yet.")
    try:
        return read_pasted(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UnreadableSource("The file is not UTF-8 text.") from error
