"""A live session: a teacher paces a quiz set on the projector while the class answers on phones.

The truth lives here, in the database: the session's state and version, its questions fixed at the start, who
joined and every answer. Nothing is kept in a process, so a refreshed page, a sleeping phone or a restarted server
reads the same state back. ``version`` grows by one with every change the players should see; it is the event id
of the server-sent events stream (quizzes.live.stream), so a reconnecting browser says which version it has.

States, and the transitions the services allow (quizzes.live.services):

    lobby --open--> question --reveal--> reveal --open--> question ... --end--> ended
                    question --pause--> paused --resume--> question
                    question --skip--> question (the next) or ended (after the last)
    any state but ended --end--> ended

When the session ends, each enrolled student's answers become a submitted attempt at a closed assignment of the
class (quizzes.live.services.live_end), so the gradebook, results with item analysis, the CSV and the student's
history show the session as one column. Guests never enter the gradebook.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from quizzes.classroom.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH


def new_live_code() -> str:
    """The code guests type to join (the class's own join code is for enrolment, never shown on the projector)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class LiveSession(models.Model):
    class State(models.TextChoices):
        LOBBY = "lobby", "Waiting for players"
        QUESTION = "question", "Question open"
        PAUSED = "paused", "Paused"
        REVEAL = "reveal", "Answer shown"
        ENDED = "ended", "Ended"

    class Scoring(models.TextChoices):
        ACCURACY = "accuracy", "Accuracy only"
        SPEED = "speed", "Accuracy, with points for speed"

    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="live_sessions")
    classroom = models.ForeignKey("quizzes.Classroom", on_delete=models.CASCADE, related_name="live_sessions")
    quiz_set = models.ForeignKey("quizzes.QuizSet", on_delete=models.PROTECT, related_name="live_sessions")
    title = models.CharField(max_length=200)
    code = models.CharField(max_length=12, unique=True, default=new_live_code)
    allow_guests = models.BooleanField(default=False, help_text="Anyone with the session's code may join by nickname.")
    scoring = models.CharField(max_length=10, choices=Scoring.choices, default=Scoring.ACCURACY)
    show_leaderboard = models.BooleanField(default=False, help_text="Show the top five after each reveal.")
    seconds_per_question = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A countdown for each question; empty for none."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.LOBBY)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="The current question (1, 2, ...); 0 in the lobby."
    )
    question_count = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When the current question opened.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="When its countdown ends; empty for none.")
    seconds_left_when_paused = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    assignment = models.OneToOneField(
        "quizzes.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_session",
        help_text="The gradebook's column for this session, made when it ends.",
    )

    class Meta:
        constraints = [
            # One session at a time per class: its students' "Live now" banner leads to exactly one.
            models.UniqueConstraint(
                fields=["classroom"], condition=~Q(state="ended"), name="live_session_one_running_per_class"
            ),
            models.CheckConstraint(condition=Q(position__lte=models.F("question_count")), name="live_position_in_set"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state != self.State.ENDED


class LiveQuestion(models.Model):
    """The session's questions in order, fixed when it starts (editing the set later changes nothing here)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="+")
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="live_question_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.question_id}"


class LivePlayer(models.Model):
    """A student of the class (user set) or a guest (nickname only, never in the gradebook)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="players")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="live_players"
    )
    nickname = models.CharField(max_length=30)
    guest_key = models.CharField(
        max_length=64, blank=True, help_text="A guest's secret, kept in their session, so a refresh finds them again."
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], condition=Q(user__isnull=False), name="live_player_one_per_user"
            ),
            models.UniqueConstraint("session", Lower("nickname"), name="live_player_unique_nickname"),
        ]

    def __str__(self) -> str:
        return self.nickname

    @property
    def is_guest(self) -> bool:
        return self.user_id is None


class LiveAnswer(models.Model):
    """One player's answer to one question of the session: exactly one (the constraint), saved when acknowledged."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="answers")
    player = models.ForeignKey(LivePlayer, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="+")
    answer = models.JSONField()
    is_correct = models.BooleanField(null=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    speed_bonus = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["player", "position"], name="live_answer_once_per_question")]
        indexes = [models.Index(fields=["session", "position"], name="live_answer_by_question")]

    def __str__(self) -> str:
        return f"{self.player_id} at {self.position}"
