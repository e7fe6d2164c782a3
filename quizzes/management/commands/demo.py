"""Migrate, load the bank, and create the demo school: users, a class and two assignments."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from quizzes.bank.fixtures import load_bank
from quizzes.bank.types import REGISTRY
from quizzes.models import Assignment, Classroom, Enrollment, Question, QuizSet, QuizSetItem, User

PASSWORD = "october1917"
# Easiest types first; then every other type the registry knows, so the demo shows each of them.
TYPE_ORDER = ["single", "true_false", "multiple", "short_text", "numeric", "ordering", "matching"]
TYPE_ORDER += [value for value in REGISTRY if value not in TYPE_ORDER]


def _demo_user(username: str, *, first: str, last: str, role: str, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "role": role}
    )
    if created:
        user.set_password(PASSWORD)
        user.is_staff = user.is_superuser = staff
        user.save()
    return user


def _pick(questions: list[Question], per_type: int, skip: set[int]) -> list[Question]:
    """per_type published questions of each type, easiest first, none from skip."""
    chosen = []
    for qtype in TYPE_ORDER:
        of_type = [q for q in questions if q.type == qtype and q.pk not in skip]
        chosen += sorted(of_type, key=lambda q: (q.difficulty, q.key))[:per_type]
    return chosen


def _quiz_set(title: str, description: str, questions: list[Question], owner: User) -> QuizSet:
    quiz_set, created = QuizSet.objects.get_or_create(
        title=title, defaults={"description": description, "owner": owner}
    )
    if quiz_set.owner_id is None:  # made by an older demo: the demo teacher may open it in the builder
        quiz_set.owner = owner
        quiz_set.save(update_fields=["owner"])
    if created:
        QuizSetItem.objects.bulk_create(
            QuizSetItem(quiz_set=quiz_set, question=q, position=n) for n, q in enumerate(questions, start=1)
        )
    return quiz_set


class Command(BaseCommand):
    help = (
        "Set up the demo: migrate, load the bank, create demo users, a class and two assignments. Refused under "
        "production settings (it creates an administrator whose password the README publishes) unless "
        "--allow-production is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even under production settings, creating the demo administrator with the published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_ALLOWED and not options["allow_production"]:
            raise CommandError(
                "Refused: these are production settings, and the demo creates an administrator, admin, whose "
                f"password ({PASSWORD}) is published in the README. Run it against a development database; if you "
                "really want the demo school here, run it again with --allow-production and change the demo "
                "passwords at once."
            )
        if not settings.DEMO_ALLOWED:
            self.stderr.write(
                self.style.WARNING(f"Production settings: change the demo users' password ({PASSWORD}) at once.")
            )
        call_command("migrate", interactive=False, verbosity=0)
        count = load_bank()
        with transaction.atomic():
            self._school()
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {count} questions in the bank."))
        self.stdout.write("Logins (password for all: october1917):")
        for name, what in [
            ("demo-student", "student in History 10A"),
            ("demo-student2", "student in History 10A"),
            ("demo-teacher", "teacher of History 10A"),
            ("admin", "administrator (Django admin at /admin/)"),
        ]:
            self.stdout.write(f"  {name:<14} {what}")

    def _school(self) -> None:
        _demo_user("admin", first="Ada", last="Admin", role=User.Role.TEACHER, staff=True)
        teacher = _demo_user("demo-teacher", first="Tamara", last="Teacher", role=User.Role.TEACHER)
        students = [
            _demo_user("demo-student", first="Sasha", last="Student", role=User.Role.STUDENT),
            _demo_user("demo-student2", first="Misha", last="Student", role=User.Role.STUDENT),
        ]
        classroom, _ = Classroom.objects.get_or_create(name="History 10A", teacher=teacher)
        for student in students:
            Enrollment.objects.get_or_create(classroom=classroom, student=student)
        bank = list(Question.objects.published().filter(owner__isnull=True))
        first = _pick(bank, 2, set())
        second = _pick(bank, 2, {q.pk for q in first})
        practice = _quiz_set(
            "Deciding on the rising",
            "Practice: how the Bolshevik leaders argued over an insurrection, September to October 1917.",
            first,
            teacher,
        )
        timed = _quiz_set(
            "Votes, people and dates: timed check",
            "A timed check on the votes, people and dates of October 1917.",
            second,
            teacher,
        )
        now = timezone.now()
        Assignment.objects.get_or_create(
            classroom=classroom,
            quiz_set=practice,
            defaults={
                "opens_at": now - timedelta(days=1),
                "due_at": now + timedelta(days=7),
                "feedback": Assignment.Feedback.EACH_QUESTION,
                "attempts_allowed": 3,
            },
        )
        Assignment.objects.get_or_create(
            classroom=classroom,
            quiz_set=timed,
            defaults={
                "opens_at": now - timedelta(days=1),
                "due_at": now + timedelta(days=10),
                "time_limit_minutes": 10,
                "feedback": Assignment.Feedback.AFTER_SUBMISSION,
                "shuffle_questions": True,
            },
        )
