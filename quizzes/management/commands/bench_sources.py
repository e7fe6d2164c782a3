"""Time teachers' sources at book size: a 150,000-word source, 200 questions quoting it, the reader, a quote check on
save and an upload, inside a transaction that is rolled back at the end."""

from __future__ import annotations

import json
import random
import statistics
import time
import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from quizzes.authoring.services import own_question_save
from quizzes.models import Source, User
from quizzes.sources.ingest import read_upload
from quizzes.sources.services import quote_check, source_add

_WORD_LIST = (
    "the soviet committee congress palace bridge telegraph garrison sailors workers soldiers bolsheviks mensheviks "
    "government minister night morning october petrograd smolny lenin trotsky kerensky kamenev zinoviev insurrection "
    "revolution delay fatal power land peace bread resolution delegates vote majority minority regiment cruiser "
    "aurora guard red commissar decree station army front war revolutionary military provisional winter city street"
)
WORDS = _WORD_LIST.split(" ")
WORDS_PER_PARAGRAPH = 100
WORDS_PER_PAGE = 500


def made_up_paragraphs(words: int, rng: random.Random) -> list[str]:
    """Paragraphs of sentences of 8 to 24 words, `words` words in all, each sentence numbered so quotes are unique."""
    paragraphs, sentence_number, left = [], 0, words
    while left > 0:
        sentences, count = [], 0
        while count < min(WORDS_PER_PARAGRAPH, left):
            sentence_number += 1
            length = min(rng.randint(8, 24), min(WORDS_PER_PARAGRAPH, left) - count)
            body = [rng.choice(WORDS) for _ in range(max(0, length - 1))]
            sentences.append(" ".join([f"N{sentence_number}", *body]).capitalize() + ".")
            count += max(1, length)
        paragraphs.append(" ".join(sentences))
        left -= count
    return paragraphs


def upload_document(pages: int, rng: random.Random) -> tuple[str, bytes, str]:
    """A PDF of `pages` pages to upload, made by the tests' document maker (tests/sources/documents.py, with the
    test dependencies installed), else the same number of words as a .txt file (upload_format says which)."""
    try:
        from tests.sources.documents import make_pdf
    except ImportError:
        text = "\n\n".join(made_up_paragraphs(pages * WORDS_PER_PAGE, rng))
        return "bench.txt", text.encode(), "txt"
    return "bench.pdf", make_pdf(pages, WORDS_PER_PAGE), "pdf"


class Command(BaseCommand):
    help = (
        "Store a --words word source and --questions questions quoting it; time the reader page showing a paragraph "
        "(--renders times), the quote check on save (once per question) and the upload of a --pages page document "
        "(a PDF made with the test dependencies' maker; a .txt without them); roll it all back. The last line printed is JSON: words, "
        "reader_ms, quote_check_ms, upload_ms, reader_queries, upload_format."
    )

    def add_arguments(self, parser):
        parser.add_argument("--words", type=int, default=150_000)
        parser.add_argument("--questions", type=int, default=200)
        parser.add_argument("--renders", type=int, default=20)
        parser.add_argument("--pages", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1917)

    def handle(self, *args, words: int, questions: int, renders: int, pages: int, seed: int, **options):
        if min(words, questions, renders, pages) < 1 or words > 1_000_000 or questions > 10_000 or pages > 2_000:
            raise CommandError("--words (1 to 1,000,000), --questions, --renders and --pages must be at least 1.")
        rng = random.Random(seed)
        with transaction.atomic():
            teacher = User.objects.create(
                username=f"bench-{uuid.uuid4().hex[:8]}", role=User.Role.TEACHER, password=make_password(None)
            )
            paragraphs = made_up_paragraphs(words, rng)
            started = time.perf_counter()
            source = source_add(
                owner=teacher, paragraphs=paragraphs, rights_confirmed=True, author="Bench", title="A long book"
            )
            stored_ms = (time.perf_counter() - started) * 1000
            quotes = self._quotes(paragraphs, questions, rng)
            check_times = self._questions(teacher, source, quotes)
            reader_times, reader_queries = self._reader(teacher, source, renders, rng)
            upload_times, upload_format = self._uploads(teacher, pages, rng)
            transaction.set_rollback(True)  # nothing the benchmark made may stay behind
        summary = {
            "words": source.word_count,
            "reader_ms": round(statistics.median(reader_times), 1),
            "quote_check_ms": round(statistics.median(check_times), 2),
            "upload_ms": round(statistics.median(upload_times), 1),
            "reader_queries": reader_queries,
            "upload_format": upload_format,
        }
        self.stdout.write(
            f"A source of {source.word_count:,} words in {source.paragraph_count:,} paragraphs stored in "
            f"{stored_ms:.0f} ms; {len(quotes)} questions quote it; reader median {summary['reader_ms']} ms "
            f"({reader_queries} queries), quote check median {summary['quote_check_ms']} ms, {pages}-page "
            f"{upload_format} upload median {summary['upload_ms']} ms, on {connection.vendor}."
        )
        self.stdout.write(json.dumps(summary))

    def _quotes(self, paragraphs: list[str], count: int, rng: random.Random) -> list[str]:
        quotes = []
        for _ in range(count):
            words = rng.choice(paragraphs).split(" ")
            length = min(len(words), rng.randint(5, 25))
            start = rng.randint(0, len(words) - length)
            quotes.append(" ".join(words[start : start + length]))
        return quotes

    def _questions(self, teacher, source: Source, quotes: list[str]) -> list[float]:
        """Save a question per quote through the editor's service; time each quote's check (as saving runs it)."""
        times = []
        for n, quote in enumerate(quotes):
            started = time.perf_counter()
            quote_check(source=source, quote=quote)
            times.append((time.perf_counter() - started) * 1000)
            own_question_save(
                teacher=teacher,
                data={
                    "type": "true_false",
                    "prompt": f"Benchmark question {n}?",
                    "explanation": "The source says so.",
                    "difficulty": 1,
                    "points": 1,
                    "answer": True,
                    "citations": [{"source": source.file_name, "quote": quote}],
                },
            )
        return times

    def _reader(self, teacher, source: Source, renders: int, rng: random.Random) -> tuple[list[float], int]:
        url = reverse("source_read", args=[source.pk])
        times, queries = [], 0
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            client = Client()
            client.force_login(teacher)
            for _ in range(renders):
                paragraph = rng.randint(1, source.paragraph_count)
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url, {"p": paragraph}, secure=getattr(settings, "SECURE_SSL_REDIRECT", False))
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200 or f'id="p{paragraph}"'.encode() not in response.content:
                    raise CommandError(f"The reader answered {response.status_code} without paragraph {paragraph}.")
                queries = len(captured.captured_queries)
        return times, queries

    def _uploads(self, teacher, pages: int, rng: random.Random) -> tuple[list[float], str]:
        name, data, kind = upload_document(pages, rng)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            paragraphs = read_upload(name, data)
            source_add(owner=teacher, paragraphs=paragraphs, rights_confirmed=True, author="Bench", title=name)
            times.append((time.perf_counter() - started) * 1000)
        return times, kind
