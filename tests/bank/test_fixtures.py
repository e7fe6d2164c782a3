"""The question bank: loading the fixtures, check_bank, export_bank and the demo command."""

import csv
import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from quizzes.bank.fixtures import load_bank
from quizzes.models import Assignment, Choice, Classroom, Question, User
from tests import factories

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the source texts are not at {SEEDS} (outside our machines)"
)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bank(db):
    return load_bank()


def test_bank_loads_every_type_with_sources_and_quotes(bank):
    assert bank == Question.objects.count() > 0
    types = set(Question.objects.values_list("type", flat=True))
    assert types == {t.value for t in Question.Type}
    assert not Question.objects.filter(citations__isnull=True).exists()


def test_loading_twice_duplicates_nothing_and_keeps_ids(bank):
    ids = sorted(Question.objects.values_list("id", flat=True))
    choice_ids = sorted(Question.objects.values_list("choices__id", flat=True).exclude(choices__id=None))
    load_bank()
    assert sorted(Question.objects.values_list("id", flat=True)) == ids
    assert sorted(Question.objects.values_list("choices__id", flat=True).exclude(choices__id=None)) == choice_ids


@needs_seeds
def test_check_bank_finds_every_quote_in_the_seeds(bank):
    assert "0 problems" in run("check_bank", "--sources", str(SEEDS))


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


def test_export_bank_jsonl_has_the_documented_keys(bank):
    lines = run("export_bank", "--format", "jsonl").splitlines()
    assert len(lines) == bank
    rows = [json.loads(line) for line in lines]
    keys = {
        "id",
        "source_file",
        "type",
        "prompt",
        "answer",
        "evidence",
        "citations",
        "explanation",
        "topics",
        "difficulty",
        "status",
    }
    assert all(keys <= set(row) for row in rows)
    by_type = {row["type"]: row for row in rows}
    assert by_type["true_false"]["answer"] in ("True", "False")
    assert " > " in by_type["ordering"]["answer"]
    assert " = " in by_type["matching"]["answer"]
    assert float(by_type["numeric"]["answer"]) == float(by_type["numeric"]["answer"])
    assert all(row["evidence"] == row["citations"][0]["evidence"] for row in rows)


def test_export_bank_csv_has_a_header_and_a_row_per_question(bank):
    text = run("export_bank", "--format", "csv")
    assert text.splitlines()[0].startswith("id,source_file,type,prompt,answer")

    assert len(list(csv.DictReader(StringIO(text)))) == bank


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


def test_the_right_choice_is_not_always_in_the_same_place(bank):
    places = Counter()
    for question in Question.objects.filter(type="single").prefetch_related("choices"):
        places[[c.is_correct for c in question.choices.all()].index(True)] += 1
    assert len(places) >= 3
    assert max(places.values()) < 0.6 * sum(places.values())
    repeated = Choice.objects.values("question", "position").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()


def test_check_bank_leaves_teachers_own_copies_alone_and_knows_admin_topics(bank):
    original = Question.objects.bank().first()
    teacher = factories.TeacherFactory()
    copy = factories.QuestionFactory(owner=teacher, prompt=original.prompt)
    copy.topics.add(factories.TopicFactory(slug="my-own-topic", name="My own topic"))
    imported = factories.QuestionFactory(status="draft", with_parts=False, prompt="Imported from Moodle")
    imported.topics.add(factories.TopicFactory(slug="moodle-category", name="Moodle category"))
    for n in range(2):
        factories.ChoiceFactory(question=imported, text=f"Choice {n}", is_correct=n == 0)
    assert "0 problems" in run("check_bank")
