"""quizzes.attempts.queries: hand-written SQL must give what the ORM gives (on SQLite and on PostgreSQL: CI runs both)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from quizzes.attempts import queries as rows
from quizzes.attempts.selectors import student_attempt_and_positions
from quizzes.models import Attempt, Question, Response
from tests import factories


def fields_of(instance) -> dict:
    """Every concrete field's value, as the model holds it."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def submitted(db):
    attempt = factories.AttemptFactory(
        deadline=timezone.now() + timedelta(minutes=30),
        submitted_at=timezone.now(),
        score=Decimal("2.50"),
        max_score=Decimal("3.00"),
        is_late=True,
    )
    question = factories.QuestionFactory(type="multiple", points=Decimal("1.50"))
    factories.ResponseFactory(
        attempt=attempt,
        question=question,
        position=1,
        answer={"choices": [3, 1]},
        is_correct=False,
        points=Decimal("0.75"),
        answered_at=timezone.now(),
    )
    return attempt


def test_select_gives_the_values_the_orm_gives(submitted):
    mine = rows.select(Attempt, 't."id" = %s', [submitted.pk])[0]
    assert fields_of(mine) == fields_of(Attempt.objects.get(pk=submitted.pk))
    assert isinstance(mine.score, Decimal) and mine.score == Decimal("2.50")
    assert timezone.is_aware(mine.submitted_at)
    response = rows.select(Response, 't."attempt_id" = %s', [submitted.pk])[0]
    assert fields_of(response) == fields_of(Response.objects.get(attempt=submitted))
    assert response.answer == {"choices": [3, 1]}
    assert not mine._state.adding  # a loaded row: saving it updates


def test_select_related_loads_foreign_keys_in_the_same_query(submitted, django_assert_num_queries):
    with django_assert_num_queries(1):
        attempt = rows.select(
            Attempt, 't."id" = %s', [submitted.pk], related=["assignment", "assignment__quiz_set", "student"]
        )[0]
    with django_assert_num_queries(0):
        assert attempt.assignment.quiz_set.title == submitted.assignment.quiz_set.title
        assert attempt.student.username == submitted.student.username
    assert model_to_dict(attempt.assignment) == model_to_dict(submitted.assignment)


def test_select_finds_nothing_and_orders(db):
    assert rows.select(Question, 't."id" = %s', [0]) == []
    for key in ("b-second", "a-first", "c-third"):
        factories.QuestionFactory(key=key)
    keys = [q.key for q in rows.select(Question, "1 = 1", order='t."key" DESC')]
    assert keys == sorted(keys, reverse=True)


def test_prefetch_children_matches_prefetch_related(db, django_assert_num_queries):
    questions = [factories.QuestionFactory(type="single") for _ in range(3)]
    source = factories.SourceFactory()
    for question in questions:
        question.choices.all().delete()
        for position in (3, 1, 2):
            factories.ChoiceFactory(question=question, position=position, text=f"{question.key} {position}")
        factories.CitationFactory(question=question, source=source)
    loaded = rows.select(Question, f't."id" IN ({rows.placeholders(questions)})', [q.pk for q in questions])
    with django_assert_num_queries(2):
        rows.prefetch_children(loaded, "choices")
        rows.prefetch_children(loaded, "citations", select_related=["source"])
    expected = {q.pk: list(q.choices.all()) for q in Question.objects.prefetch_related("choices")}
    with django_assert_num_queries(0):
        for question in loaded:
            assert list(question.choices.all()) == expected[question.pk]
            assert [c.position for c in question.choices.all()] == [1, 2, 3]
            assert all(c.question is question for c in question.choices.all())
            assert question.citations.all()[0].source.title
    sources = {id(q.citations.all()[0].source) for q in loaded if q.citations.all()[0].source_id == source.pk}
    assert len(sources) == 1  # the citations of one source share one instance
    with django_assert_num_queries(0):
        rows.prefetch_children(loaded, "choices")  # already loaded: no query


def test_update_saves_values_as_a_save_would(submitted):
    response = Response.objects.get(attempt=submitted)
    now = timezone.now()
    values = {"answer": {"choices": [1]}, "points": Decimal("1.50"), "is_correct": True, "answered_at": now}
    assert rows.update_fields(Response, response.pk, values, where=' AND "answered_at" IS NULL') == 0  # answered
    assert rows.update_fields(Response, response.pk, values) == 1
    response.refresh_from_db()
    assert (response.answer, response.points, response.is_correct, response.answered_at) == tuple(values.values())


def test_rows_are_locked_only_where_the_database_locks_rows(db):
    assert rows.for_update() == (" FOR UPDATE" if connection.vendor == "postgresql" else "")


def test_an_attempt_and_its_positions_come_in_one_query(submitted, django_assert_num_queries):
    factories.ResponseFactory(attempt=submitted, question=factories.QuestionFactory(), position=2)
    with django_assert_num_queries(1):
        attempt, positions = student_attempt_and_positions(submitted.student, submitted.pk)
        assert attempt.assignment.quiz_set.pk == submitted.assignment.quiz_set_id
    assert positions == [(1, True), (2, False)]
    empty = factories.AttemptFactory()
    assert student_attempt_and_positions(empty.student, empty.pk) == (empty, [])


@pytest.mark.django_db(transaction=True)
def test_a_locked_select_locks_its_own_rows_and_not_the_joined_ones(submitted):
    """On PostgreSQL a second connection finds the attempt locked and its assignment free; SQLite has no row
    locks (its write transaction locks the database), so there the query only has to run."""
    from django.db import transaction

    with transaction.atomic():
        attempt = rows.select(Attempt, 't."id" = %s', [submitted.pk], related=["assignment"], lock=True)[0]
        assert attempt.assignment.pk == submitted.assignment_id
        if connection.vendor != "postgresql":
            return
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"], user=settings["USER"]
        ) as other:
            other.execute("SELECT 1 FROM quizzes_assignment WHERE id = %s FOR UPDATE NOWAIT", [attempt.assignment_id])
            other.rollback()
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM quizzes_attempt WHERE id = %s FOR UPDATE NOWAIT", [attempt.pk])


def test_instances_behave_as_the_orms_do(submitted):
    """Instances are filled in without Model.__init__: they must still save as updates and load relations."""
    attempt = rows.select(Attempt, 't."id" = %s', [submitted.pk])[0]
    assert fields_of(attempt) == fields_of(Attempt.objects.get(pk=submitted.pk))
    assert (attempt._state.adding, attempt._state.db) == (False, "default")
    assert attempt == submitted and attempt.student == submitted.student
    attempt.is_late = False
    attempt.save(update_fields=["is_late"])
    attempt.save()
    assert Attempt.objects.count() == 1 and Attempt.objects.get().is_late is False


def test_a_model_with_init_listeners_is_made_by_from_db(submitted):
    from django.db.models.signals import post_init

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Attempt)
    rows._construction.cache_clear()
    try:
        assert rows.select(Attempt, 't."id" = %s', [submitted.pk])[0].pk == submitted.pk
    finally:
        post_init.disconnect(receiver, sender=Attempt)
        rows._construction.cache_clear()
    assert seen == [submitted.pk]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_hand_written_statements_are_prepared_and_the_orms_are_not(submitted, django_assert_num_queries):
    """PostgreSQL parses and plans the quiz loop's statements once per connection; the results are the same."""
    with django_assert_num_queries(1):
        first = student_attempt_and_positions(submitted.student, submitted.pk)
    assert student_attempt_and_positions(submitted.student, submitted.pk) == first
    assert first[1] == [(1, True)]
    list(Attempt.objects.filter(pk=submitted.pk))
    statements = prepared_statements()
    assert any('LEFT JOIN "quizzes_response" r' in s and "$1" in s for s in statements), statements
    assert not any('"quizzes_attempt"."id"' in s for s in statements), "an ORM query was prepared"
    assert rows.update_fields(Attempt, submitted.pk, {"is_late": False}) == 1
    assert Attempt.objects.get(pk=submitted.pk).is_late is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_without_prepared_statements_nothing_is_prepared(submitted, monkeypatch):
    """DB_PREPARED_STATEMENTS=0 (for a pooler that cannot carry them) leaves the connection without a
    prepare_threshold, and the hand-written SQL then runs through Django's own cursor."""
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold")
    assert student_attempt_and_positions(submitted.student, submitted.pk)[1] == [(1, True)]
    assert prepared_statements() == []
