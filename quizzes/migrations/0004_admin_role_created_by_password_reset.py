# Staff and superusers are never students; accounts record the teacher who made them; password resets are recorded.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import quizzes.accounts.models


def staff_become_administrators(apps, schema_editor):
    """Before this migration `createsuperuser` made students; a student account can join a class, and its teacher
    could then reset the password. Every staff or superuser account with the student role becomes an administrator."""
    User = apps.get_model("quizzes", "User")
    User.objects.filter(role="student").filter(models.Q(is_staff=True) | models.Q(is_superuser=True)).update(
        role="admin"
    )


def administrators_become_students(apps, schema_editor):
    """Back to the two roles of before (the constraint is gone by then)."""
    User = apps.get_model("quizzes", "User")
    User.objects.filter(role="admin").update(role="student")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("quizzes", "0003_attempt_started_at_default"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", quizzes.accounts.models.UserManager()),
            ],
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[("student", "Student"), ("teacher", "Teacher"), ("admin", "Administrator")],
                default="student",
                help_text="Administrators manage the school in this admin site; they neither teach nor join classes.",
                max_length=10,
            ),
        ),
        migrations.RunPython(staff_become_administrators, administrators_become_students, elidable=False),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role", "student"), _negated=True),
                    models.Q(("is_staff", False), ("is_superuser", False)),
                    _connector="OR",
                ),
                name="user_staff_are_not_students",
                violation_error_message="Staff and superusers cannot have the student role: choose Teacher or "
                "Administrator (a teacher could otherwise reset a student's password).",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The teacher who made this account with Add students: only they may give it a new one-time "
                "password, while it is in none of another teacher's classes. Empty for accounts made by signing up "
                "or here.",
                limit_choices_to={"role": "teacher"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="created_accounts",
                to=settings.AUTH_USER_MODEL,
                verbose_name="made by",
            ),
        ),
        migrations.AlterField(
            model_name="enrollment",
            name="student",
            field=models.ForeignKey(
                limit_choices_to={"role": "student"},
                on_delete=django.db.models.deletion.CASCADE,
                related_name="enrollments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="PasswordReset",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("account_username", models.CharField(max_length=150, verbose_name="account")),
                ("reset_by_username", models.CharField(max_length=150, verbose_name="reset by")),
                (
                    "way",
                    models.CharField(
                        choices=[("roster", "Teacher, from a class roster"), ("admin", "Admin, in Django admin")],
                        max_length=10,
                    ),
                ),
                ("reset_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "account",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="password_resets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "classroom",
                    models.ForeignKey(
                        blank=True,
                        help_text="The class whose roster it was done from.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="password_resets",
                        to="quizzes.classroom",
                    ),
                ),
                (
                    "reset_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="password_resets_made",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-reset_at", "-pk"],
            },
        ),
    ]
