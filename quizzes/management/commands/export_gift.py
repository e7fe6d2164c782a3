"""Write bank questions as GIFT, Moodle's plain-text question format, to standard output."""

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.gift_db import EXPORT_STATUSES, questions_for_export, questions_gift, source_named, topic_named


class Command(BaseCommand):
    help = (
        "Write the bank's published questions (or, with --status, its drafts or all of them) as GIFT to standard "
        "output (python manage.py export_gift > bank.gift), "
        "each titled with its key, under a $CATEGORY of its first topic. Ordering questions are written as "
        "matching with left sides 1, 2, 3, ... (import_gift reads them back as ordering); difficulty, points and "
        "citations have no place in GIFT and are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", metavar="FILE_NAME", help="only questions citing this source document")
        parser.add_argument("--topic", metavar="SLUG", help="only questions with this topic (slug or name)")
        parser.add_argument(
            "--status",
            choices=EXPORT_STATUSES,
            default="published",
            help="which questions: published (the default), draft (such as questions just imported) or all",
        )

    def handle(self, *args, **options):
        try:
            source = source_named(options["source"]) if options["source"] else None
            topic = topic_named(options["topic"]) if options["topic"] else None
            text = questions_gift(questions_for_export(source=source, topic=topic, status=options["status"]))
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(text, ending="")
