"""What the live pages read: the session a student may join, the teacher's own session, a player, and the state
the projector and a phone show, each in a constant number of queries however many play.

Nothing of a question's right answer is in a state's fields before its reveal: the projector's and the phone's
reveal fields are filled only once the session is in its reveal state, a player's answer carries no grade until
then, and their score leaves out the question still open. (The question and its presentation are model instances,
whose parts know which is right, as in the quiz loop: templates show only prompts and option texts before the
reveal.)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone

from quizzes.attempts.content import with_content
from quizzes.bank.answers import answer_from_json
from quizzes.bank.grading import normalise_text
from quizzes.bank.presentation import Presentation, answer_lines, correct_answer_lines, describe_answer, present
from quizzes.bank.types import question_type
from quizzes.bank.types.base import TypedAnswer
from quizzes.classroom.models import normalise_join_code
from quizzes.models import Citation, LiveAnswer, LivePlayer, LiveQuestion, LiveSession

State = LiveSession.State

LEADERBOARD_SIZE = 5
COMMON_WRONG_ANSWERS = 3
# The states in which the current question is on screen.
SHOWING_QUESTION = (State.QUESTION, State.PAUSED, State.REVEAL)


class RevealCount(NamedTuple):
    """One bar of the reveal's chart: a choice (or "Right"/"Wrong" for types without choices), how many answered
    it, and whether it is right."""

    label: str
    count: int
    is_correct: bool


class LeaderboardRow(NamedTuple):
    nickname: str
    score: Decimal


# -- Finding a session and a player ---------------------------------------------------------------------------------


def running_session_for_student(user) -> LiveSession | None:
    """The session running in one of the student's classes (not archived), for the dashboard's "Live now" banner;
    None when there is none, or when the teacher removed them from it."""
    if not getattr(user, "is_authenticated", False) or not user.is_student:
        return None
    removed = LivePlayer.objects.filter(session=OuterRef("pk"), user=user, removed_at__isnull=False)
    return (
        LiveSession.objects.exclude(state=State.ENDED)
        .filter(
            classroom__enrollments__student=user,
            classroom__enrollments__left_at__isnull=True,
            classroom__archived_at__isnull=True,
        )
        .filter(~Exists(removed))
        .select_related("classroom")
        .order_by("-created_at", "-pk")
        .first()
    )


def teacher_session(user, pk: int) -> LiveSession:
    """The teacher's own session, or 404: other teachers' sessions do not exist for them."""
    return get_object_or_404(LiveSession.objects.select_related("classroom", "quiz_set"), pk=pk, teacher_id=user.pk)


def session_for_code(code: str) -> LiveSession | None:
    """The running session a guest's code names (spaces, dashes and case ignored), or None."""
    code = normalise_join_code(code)
    if not code:
        return None
    return LiveSession.objects.exclude(state=State.ENDED).filter(code=code).select_related("classroom").first()


def player_for(user, session: LiveSession, guest_key: str = "") -> LivePlayer | None:
    """The request's player in the session (a removed one too: the phone says so), by their account or else by the
    guest key kept in their Django session; None when they have not joined."""
    players = LivePlayer.objects.filter(session_id=session.pk).select_related("session")
    if user is not None and getattr(user, "is_authenticated", False):
        player = players.filter(user_id=user.pk).first()
        if player is not None:
            return player
    if guest_key:
        return players.filter(user__isnull=True, guest_key=guest_key).first()
    return None


# -- What the projector and phones show ---------------------------------------------------------------------------


def live_presentation(session: LiveSession, question) -> Presentation:
    """How every screen of the session shows a question: choices in the set's order (the projector and the
    phones agree on them), ordering items and matching sides in an order fixed by the session."""
    return present(question, seed=session.pk, shuffle_choices=False)


def seconds_left(session: LiveSession, now=None) -> int | None:
    """The countdown's seconds left (None without one): while paused, what it had when paused."""
    if session.state == State.PAUSED:
        return session.seconds_left_when_paused
    if session.state != State.QUESTION or session.closes_at is None:
        return None
    return max(0, math.ceil((session.closes_at - (now or timezone.now())).total_seconds()))


def _session_questions(session: LiveSession) -> tuple[LiveQuestion | None, set[int]]:
    """The current question (its content loaded with citations) when one is on screen, and the skipped positions,
    in one query (plus the question's content, when not cached)."""
    current = None
    skipped = set()
    for live_question in LiveQuestion.objects.filter(session_id=session.pk).select_related("question"):
        if live_question.skipped:
            skipped.add(live_question.position)
        if live_question.position == session.position and session.state in SHOWING_QUESTION:
            current = live_question
    if current is not None:
        current.question = with_content([current.question])[0]
    return current, skipped


def _passage(question) -> Citation | None:
    """The question's first evidence quote, with its source (loaded with the content)."""
    return question.first_citation


def _reveal_counts(question, answers: list[LiveAnswer]) -> tuple[list[RevealCount], list[RevealCount]]:
    """The chart's bars, and the most common wrong typed answers (short text and numeric)."""
    kind = question_type(question.type)
    if kind.is_choice:
        parsed = [answer_from_json(question.type, a.answer) for a in answers]
        tally = kind.choice_tally(question, parsed)
        return [RevealCount(label, count, right) for label, right, count in tally], []
    right = sum(1 for a in answers if a.is_correct)
    partly = sum(1 for a in answers if not a.is_correct and a.points > 0)
    wrong = len(answers) - right - partly
    bars = [RevealCount("Right", right, True)]
    if partly:
        bars.append(RevealCount("Partly right", partly, False))
    bars.append(RevealCount("Wrong", wrong, False))
    common = []
    if isinstance(kind, TypedAnswer):  # short text, numeric: the wrong answers typed most, folded as grading folds
        shown: dict[str, str] = {}
        typed: Counter[str] = Counter()
        for a in answers:
            if a.is_correct:
                continue
            text = describe_answer(question, answer_from_json(question.type, a.answer)).strip()
            folded = normalise_text(text)
            if folded:
                shown.setdefault(folded, text)
                typed[folded] += 1
        common = [RevealCount(shown[key], count, False) for key, count in typed.most_common(COMMON_WRONG_ANSWERS)]
    return bars, common


def _most_chosen_wrong(bars: list[RevealCount], common_wrong: list[RevealCount], is_choice: bool) -> RevealCount | None:
    candidates = [bar for bar in bars if not bar.is_correct and bar.count] if is_choice else common_wrong
    if not candidates:
        return None
    return max(candidates, key=lambda bar: bar.count)


@dataclass
class ProjectorState:
    """What the projector shows now. The reveal's fields are empty until the reveal.

    Joins and answers bump no version (quizzes.live.services), so the list of players and answered_count change
    between versions: the projector's page fetches its state on a short timer as well as on each event."""

    session: LiveSession
    players: list[LivePlayer]
    question: LiveQuestion | None = None
    presentation: Presentation | None = None
    answered_count: int = 0
    seconds_left: int | None = None
    reveal_counts: list[RevealCount] = field(default_factory=list)
    common_wrong_answers: list[RevealCount] = field(default_factory=list)
    most_chosen_wrong: RevealCount | None = None
    correct_answer_text: str = ""
    correct_answer_lines: list | None = None  # ordering and matching: one line a part
    explanation: str = ""
    passage: Citation | None = None
    leaderboard: list[LeaderboardRow] = field(default_factory=list)

    @property
    def player_count(self) -> int:
        return len(self.players)

    @property
    def is_revealed(self) -> bool:
        return self.session.state == State.REVEAL

    @property
    def most_answers(self) -> int:
        """The longest bar's count (at least 1), for drawing the chart to scale."""
        return max([bar.count for bar in self.reveal_counts] + [1])


def _leaderboard(session: LiveSession, players: list[LivePlayer], skipped: set[int]) -> list[LeaderboardRow]:
    """The top five by points with speed bonus (never the rest), over the questions revealed or passed."""
    totals: dict[int, Decimal] = {p.pk: Decimal(0) for p in players}
    rows = (
        LiveAnswer.objects.filter(session_id=session.pk, player__removed_at__isnull=True)
        .exclude(position__in=skipped)
        .values_list("player_id", "points", "speed_bonus")
    )
    for player_id, points, bonus in rows:
        if player_id in totals:
            totals[player_id] += points + bonus
    ranked = sorted(players, key=lambda p: (-totals[p.pk], p.joined_at, p.pk))
    return [LeaderboardRow(p.nickname, totals[p.pk]) for p in ranked[:LEADERBOARD_SIZE] if totals[p.pk] > 0]


def projector_state(session: LiveSession, now=None) -> ProjectorState:
    """The projector's state in a constant number of queries (players, questions, answers to the current one, and
    the leaderboard when shown)."""
    players = list(LivePlayer.objects.filter(session_id=session.pk, removed_at__isnull=True))
    current, skipped = _session_questions(session)
    state = ProjectorState(session=session, players=players, seconds_left=seconds_left(session, now))
    if current is not None:
        question = current.question
        state.question = current
        state.presentation = live_presentation(session, question)
        answers = list(
            LiveAnswer.objects.filter(
                session_id=session.pk, position=session.position, player__removed_at__isnull=True
            ).only("answer", "is_correct", "points")
        )
        state.answered_count = len(answers)
        if session.state == State.REVEAL:
            kind = question_type(question.type)
            state.reveal_counts, state.common_wrong_answers = _reveal_counts(question, answers)
            state.most_chosen_wrong = _most_chosen_wrong(
                state.reveal_counts, state.common_wrong_answers, kind.is_choice
            )
            state.correct_answer_text = question.correct_answer_text()
            state.correct_answer_lines = correct_answer_lines(question)
            state.explanation = question.explanation
            state.passage = _passage(question)
    if session.show_leaderboard and session.state in (State.REVEAL, State.ENDED):
        state.leaderboard = _leaderboard(session, players, skipped)
    return state


@dataclass
class PhoneState:
    """What one player's phone shows now. Whether their answer was right, and the right answer, only after the
    reveal; their score counts the questions already revealed or passed."""

    session: LiveSession
    player: LivePlayer | None
    question: LiveQuestion | None = None
    presentation: Presentation | None = None
    my_answer: LiveAnswer | None = None
    my_answer_text: str = ""
    my_answer_lines: list | None = None  # ordering and matching: one line a part, marked only after the reveal
    score: Decimal = Decimal(0)
    seconds_left: int | None = None
    is_correct: bool | None = None
    points: Decimal | None = None
    correct_answer_text: str = ""
    correct_answer_lines: list | None = None
    explanation: str = ""
    passage: Citation | None = None

    @property
    def is_removed(self) -> bool:
        return self.player is not None and self.player.removed_at is not None

    @property
    def is_revealed(self) -> bool:
        return self.session.state == State.REVEAL

    @property
    def can_answer(self) -> bool:
        return self.session.state == State.QUESTION and self.my_answer is None and not self.is_removed


def open_position(session: LiveSession) -> int | None:
    """The question still open (its answers count towards no score yet), if any."""
    return session.position if session.state in (State.QUESTION, State.PAUSED) else None


def score_of(answers, skipped: set[int], session: LiveSession) -> Decimal:
    """A player's score from their answers: the questions revealed or passed, not skipped ones."""
    still_open = open_position(session)
    return sum(
        (a.points + a.speed_bonus for a in answers if a.position not in skipped and a.position != still_open),
        Decimal(0),
    )


def fill_question(state: PhoneState, session: LiveSession, current: LiveQuestion) -> None:
    """The parts of a phone's state every player shares: the question, its presentation and, after the reveal,
    the right answer, the explanation and the passage."""
    question = current.question
    state.question = current
    state.presentation = live_presentation(session, question)
    if session.state == State.REVEAL:
        state.correct_answer_text = question.correct_answer_text()
        state.correct_answer_lines = correct_answer_lines(question)
        state.explanation = question.explanation
        state.passage = _passage(question)


def fill_mine(state: PhoneState, question, my_answer: LiveAnswer | None, session: LiveSession) -> None:
    """A player's own answer to the question on screen: its text, and its grade only after the reveal."""
    if my_answer is not None:
        answer = answer_from_json(question.type, my_answer.answer)
        state.my_answer_text = describe_answer(question, answer)
        state.my_answer_lines = answer_lines(question, answer, mark=session.state == State.REVEAL)
        if session.state != State.REVEAL:
            # Nothing of the grade before the reveal.
            my_answer.is_correct = None
            my_answer.points = None
            my_answer.speed_bonus = None
    state.my_answer = my_answer
    if session.state == State.REVEAL:
        state.is_correct = bool(my_answer and my_answer.is_correct)
        state.points = (my_answer.points + my_answer.speed_bonus) if my_answer else Decimal(0)


def phone_state(player: LivePlayer, now=None) -> PhoneState:
    """One player's state in a constant number of queries (the session's questions and the player's answers; the
    session is the player's, as loaded: player_for loads it with the player)."""
    session = player.session
    current, skipped = _session_questions(session)
    state = PhoneState(session=session, player=player, seconds_left=seconds_left(session, now))
    mine = list(LiveAnswer.objects.filter(player_id=player.pk))
    state.score = score_of(mine, skipped, session)
    if current is None:
        return state
    fill_question(state, session, current)
    fill_mine(state, current.question, next((a for a in mine if a.position == session.position), None), session)
    return state


def shared_phone_state(session: LiveSession, now=None) -> tuple[PhoneState, set[int]]:
    """What every player's phone shares of the session's state (no player, no answer, no score), and the skipped
    positions, in one query (plus the question's content, when not cached)."""
    current, skipped = _session_questions(session)
    state = PhoneState(session=session, player=None, seconds_left=seconds_left(session, now))
    if current is not None:
        fill_question(state, session, current)
    return state, skipped
