"""Time the gradebook page on a large made-up class, inside a transaction that is rolled back at the end."""

from __future__ import annotations

import json
import random
import statistics
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Classroom, Enrollment, QuizSet, User

MAX_SCORE = Decimal(10)


class Command(BaseCommand):
    help = (
        "Build a class of --students students and --assignments assignments with attempts, render its gradebook "
        "through the real view --renders times, print the median time and the query count, and roll it all back. "
        "The last line printed is JSON: students, assignments, seconds, queries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--assignments", type=int, default=40)
        parser.add_argument("--renders", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1917)

    def handle(self, *args, students: int, assignments: int, renders: int, seed: int, **options):
        if students < 1 or assignments < 1 or renders < 1:
            raise CommandError("--students, --assignments and --renders must be at least 1.")
        with transaction.atomic():
            classroom, teacher = self._build(students, assignments, random.Random(seed))
            times, queries, size = self._render(classroom, teacher, renders)
            # Nothing the benchmark made may stay behind, whatever database it ran on.
            transaction.set_rollback(True)
        seconds = statistics.median(times)
        self.stdout.write(
            f"Gradebook of {students} students x {assignments} assignments: median {seconds:.3f} s over {renders} "
            f"renders (fastest {min(times):.3f} s, CPU {self.cpu_seconds:.3f} s), {queries} queries, {size / 1_000_000:.1f} MB of HTML, "
            f"on {connection.vendor}."
        )
        self.stdout.write(
            json.dumps(
                {"students": students, "assignments": assignments, "seconds": round(seconds, 4), "queries": queries}
            )
        )

    def _build(self, students: int, assignments: int, rng: random.Random) -> tuple[Classroom, User]:
        tag = uuid.uuid4().hex[:8]
        now = timezone.now()
        password = make_password(None)
        teacher = User.objects.create(username=f"bench-{tag}-teacher", role=User.Role.TEACHER, password=password)
        classroom = Classroom.objects.create(name=f"Benchmark {tag}", teacher=teacher)
        quiz_set = QuizSet.objects.create(title=f"Benchmark set {tag}", owner=teacher)
        countings = list(Assignment.Counting.values)
        made_assignments = Assignment.objects.bulk_create(
            Assignment(
                quiz_set=quiz_set,
                classroom=classroom,
                title=f"Quiz {n + 1}",
                opens_at=now - timedelta(days=90 - n),
                due_at=now - timedelta(days=80 - n * 2),
                attempts_allowed=3,
                counting=countings[n % len(countings)],
            )
            for n in range(assignments)
        )
        made_students = User.objects.bulk_create(
            User(
                username=f"bench-{tag}-{n:05d}",
                first_name=f"Student{n:05d}",
                last_name=rng.choice(["Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Popova", "Sokolov"]),
                password=password,
            )
            for n in range(students)
        )
        Enrollment.objects.bulk_create(
            Enrollment(classroom=classroom, student=s, left_at=now if n % 97 == 96 else None)
            for n, s in enumerate(made_students)
        )
        attempts = []
        for student in made_students:
            for assignment in made_assignments:
                roll = rng.random()
                if roll >= 0.92:
                    continue  # not started
                tries = 1 if rng.random() < 0.8 else 2
                for number in range(1, tries + 1):
                    in_progress = roll >= 0.85 and number == tries
                    score = None if in_progress else Decimal(rng.randint(2, 10))
                    attempts.append(
                        Attempt(
                            student=student,
                            assignment=assignment,
                            number=number,
                            score=score,
                            max_score=MAX_SCORE,
                            submitted_at=None
                            if in_progress
                            else assignment.due_at - timedelta(minutes=rng.randint(5, 600)),
                            is_late=not in_progress and rng.random() < 0.05,
                        )
                    )
        Attempt.objects.bulk_create(attempts, batch_size=2000)
        self.stdout.write(
            f"Built {students} students, {assignments} assignments and {len(attempts)} attempts.", self.style.NOTICE
        )
        return classroom, teacher

    def _render(self, classroom: Classroom, teacher: User, renders: int) -> tuple[list[float], int, int]:
        url = reverse("gradebook", args=[classroom.pk])
        times, cpu, counts = [], [], []
        size = 0
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            client = Client()
            client.force_login(teacher)
            for _ in range(renders):
                with CaptureQueriesContext(connection) as captured:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = client.get(url, secure=getattr(settings, "SECURE_SSL_REDIRECT", False))
                    body = response.content
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
                if response.status_code != 200:
                    raise CommandError(f"The gradebook answered {response.status_code}.")
                counts.append(len(captured.captured_queries))
                size = len(body)
        self.cpu_seconds = statistics.median(cpu)
        return times, max(counts), size
