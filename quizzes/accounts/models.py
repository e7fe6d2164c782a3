"""Users: students and teachers share one model; admins are staff. Every password reset is recorded."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from quizzes.classroom.models import Enrollment


class UserQuerySet(models.QuerySet):
    def resettable_by(self, teacher: "User | int"):
        """The accounts a teacher (or a teacher's id) may give a new one-time password from a roster: student
        accounts (never staff or superusers) that this teacher made (with Add students) and that were never in
        another teacher's class. ``quizzes.permissions.password_reset_refusal`` is the same rule for one account,
        with the reason."""
        teacher_id = teacher if isinstance(teacher, int) else teacher.pk
        elsewhere = Enrollment.objects.filter(student=OuterRef("pk")).exclude(classroom__teacher_id=teacher_id)
        return self.filter(
            role=User.Role.STUDENT,
            is_staff=False,
            is_superuser=False,
            created_by_id=teacher_id,
            created_by__role=User.Role.TEACHER,
        ).exclude(Exists(elsewhere))


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`createsuperuser` makes an admin, never a student: a student account can join a class, and that
        class's teacher could then reset its password."""
        extra_fields.setdefault("role", User.Role.ADMIN)
        if extra_fields["role"] == User.Role.STUDENT:
            raise ValueError("A superuser cannot have the student role.")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"
        ADMIN = "admin", "Administrator"

    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        default=Role.STUDENT,
        help_text="Administrators manage the school in this admin site; they neither teach nor join classes.",
    )
    must_change_password = models.BooleanField(
        default=False, help_text="Set for accounts created with a one-time password."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_accounts",
        limit_choices_to={"role": Role.TEACHER},
        verbose_name="made by",
        help_text="The teacher who made this account with Add students: only they may give it a new one-time "
        "password, while it is in none of another teacher's classes. Empty for accounts made by signing up or here.",
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="student") | Q(is_staff=False, is_superuser=False),
                name="user_staff_are_not_students",
                violation_error_message="Staff and superusers cannot have the student role: choose Teacher or "
                "Administrator (a teacher could otherwise reset a student's password).",
            )
        ]

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class PasswordReset(models.Model):
    """Someone gave an account a new password: a teacher from a class roster, or an admin in Django admin.
    The usernames are kept as they were, so the record outlives the accounts."""

    class Way(models.TextChoices):
        ROSTER = "roster", "Teacher, from a class roster"
        ADMIN = "admin", "Admin, in Django admin"

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="password_resets"
    )
    account_username = models.CharField("account", max_length=150)
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="password_resets_made"
    )
    reset_by_username = models.CharField("reset by", max_length=150)
    way = models.CharField(max_length=10, choices=Way.choices)
    classroom = models.ForeignKey(
        "quizzes.Classroom",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="password_resets",
        help_text="The class whose roster it was done from.",
    )
    reset_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-reset_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account_username}'s password, by {self.reset_by_username}"
