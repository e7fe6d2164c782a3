"""quizzes.attempts.queries: the quiz loop's hand-written SQL must give what the ORM gives, and each business
condition in it must select what its QuerySet twin selects (on SQLite and on PostgreSQL: CI runs both)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models.signals import post_init
from django.forms.models import model_to_dict
from django.utils import timezone

from quizzes.attempts import queries
from quizzes.attempts.models import grace
from quizzes.models import (
    Accommodation,
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Question,
    QuizSetItem,
    Response,
)
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


# -- What the statements read ---------------------------------------------------------------------------------------


def test_the_attempt_and_its_positions_come_in_one_query_with_the_orms_values(submitted, django_assert_num_queries):
    factories.ResponseFactory(attempt=submitted, question=factories.QuestionFactory(), position=2)
    with django_assert_num_queries(1):
        attempt, positions = queries.attempt_and_positions(submitted.pk, submitted.student_id)
        assert attempt.assignment.quiz_set.title == submitted.assignment.quiz_set.title
    assert positions == [(1, True), (2, False)]
    orm = Attempt.objects.select_related("assignment__quiz_set").get(pk=submitted.pk)
    assert fields_of(attempt) == fields_of(orm)
    assert fields_of(attempt.assignment) == fields_of(orm.assignment)
    assert model_to_dict(attempt.assignment.quiz_set) == model_to_dict(orm.assignment.quiz_set)
    assert isinstance(attempt.score, Decimal) and attempt.score == Decimal("2.50")
    assert timezone.is_aware(attempt.submitted_at)
    assert not attempt._state.adding and attempt._state.db == "default"  # a loaded row: saving it updates


def test_an_attempt_is_found_only_for_its_own_student(submitted):
    assert queries.attempt_and_positions(submitted.pk, factories.UserFactory().pk) is None
    assert queries.attempt_and_positions(0, submitted.student_id) is None
    empty = factories.AttemptFactory()
    assert queries.attempt_and_positions(empty.pk, empty.student_id) == (empty, [])


def test_responses_at_positions_come_with_their_questions_as_the_orm_gives_them(submitted, django_assert_num_queries):
    second = factories.ResponseFactory(attempt=submitted, question=factories.QuestionFactory(), position=2)
    factories.ResponseFactory(attempt=factories.AttemptFactory(), question=second.question, position=2)
    with django_assert_num_queries(1):
        found = queries.responses_at(submitted, [2, 1])
    with django_assert_num_queries(0):
        assert [r.position for r in found] == [1, 2]  # in position order; the selector orders them as asked
        assert all(r.attempt is submitted for r in found)
        questions = [r.question for r in found]
    for response, question in zip(found, questions, strict=True):
        orm = Response.objects.select_related("question").get(pk=response.pk)
        assert fields_of(response) == fields_of(orm)
        assert fields_of(question) == fields_of(orm.question)
    assert found[0].answer == {"choices": [3, 1]} and found[0].points == Decimal("0.75")
    assert [r.position for r in queries.responses_at(submitted, [2])] == [2]
    assert queries.responses_at(submitted, [7]) == []


def test_every_response_comes_in_position_order_with_its_question_as_the_orm_gives_it(
    submitted, django_assert_num_queries
):
    factories.ResponseFactory(attempt=submitted, question=factories.QuestionFactory(), position=3)
    factories.ResponseFactory(attempt=submitted, question=factories.QuestionFactory(), position=2)
    factories.ResponseFactory(attempt=factories.AttemptFactory(), question=factories.QuestionFactory(), position=1)
    with django_assert_num_queries(1):
        found = queries.responses_of(submitted)
    orm = list(submitted.responses.select_related("question").order_by("position"))
    assert [r.pk for r in found] == [r.pk for r in orm]
    for response, expected in zip(found, orm, strict=True):
        assert fields_of(response) == fields_of(expected)
        assert fields_of(response.question) == fields_of(expected.question)
        assert response.attempt is submitted
    assert queries.responses_of(factories.AttemptFactory()) == []


def test_the_submit_statements_total_what_the_orm_totals_and_write_as_a_save_writes(open_attempt):
    from django.db.models import Sum

    first = open_attempt.responses.get()
    Response.objects.filter(pk=first.pk).update(
        answer={"choices": [1]}, points=Decimal("1.25"), is_correct=True, answered_at=timezone.now()
    )
    factories.ResponseFactory(attempt=open_attempt, question=factories.QuestionFactory(), position=2)  # unanswered
    factories.ResponseFactory(
        attempt=open_attempt,
        question=factories.QuestionFactory(),
        position=3,
        points=Decimal("0.50"),
        is_correct=False,
        answer={"choices": [2]},
        answered_at=timezone.now(),
    )
    with transaction.atomic():
        already, total, _ = queries.lock_attempt(open_attempt.pk)
    orm = open_attempt.responses.filter(answered_at__isnull=False).aggregate(total=Sum("points"))["total"]
    assert not already and total == orm == Decimal("1.75")
    empty = factories.AttemptFactory()
    with transaction.atomic():
        assert queries.lock_attempt(empty.pk) == (False, Decimal(0), False)  # its student is in no class
    open_attempt.score, open_attempt.submitted_at = total, timezone.now()
    open_attempt.auto_submitted, open_attempt.is_late = True, True
    queries.save_result(open_attempt)
    saved = Attempt.objects.get(pk=open_attempt.pk)
    assert (saved.score, saved.submitted_at, saved.auto_submitted, saved.is_late) == (
        Decimal("1.75"),
        open_attempt.submitted_at,
        True,
        True,
    )
    with transaction.atomic():
        assert queries.lock_attempt(open_attempt.pk)[0]  # submitted now
    with pytest.raises(Attempt.DoesNotExist), transaction.atomic():
        queries.lock_attempt(0)


def test_instances_are_made_by_from_db_so_init_signals_and_saves_work(submitted):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Attempt)
    try:
        attempt, _ = queries.attempt_and_positions(submitted.pk, submitted.student_id)
    finally:
        post_init.disconnect(receiver, sender=Attempt)
    assert seen == [submitted.pk]
    attempt.is_late = False
    attempt.save(update_fields=["is_late"])
    attempt.save()
    assert Attempt.objects.count() == 1 and Attempt.objects.get().is_late is False


def test_a_renamed_field_fails_when_the_statements_are_built():
    with pytest.raises(FieldDoesNotExist):
        queries.col(Attempt, "submitted")


# -- The guarded answer UPDATE --------------------------------------------------------------------------------------


def answer_values(now) -> dict:
    return {"answer": {"choices": [1]}, "points": Decimal("1.50"), "is_correct": True, "answered_at": now}


@pytest.fixture
def open_attempt(db):
    attempt = factories.AttemptFactory(deadline=timezone.now() + timedelta(minutes=30))
    factories.EnrollmentFactory(classroom=attempt.assignment.classroom, student=attempt.student)
    factories.ResponseFactory(attempt=attempt, question=factories.QuestionFactory(), position=1)
    return attempt


def test_an_answer_is_saved_as_a_save_would_save_it(open_attempt, django_assert_num_queries):
    response = open_attempt.responses.get()
    now = timezone.now()
    with django_assert_num_queries(1):
        assert queries.save_answer(response, open_attempt, answer_values(now), now=now, keep_first=True)
    response.refresh_from_db()
    assert (response.answer, response.points, response.is_correct, response.answered_at) == tuple(
        answer_values(now).values()
    )
    # With keep_first an answered response keeps its answer; without, the later answer replaces it.
    later = answer_values(now + timedelta(seconds=1)) | {"points": Decimal("0.50"), "is_correct": False}
    assert not queries.save_answer(response, open_attempt, later, now=now, keep_first=True)
    assert queries.save_answer(response, open_attempt, later, now=now, keep_first=False)
    response.refresh_from_db()
    assert response.points == Decimal("0.50")


def test_an_answer_is_not_saved_into_another_attempt_or_a_closed_one(open_attempt):
    response = open_attempt.responses.get()
    now = timezone.now()
    assert not queries.save_answer(response, factories.AttemptFactory(), answer_values(now), now=now, keep_first=False)
    late = open_attempt.deadline + grace() + timedelta(seconds=1)
    assert not queries.save_answer(response, open_attempt, answer_values(late), now=late, keep_first=False)
    Attempt.objects.filter(pk=open_attempt.pk).update(submitted_at=now, score=0)
    assert not queries.save_answer(response, open_attempt, answer_values(now), now=now, keep_first=False)
    assert not Response.objects.get(pk=response.pk).is_answered


@pytest.mark.django_db(transaction=True)
def test_saving_an_answer_locks_the_attempts_row_until_the_transaction_ends(open_attempt):
    """On PostgreSQL a second connection finds the attempt locked (a submit waits for the answer) and its
    assignment free; SQLite has no row locks (its write transaction locks the database), so there the statement
    only has to run."""
    response = open_attempt.responses.get()
    with transaction.atomic():
        now = timezone.now()
        assert queries.save_answer(response, open_attempt, answer_values(now), now=now, keep_first=False)
        if connection.vendor != "postgresql":
            return
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"], user=settings["USER"]
        ) as other:
            other.execute(
                "SELECT 1 FROM quizzes_assignment WHERE id = %s FOR UPDATE NOWAIT", [open_attempt.assignment_id]
            )
            other.rollback()
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM quizzes_attempt WHERE id = %s FOR UPDATE NOWAIT", [open_attempt.pk])


# -- Each condition selects what its QuerySet twin selects -----------------------------------------------------------


def test_attempt_taking_answers_selects_what_taking_answers_selects(db):
    """Rows on each edge: submitted (with and without time left), no deadline, time left, past the deadline
    within the grace period, on the grace period's last instant, and past it."""
    now = timezone.now()
    deadlines = {
        "no deadline": None,
        "time left": now + timedelta(minutes=5),
        "within grace": now - grace() / 2,
        "grace's last instant": now - grace(),
        "after grace": now - grace() - timedelta(microseconds=1),
        "long expired": now - timedelta(days=1),
    }
    made = {name: factories.AttemptFactory(deadline=deadline) for name, deadline in deadlines.items()}
    for deadline in (None, now + timedelta(minutes=5)):
        factories.AttemptFactory(deadline=deadline, submitted_at=now, score=0)
    sql = f"SELECT {queries.col(Attempt, 'id', 'a')} FROM {queries.table(Attempt, 'a')} WHERE {queries.ATTEMPT_TAKING_ANSWERS}"
    with connection.cursor() as cursor:
        cursor.execute(sql, queries.taking_answers_params(now))
        selected = {pk for (pk,) in cursor.fetchall()}
    expected = set(Attempt.objects.taking_answers(now).values_list("pk", flat=True))
    assert selected == expected
    names = {pk: name for name, attempt in made.items() for pk in [attempt.pk]}
    assert sorted(names[pk] for pk in selected) == ["grace's last instant", "no deadline", "time left", "within grace"]


def test_attempt_student_in_class_selects_what_student_in_class_selects(db):
    """Attempts on each edge: the student in the class, removed from it, in an archived class, never in the class,
    in another class of the same teacher only, and attempts of two students of one class (no row twice)."""
    now = timezone.now()
    classroom, archived, other = (
        factories.ClassroomFactory(),
        factories.ClassroomFactory(archived_at=now),
        factories.ClassroomFactory(),
    )
    here, again = factories.AssignmentFactory(classroom=classroom), factories.AssignmentFactory(classroom=classroom)
    there = factories.AssignmentFactory(classroom=archived)
    present, classmate, removed, stranger, elsewhere = factories.UserFactory.create_batch(5)
    for student in (present, classmate):
        factories.EnrollmentFactory(classroom=classroom, student=student)
    factories.EnrollmentFactory(classroom=classroom, student=removed, left_at=now)
    factories.EnrollmentFactory(classroom=archived, student=present)
    factories.EnrollmentFactory(classroom=other, student=elsewhere)
    made = {
        "in class": factories.AttemptFactory(student=present, assignment=here),
        "classmate": factories.AttemptFactory(student=classmate, assignment=here),
        "submitted": factories.AttemptFactory(student=present, assignment=again, submitted_at=now, score=0),
        "removed": factories.AttemptFactory(student=removed, assignment=here),
        "archived": factories.AttemptFactory(student=present, assignment=there),
        "never in it": factories.AttemptFactory(student=stranger, assignment=here),
        "in another class": factories.AttemptFactory(student=elsewhere, assignment=here),
    }
    names = {attempt.pk: name for name, attempt in made.items()}
    selected = selected_ids(Attempt, "a", queries.ATTEMPT_STUDENT_IN_CLASS, [])
    twin = list(Attempt.objects.student_in_class().values_list("pk", flat=True))
    assert len(twin) == len(set(twin)) and selected == set(twin)
    assert sorted(names[pk] for pk in selected) == ["classmate", "in class", "submitted"]


def test_an_answer_is_not_saved_once_the_student_is_removed_or_the_class_archived(open_attempt):
    """The guarded UPDATE applies ATTEMPT_STUDENT_IN_CLASS (still one statement per answer), and the submit's lock
    reads it."""
    response = open_attempt.responses.get()
    enrollment = Enrollment.objects.get(student=open_attempt.student)
    now = timezone.now()
    assert queries.save_answer(response, open_attempt, answer_values(now), now=now, keep_first=False)
    Enrollment.objects.filter(pk=enrollment.pk).update(left_at=now)
    assert not queries.save_answer(response, open_attempt, answer_values(now), now=now, keep_first=False)
    Enrollment.objects.filter(pk=enrollment.pk).update(left_at=None)
    Classroom.objects.filter(pk=open_attempt.assignment.classroom_id).update(archived_at=now)
    assert not queries.save_answer(response, open_attempt, answer_values(now), now=now, keep_first=False)
    with transaction.atomic():
        assert queries.lock_attempt(open_attempt.pk).student_in_class is False


def selected_ids(model, alias: str, condition: str, params: list) -> set[int]:
    sql = f"SELECT {queries.col(model, 'id', alias)} FROM {queries.table(model, alias)} WHERE {condition}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}


@pytest.fixture
def assignments_around(db):
    """A student and assignments on each edge: in a class they are in (open and closed early), in a class they
    left, in an archived class they are still in, in a class they never joined."""
    now = timezone.now()
    student = factories.UserFactory()
    current, left, archived, other = (
        factories.ClassroomFactory(),
        factories.ClassroomFactory(),
        factories.ClassroomFactory(archived_at=now),
        factories.ClassroomFactory(),
    )
    factories.EnrollmentFactory(classroom=current, student=student)
    factories.EnrollmentFactory(classroom=left, student=student, left_at=now)
    factories.EnrollmentFactory(classroom=archived, student=student)
    factories.EnrollmentFactory(classroom=other)
    made = {
        "open": factories.AssignmentFactory(classroom=current),
        "closed": factories.AssignmentFactory(classroom=current, closed_at=now),
        "left": factories.AssignmentFactory(classroom=left),
        "archived": factories.AssignmentFactory(classroom=archived),
        "other": factories.AssignmentFactory(classroom=other),
    }
    return student, {a.pk: name for name, a in made.items()}


def test_assignment_for_student_selects_what_for_student_selects(assignments_around):
    student, names = assignments_around
    selected = selected_ids(Assignment, "s", queries.ASSIGNMENT_FOR_STUDENT, [student.pk])
    assert selected == set(Assignment.objects.for_student(student).values_list("pk", flat=True))
    assert sorted(names[pk] for pk in selected) == ["closed", "open"]


def test_assignment_not_closed_selects_what_not_closed_selects(assignments_around):
    _, names = assignments_around
    selected = selected_ids(Assignment, "s", queries.ASSIGNMENT_NOT_CLOSED, [])
    assert selected == set(Assignment.objects.not_closed().values_list("pk", flat=True))
    assert "closed" not in {names[pk] for pk in selected}


def test_the_dashboard_gives_what_the_orm_gives(assignments_around, django_assert_num_queries):
    student, names = assignments_around
    (mine,) = [pk for pk, name in names.items() if name == "open"]
    first = factories.AttemptFactory(student=student, assignment_id=mine, submitted_at=timezone.now(), score=1)
    second = factories.AttemptFactory(student=student, assignment_id=mine, number=2)
    factories.AttemptFactory(assignment_id=mine)  # a classmate's
    accommodation = factories.AccommodationFactory(student=student, assignment_id=mine, extra_attempts=2)
    with django_assert_num_queries(3):
        assignments, attempts, accommodations = queries.dashboard(student.pk)
    orm = list(
        Assignment.objects.for_student(student)
        .not_closed()
        .select_related("quiz_set", "classroom")
        .order_by("due_at", "id")
    )
    assert [fields_of(a) for a in assignments] == [fields_of(a) for a in orm]
    with django_assert_num_queries(0):
        assert [(a.quiz_set.title, a.classroom.name) for a in assignments] == [
            (a.quiz_set.title, a.classroom.name) for a in orm
        ]
    assert [fields_of(a) for a in attempts] == [fields_of(a) for a in (first, Attempt.objects.get(pk=second.pk))]
    assert [fields_of(a) for a in accommodations] == [fields_of(accommodation)]
    assert queries.dashboard(factories.UserFactory().pk) == ([], [], [])


# -- Starting -------------------------------------------------------------------------------------------------------


def test_the_start_facts_say_who_may_take_an_assignment_as_can_take_assignment_says(assignments_around):
    from quizzes.permissions import can_take_assignment

    student, names = assignments_around
    outsider = factories.UserFactory()
    for pk, name in names.items():
        assignment = Assignment.objects.select_related("classroom").get(pk=pk)
        for user in (student, outsider, assignment.classroom.teacher):
            facts = queries.start_facts(pk, user.pk)
            assert facts.may_take == can_take_assignment(user, assignment), (name, user)
    taken = {names[pk] for pk in names if queries.start_facts(pk, student.pk).may_take}
    assert taken == {"open", "closed"}  # whether a closed one is open to start is its terms' business
    assert queries.start_facts(0, student.pk) is None


def test_the_start_facts_give_the_students_own_attempts_and_accommodation_as_the_orm_gives_them(
    assignments_around, django_assert_num_queries
):
    student, names = assignments_around
    (mine,) = [pk for pk, name in names.items() if name == "open"]
    with django_assert_num_queries(1):
        facts = queries.start_facts(mine, student.pk)
        assert (facts.accommodation, facts.attempts) == (None, [])
    second = factories.AttemptFactory(student=student, assignment_id=mine, number=2)
    first = factories.AttemptFactory(student=student, assignment_id=mine, submitted_at=timezone.now(), score=1)
    factories.AttemptFactory(assignment_id=mine)  # a classmate's
    factories.AccommodationFactory(assignment_id=mine)  # a classmate's
    accommodation = factories.AccommodationFactory(student=student, assignment_id=mine, extra_attempts=2)
    with django_assert_num_queries(1):
        facts = queries.start_facts(mine, student.pk)
    with django_assert_num_queries(0):  # class and set come attached
        classroom, quiz_set = facts.assignment.classroom, facts.assignment.quiz_set
    orm = Assignment.objects.select_related("classroom", "quiz_set").get(pk=mine)
    assert fields_of(facts.assignment) == fields_of(orm)
    assert fields_of(classroom) == fields_of(orm.classroom)
    assert fields_of(quiz_set) == fields_of(orm.quiz_set)
    assert fields_of(facts.accommodation) == fields_of(Accommodation.objects.get(pk=accommodation.pk))
    expected = Attempt.objects.filter(student=student, assignment_id=mine).order_by("number")
    assert [fields_of(a) for a in facts.attempts] == [fields_of(a) for a in expected]
    assert [a.pk for a in facts.attempts] == [first.pk, second.pk]


def test_question_published_selects_what_published_selects(db):
    made = {status: factories.QuestionFactory(status=status) for status in Question.Status.values}
    selected = selected_ids(Question, "q", queries.QUESTION_PUBLISHED, [Question.Status.PUBLISHED])
    assert selected & {q.pk for q in made.values()} == {made[Question.Status.PUBLISHED].pk}
    assert selected == set(Question.objects.published().values_list("pk", flat=True))


def test_a_sets_questions_come_published_only_in_the_sets_order_as_the_orm_gives_them(db, django_assert_num_queries):
    quiz_set = factories.QuizSetFactory()
    for position, status in [(3, "published"), (1, "published"), (2, "draft"), (1, "published")]:
        factories.QuizSetItemFactory(
            quiz_set=quiz_set, question=factories.QuestionFactory(status=status), position=position
        )
    factories.QuizSetItemFactory(question=factories.QuestionFactory())  # another set's
    with django_assert_num_queries(1):
        found = queries.set_questions(quiz_set.pk)
    orm = [
        item.question
        for item in QuizSetItem.objects.filter(quiz_set=quiz_set, question__in=Question.objects.published())
        .select_related("question")
        .order_by("position", "id")
    ]
    assert [fields_of(q) for q in found] == [fields_of(q) for q in orm]
    assert len(found) == 3 and all(q.status == Question.Status.PUBLISHED for q in found)


def test_only_an_assignment_not_closed_is_locked_for_a_start(assignments_around):
    _, names = assignments_around
    with transaction.atomic():
        locked = {names[pk] for pk in names if queries.lock_open_assignment(pk)}
    assert locked == {"open", "left", "archived", "other"}
    with transaction.atomic():
        assert not queries.lock_open_assignment(0)
