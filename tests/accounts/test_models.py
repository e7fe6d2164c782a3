"""Accounts: `createsuperuser` makes an administrator, staff are never students, and the migration that made it so
turns existing staff students into administrators."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from quizzes.classroom.services import JoinRefused, enrollment_join
from quizzes.models import User
from tests import factories


def test_createsuperuser_makes_an_administrator_who_cannot_join_a_class(school, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "admin-Passphrase-1917")
    call_command("createsuperuser", "--noinput", "--username", "head", "--email", "head@example.org")
    head = User.objects.get(username="head")
    assert head.is_superuser and head.role == User.Role.ADMIN
    assert not head.is_student and not head.is_teacher
    with pytest.raises(JoinRefused, match="Staff and admin accounts cannot join a class"):
        enrollment_join(student=head, code=school.classroom.join_code)


def test_a_superuser_may_still_be_made_a_teacher_but_never_a_student(db):
    assert User.objects.create_superuser("ada", role=User.Role.TEACHER).is_teacher
    with pytest.raises(ValueError, match="cannot have the student role"):
        User.objects.create_superuser("bob", role=User.Role.STUDENT)
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.parametrize(
    "flags", [{"is_staff": True}, {"is_superuser": True}, {"is_staff": True, "is_superuser": True}]
)
def test_the_database_refuses_a_staff_or_superuser_student(db, flags):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="sneaky", role=User.Role.STUDENT, **flags)
    student = factories.UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=student.pk).update(**flags)


def test_a_teachers_own_account_is_not_resettable_even_if_made_by_them(school):
    school.other_teacher.created_by = school.teacher
    school.other_teacher.save()
    assert not User.objects.resettable_by(school.teacher).filter(pk=school.other_teacher.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_staff_and_superuser_students_into_administrators():
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    (after,) = [
        key for key in graph.nodes if key[0] == "quizzes" and key[1].endswith("_admin_role_created_by_password_reset")
    ]
    before = [parent for parent in graph.node_map[after].parents if parent.key[0] == "quizzes"][0].key
    try:
        executor.migrate([before])
        old_user = executor.loader.project_state(before).apps.get_model("quizzes", "User")
        for username, flags in [
            ("head", {"is_staff": True, "is_superuser": True}),  # what createsuperuser used to make
            ("helper", {"is_staff": True}),
            ("sasha", {}),
        ]:
            old_user.objects.create(username=username, role="student", **flags)
        old_user.objects.create(username="ada", role="teacher", is_staff=True, is_superuser=True)
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        roles = dict(User.objects.values_list("username", "role"))
        assert roles == {"head": "admin", "helper": "admin", "sasha": "student", "ada": "teacher"}
        assert all(user.created_by is None for user in User.objects.all())
    finally:  # the later migrations too, for the tests that follow
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
