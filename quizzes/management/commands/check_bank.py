"""Check every question in the database; one line per problem, non-zero exit when there are any."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank_io import question_to_dict
from quizzes.models import Question
from quizzes.question_rules import bank_problems, load_source_texts


class Command(BaseCommand):
    help = "Check the whole question bank; with --sources DIR, find every evidence quote in its source text."

    def add_arguments(self, parser):
        parser.add_argument("--sources", type=Path, help="folder with the source documents' .txt files")

    def handle(self, *args, **options):
        texts = None
        if options["sources"]:
            if not options["sources"].is_dir():
                raise CommandError(f"No folder at {options['sources']}")
            texts = load_source_texts(options["sources"])
        questions = list(Question.objects.with_answers().prefetch_related("topics").order_by("id"))
        ids = {question_to_dict(q)["key"]: q.pk for q in questions}
        problems = bank_problems([question_to_dict(q) for q in questions], texts)
        for key, problem in problems:
            self.stdout.write(f"question {ids.get(key, '?')} ({key}): {problem}")
        summary = f"{len(questions)} questions checked, {len(problems)} problems."
        if problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
