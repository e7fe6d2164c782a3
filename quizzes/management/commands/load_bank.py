"""Load (or reload) the question bank from fixtures/."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.fixtures import FIXTURES, BankError, load_bank


class Command(BaseCommand):
    help = "Create or update sources, topics and every question of fixtures/bank/*.yaml, by key."

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder with sources.yaml and bank/")

    def handle(self, *args, **options):
        try:
            count = load_bank(options["fixtures"])
        except BankError as error:
            raise CommandError(f"The bank was not loaded:\n{error}") from None
        self.stdout.write(f"Loaded {count} questions.")
