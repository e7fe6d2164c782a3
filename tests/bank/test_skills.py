"""The historical thinking skill of a question: in the YAML/dict form, the bank's rules, the loader, check_bank and
export_bank."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from quizzes.bank import rules
from quizzes.bank.fixtures import BankError, load_bank, question_to_dict, save_question
from quizzes.models import Question
from tests import factories
from tests.bank.test_fixtures import run

SOUND = {
    "key": "figes-test-skill",
    "type": "true_false",
    "difficulty": 1,
    "topics": ["votes"],
    "prompt": "According to Figes, the Central Committee first ignored Lenin's call to rise.",
    "answer": True,
    "explanation": "It resolved to wait for the Congress.",
    "skill": "close_reading",
    "citations": [
        {"source": "000_bbd3b2b247186d94.txt", "quote": "The Central Committee ignored Lenin's instructions."}
    ],
}


def test_the_rules_know_the_same_skills_as_the_model():
    assert tuple(Question.Skill.values) == rules.SKILLS


def test_a_sound_question_with_a_skill_has_no_problems():
    assert rules.question_problems(SOUND) == []


def test_an_unknown_skill_is_a_problem_even_on_a_draft():
    problems = rules.question_problems(SOUND | {"skill": "memory", "status": "draft"})
    assert problems == [
        "unknown skill 'memory': use one of close_reading, sourcing, corroboration, contextualisation, chronology"
    ]


def test_a_published_bank_question_needs_a_skill_but_drafts_and_teachers_own_questions_do_not():
    no_skill = {k: v for k, v in SOUND.items() if k != "skill"}
    assert any(p.startswith("has no skill") for p in rules.question_problems(no_skill))
    assert rules.question_problems(no_skill | {"status": "draft"}) == []
    assert rules.question_problems(no_skill, require_evidence=False) == []


def test_every_question_in_the_fixture_files_needs_a_skill_even_a_draft():
    draft = {k: v for k, v in SOUND.items() if k != "skill"} | {"status": "draft"}
    assert bank_keys_with_problems([draft], require_skill=True) == {"figes-test-skill": ["has no skill"]}


def bank_keys_with_problems(questions, **kwargs):
    found = {}
    for key, problem in rules.bank_problems(questions, **kwargs):
        found.setdefault(key, []).append(problem.split(" (")[0])
    return found


def write_bank(directory: Path, questions: list[dict]) -> Path:
    (directory / "bank").mkdir(parents=True)
    (directory / "bank" / "000_test.yaml").write_text(yaml.safe_dump(questions), encoding="utf-8")
    (directory / "sources.yaml").write_text(
        yaml.safe_dump([{"file_name": "000_bbd3b2b247186d94.txt", "author": "Orlando Figes", "title": "Lenin"}]),
        encoding="utf-8",
    )
    (directory / "topics.yaml").write_text(yaml.safe_dump([{"slug": "votes", "name": "Votes"}]), encoding="utf-8")
    return directory


def test_load_bank_saves_the_skill_and_refuses_a_question_without_one(db, tmp_path):
    assert load_bank(write_bank(tmp_path / "good", [SOUND])) == 1
    assert Question.objects.get(key="figes-test-skill").skill == "close_reading"
    no_skill = {k: v for k, v in SOUND.items() if k != "skill"} | {"key": "figes-no-skill"}
    with pytest.raises(BankError, match="figes-no-skill: has no skill"):
        load_bank(write_bank(tmp_path / "bad", [no_skill]))


def test_the_dict_form_round_trips_the_skill(db):
    question = factories.QuestionFactory(skill=Question.Skill.CORROBORATION)
    data = question_to_dict(Question.objects.with_answers().prefetch_related("topics").get(pk=question.pk))
    assert data["skill"] == "corroboration"
    source = question.citations.first().source
    copy = save_question(
        data | {"key": "a-copy", "prompt": "Another prompt"}, sources={source.file_name: source}, topics={}
    )
    assert copy.skill == "corroboration"


def test_check_bank_names_a_published_bank_question_without_a_skill(db):
    factories.QuestionFactory(true_false=True, skill="")
    factories.QuestionFactory(true_false=True, skill="", status="draft")
    factories.QuestionFactory(true_false=True, skill="", owner=factories.TeacherFactory())
    out = StringIO()
    with pytest.raises(CommandError, match="2 questions checked, 1 problems"):
        call_command("check_bank", stdout=out)
    assert "has no skill" in out.getvalue()


def test_export_bank_writes_the_skill_in_jsonl_and_csv(db):
    factories.QuestionFactory(skill=Question.Skill.CHRONOLOGY, ordering=True)
    factories.QuestionFactory(skill="", status="draft")
    rows = [json.loads(line) for line in run("export_bank", "--format", "jsonl").splitlines()]
    assert sorted(row["skill"] for row in rows) == ["", "chronology"]
    table = list(csv.DictReader(StringIO(run("export_bank", "--format", "csv").removeprefix("\ufeff"))))
    assert sorted(row["skill"] for row in table) == ["", "chronology"]
