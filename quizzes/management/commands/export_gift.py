"""Write bank questions as GIFT, Moodle's plain-text question format, to standard output."""

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.gift_db import questions_for_export, questions_gift, source_named, topic_named
from quizzes.models import User


class Command(BaseCommand):
    help = (
        "Write the published bank questions as GIFT to standard output (python manage.py export_gift > bank.gift), "
        "each titled with its key, under a $CATEGORY of its first topic. Ordering questions are written as "
        "matching with left sides 1, 2, 3, ... (import_gift reads them back as ordering); difficulty, points and "
        "citations have no place in GIFT and are left out (export_bank keeps them). With --teacher USERNAME, that "
        "teacher's own questions instead, titled q<id>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", metavar="FILE_NAME", help="only questions citing this source document")
        parser.add_argument("--topic", metavar="SLUG", help="only questions with this topic (slug or name)")
        parser.add_argument("--teacher", metavar="USERNAME", help="that teacher's own questions, not the bank's")

    def handle(self, *args, **options):
        try:
            source = source_named(options["source"]) if options["source"] else None
            topic = topic_named(options["topic"]) if options["topic"] else None
            owner = User.objects.get(username=options["teacher"]) if options["teacher"] else None
            text = questions_gift(questions_for_export(source=source, topic=topic, owner=owner))
        except User.DoesNotExist:
            raise CommandError(f"No account named {options['teacher']}") from None
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(text, ending="")
