"""Quiz-set and own-question services: positions stay contiguous, refusals, the random rule, copies and edits."""

from decimal import Decimal

import pytest

from quizzes.authoring.draw import Rule, draw_random, rule_match_count, rule_questions
from quizzes.authoring.services import (
    QuestionInvalid,
    QuestionNotUsable,
    QuizSetRefused,
    own_question_save,
    question_duplicate,
    quiz_set_add_question,
    quiz_set_create,
    quiz_set_move_question,
    quiz_set_remove_question,
    quiz_set_update_rule,
)
from quizzes.models import Choice, Question, QuizSet, QuizSetItem
from tests import factories


def positions(quiz_set) -> list[tuple[int, int]]:
    return list(quiz_set.items.order_by("position").values_list("position", "question_id"))


@pytest.fixture
def own_set(school):
    return quiz_set_create(owner=school.teacher, title="  Deciding on the rising ", description="Figes and Cliff")


def test_a_new_set_belongs_to_its_teacher_and_is_fixed_by_default(school, own_set):
    assert own_set.owner == school.teacher
    assert own_set.title == "Deciding on the rising"
    assert own_set.kind == QuizSet.Kind.FIXED


def test_a_set_of_an_unknown_kind_is_refused(school):
    with pytest.raises(QuizSetRefused):
        quiz_set_create(owner=school.teacher, title="Odd", kind="shuffled")


def test_questions_are_added_at_the_end_and_twice_is_once(school, own_set):
    single, ordering = school.questions["single"], school.questions["ordering"]
    quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=single.pk)
    quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=ordering.pk)
    again = quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=single.pk)
    assert again.position == 1
    assert positions(own_set) == [(1, single.pk), (2, ordering.pk)]


def test_a_teachers_own_question_can_be_added_but_not_another_teachers(school, own_set):
    mine = factories.QuestionFactory(owner=school.teacher, key="")
    theirs = factories.QuestionFactory(owner=school.other_teacher, key="")
    quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=mine.pk)
    with pytest.raises(QuizSetRefused) as refused:
        quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=theirs.pk)
    assert refused.value.status == 404
    assert positions(own_set) == [(1, mine.pk)]


def test_a_draft_of_the_bank_is_refused_with_a_reason(school, own_set):
    draft = factories.QuestionFactory(status=Question.Status.DRAFT)
    with pytest.raises(QuizSetRefused) as refused:
        quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=draft.pk)
    assert refused.value.status == 400
    assert "draft" in str(refused.value)
    assert not own_set.items.exists()


def test_a_question_that_does_not_exist_is_refused(school, own_set):
    with pytest.raises(QuizSetRefused) as refused:
        quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=999_999)
    assert refused.value.status == 404


def test_a_random_set_takes_no_questions_one_by_one(school):
    random_set = quiz_set_create(owner=school.teacher, title="Mixed", kind=QuizSet.Kind.RANDOM)
    with pytest.raises(QuizSetRefused):
        quiz_set_add_question(quiz_set=random_set, teacher=school.teacher, question_id=school.questions["single"].pk)


def test_removing_keeps_positions_contiguous(school, own_set):
    questions = list(school.questions.values())[:4]
    for question in questions:
        quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=question.pk)
    quiz_set_remove_question(quiz_set=own_set, question_id=questions[1].pk)
    assert positions(own_set) == [(1, questions[0].pk), (2, questions[2].pk), (3, questions[3].pk)]
    quiz_set_remove_question(quiz_set=own_set, question_id=questions[1].pk)  # already gone: nothing happens
    assert len(positions(own_set)) == 3


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(school, own_set):
    first, second, third = list(school.questions.values())[:3]
    for question in (first, second, third):
        quiz_set_add_question(quiz_set=own_set, teacher=school.teacher, question_id=question.pk)
    quiz_set_move_question(quiz_set=own_set, question_id=third.pk, direction="up")
    assert positions(own_set) == [(1, first.pk), (2, third.pk), (3, second.pk)]
    quiz_set_move_question(quiz_set=own_set, question_id=first.pk, direction="up")
    quiz_set_move_question(quiz_set=own_set, question_id=second.pk, direction="down")
    assert positions(own_set) == [(1, first.pk), (2, third.pk), (3, second.pk)]
    quiz_set_move_question(quiz_set=own_set, question_id=first.pk, direction="down")
    assert positions(own_set) == [(1, third.pk), (2, first.pk), (3, second.pk)]


def test_moving_mends_gaps_left_by_older_positions(school):
    quiz_set = factories.QuizSetFactory(owner=school.teacher)
    a, b = school.questions["single"], school.questions["numeric"]
    QuizSetItem.objects.create(quiz_set=quiz_set, question=a, position=4)
    QuizSetItem.objects.create(quiz_set=quiz_set, question=b, position=9)
    quiz_set_move_question(quiz_set=quiz_set, question_id=b.pk, direction="up")
    assert positions(quiz_set) == [(1, b.pk), (2, a.pk)]


def test_moving_a_question_that_is_not_in_the_set_or_sideways_is_refused(school, own_set):
    with pytest.raises(QuizSetRefused):
        quiz_set_move_question(quiz_set=own_set, question_id=school.questions["single"].pk, direction="up")
    with pytest.raises(QuizSetRefused):
        quiz_set_move_question(quiz_set=own_set, question_id=school.questions["single"].pk, direction="left")


# -- The random rule ------------------------------------------------------------------------------------------


@pytest.fixture
def rule_bank(db):
    """Bank questions on two topics and two documents, and some that no rule may draw."""
    votes = factories.TopicFactory(slug="votes")
    people = factories.TopicFactory(slug="people", name="People")
    figes = factories.SourceFactory()
    cliff = factories.SourceFactory(file_name="002_dc1a16970fc774f8.txt", author="Tony Cliff", title="Lenin 2")
    fitting = []
    for n in range(6):
        question = factories.QuestionFactory(difficulty=1 + n % 3, with_parts=False)
        question.topics.set([votes, people] if n % 2 else [votes])
        factories.CitationFactory(question=question, source=figes)
        factories.CitationFactory(question=question, source=cliff if n < 3 else figes, quote=f"Quote {n}", position=1)
        fitting.append(question)
    factories.QuestionFactory(status=Question.Status.DRAFT).topics.add(votes)
    teacher = factories.TeacherFactory()
    factories.QuestionFactory(owner=teacher, key="").topics.add(votes)
    return {"votes": votes, "people": people, "figes": figes, "cliff": cliff, "fitting": fitting}


def test_rule_counts_each_fitting_question_once_even_with_two_matching_topics_or_citations(rule_bank):
    rule = Rule(topic_ids=frozenset({rule_bank["votes"].pk, rule_bank["people"].pk}), source_ids=frozenset())
    assert rule_match_count(rule) == 6
    by_source = Rule(source_ids=frozenset({rule_bank["figes"].pk, rule_bank["cliff"].pk}))
    assert rule_match_count(by_source) == 6
    assert sorted(rule_questions(by_source).values_list("pk", flat=True)) == [q.pk for q in rule_bank["fitting"]]


def test_rule_narrows_by_topic_source_type_and_difficulty(rule_bank):
    assert rule_match_count(Rule(topic_ids=frozenset({rule_bank["people"].pk}))) == 3
    assert rule_match_count(Rule(source_ids=frozenset({rule_bank["cliff"].pk}))) == 3
    assert rule_match_count(Rule(topic_ids=frozenset({rule_bank["votes"].pk}), difficulty_max=1)) == 2
    assert rule_match_count(Rule(types=("numeric",))) == 0


def test_rule_is_saved_and_draw_random_draws_by_it(school, rule_bank):
    random_set = quiz_set_create(owner=school.teacher, title="Mixed", kind=QuizSet.Kind.RANDOM)
    quiz_set_update_rule(
        quiz_set=random_set,
        count=2,
        topics=[rule_bank["people"]],
        sources=[],
        types=["single", "nonsense"],
        difficulty_min=1,
        difficulty_max=3,
    )
    random_set.refresh_from_db()
    assert random_set.rule_types == ["single"]
    assert list(random_set.rule_topics.all()) == [rule_bank["people"]]
    people_ids = {q.pk for q in rule_bank["fitting"] if rule_bank["people"] in q.topics.all()}
    drawn = draw_random(random_set, seed=7)
    assert len(drawn) == 2 and {q.pk for q in drawn} <= people_ids
    assert [q.pk for q in draw_random(random_set, seed=7)] == [q.pk for q in drawn]


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 1, 3), (101, 1, 3), (5, 3, 1), (5, 0, 2)],
)
def test_an_impossible_rule_is_refused(school, count, low, high):
    random_set = quiz_set_create(owner=school.teacher, title="Mixed", kind=QuizSet.Kind.RANDOM)
    with pytest.raises(QuizSetRefused):
        quiz_set_update_rule(quiz_set=random_set, count=count, difficulty_min=low, difficulty_max=high)


def test_a_fixed_set_has_no_rule(school, own_set):
    with pytest.raises(QuizSetRefused):
        quiz_set_update_rule(quiz_set=own_set, count=5)


# -- Teachers' own questions ------------------------------------------------------------------------------------


def single_choice(**changes) -> dict:
    data = {
        "type": "single",
        "prompt": "Who chaired the Military Revolutionary Committee?",
        "explanation": "Trotsky led the MRC as chairman of the Petrograd Soviet.",
        "difficulty": 1,
        "points": Decimal(2),
        "topics": ["people"],
        "choices": [
            {"text": "Lenin", "correct": False},
            {"text": "Trotsky", "correct": True},
            {"text": "Kamenev", "correct": False},
        ],
        "citations": [],
    }
    return data | changes


def test_own_question_is_published_owned_and_keyless(school):
    factories.TopicFactory(slug="people", name="People")
    question = own_question_save(teacher=school.teacher, data=single_choice())
    assert question.owner == school.teacher
    assert question.key == "" and question.status == Question.Status.PUBLISHED
    assert question.points == 2
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Lenin", False),
        ("Trotsky", True),
        ("Kamenev", False),
    ]
    assert [t.slug for t in question.topics.all()] == ["people"]


def test_own_question_is_checked_by_the_banks_rules(school):
    data = single_choice(explanation="", choices=[{"text": "Lenin", "correct": True}])
    with pytest.raises(QuestionInvalid) as invalid:
        own_question_save(teacher=school.teacher, data=data)
    assert "is published with no explanation" in invalid.value.problems
    assert "This question needs at least 2 choices." in invalid.value.messages
    assert not Question.objects.filter(owner=school.teacher).exists()


def test_own_question_needs_no_evidence_but_a_quote_must_be_short(school):
    factories.TopicFactory(slug="people", name="People")
    long_quote = " ".join(["word"] * 31)
    data = single_choice(citations=[{"source": factories.SourceFactory().file_name, "quote": long_quote}])
    with pytest.raises(QuestionInvalid) as invalid:
        own_question_save(teacher=school.teacher, data=data)
    assert any("more than 30" in problem for problem in invalid.value.problems)


def test_editing_updates_in_place_keeping_choice_ids_and_the_typed_order(school):
    factories.TopicFactory(slug="people", name="People")
    question = own_question_save(teacher=school.teacher, data=single_choice())
    trotsky = question.choices.get(text="Trotsky").pk
    changed = single_choice(
        prompt="Who chaired the MRC in October 1917?",
        choices=[
            {"text": "Trotsky", "correct": True},
            {"text": "Lenin", "correct": False},
            {"text": "Sverdlov", "correct": False},
        ],
    )
    saved = own_question_save(teacher=school.teacher, data=changed, question=question)
    assert saved.pk == question.pk
    saved.refresh_from_db()
    assert saved.key == "" and saved.prompt == "Who chaired the MRC in October 1917?"
    assert list(saved.choices.values_list("text", flat=True)) == ["Trotsky", "Lenin", "Sverdlov"]
    assert saved.choices.get(text="Trotsky").pk == trotsky
    assert not Choice.objects.filter(question=saved, text="Kamenev").exists()
    assert Question.objects.filter(owner=school.teacher).count() == 1


def test_editing_keeps_the_type(school):
    factories.TopicFactory(slug="people", name="People")
    question = own_question_save(teacher=school.teacher, data=single_choice())
    data = single_choice(type="multiple", choices=[{"text": "Lenin", "correct": True}, {"text": "X", "correct": True}])
    with pytest.raises(QuestionInvalid):
        own_question_save(teacher=school.teacher, data=data, question=question)


def test_duplicating_a_bank_question_makes_an_own_copy(school):
    original = school.questions["matching"]
    copy = question_duplicate(teacher=school.teacher, question_id=original.pk)
    assert copy.pk != original.pk
    assert copy.owner == school.teacher and copy.copied_from == original
    assert copy.key == "" and copy.status == Question.Status.PUBLISHED
    assert copy.prompt == original.prompt and copy.explanation == original.explanation
    assert list(copy.matching_pairs.values_list("left", "right")) == list(
        original.matching_pairs.values_list("left", "right")
    )
    assert copy.citations.get().quote == original.citations.get().quote
    assert original.owner is None and original.copies.get() == copy


def test_duplicating_keeps_every_types_answer(school):
    for question in school.questions.values():
        copy = question_duplicate(teacher=school.teacher, question_id=question.pk)
        assert copy.correct_answer_text() == question.correct_answer_text()


def test_drafts_and_other_teachers_questions_cannot_be_duplicated(school):
    draft = factories.QuestionFactory(status=Question.Status.DRAFT)
    theirs = factories.QuestionFactory(owner=school.other_teacher, key="")
    for question in (draft, theirs):
        with pytest.raises(QuestionNotUsable):
            question_duplicate(teacher=school.teacher, question_id=question.pk)
