"""Matching and ordering answers read as a short list, one pair or item a line, each right or wrong in a word and an
icon with the right part beside a wrong one; and every quoted passage comes with who is speaking."""

import re
from html import unescape

import pytest
from django.urls import reverse

from quizzes.attempts.selectors import attempt_responses
from quizzes.bank.answers import answer_from_json
from quizzes.bank.presentation import answer_lines, correct_answer_lines, present
from quizzes.bank.types import question_type
from quizzes.bank.types.base import AnswerLine
from quizzes.models import Question
from tests import factories
from tests.answering import take
from tests.conftest import HTMX, client_for


def with_parts(question: Question) -> Question:
    return Question.objects.with_answers().get(pk=question.pk)


# -- The lines, from the question types ------------------------------------------------------------------------


def test_a_matching_answer_is_one_line_a_pair_with_the_right_match_beside_a_wrong_one(db):
    question = with_parts(factories.QuestionFactory(matching=True))
    lenin, kamenev, trotsky = question.matching_pairs.all()
    answer = {lenin.id: lenin.id, kamenev.id: trotsky.id, trotsky.id: kamenev.id}
    assert answer_lines(question, answer, mark=True) == [
        AnswerLine("Lenin:", "called for a rising", right=True),
        AnswerLine("Kamenev:", "chaired the MRC", right=False, correct="Right match: opposed it in print"),
        AnswerLine("Trotsky:", "opposed it in print", right=False, correct="Right match: chaired the MRC"),
    ]
    unmarked = answer_lines(question, answer, mark=False)
    assert [(line.right, line.correct) for line in unmarked] == [(None, "")] * 3
    assert [line.text for line in correct_answer_lines(question)] == [p.right for p in (lenin, kamenev, trotsky)]


def test_an_ordering_answer_is_one_line_a_place_with_the_right_place_beside_a_wrong_one(db):
    question = with_parts(factories.QuestionFactory(ordering=True))
    kornilov, tenth, sixteenth = question.ordering_items.all()
    lines = answer_lines(question, [kornilov.id, sixteenth.id, tenth.id], mark=True)
    assert lines == [
        AnswerLine("1.", "Kornilov affair", right=True),
        AnswerLine("2.", "16 October meeting", right=False, correct="Belongs in place 3"),
        AnswerLine("3.", "10 October meeting", right=False, correct="Belongs in place 2"),
    ]
    assert [line.label for line in correct_answer_lines(question)] == ["1.", "2.", "3."]


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "short_text", "numeric"])
def test_answers_of_one_part_are_not_split_into_lines(db, qtype):
    question = with_parts(factories.QuestionFactory(**{qtype: True} if qtype != "single" else {}))
    assert correct_answer_lines(question) is None
    assert question_type(qtype).answer_lines(question, question_type(qtype).right_answer(question), mark=True) is None


# -- Where a student sees them ---------------------------------------------------------------------------------


def answer_list(html: str) -> list[str]:
    """Each line of the answer list as a reader hears it: its words, one string a line."""
    found = re.search(r'<ul class="answer-lines" role="list">(.*?)</ul>', html, re.S)
    assert found, "no answer list"
    items = re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def wrong_matching_form(attempt, question) -> dict:
    """Lenin right, Kamenev and Trotsky swapped, as the page posts it."""
    shown = present(question, seed=attempt.seed, shuffle_choices=attempt.assignment.shuffle_choices)
    lenin, kamenev, trotsky = question.matching_pairs.all()
    answer = {lenin.id: lenin.id, kamenev.id: trotsky.id, trotsky.id: kamenev.id}
    return question_type("matching").form_data(shown, answer)


def start_and_find(client, school, qtype):
    posted = client.post(reverse("assignment_start", args=[school.assignment.pk]))
    attempt_id = int(posted.url.rstrip("/").split("/")[-1])
    from quizzes.models import Attempt

    attempt = Attempt.objects.get(pk=attempt_id)
    response = next(r for r in attempt_responses(attempt) if r.question.type == qtype)
    return attempt, response


@pytest.mark.parametrize("htmx", [False, True])
def test_matching_feedback_is_a_list_of_pairs_marked_right_and_wrong(school, student_client, htmx):
    attempt, response = start_and_find(student_client, school, "matching")
    question = with_parts(response.question)
    url = reverse("attempt_answer", args=[attempt.pk, response.position])
    before = unescape(
        student_client.get(reverse("attempt", args=[attempt.pk]), {"q": response.position}).content.decode()
    )
    assert "Right match" not in before and "answer-lines" not in before
    posted = student_client.post(url, wrong_matching_form(attempt, question), headers=HTMX if htmx else {})
    html = posted.content.decode() if htmx else student_client.get(posted.url).content.decode()
    assert answer_list(html) == [
        "Right : Lenin: called for a rising",
        "Wrong : Kamenev: chaired the MRC Right match: opposed it in print",
        "Wrong : Trotsky: opposed it in print Right match: chaired the MRC",
    ]
    assert "Lenin = called for a rising |" not in unescape(html)  # no run-on line
    assert html.count('class="icon icon-check"') >= 1 and html.count('class="icon icon-cross"') >= 2


def test_without_correct_answers_the_list_is_the_students_own_unmarked(school, student_client):
    school.assignment.show_correct_answers = False
    school.assignment.save()
    attempt, response = start_and_find(student_client, school, "matching")
    question = with_parts(response.question)
    url = reverse("attempt_answer", args=[attempt.pk, response.position])
    html = student_client.post(url, wrong_matching_form(attempt, question), headers=HTMX).content.decode()
    assert answer_list(html) == [
        "Lenin: called for a rising",
        "Kamenev: chaired the MRC",
        "Trotsky: opposed it in print",
    ]
    assert "opposed it in print Right match" not in html and "Right match" not in html


def test_ordering_feedback_puts_the_right_place_beside_a_wrong_item(school, student_client):
    attempt, response = start_and_find(student_client, school, "ordering")
    question = with_parts(response.question)
    shown = present(question, seed=attempt.seed, shuffle_choices=True)
    kornilov, tenth, sixteenth = question.ordering_items.all()
    form = question_type("ordering").form_data(shown, [kornilov.id, sixteenth.id, tenth.id])
    url = reverse("attempt_answer", args=[attempt.pk, response.position])
    html = student_client.post(url, form, headers=HTMX).content.decode()
    assert answer_list(html) == [
        "Right : 1. Kornilov affair",
        "Wrong : 2. 16 October meeting Belongs in place 3",
        "Wrong : 3. 10 October meeting Belongs in place 2",
    ]


def test_results_and_the_teachers_view_of_the_attempt_show_the_marked_lists(school, student_client):
    attempt = take(school.student, school.assignment, right={"single", "ordering"})
    results = student_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    teacher = client_for(school.teacher).get(reverse("teacher_attempt", args=[attempt.pk])).content.decode()
    for html in (results, teacher):
        lists = re.findall(r'<ul class="answer-lines".*?</ul>', html, re.S)
        assert len(lists) == 2  # the ordering question and the matching question
        assert answer_list(lists[0]) == [
            "Right : 1. Kornilov affair",
            "Right : 2. 10 October meeting",
            "Right : 3. 16 October meeting",
        ]
        matching = answer_list(lists[1])
        assert all(line.startswith("Wrong : ") and "Right match: " in line for line in matching)
    assert "Their answer" in teacher


def test_an_unanswered_matching_question_shows_the_right_answer_as_a_list_in_review(school, student_client):
    from quizzes.attempts.services import attempt_start, attempt_submit

    attempt = attempt_submit(attempt=attempt_start(student=school.student, assignment=school.assignment))
    html = student_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    lists = re.findall(r'<ul class="answer-lines".*?</ul>', html, re.S)
    assert [answer_list(found) for found in lists] == [
        ["1. Kornilov affair", "2. 10 October meeting", "3. 16 October meeting"],
        ["Lenin: called for a rising", "Kamenev: opposed it in print", "Trotsky: chaired the MRC"],
    ]


def words_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(" ,", ",")


# -- Who is speaking -------------------------------------------------------------------------------------------


def test_each_passage_in_feedback_and_review_names_who_is_speaking(school, student_client):
    source = school.questions["single"].citations.get().source
    source.standpoint = "A liberal historian, writing for a general audience."
    source.save()
    attempt, response = start_and_find(student_client, school, "single")
    from tests.answering import form_for

    url = reverse("attempt_answer", args=[attempt.pk, response.position])
    feedback = unescape(student_client.post(url, form_for(attempt, response.question), headers=HTMX).content.decode())
    card = re.search(r'<figcaption class="source-card">(.*?)</figcaption>', feedback, re.S).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert words == (
        "Orlando Figes, Lenin and the October Coup (2014) Web essay by a historian "
        "Who is speaking: A liberal historian, writing for a general audience."
    )
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    results = words_of(student_client.get(reverse("attempt_results", args=[attempt.pk])))
    assert results.count("Who is speaking: A liberal historian") == 7


def test_a_source_without_a_standpoint_shows_its_provenance_alone(school, student_client):
    attempt = take(school.student, school.assignment, right=set())
    page = words_of(student_client.get(reverse("attempt_results", args=[attempt.pk])))
    assert page.count("Orlando Figes, Lenin and the October Coup (2014) Web essay by a historian") == 7
    assert "Who is speaking" not in page


def test_answer_lines_survive_the_stored_json(school):
    attempt = take(school.student, school.assignment, right={"matching"})
    response = next(r for r in attempt_responses(attempt) if r.question.type == "matching")
    answer = answer_from_json("matching", response.answer)
    assert all(line.right for line in answer_lines(response.question, answer, mark=True))
