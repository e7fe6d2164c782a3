"""Write every question as JSON lines or CSV, for review in a spreadsheet."""

import csv
import json

from django.core.management.base import BaseCommand

from quizzes.bank.export import export_rows


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
        writer = csv.DictWriter(self.stdout, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()}
            )
