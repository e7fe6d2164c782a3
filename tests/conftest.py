"""Shared fixtures: a small school with two classes, so every permission test has a stranger to try."""

import socket
from dataclasses import dataclass

import pytest
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.test import Client

from quizzes.models import Assignment, Question
from tests import factories


@receiver(connection_created)
def _sqlite_readers_take_no_table_locks(sender, connection, **kwargs):
    """SQLite's test database lives in memory with a shared cache, where a read in another thread (a live stream's
    watch reading a change) holds a table lock that makes a write at the same moment fail at once ("database table
    is locked"), without the busy wait a database file has. There, readers take no table locks
    (read_uncommitted changes nothing else outside shared-cache mode)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        connection.connection.execute("PRAGMA read_uncommitted = 1")


@dataclass
class School:
    teacher: object
    other_teacher: object
    student: object
    classmate: object
    stranger: object
    classroom: object
    other_classroom: object
    questions: dict
    assignment: Assignment


def make_questions() -> dict[str, Question]:
    return {
        "single": factories.QuestionFactory(),
        "multiple": factories.QuestionFactory(multiple=True),
        "true_false": factories.QuestionFactory(true_false=True),
        "short_text": factories.QuestionFactory(short_text=True),
        "numeric": factories.QuestionFactory(numeric=True),
        "ordering": factories.QuestionFactory(ordering=True),
        "matching": factories.QuestionFactory(matching=True),
    }


@pytest.fixture
def school(db) -> School:
    teacher = factories.TeacherFactory(username="teacher")
    other_teacher = factories.TeacherFactory(username="other-teacher")
    classroom = factories.ClassroomFactory(name="History 10A", teacher=teacher)
    other_classroom = factories.ClassroomFactory(name="History 10B", teacher=other_teacher)
    student = factories.UserFactory(username="sasha")
    classmate = factories.UserFactory(username="misha")
    stranger = factories.UserFactory(username="stranger")
    for who in (student, classmate):
        factories.EnrollmentFactory(classroom=classroom, student=who)
    factories.EnrollmentFactory(classroom=other_classroom, student=stranger)
    questions = make_questions()
    quiz_set = factories.QuizSetFactory(questions=list(questions.values()))
    assignment = factories.AssignmentFactory(quiz_set=quiz_set, classroom=classroom)
    return School(
        teacher, other_teacher, student, classmate, stranger, classroom, other_classroom, questions, assignment
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def student_client(school) -> Client:
    return client_for(school.student)


HTMX = {"HX-Request": "true"}


def service_reachable(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a local service (PostgreSQL, Redis) answers on its port: tests that need one skip without it."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _empty_question_cache():
    """Each test starts with an empty per-process cache of question content (quizzes.attempts.content)."""
    from quizzes.attempts import content

    content.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty default cache, so counts kept there (quizzes.throttle) never carry over."""
    from django.core.cache import cache

    cache.clear()
