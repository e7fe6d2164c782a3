"""Assignment services: creating, changing the terms of attempts under way, closing, reopening, accommodations."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from quizzes.assignments.services import (
    AccommodationTerms,
    AssignmentError,
    AssignmentSettings,
    AssignmentUnchanged,
    accommodation_set,
    assignment_close,
    assignment_create,
    assignment_reopen,
    assignment_update,
)
from quizzes.attempts.services import AttemptRefused, attempt_start, attempt_submit, response_record
from quizzes.models import Accommodation, Assignment, Attempt
from tests import factories

GRACE = timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)


def settings_of(assignment: Assignment, **changes) -> AssignmentSettings:
    return replace(AssignmentSettings.of(assignment), **changes)


def update(assignment: Assignment, **changes) -> Assignment:
    return assignment_update(assignment=assignment, settings=settings_of(assignment, **changes))


def started(school, student=None) -> Attempt:
    return attempt_start(student=student or school.student, assignment=school.assignment)


def deadline_of(attempt: Attempt):
    attempt.refresh_from_db()
    return attempt.deadline


# -- Creating ----------------------------------------------------------------------------------------------------


def test_create_makes_one_assignment_per_class_with_the_same_settings(school):
    second = factories.ClassroomFactory(name="History 11C", teacher=school.teacher)
    created = assignment_create(
        teacher=school.teacher,
        quiz_set=school.assignment.quiz_set,
        classrooms=[second, school.classroom],
        settings=settings_of(school.assignment, title="Votes", attempts_allowed=3),
    )
    assert [a.classroom for a in created] == [school.classroom, second]
    assert all(a.title == "Votes" and a.attempts_allowed == 3 for a in created)


def test_a_title_left_as_the_sets_keeps_following_the_set(school):
    quiz_set = school.assignment.quiz_set
    (created,) = assignment_create(
        teacher=school.teacher,
        quiz_set=quiz_set,
        classrooms=[school.classroom],
        settings=settings_of(school.assignment, title=quiz_set.title),
    )
    assert created.title == "" and created.display_title == quiz_set.title


def test_create_refuses_another_teachers_class_and_creates_nothing(school):
    before = Assignment.objects.count()
    with pytest.raises(AssignmentError, match="your own"):
        assignment_create(
            teacher=school.teacher,
            quiz_set=school.assignment.quiz_set,
            classrooms=[school.classroom, school.other_classroom],
            settings=settings_of(school.assignment),
        )
    assert Assignment.objects.count() == before


def test_create_refuses_another_teachers_set(school):
    quiz_set = factories.QuizSetFactory(owner=school.other_teacher)
    with pytest.raises(AssignmentError, match="quiz sets"):
        assignment_create(
            teacher=school.teacher,
            quiz_set=quiz_set,
            classrooms=[school.classroom],
            settings=settings_of(school.assignment),
        )


def test_due_date_before_opening_is_refused(school):
    with pytest.raises(AssignmentError, match="after the quiz opens"):
        update(school.assignment, due_at=school.assignment.opens_at - timedelta(minutes=1))


# -- Attempts under way when the settings change -----------------------------------------------------------------


def test_a_longer_time_limit_lengthens_attempts_under_way(school):
    update(school.assignment, time_limit_minutes=10)
    attempt = started(school)
    update(school.assignment, time_limit_minutes=30)
    assert deadline_of(attempt) == attempt.started_at + timedelta(minutes=30)


def test_a_shorter_time_limit_does_not_shorten_attempts_under_way(school):
    update(school.assignment, time_limit_minutes=30)
    attempt = started(school)
    update(school.assignment, time_limit_minutes=10)
    assert deadline_of(attempt) == attempt.started_at + timedelta(minutes=30)
    assert started(school, school.classmate).deadline - timezone.now() < timedelta(minutes=11)


def test_removing_the_time_limit_frees_attempts_under_way(school):
    update(school.assignment, time_limit_minutes=10)
    attempt = started(school)
    update(school.assignment, time_limit_minutes=None)
    assert deadline_of(attempt) is None


def test_an_earlier_due_date_ends_attempts_under_way_when_late_work_is_refused(school):
    update(school.assignment, allow_late=False)
    attempt = started(school)
    earlier = timezone.now() + timedelta(hours=1)
    update(school.assignment, due_at=earlier)
    assert deadline_of(attempt) == earlier


def test_an_earlier_due_date_does_not_touch_attempts_when_late_work_is_accepted(school):
    update(school.assignment, time_limit_minutes=60)
    attempt = started(school)
    update(school.assignment, due_at=timezone.now() + timedelta(minutes=5))
    assert deadline_of(attempt) == attempt.started_at + timedelta(minutes=60)


def test_a_due_date_moved_into_the_past_ends_attempts_now_not_before(school):
    update(school.assignment, opens_at=timezone.now() - timedelta(days=2))
    update(school.assignment, allow_late=False)
    attempt = started(school)
    before = timezone.now()
    update(school.assignment, due_at=timezone.now() - timedelta(days=1))
    deadline = deadline_of(attempt)
    assert before <= deadline <= timezone.now()
    # The grace period still lets the answer already on its way in.
    response = attempt.responses.get(position=1)
    assert response_record(attempt=attempt, response=response, answer=0).response.is_answered


def test_switching_late_work_off_ends_attempts_under_way_at_the_due_date(school):
    attempt = started(school)
    assert deadline_of(attempt) is None
    update(school.assignment, allow_late=False)
    assert deadline_of(attempt) == school.assignment.due_at


def test_a_later_due_date_lengthens_attempts_when_late_work_is_refused(school):
    update(school.assignment, allow_late=False)
    attempt = started(school)
    later = school.assignment.due_at + timedelta(days=2)
    update(school.assignment, due_at=later)
    assert deadline_of(attempt) == later


def test_attempts_whose_time_ran_out_stay_over(school):
    update(school.assignment, time_limit_minutes=10)
    attempt = started(school)
    gone = timezone.now() - GRACE - timedelta(minutes=1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=gone)
    update(school.assignment, time_limit_minutes=60)
    assert deadline_of(attempt) == gone


def test_submitted_attempts_keep_their_deadline(school):
    update(school.assignment, time_limit_minutes=10)
    attempt = attempt_submit(attempt=started(school))
    update(school.assignment, time_limit_minutes=60)
    assert deadline_of(attempt) == attempt.started_at + timedelta(minutes=10)


# -- Closing and reopening ---------------------------------------------------------------------------------------


def test_closing_submits_attempts_under_way_with_their_answers(school):
    attempt = started(school)
    question = school.questions["single"]
    right = question.choices.get(is_correct=True).pk
    response_record(attempt=attempt, response=attempt.responses.get(question=question), answer=right)
    done = attempt_submit(attempt=started(school, school.classmate))
    assert assignment_close(assignment=school.assignment) == 1
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted
    assert attempt.score == 1
    assert Attempt.objects.get(pk=done.pk).submitted_at == done.submitted_at
    assert school.assignment.closed_at is not None
    with pytest.raises(AttemptRefused, match="not open"):
        attempt_start(student=school.classmate, assignment=Assignment.objects.get(pk=school.assignment.pk))


def test_closing_twice_changes_nothing(school):
    assignment_close(assignment=school.assignment)
    first = Assignment.objects.get(pk=school.assignment.pk).closed_at
    with pytest.raises(AssignmentUnchanged, match="already closed"):
        assignment_close(assignment=Assignment.objects.get(pk=school.assignment.pk))
    assert Assignment.objects.get(pk=school.assignment.pk).closed_at == first


def test_reopening_clears_the_closing(school):
    assignment_close(assignment=school.assignment)
    assignment_reopen(assignment=school.assignment)
    assert Assignment.objects.get(pk=school.assignment.pk).closed_at is None
    assert started(school).pk


def test_reopening_past_the_due_date_needs_a_new_one(school):
    update(school.assignment, opens_at=timezone.now() - timedelta(days=2), due_at=timezone.now() - timedelta(days=1))
    assignment_close(assignment=school.assignment)
    with pytest.raises(AssignmentError, match="new due date"):
        assignment_reopen(assignment=school.assignment)
    with pytest.raises(AssignmentError, match="future"):
        assignment_reopen(assignment=school.assignment, due_at=timezone.now() - timedelta(hours=1))
    assert Assignment.objects.get(pk=school.assignment.pk).closed_at is not None
    later = timezone.now() + timedelta(days=1)
    assignment_reopen(assignment=school.assignment, due_at=later)
    reopened = Assignment.objects.get(pk=school.assignment.pk)
    assert reopened.closed_at is None and reopened.due_at == later


# -- Accommodations ----------------------------------------------------------------------------------------------


def test_accommodation_is_saved_and_applied(school):
    update(school.assignment, time_limit_minutes=20)
    accommodation_set(
        assignment=school.assignment,
        student=school.student,
        terms=AccommodationTerms(extra_time_percent=50, extra_attempts=1),
    )
    attempt = started(school)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)


def test_extra_time_given_during_an_attempt_lengthens_it(school):
    update(school.assignment, time_limit_minutes=20)
    attempt = started(school)
    other = started(school, school.classmate)
    accommodation_set(
        assignment=school.assignment, student=school.student, terms=AccommodationTerms(extra_time_minutes=15)
    )
    assert deadline_of(attempt) == attempt.started_at + timedelta(minutes=35)
    assert deadline_of(other) == other.started_at + timedelta(minutes=20)


def test_empty_terms_remove_the_accommodation(school):
    terms = AccommodationTerms(extra_attempts=2)
    accommodation_set(assignment=school.assignment, student=school.student, terms=terms)
    accommodation_set(assignment=school.assignment, student=school.student, terms=AccommodationTerms())
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        (AccommodationTerms(extra_time_percent=401), "percent"),
        (AccommodationTerms(extra_time_minutes=601), "minutes"),
        (AccommodationTerms(extra_attempts=21), "attempts"),
        (AccommodationTerms(extra_time_percent=-1), "percent"),
    ],
)
def test_accommodation_limits(school, terms, message):
    with pytest.raises(AssignmentError, match=message):
        accommodation_set(assignment=school.assignment, student=school.student, terms=terms)
    assert not Accommodation.objects.exists()


def test_personal_due_date_must_be_after_opening(school):
    terms = AccommodationTerms(due_at=school.assignment.opens_at - timedelta(hours=1))
    with pytest.raises(AssignmentError, match="after the quiz opens"):
        accommodation_set(assignment=school.assignment, student=school.student, terms=terms)


def test_accommodations_only_for_students_now_in_the_class(school):
    left = factories.UserFactory()
    factories.EnrollmentFactory(classroom=school.classroom, student=left, left_at=timezone.now())
    for student in (school.stranger, left):
        with pytest.raises(AssignmentError, match="not in this class"):
            accommodation_set(assignment=school.assignment, student=student, terms=AccommodationTerms(extra_attempts=1))
    assert not Accommodation.objects.exists()
