"""One reader per file type, each turning a file's bytes into paragraphs of plain text or refusing it."""
