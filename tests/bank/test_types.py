"""The question-type registry (quizzes/bank/types/): it agrees with Question.Type, the bank's rules, the database
constraint and the templates, and each type's pieces fit together (parse, grade, describe, store, dict form)."""

import subprocess
import sys
from decimal import Decimal

import pytest
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import get_template

from quizzes.authoring.forms import OwnQuestionForm
from quizzes.bank import rules
from quizzes.bank.answers import AnswerError, answer_from_json, answer_to_json, parse_answer
from quizzes.bank.fixtures import question_to_dict, save_question
from quizzes.bank.grading import grade
from quizzes.bank.models import PART_RELATIONS
from quizzes.bank.presentation import describe_answer, form_values, present
from quizzes.bank.types import REGISTRY, VALUES, question_type
from quizzes.models import Question
from tests import factories
from tests.answering import WRONG_ANSWERS

TYPES = list(Question.Type.values)


def test_every_question_type_has_a_registry_entry_and_every_entry_a_question_type():
    assert tuple(Question.Type.values) == VALUES
    assert all(REGISTRY[value].value == value for value in VALUES)


def test_the_bank_rules_know_the_same_types():
    assert tuple(Question.Type.values) == rules.TYPES


def test_the_database_constraint_names_every_type():
    constraint = next(c for c in Question._meta.constraints if c.name == "question_type_known")
    assert constraint.condition == Q(type__in=Question.Type.values)


def test_the_test_helpers_make_every_type():
    assert set(factories.EXAMPLE_PARTS) == set(VALUES)
    assert set(WRONG_ANSWERS) == set(VALUES)


@pytest.mark.parametrize("value", TYPES)
def test_each_type_has_its_template_parts_and_form_fields(value):
    kind = question_type(value)
    assert get_template(kind.template)
    assert set(kind.parts) <= set(PART_RELATIONS)
    assert kind.form_parts and set(kind.form_parts) <= set(OwnQuestionForm.base_fields)
    assert kind.description and kind.seconds > 0


def test_an_unknown_type_is_not_in_the_registry():
    with pytest.raises(KeyError):
        question_type("essay")
    assert rules.question_problems({"type": "essay"}) == ["unknown question type 'essay'"]


def test_the_registry_grading_and_rules_need_no_django():
    code = "import sys, quizzes.bank.types, quizzes.bank.grading, quizzes.bank.rules; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _question(value: str) -> Question:
    traits = {} if value == "single" else {value: True}
    made = factories.QuestionFactory(**traits)
    return Question.objects.with_answers().prefetch_related("topics").get(pk=made.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("value", TYPES)
def test_a_right_answer_posted_as_the_form_is_read_back_graded_right_and_stored(value):
    question = _question(value)
    kind = question_type(value)
    shown = present(question, seed=7, shuffle_choices=True)
    right = kind.right_answer(question)
    form = QueryDict(mutable=True)
    for name, posted in kind.form_data(shown, right).items():
        form.setlist(name, posted if isinstance(posted, list) else [posted])
    assert parse_answer(shown, form) == right
    assert grade(question.answer_key(), right).correct
    assert answer_from_json(value, answer_to_json(value, right)) == right
    assert form_values(shown, right)
    assert describe_answer(question, right) not in ("", "No answer")
    assert question.correct_answer_text()


@pytest.mark.django_db
@pytest.mark.parametrize("value", TYPES)
def test_a_wrong_answer_earns_nothing_and_an_empty_form_is_refused(value):
    question = _question(value)
    shown = present(question, seed=7, shuffle_choices=True)
    assert grade(question.answer_key(), WRONG_ANSWERS[value](question, shown)).points == Decimal(0)
    with pytest.raises(AnswerError):
        parse_answer(shown, QueryDict())


@pytest.mark.django_db
@pytest.mark.parametrize("value", TYPES)
def test_the_dict_form_is_sound_and_saves_back_to_the_same_question(value):
    question = _question(value)
    data = question_to_dict(question)
    assert question_type(value).problems(data) == []
    sources = {c.source.file_name: c.source for c in question.citations.all()}
    copy = save_question(data | {"key": "copy"}, sources=sources, topics={})
    copy = Question.objects.with_answers().prefetch_related("topics").get(pk=copy.pk)
    assert question_to_dict(copy) | {"key": "x"} == data | {"key": "x"}
