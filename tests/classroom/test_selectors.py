"""Reads for the teacher's class pages: the roster, the classes and their assignments."""

from quizzes.classroom.selectors import classroom_roster, teacher_assignments, teacher_classes, teacher_dashboard
from quizzes.classroom.services import (
    classroom_archive,
    enrollment_remove,
)
from quizzes.models import Attempt
from tests import factories


def test_roster_shows_the_latest_activity(school):
    assert classroom_roster(school.classroom).current[0].latest_activity is None
    started = factories.AttemptFactory(student=school.student, assignment=school.assignment)
    entry = next(e for e in classroom_roster(school.classroom).current if e.student == school.student)
    assert entry.latest_activity == ("started", started.started_at)
    Attempt.objects.filter(pk=started.pk).update(submitted_at=started.started_at, score=1)
    entry = next(e for e in classroom_roster(school.classroom).current if e.student == school.student)
    assert entry.latest_activity == ("submitted", started.started_at)


def test_activity_in_other_classes_does_not_count(school):
    elsewhere = factories.AssignmentFactory(classroom=school.other_classroom)
    factories.EnrollmentFactory(classroom=school.other_classroom, student=school.student)
    factories.AttemptFactory(student=school.student, assignment=elsewhere)
    entry = next(e for e in classroom_roster(school.classroom).current if e.student == school.student)
    assert entry.latest_activity is None


# -- Reads for the teacher's home ------------------------------------------------------------------------------------


def test_teacher_classes_count_current_students_only(school):
    enrollment_remove(classroom=school.classroom, student=school.classmate)
    (classroom,) = teacher_classes(school.teacher)
    assert classroom.student_count == 1


def test_teacher_assignments_count_submissions_of_current_students(school):
    factories.AttemptFactory(
        student=school.student, assignment=school.assignment, submitted_at="2025-01-01T10:00Z", score=1
    )
    factories.AttemptFactory(
        student=school.student, assignment=school.assignment, number=2, submitted_at="2025-01-02T10:00Z", score=2
    )
    factories.AttemptFactory(
        student=school.classmate, assignment=school.assignment, submitted_at="2025-01-01T10:00Z", score=1
    )
    enrollment_remove(classroom=school.classroom, student=school.classmate)
    (assignment,) = teacher_assignments(school.teacher)
    assert (assignment.submitted_count, assignment.student_count, assignment.item_count) == (1, 1, 7)
    classroom_archive(classroom=school.classroom, archived=True)
    assert teacher_assignments(school.teacher) == []


def test_the_teacher_dashboard_shows_active_classes_or_archived_ones(school, django_assert_num_queries):
    archived = factories.ClassroomFactory(name="History 9C", teacher=school.teacher)
    classroom_archive(classroom=archived, archived=True)
    with django_assert_num_queries(2):
        active = teacher_dashboard(school.teacher)
    assert active.classes == [school.classroom] and active.archived_count == 1
    assert active.assignments == [school.assignment] and not active.showing_archived
    with django_assert_num_queries(1):
        shown = teacher_dashboard(school.teacher, archived=True)
    assert shown.classes == [archived] and shown.archived_count == 1
    assert shown.assignments == [] and shown.showing_archived
