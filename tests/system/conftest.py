"""Fixtures of the system tests: every page of the permission matrix with the visitor it is for."""

import pytest
from django.urls import reverse

from quizzes.attempts.services import attempt_start
from tests import factories
from tests.system.test_permission_matrix import MATRIX, VISITORS, live_session_and_player, source_quoted_in_context


@pytest.fixture
def matrix_pages(school):
    """page(name) gives a URL of the permission matrix as (method, url, visitor): its row's method, its address with
    the school's objects, and the visitor it is for (the teacher for a teacher's page, the student for a student's)."""
    quiz_set = school.assignment.quiz_set
    quiz_set.owner = school.teacher
    quiz_set.save()
    live_session, live_player = live_session_and_player(school)
    source, citation, context_attempt = source_quoted_in_context(school)
    objects = {
        "assignment": school.assignment.pk,
        "attempt": attempt_start(student=school.student, assignment=school.assignment).pk,
        "classroom": school.classroom.pk,
        "classmate": school.classmate.pk,
        "student": school.student.pk,
        "quiz_set": quiz_set.pk,
        "question": school.questions["single"].pk,
        "own_question": factories.QuestionFactory(owner=school.teacher).pk,
        "live_session": live_session.pk,
        "live_player": live_player.pk,
        "source": source.pk,
        "spare_source": factories.TeacherSourceFactory(owner=school.teacher).pk,
        "context_citation": citation.pk,
        "context_attempt": context_attempt.pk,
    }

    def page(name: str) -> tuple[str, str, object]:
        method, arguments, expected = MATRIX[name]
        kwargs = {key: objects[value] if isinstance(value, str) else value for key, value in arguments.items()}
        for_teacher = dict(zip(VISITORS, expected, strict=True))["teacher"] not in (403, 404)
        return method, reverse(name, kwargs=kwargs), school.teacher if for_teacher else school.student

    return page
