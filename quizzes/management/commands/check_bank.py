"""Check every question in the database; one line per problem, non-zero exit when there are any."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.fixtures import question_to_dict
from quizzes.bank.rules import bank_problems, load_source_texts
from quizzes.models import Question, Topic
from quizzes.sources.selectors import stored_quote_problems


class Command(BaseCommand):
    help = (
        "Check the shared question bank (topics: those in the database); with --sources DIR, find every evidence "
        "quote in its source text. Every quote (teachers' questions too) of a source whose text is stored in the "
        "database is checked against that text."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sources", type=Path, help="folder with the source documents' .txt files")

    def handle(self, *args, **options):
        texts = None
        if options["sources"]:
            if not options["sources"].is_dir():
                raise CommandError(f"No folder at {options['sources']}")
            texts = load_source_texts(options["sources"])
        # The shared bank; teachers' own questions are checked when they save them.
        questions = list(Question.objects.bank().with_answers().prefetch_related("topics").order_by("id"))
        ids = {question_to_dict(q)["key"]: q.pk for q in questions}
        known_topics = set(Topic.objects.values_list("slug", flat=True))
        problems = bank_problems([question_to_dict(q) for q in questions], texts, known_topics)
        for key, problem in problems:
            self.stdout.write(f"question {ids.get(key, '?')} ({key}): {problem}")
        # Every question, the bank's and teachers', quoting a source whose text is stored: its quotes must be there.
        stored = stored_quote_problems()
        for question_id, problem in stored:
            self.stdout.write(f"question {question_id}: {problem}")
        problems = [*problems, *stored]
        summary = f"{len(questions)} questions checked, {len(problems)} problems."
        if problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
