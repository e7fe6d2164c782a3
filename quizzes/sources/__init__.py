"""Teachers' own sources: documents a class reads, stored as plain paragraphs, read in the app and quoted by questions."""
