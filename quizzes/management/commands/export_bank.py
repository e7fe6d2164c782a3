"""Write every question as JSON lines or CSV, for review in a spreadsheet."""

import json

from django.core.management.base import BaseCommand

from quizzes.bank.export import export_rows
from quizzes.spreadsheet import csv_text


class Command(BaseCommand):
    help = "Export the question bank: --format jsonl (default) or csv, to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")

    def handle(self, *args, **options):
        rows = export_rows()
        if options["format"] == "jsonl":
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            return
        # Teachers write the prompts, answers and explanations: csv_text keeps a cell such as "=HYPERLINK(...)"
        # from running as a formula in the spreadsheet the README says to open this in.
        header = list(rows[0]) if rows else ["id"]
        cells = (
            [json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value for value in row.values()]
            for row in rows
        )
        self.stdout.write(csv_text(header, cells), ending="")
