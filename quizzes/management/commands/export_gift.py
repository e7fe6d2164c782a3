"""Write bank questions as GIFT, Moodle's plain-text question format, to standard output."""

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.gift_db import EXPORT_STATUSES, questions_for_export, questions_gift, source_named, topic_named
from quizzes.models import User


class Command(BaseCommand):
    help = (
        "Write the bank's published questions (or, with --status, its drafts or all of them) as GIFT to standard "
        "output (python manage.py export_gift > bank.gift), "
        "each titled with its key, under a $CATEGORY of its first topic. Ordering questions are written as "
        "matching with left sides 1, 2, 3, ... (import_gift reads them back as ordering); difficulty, points and "
        "citations have no place in GIFT and are left out (export_bank keeps them). With --teacher USERNAME, that "
        "teacher's own questions instead, titled q<id>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", metavar="FILE_NAME", help="only questions citing this source document")
        parser.add_argument("--topic", metavar="SLUG", help="only questions with this topic (slug or name)")
        parser.add_argument("--teacher", metavar="USERNAME", help="that teacher's own questions, not the bank's")
        parser.add_argument(
            "--status",
            choices=EXPORT_STATUSES,
            default=None,
            help="which questions: published (the bank's default), draft (such as questions just imported) or all "
            "(a teacher's default)",
        )

    def handle(self, *args, **options):
        try:
            source = source_named(options["source"]) if options["source"] else None
            topic = topic_named(options["topic"]) if options["topic"] else None
            owner = User.objects.get(username=options["teacher"]) if options["teacher"] else None
            text = questions_gift(
                questions_for_export(source=source, topic=topic, owner=owner, status=options["status"])
            )
        except User.DoesNotExist:
            raise CommandError(f"No account named {options['teacher']}") from None
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(text, ending="")
