"""The student's own history: attempts by class and assignment, scores as the feedback policy allows, class medians."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Enrollment
from tests import factories
from tests.conftest import client_for
from tests.scores.test_gradebook import attempt

HISTORY = reverse("student_history")


def page_of(response) -> str:
    return unescape(response.content.decode())


def past_due(school, **settings) -> Assignment:
    now = timezone.now()
    return factories.AssignmentFactory(
        classroom=school.classroom,
        title=settings.pop("title", "Past quiz"),
        opens_at=now - timedelta(days=10),
        due_at=now - timedelta(days=1),
        **settings,
    )


def classmates(school, count: int) -> list:
    people = []
    for n in range(count):
        person = factories.UserFactory(username=f"mate{n}")
        factories.EnrollmentFactory(classroom=school.classroom, student=person)
        people.append(person)
    return people


# -- Who may see it ---------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(HISTORY)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_teachers_get_403(school):
    response = client_for(school.teacher).get(HISTORY)
    assert response.status_code == 403
    assert "for students" in page_of(response)


def test_only_my_own_attempts_are_listed(school, student_client):
    attempt(school.student, school.assignment, score=8)
    attempt(school.classmate, school.assignment, score=3)
    other = factories.AssignmentFactory(classroom=school.other_classroom, title="Stranger's quiz")
    attempt(school.stranger, other, score=5)
    page = page_of(student_client.get(HISTORY))
    assert school.assignment.display_title in page
    assert "80%" in page
    assert "30%" not in page and "Stranger's quiz" not in page and "History 10B" not in page


def test_without_attempts_the_page_says_so(school, student_client):
    page = page_of(student_client.get(HISTORY))
    assert "You have not taken any quizzes yet." in page


# -- Grouping and scores ----------------------------------------------------------------------------------------------


def test_attempts_are_grouped_by_class_and_assignment(school, student_client):
    school.assignment.attempts_allowed = 2
    school.assignment.save()
    attempt(school.student, school.assignment, score=4)
    attempt(school.student, school.assignment, score=7, number=2)
    second_class = factories.ClassroomFactory(name="Russian 11C", teacher=school.other_teacher)
    factories.EnrollmentFactory(classroom=second_class, student=school.student)
    elsewhere = factories.AssignmentFactory(classroom=second_class, title="Elsewhere")
    attempt(school.student, elsewhere)
    page = page_of(student_client.get(HISTORY))
    assert page.index("History 10A") < page.index(school.assignment.display_title) < page.index("Russian 11C")
    assert page.index("Russian 11C") < page.index("Elsewhere")
    assert "40%" in page and "70%" in page  # each attempt
    assert "<strong>70%</strong>" in page  # the counted score: the highest
    assert reverse("attempt", args=[elsewhere.attempts.get().pk]) in page  # continue the one in progress


@pytest.mark.parametrize(
    ("feedback", "visible"),
    [
        (Assignment.Feedback.EACH_QUESTION, True),
        (Assignment.Feedback.AFTER_SUBMISSION, True),
        (Assignment.Feedback.AFTER_DUE, False),
        (Assignment.Feedback.NEVER, False),
    ],
)
def test_scores_follow_the_feedback_policy_before_the_due_date(school, student_client, feedback, visible):
    school.assignment.feedback = feedback
    school.assignment.save()
    attempt(school.student, school.assignment, score=8)
    page = page_of(student_client.get(HISTORY))
    assert ("80%" in page) is visible
    if not visible:
        assert "not shown yet" in page


def test_scores_after_the_due_date_show_once_it_passes_and_no_one_can_still_answer(school, student_client):
    quiz = past_due(school, feedback=Assignment.Feedback.AFTER_DUE)
    attempt(school.student, quiz, score=8)
    assert "80%" not in page_of(student_client.get(HISTORY))  # late work accepted: Misha can still start one
    Assignment.objects.filter(pk=quiz.pk).update(allow_late=False)
    assert "80%" in page_of(student_client.get(HISTORY))


def test_a_class_i_left_still_shows_my_attempts(school, student_client):
    attempt(school.student, school.assignment, score=8)
    Enrollment.objects.filter(student=school.student).update(left_at=timezone.now())
    page = page_of(student_client.get(HISTORY))
    assert "you left this class" in page and "80%" in page


# -- Class median -------------------------------------------------------------------------------------------------------


def test_class_median_shows_after_the_due_date_without_anyones_own_score(school, student_client):
    quiz = past_due(school)
    attempt(school.student, quiz, score=9)
    for person, score in zip(classmates(school, 4), [1, 3, 5, 7], strict=True):
        attempt(person, quiz, score=score)
    page = page_of(student_client.get(HISTORY))
    assert "<strong>50%</strong>" in page  # the median of 10, 30, 50, 70 and 90
    assert "<strong>90%</strong>" in page  # my own
    assert "10%" not in page and "30%" not in page and "70%" not in page


def test_no_class_median_before_the_due_date(school, student_client):
    attempt(school.student, school.assignment, score=9)
    for person, score in zip(classmates(school, 4), [1, 3, 5, 7], strict=True):
        attempt(person, school.assignment, score=score)
    page = page_of(student_client.get(HISTORY))
    assert "50%" not in page
    assert "after the due date" in page


def test_no_class_median_from_too_few_scores(school, student_client):
    quiz = past_due(school)
    attempt(school.student, quiz, score=9)
    attempt(school.classmate, quiz, score=1)
    page = page_of(student_client.get(HISTORY))
    assert "50%" not in page and "10%" not in page
    assert "fewer than 5 results" in page


def test_no_class_median_when_results_are_never_shown(school, student_client):
    quiz = past_due(school, feedback=Assignment.Feedback.NEVER)
    attempt(school.student, quiz, score=9)
    for person, score in zip(classmates(school, 4), [1, 3, 5, 7], strict=True):
        attempt(person, quiz, score=score)
    page = page_of(student_client.get(HISTORY))
    assert "50%" not in page and "90%" not in page


def test_class_median_counts_only_students_in_the_class_now(school, student_client):
    quiz = past_due(school)
    attempt(school.student, quiz, score=9)
    people = classmates(school, 5)
    for person, score in zip(people, [1, 3, 5, 7, 2], strict=True):
        attempt(person, quiz, score=score)
    Enrollment.objects.filter(student=people[-1]).update(left_at=timezone.now())
    assert "<strong>50%</strong>" in page_of(student_client.get(HISTORY))


# -- Query counts -----------------------------------------------------------------------------------------------------------


HISTORY_QUERIES = 6  # session, user, my attempts, classes I left, class attempts for the medians, my skills


def test_history_queries_do_not_grow(school, student_client, django_assert_num_queries):
    first = past_due(school, title="First")
    attempt(school.student, first, score=5)
    with django_assert_num_queries(HISTORY_QUERIES):
        student_client.get(HISTORY)
    people = classmates(school, 6)
    for n in range(4):
        quiz = past_due(school, title=f"Quiz {n}")
        attempt(school.student, quiz, score=n)
        for person in people:
            attempt(person, quiz, score=n + 1)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = student_client.get(HISTORY)
    assert page_of(response).count('class="card history-assignment"') == 5
