"""bench_sources runs end to end at a small size and leaves nothing behind: its last line is the summary."""

import json
from io import StringIO

from django.core.management import call_command

from quizzes.models import Question, Source, SourceParagraph


def test_bench_sources_prints_its_summary_last_and_rolls_back(db):
    out = StringIO()
    call_command("bench_sources", "--words", "3000", "--questions", "5", "--renders", "2", "--pages", "2", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["words"] == 3000
    assert summary["upload_format"] == "pdf"
    assert summary.keys() >= {"words", "reader_ms", "quote_check_ms", "upload_ms"}
    assert all(summary[key] > 0 for key in ("reader_ms", "quote_check_ms", "upload_ms"))
    assert not Source.objects.exists() and not SourceParagraph.objects.exists() and not Question.objects.exists()
