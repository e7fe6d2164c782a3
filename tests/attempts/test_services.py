"""Attempt rules enforced on the server: accommodations, random sets, attempts and late work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.attempts.services import AttemptRefused, attempt_start, attempt_submit
from quizzes.attempts.terms import terms_for
from quizzes.models import Attempt, QuizSet
from tests import factories


def test_extra_time_in_percent_and_minutes_lengthens_the_deadline(school):
    school.assignment.time_limit_minutes = 20
    school.assignment.save()
    factories.AccommodationFactory(
        assignment=school.assignment, student=school.student, extra_time_percent=50, extra_time_minutes=5
    )
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=35)
    other = attempt_start(student=school.classmate, assignment=school.assignment)
    assert other.deadline - other.started_at == timedelta(minutes=20)


def test_extra_attempts_allow_another_try(school):
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=1)
    first = attempt_start(student=school.student, assignment=school.assignment)
    attempt_submit(attempt=first)
    second = attempt_start(student=school.student, assignment=school.assignment)
    assert second.number == 2
    attempt_submit(attempt=second)
    with pytest.raises(AttemptRefused):
        attempt_start(student=school.student, assignment=school.assignment)


def test_personal_due_date_keeps_a_closed_assignment_open_for_that_student(school):
    now = timezone.now()
    school.assignment.due_at = now - timedelta(hours=1)
    school.assignment.opens_at = now - timedelta(days=1)
    school.assignment.allow_late = False
    school.assignment.save()
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, due_at=now + timedelta(days=1))
    with pytest.raises(AttemptRefused, match="not open"):
        attempt_start(student=school.classmate, assignment=school.assignment)
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    assert attempt.deadline == now + timedelta(days=1)


def test_late_work_is_accepted_and_marked_late_when_allowed(school):
    now = timezone.now()
    school.assignment.opens_at = now - timedelta(days=2)
    school.assignment.due_at = now - timedelta(days=1)
    school.assignment.save()
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    assert attempt_submit(attempt=attempt).is_late


def test_on_time_work_is_not_marked_late(school):
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    assert not attempt_submit(attempt=attempt).is_late


def test_a_closed_assignment_cannot_be_started(school):
    school.assignment.closed_at = timezone.now()
    school.assignment.save()
    with pytest.raises(AttemptRefused, match="not open"):
        attempt_start(student=school.student, assignment=school.assignment)


def test_terms_without_accommodation_are_the_assignment_settings(school):
    terms = terms_for(school.assignment, school.student)
    assert terms.due_at == school.assignment.due_at and terms.attempts_allowed == 1


def test_random_set_draws_each_attempt_its_own_questions_and_keeps_them(school):
    votes = factories.TopicFactory(slug="votes")
    people = factories.TopicFactory(slug="people", name="People")
    fitting = []
    for n in range(12):
        question = factories.QuestionFactory(difficulty=1 + n % 2)
        question.topics.add(votes if n % 2 else people)
        fitting.append(question)
    too_hard = factories.QuestionFactory(difficulty=3)
    too_hard.topics.add(votes)
    draft = factories.QuestionFactory(status="draft", difficulty=1)
    draft.topics.add(votes)
    rule = factories.QuizSetFactory(
        kind=QuizSet.Kind.RANDOM, rule_count=8, rule_difficulty_min=1, rule_difficulty_max=2
    )
    rule.rule_topics.set([votes, people])
    assignment = factories.AssignmentFactory(quiz_set=rule, classroom=school.classroom)
    drawn = {}
    for student in (school.student, school.classmate):
        attempt = attempt_start(student=student, assignment=assignment)
        drawn[student.pk] = list(attempt.responses.values_list("question_id", flat=True))
        assert len(drawn[student.pk]) == 8
        assert set(drawn[student.pk]) <= {q.pk for q in fitting}
        again = attempt_start(student=student, assignment=assignment)
        assert list(again.responses.values_list("question_id", flat=True)) == drawn[student.pk]
    assert Attempt.objects.filter(assignment=assignment).count() == 2
