"""quizzes.attempts.content: question content cached per process by (id, updated_at), and every way of editing a
question seen by the next card the same process renders."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from quizzes.attempts import content
from quizzes.attempts.selectors import attempt_responses
from quizzes.authoring.services import own_question_save
from quizzes.bank.fixtures import question_to_dict, save_question
from quizzes.models import Attempt, Question, Source, Topic
from tests import factories
from tests.attempts.test_views import start
from tests.bank.test_admin import admin_client, admin_url, admin_user, change_page_data, run_action, source_texts

__all__ = ["admin_client", "admin_user", "source_texts"]  # fixtures used here


def fresh(*questions: Question) -> list[Question]:
    """The questions as a new request reads them: new instances, nothing loaded with them."""
    return [Question.objects.get(pk=q.pk) for q in questions]


def test_an_unchanged_question_is_loaded_once_and_a_saved_one_again(db, django_assert_num_queries):
    question = factories.QuestionFactory()
    loaded = fresh(question)
    with django_assert_num_queries(2):  # choices, citations with sources
        first = content.with_content(loaded)[0]
    loaded = fresh(question) * 2
    with django_assert_num_queries(0):
        again = content.with_content(loaded)
        assert again[0] is first and again[1] is first
        texts = [c.text for c in first.choices.all()]
        assert first.citations.all()[0].source.title
    assert texts == [c.text for c in question.choices.all()]
    question.save()
    loaded = fresh(question)
    with django_assert_num_queries(2):
        assert content.with_content(loaded)[0] is not first


def test_citations_load_only_when_asked(db, django_assert_num_queries):
    question = factories.QuestionFactory()
    loaded = [fresh(question) for _ in range(4)]
    with django_assert_num_queries(1):
        content.with_content(loaded[0], citations=False)
    with django_assert_num_queries(0):
        content.with_content(loaded[1], citations=False)
    with django_assert_num_queries(2):
        content.with_content(loaded[2], citations=True)
    with django_assert_num_queries(0):
        content.with_content(loaded[3], citations=False)


def test_the_cache_keeps_only_the_most_recently_used_questions(db, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(content, "MAX_QUESTIONS", 2)
    first, second, third = factories.QuestionFactory.create_batch(3)
    content.with_content(fresh(first, second))
    content.with_content(fresh(first))  # used again: now the most recent
    content.with_content(fresh(third))  # the cache is full: the least recently used (second) goes
    loaded = fresh(first, third, second)
    with django_assert_num_queries(0):
        content.with_content(loaded[:2])
    with django_assert_num_queries(2):
        content.with_content(loaded[2:])


# -- Every way of editing a question is seen by the next card -------------------------------------------------------


def card_page(school, student_client, question: Question):
    """A function giving the text of the student's card for this question, in an attempt made for it."""
    assignment = factories.AssignmentFactory(
        classroom=school.classroom, quiz_set=factories.QuizSetFactory(questions=[question])
    )
    url = reverse("attempt", args=[start(student_client, assignment).pk])
    return lambda: unescape(student_client.get(url).content.decode())


def test_an_admin_inline_edit_is_seen_by_the_next_card(school, student_client, admin_client):
    question = school.questions["single"]
    card = card_page(school, student_client, question)
    old = question.choices.all()[0].text
    assert old in card()
    data = change_page_data(admin_client, question)
    name = next(k for k, v in data.items() if k.startswith("choices-") and k.endswith("-text") and v == old)
    response = admin_client.post(admin_url("question_change", question.pk), data | {name: "A choice renamed in admin"})
    assert response.status_code == 302
    page = card()
    assert "A choice renamed in admin" in page and old not in page


def test_a_teachers_edit_of_their_own_question_is_seen_by_the_next_card(school, student_client):
    Topic.objects.get_or_create(slug="people", defaults={"name": "People"})
    data = {
        "type": "single",
        "prompt": "Who chaired the Military Revolutionary Committee?",
        "explanation": "Trotsky led the MRC as chairman of the Petrograd Soviet.",
        "difficulty": 1,
        "points": 1,
        "topics": ["people"],
        "choices": [{"text": "Lenin"}, {"text": "Trotsky", "correct": True}, {"text": "Kamenev"}],
        "citations": [],
    }
    question = own_question_save(teacher=school.teacher, data=data)
    card = card_page(school, student_client, question)
    assert "Kamenev" in card()
    data["choices"][2] = {"text": "Sverdlov"}
    own_question_save(teacher=school.teacher, data=data, question=question)
    page = card()
    assert "Sverdlov" in page and "Kamenev" not in page


def test_the_bank_loaders_edit_is_seen_by_the_next_card(school, student_client):
    """save_question is what load_bank (the YAML files) and the GIFT import run for each question; the GIFT
    import only ever adds new questions (it refuses duplicates), whose ids no cache has seen."""
    question = school.questions["ordering"]
    card = card_page(school, student_client, question)
    data = question_to_dict(Question.objects.with_answers().get(pk=question.pk))
    old = data["items"][0]
    assert old in card()
    data["items"][0] = "An item renamed in the YAML file"
    save_question(
        data,
        sources={s.file_name: s for s in Source.objects.all()},
        topics={t.slug: t for t in Topic.objects.all()},
    )
    page = card()
    assert "An item renamed in the YAML file" in page and old not in page


def results_content(attempt: Attempt) -> Question:
    return attempt_responses(attempt)[0].question


@pytest.fixture
def attempt_at(school):
    """An attempt at a quiz of the school's single-choice question."""
    quiz_set = factories.QuizSetFactory(questions=[school.questions["single"]])
    attempt = factories.AttemptFactory(
        student=school.student, assignment=factories.AssignmentFactory(classroom=school.classroom, quiz_set=quiz_set)
    )
    factories.ResponseFactory(attempt=attempt, question=school.questions["single"], position=1)
    return attempt


def test_publishing_and_unpublishing_in_admin_are_seen(attempt_at, admin_client):
    assert results_content(attempt_at).status == Question.Status.PUBLISHED
    run_action(admin_client, "unpublish", [attempt_at.responses.get().question])
    assert results_content(attempt_at).status == Question.Status.DRAFT
    run_action(admin_client, "publish", [attempt_at.responses.get().question])
    assert results_content(attempt_at).status == Question.Status.PUBLISHED


def test_editing_a_cited_source_in_admin_is_seen(attempt_at, admin_client):
    source = results_content(attempt_at).citations.all()[0].source
    data = {"file_name": source.file_name, "author": source.author, "title": "A title edited in admin", "kind": ""}
    response = admin_client.post(admin_url("source_change", source.pk), data | {"year": ""})
    assert response.status_code == 302
    assert results_content(attempt_at).citations.all()[0].source.title == "A title edited in admin"
