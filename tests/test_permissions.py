"""The policy of quizzes.permissions: each owner-scoped lookup (and the hand-written SQL of the student's attempt)
finds exactly what its predicate allows, for every kind of user and object."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from quizzes.attempts.selectors import student_attempt, student_attempt_and_positions
from quizzes.attempts.services import attempt_start
from quizzes.classroom.services import classroom_archive, enrollment_join, enrollment_remove, students_bulk_create
from quizzes.models import Attempt, Question, QuizSet, Source, User
from quizzes.permissions import (
    assignable_classrooms,
    assignable_quiz_set,
    can_assign_quiz_set,
    can_assign_to,
    can_edit_question,
    can_edit_quiz_set,
    can_edit_source,
    can_reset_password,
    can_review_attempt,
    can_see_question,
    can_see_source,
    can_take_assignment,
    can_use_question,
    can_view_attempt,
    is_current_student,
    owned_source,
    taught_attempt,
    teacher_assignment,
    teacher_classroom,
    teacher_question,
    teacher_quiz_set,
    teacher_source,
    teaches,
)
from tests import factories


def found(lookup, user, pk) -> bool:
    try:
        lookup(user, pk)
    except Http404:
        return False
    return True


@pytest.fixture
def people(school):
    staff_teacher = factories.UserFactory(username="staff", is_staff=True, role=User.Role.TEACHER)
    staff = factories.UserFactory(username="helper", is_staff=True)
    superuser = User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917")
    return [
        school.teacher,
        school.other_teacher,
        school.student,
        school.classmate,
        school.stranger,
        staff_teacher,
        staff,
        superuser,
    ]


@pytest.fixture
def quiz_sets(school):
    mine = factories.QuizSetFactory(owner=school.teacher)
    theirs = factories.QuizSetFactory(owner=school.other_teacher)
    return [mine, theirs, school.assignment.quiz_set]  # the last is shared (no owner)


@pytest.fixture
def questions(school):
    return [
        school.questions["single"],
        factories.QuestionFactory(status=Question.Status.DRAFT),
        factories.QuestionFactory(owner=school.teacher, status=Question.Status.DRAFT),
        factories.QuestionFactory(owner=school.other_teacher),
    ]


def test_a_teacher_finds_exactly_the_classes_they_teach(school, people):
    for user, classroom in itertools.product(people, [school.classroom, school.other_classroom]):
        assert found(teacher_classroom, user, classroom.pk) is teaches(user, classroom)


def test_a_teacher_finds_exactly_the_assignments_of_their_classes(school, people):
    other = factories.AssignmentFactory(classroom=school.other_classroom, quiz_set=school.assignment.quiz_set)
    for user, assignment in itertools.product(people, [school.assignment, other]):
        assert found(teacher_assignment, user, assignment.pk) is teaches(user, assignment.classroom)


def test_a_teacher_finds_exactly_the_sets_they_may_edit_or_assign(people, quiz_sets):
    for user, quiz_set in itertools.product(people, quiz_sets):
        assert found(teacher_quiz_set, user, quiz_set.pk) is can_edit_quiz_set(user, quiz_set)
        assert found(assignable_quiz_set, user, quiz_set.pk) is can_assign_quiz_set(user, quiz_set)


def test_a_teacher_edits_exactly_their_own_questions_and_uses_the_published_bank_too(people, questions):
    for user, question in itertools.product(people, questions):
        assert found(teacher_question, user, question.pk) is can_edit_question(user, question)
        usable = Question.objects.usable_by(user).filter(pk=question.pk).exists()
        assert usable is can_use_question(user, question)
        assert not can_use_question(user, question) or can_see_question(user, question)


def test_classes_offered_for_assigning_are_the_teachers_current_ones(school, people):
    archived = factories.ClassroomFactory(teacher=school.teacher)
    classroom_archive(classroom=archived, archived=True)
    for user in people:
        offered = set(assignable_classrooms(user))
        for classroom in (school.classroom, school.other_classroom, archived):
            assert (classroom in offered) is can_assign_to(user, classroom)


def test_the_student_attempt_sql_finds_exactly_the_students_own_attempt(school, people):
    """student_attempt's hand-written SQL is where can_view_attempt is enforced on the quiz loop."""
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    for user in people:
        assert found(student_attempt, user, attempt.pk) is can_view_attempt(user, attempt)
        assert found(student_attempt_and_positions, user, attempt.pk) is can_view_attempt(user, attempt)
        assert found(taught_attempt, user, attempt.pk) is can_review_attempt(user, attempt)


def test_only_current_students_of_a_class_that_is_not_archived_take_its_assignments(school, people):
    left = factories.UserFactory()
    factories.EnrollmentFactory(classroom=school.classroom, student=left, left_at="2025-01-01T00:00Z")
    takers = {user for user in [*people, left] if can_take_assignment(user, school.assignment)}
    assert takers == {school.student, school.classmate}
    assert not is_current_student(left, school.classroom)
    classroom_archive(classroom=school.classroom, archived=True)
    assert not any(can_take_assignment(user, school.assignment) for user in people)


def test_attempts_take_answers_exactly_from_students_who_may_take_the_assignment(school):
    """Attempt.objects.student_in_class (whose SQL twin guards every answer and the submit) is can_take_assignment
    for the attempt's own student: removed from the class, or the class archived, and the attempt is theirs no
    more to answer."""
    attempts = [attempt_start(student=who, assignment=school.assignment) for who in (school.student, school.classmate)]
    enrollment_remove(classroom=school.classroom, student=school.classmate)
    for archived in (False, True):
        classroom_archive(classroom=school.classroom, archived=archived)
        answerable = set(Attempt.objects.student_in_class())
        assert answerable == {a for a in attempts if can_take_assignment(a.student, school.assignment)}
        assert answerable == (set() if archived else {attempts[0]})


def test_an_anonymous_visitor_owns_nothing(school, quiz_sets, questions):
    nobody = AnonymousUser()
    assert not teaches(nobody, school.classroom)
    assert not any(can_edit_quiz_set(nobody, quiz_set) for quiz_set in QuizSet.objects.all())
    assert not any(can_edit_question(nobody, question) for question in questions)
    assert not is_current_student(nobody, school.classroom)


def test_the_roster_offers_a_reset_for_exactly_the_accounts_the_teacher_may_reset(school, people):
    """``User.objects.resettable_by`` (the roster's query) is the rule of `can_reset_password`, for every pair."""
    made_here = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])[0].user
    made_and_elsewhere = students_bulk_create(classroom=school.classroom, names=[("Boris", "Orlov")])[0].user
    enrollment_join(student=made_and_elsewhere, code=school.other_classroom.join_code)
    made_and_left_elsewhere = students_bulk_create(classroom=school.classroom, names=[("Vera", "Ivanova")])[0].user
    enrollment_join(student=made_and_left_elsewhere, code=school.other_classroom.join_code)
    enrollment_remove(classroom=school.other_classroom, student=made_and_left_elsewhere)
    made_there = students_bulk_create(classroom=school.other_classroom, names=[("Gleb", "Orlov")])[0].user
    accounts = [*people, made_here, made_and_elsewhere, made_and_left_elsewhere, made_there]
    User.objects.filter(is_staff=True).update(created_by=school.teacher)  # made by the teacher, later staff
    accounts = [User.objects.get(pk=account.pk) for account in accounts]
    for user, account in itertools.product([*people, AnonymousUser()], accounts):
        resettable = user.is_authenticated and User.objects.resettable_by(user).filter(pk=account.pk).exists()
        assert resettable is can_reset_password(user, account), (user, account)
    assert {a for a in accounts if can_reset_password(school.teacher, a)} == {made_here}
    assert {a for a in accounts if can_reset_password(school.other_teacher, a)} == {made_there}


def test_a_teacher_finds_exactly_the_sources_they_may_read_and_edit(school, people):
    sources = [
        factories.SourceFactory(),  # the shared bank's
        factories.TeacherSourceFactory(owner=school.teacher),
        factories.TeacherSourceFactory(owner=school.other_teacher),
        factories.TeacherSourceFactory(owner=school.other_teacher, visibility=Source.Visibility.SHARED),
        factories.TeacherSourceFactory(owner=None),  # a private source whose teacher's account is gone
    ]
    for user, source in itertools.product(people, sources):
        assert found(teacher_source, user, source.pk) is (
            can_see_source(user, source)
            or not user.is_teacher
            and (source.visibility == Source.Visibility.SHARED or source.owner_id == user.pk)
        )
        assert found(owned_source, user, source.pk) is (
            can_edit_source(user, source) or (not user.is_teacher and source.owner_id == user.pk)
        )
        visible = Source.objects.visible_to(user).filter(pk=source.pk).exists()
        assert visible is (source.visibility == Source.Visibility.SHARED or source.owner_id == user.pk)
        assert not can_edit_source(user, source) or can_see_source(user, source)
    assert not can_see_source(AnonymousUser(), sources[0])
