"""The loaded October 1917 bank: every type, every quote found, export keys, the right choice's place.

These tests only read the bank, so it is loaded once for the module (each test's own writes are rolled back
with its transaction) and removed afterwards, so no other module sees it.
"""

import csv
import json
from collections import Counter
from io import StringIO

import pytest
from django.db.models import Count

from quizzes.bank.fixtures import load_bank
from quizzes.models import Choice, Question, Source, Topic
from tests import factories
from tests.bank.test_fixtures import SEEDS, needs_seeds, run


@pytest.fixture(scope="module")
def loaded_bank(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        count = load_bank()
    yield count
    with django_db_blocker.unblock():
        Question.objects.all().delete()
        Source.objects.all().delete()
        Topic.objects.all().delete()


@pytest.fixture
def bank(loaded_bank, db):
    return loaded_bank


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
        "skill",
        "status",
    }
    assert all(keys <= set(row) for row in rows)
    assert {row["skill"] for row in rows} <= set(Question.Skill.values)  # every bank question has one
    by_type = {row["type"]: row for row in rows}
    assert by_type["true_false"]["answer"] in ("True", "False")
    assert " > " in by_type["ordering"]["answer"]
    assert " = " in by_type["matching"]["answer"]
    assert float(by_type["numeric"]["answer"]) == float(by_type["numeric"]["answer"])
    assert all(row["evidence"] == row["citations"][0]["evidence"] for row in rows)


def test_export_bank_csv_has_a_header_and_a_row_per_question(bank):
    text = run("export_bank", "--format", "csv")
    assert text.startswith("\ufeffid,source_file,type,prompt,answer")
    text = text.removeprefix("\ufeff")

    assert len(list(csv.DictReader(StringIO(text)))) == bank


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
