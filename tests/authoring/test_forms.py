"""Forms of the builder that hold a rule of their own: a random set's rule, and the preview's query string."""

import pytest
from django.http import QueryDict

from quizzes.authoring.draw import Rule
from quizzes.authoring.forms import PreviewForm, RuleForm
from quizzes.models import QuizSet
from tests import factories


@pytest.mark.parametrize(
    ("query", "seed", "position", "one", "answers"),
    [
        ("", 7, 1, False, True),
        ("seed=42&view=one&q=2&answers=hide", 42, 2, True, False),
        ("seed=-5&q=0", 0, 1, False, True),
        ("seed=99999999999&q=500", PreviewForm.MAX_SEED, 3, False, True),
        ("seed=abc&q=%00&view=all", 7, 1, False, True),
        ("seed=&q=", 7, 1, False, True),
    ],
)
def test_the_preview_query_is_brought_into_range_never_refused(query, seed, position, one, answers):
    shown = PreviewForm.of(QueryDict(query), default_seed=7)
    assert shown.chosen_seed == seed
    assert shown.position(3) == position
    assert shown.one_at_a_time is one and shown.show_answers is answers


def test_an_empty_set_previews_question_one():
    assert PreviewForm.of(QueryDict("q=4"), default_seed=1).position(0) == 1


def test_the_rule_form_gives_the_rule_it_holds_or_the_saved_one(db):
    topic = factories.TopicFactory(slug="votes")
    quiz_set = factories.QuizSetFactory(kind=QuizSet.Kind.RANDOM, rule_count=5)
    assert RuleForm.for_set(quiz_set).rule() == Rule.of(quiz_set)
    bound = RuleForm.for_set(
        quiz_set,
        QueryDict(f"count=3&topics={topic.pk}&types=single&difficulty_min=1&difficulty_max=2"),
    )
    assert bound.rule() == Rule(
        count=3,
        topic_ids=frozenset({topic.pk}),
        source_ids=frozenset(),
        types=("single",),
        difficulty_min=1,
        difficulty_max=2,
    )
    invalid = RuleForm.for_set(quiz_set, QueryDict("count=0&difficulty_min=1&difficulty_max=3"))
    assert invalid.rule() == Rule.of(quiz_set)
