"""CSV for spreadsheets: cells that a spreadsheet shows as text rather than runs as a formula, and CSV text with a
byte order mark so that spreadsheets read accented names correctly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# What makes a spreadsheet read a cell as a formula (OWASP's list, "CSV injection"). Some spreadsheets skip
# leading spaces before they look, so the guard looks past them too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A CSV cell a spreadsheet will show as text rather than run as a formula: a leading apostrophe when needed."""
    return f"'{value}" if value.lstrip(" ").startswith(FORMULA_STARTS) else value


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A header and rows as CSV text with a byte order mark; every text cell is made spreadsheet_safe (numbers and
    other values are written as they are)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in (header, *rows):
        writer.writerow(spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row)
    return out.getvalue()
