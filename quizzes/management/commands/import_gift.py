"""Import a GIFT file's questions into the bank as drafts, printing what became of each."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.gift_db import GiftFileError, decode_gift, gift_import, source_named, topic_named


class Command(BaseCommand):
    help = (
        "Import the questions of a GIFT file (Moodle's plain-text format, UTF-8) into the bank as drafts with no "
        "owner and no key, one report line per question (its line, imported or skipped and why). Each question's "
        "topic is the last part of its $CATEGORY (an existing topic with that slug or name, else a new one). "
        "A question already in the bank (same type, prompt and answers) is skipped. A syntax error imports nothing unless "
        "--keep-good. GIFT has no evidence quotes, so imported questions have no citation and must get one "
        "before they are published."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .gift or .txt file")
        parser.add_argument(
            "--source",
            metavar="FILE_NAME",
            help="the source document the questions come from (a file name such as 003_d2084e1c6c5dfc8e.txt); "
            "it must be known, and the report names it as the document to quote from before publishing "
            "(a citation needs a verbatim quote, which GIFT cannot carry)",
        )
        parser.add_argument("--topic", metavar="TOPIC", help="slug or name of a topic to add to every question")
        parser.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
        parser.add_argument(
            "--keep-good", action="store_true", help="on a syntax error, skip that question and import the rest"
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            text = decode_gift(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except GiftFileError as error:
            raise CommandError(f"{path}: {error}") from None
        try:
            source = source_named(options["source"]) if options["source"] else None
            topic = topic_named(options["topic"]) if options["topic"] else None
        except LookupError as error:
            raise CommandError(str(error)) from None
        report = gift_import(
            text=text, keep_good=options["keep_good"], dry_run=options["dry_run"], source=source, topic=topic
        )
        for line in report.lines:
            self.stdout.write(line.describe())
        if report.syntax_error is not None:
            raise CommandError(report.summary().replace("keep the good questions", "use --keep-good"))
        self.stdout.write(report.summary())
