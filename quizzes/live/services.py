"""Running a live session: every change of its state, who joins, and every answer; the server enforces each rule.

Each transition (open the next question, reveal, skip, pause, resume, add time, end, remove a player) runs in a
transaction that locks the session's row (select_for_update), so two presses of the teacher's buttons are applied
one after the other; it bumps ``LiveSession.version`` by one and, once committed, tells the event streams
(quizzes.live.broker.publish). A player joining locks the row too but changes no version: nothing the players see
changes (the projector's list of players and its count of answers refresh on their own, see
quizzes.live.selectors.projector_state). A refused change raises LiveRefused with a message for the teacher or
player and the HTTP status a view should answer with.

An answer is one row (LiveAnswer), committed before the player hears "locked in". It takes a share lock on the
session's row (PostgreSQL's FOR KEY SHARE, which the transitions' FOR UPDATE waits for) while it checks that its
question is still open, so a reveal or a next waits for the answers already being saved, and an answer that comes
after them sees the new state and is refused: none is acknowledged and then left out. Answers do not bump the
version (that would make every answer wait for every other and wake every phone once per answer).

When the session ends, each student's answers become a submitted attempt at a closed assignment of the class
(live_end), so the gradebook, the results page, its CSV and the student's history show the session.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from quizzes import permissions
from quizzes.attempts import queries as attempt_queries
from quizzes.attempts.content import with_content
from quizzes.attempts.models import grace, new_seed
from quizzes.authoring.draw import draw_random
from quizzes.bank.answers import answer_to_json
from quizzes.bank.grading import grade
from quizzes.bank.types.base import collapse_whitespace
from quizzes.live import broker
from quizzes.models import (
    Assignment,
    Attempt,
    Enrollment,
    LiveAnswer,
    LivePlayer,
    LiveQuestion,
    LiveSession,
    Question,
    Response,
)

State = LiveSession.State

MAX_NICKNAME = 30
ADD_TIME_SECONDS = 15
MAX_SECONDS_LEFT = 10 * 60  # adding time never leaves more than this on the countdown
MIN_SECONDS_PER_QUESTION = 5
MAX_SECONDS_PER_QUESTION = 600
# With speed scoring, a right answer earns up to this share of the question's points on top, in proportion to the
# share of the countdown left (of SPEED_WINDOW_SECONDS when the question has no countdown).
SPEED_BONUS_SHARE = Decimal("0.5")
SPEED_WINDOW_SECONDS = 30
CENTS = Decimal("0.01")


class LiveRefused(Exception):
    """The change cannot be made; ``message`` is shown to the teacher or player, ``status`` is the HTTP status."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# -- Locking and telling ------------------------------------------------------------------------------------------


def _lock(session: LiveSession | int) -> LiveSession:
    """Inside a transaction: the session's row, locked until the transaction ends (404 when there is none)."""
    pk = getattr(session, "pk", session)
    locked = LiveSession.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise LiveRefused("There is no such live session.", status=404)
    return locked


def _lock_for_teacher(session: LiveSession, by) -> LiveSession:
    locked = _lock(session)
    if by is None or locked.teacher_id != by.pk:
        raise LiveRefused("Only the teacher who started this live session can run it.", status=403)
    return locked


def _save(locked: LiveSession, session: LiveSession | None, fields: list[str]) -> LiveSession:
    """Save the changed fields with the next version, tell the streams once committed, and copy the new state onto
    the caller's instance so that it reads what was saved."""
    locked.version += 1
    locked.save(update_fields=[*fields, "version"])
    pk, version = locked.pk, locked.version
    transaction.on_commit(lambda: broker.publish(pk, version))
    if session is not None and session is not locked:
        for field in LiveSession._meta.concrete_fields:
            setattr(session, field.attname, getattr(locked, field.attname))
    return locked


def _refuse_unless(locked: LiveSession, states: tuple[str, ...], doing: str) -> None:
    if locked.state in states:
        return
    reasons = {
        State.ENDED: "This live session has ended.",
        State.LOBBY: "No question is open yet.",
        State.PAUSED: "The question is paused: resume it first.",
        State.REVEAL: "The answer is already shown.",
        State.QUESTION: "A question is open: reveal its answer first.",
    }
    raise LiveRefused(f"Cannot {doing}: {reasons[locked.state]}", status=409)


# -- Starting -----------------------------------------------------------------------------------------------------


def _questions_for(quiz_set) -> list[Question]:
    """The set's questions for the session: a hand-picked set's published questions in order, or a random set's
    draw (fixed now, like an attempt's)."""
    if quiz_set.is_random:
        return draw_random(quiz_set, new_seed())
    return attempt_queries.set_questions(quiz_set.pk)


def live_session_start(
    *,
    teacher,
    classroom,
    quiz_set,
    allow_guests: bool = False,
    scoring: str = LiveSession.Scoring.ACCURACY,
    show_leaderboard: bool = False,
    seconds_per_question: int | None = None,
    now=None,
) -> LiveSession:
    """A new session in its lobby, with the set's questions fixed; refused unless the teacher teaches the class
    (not archived), may use the set, and the class has no session running."""
    if not permissions.is_teacher(teacher):
        raise LiveRefused("Only teachers start live sessions.", status=403)
    if not permissions.teaches(teacher, classroom):
        raise LiveRefused("There is no such class.", status=404)
    if not permissions.can_assign_quiz_set(teacher, quiz_set):
        raise LiveRefused("There is no such quiz set.", status=404)
    if classroom.archived_at is not None:
        raise LiveRefused(f"{classroom.name} is archived: bring it back before running a live session.", status=409)
    if scoring not in LiveSession.Scoring.values:
        raise LiveRefused("Choose how the session is scored: accuracy only, or with points for speed.", status=422)
    if seconds_per_question is not None and not (
        MIN_SECONDS_PER_QUESTION <= seconds_per_question <= MAX_SECONDS_PER_QUESTION
    ):
        raise LiveRefused(
            f"A countdown is from {MIN_SECONDS_PER_QUESTION} to {MAX_SECONDS_PER_QUESTION} seconds, or empty for none.",
            status=422,
        )
    questions = _questions_for(quiz_set)
    if not questions:
        raise LiveRefused(f"“{quiz_set.title}” has no published questions to ask.", status=409)
    try:
        with transaction.atomic():
            session = LiveSession.objects.create(
                teacher=teacher,
                classroom=classroom,
                quiz_set=quiz_set,
                title=quiz_set.title,
                allow_guests=allow_guests,
                scoring=scoring,
                show_leaderboard=show_leaderboard,
                seconds_per_question=seconds_per_question,
                question_count=len(questions),
            )
            LiveQuestion.objects.bulk_create(
                LiveQuestion(session=session, position=n, question=q) for n, q in enumerate(questions, start=1)
            )
    except IntegrityError:
        running = LiveSession.objects.filter(classroom=classroom).exclude(state=State.ENDED).first()
        if running is None:  # the constraint was not the one-running rule after all
            raise
        raise LiveRefused(
            f"{classroom.name} already has a live session running: “{running.title}” (code {running.code}). "
            "End it before starting another.",
            status=409,
        ) from None
    return session


# -- Joining and leaving ------------------------------------------------------------------------------------------


def _clean_nickname(nickname: str) -> str:
    nickname = collapse_whitespace(str(nickname or ""))
    if not nickname:
        raise LiveRefused("Type a nickname to join.", status=422)
    if len(nickname) > MAX_NICKNAME:
        raise LiveRefused(f"A nickname is at most {MAX_NICKNAME} characters long.", status=422)
    return nickname


def _free_nickname(session: LiveSession, wanted: str) -> str:
    """The student's name, or with a number after it when someone in the session already has it."""
    wanted = wanted[:MAX_NICKNAME].strip() or "Student"
    if not session.players.filter(nickname__iexact=wanted).exists():
        return wanted
    # Only the names that could clash with a numbered one (a join reads a few names, not the whole room).
    stem = wanted[: MAX_NICKNAME - 5].rstrip()
    taken = {
        name.casefold()
        for name in session.players.filter(nickname__istartswith=stem).values_list("nickname", flat=True)
    }
    taken.add(wanted.casefold())
    for n in range(2, len(taken) + 3):
        suffix = f" {n}"
        candidate = wanted[: MAX_NICKNAME - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
    raise AssertionError("unreachable: fewer names are taken than tried")


def live_join(*, session: LiveSession, user=None, nickname: str = "", guest_key: str = "") -> LivePlayer:
    """The player for a current student of the class (by ``user``) or, when the session takes guests, for a guest
    (by ``nickname``; ``guest_key`` finds them again, and a new guest gets one). Joining again returns the same
    player; a removed player stays out. The session's row is locked, so joins are applied one after the other."""
    is_guest = user is None or not getattr(user, "is_authenticated", False)
    if is_guest:
        if not session.allow_guests:
            raise LiveRefused("This live session is for the class's students only.", status=403)
    elif not permissions.is_current_student(user, session.classroom_id):
        raise LiveRefused("You are not a student of this class.", status=403)
    with transaction.atomic():
        locked = _lock(session)
        if locked.state == State.ENDED:
            raise LiveRefused("This live session has ended.", status=409)
        if is_guest:
            existing = locked.players.filter(user__isnull=True, guest_key=guest_key).first() if guest_key else None
        else:
            existing = locked.players.filter(user=user).first()
        if existing is not None:
            if existing.removed_at is not None:
                raise LiveRefused("Your teacher removed you from this live session.", status=403)
            return existing
        if is_guest:
            nickname = _clean_nickname(nickname)
            if locked.players.filter(nickname__iexact=nickname).exists():
                raise LiveRefused(
                    f"Someone already plays as “{nickname}”: choose another nickname.", status=422
                ) from None
            player = LivePlayer(session=locked, nickname=nickname, guest_key=guest_key or secrets.token_urlsafe(32))
        else:
            player = LivePlayer(session=locked, user=user, nickname=_free_nickname(locked, user.display_name))
        try:
            with transaction.atomic():
                player.save()
        except IntegrityError:  # the database folds case a little differently from Python: its rule stands
            raise LiveRefused(
                f"Someone already plays as “{player.nickname}”: choose another nickname.", status=422
            ) from None
    # No new version: a join changes nothing the players see (the projector's list of players refreshes itself),
    # and waking every phone for every join would cost the room's size squared in requests.
    return player


def live_player_remove(*, session: LiveSession, player: LivePlayer, by) -> LivePlayer:
    """Take a player out of the session: they answer no more and, if a student, get no attempt from it."""
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        if player.session_id != locked.pk:
            raise LiveRefused("There is no such player in this session.", status=404)
        if locked.state == State.ENDED:
            raise LiveRefused("This live session has ended.", status=409)
        current = LivePlayer.objects.select_for_update().get(pk=player.pk)
        if current.removed_at is None:
            current.removed_at = timezone.now()
            current.save(update_fields=["removed_at"])
            _save(locked, session, [])
        player.removed_at = current.removed_at
    return player


# -- The teacher's controls ---------------------------------------------------------------------------------------


def _open(locked: LiveSession, position: int, now) -> list[str]:
    locked.state = State.QUESTION
    locked.position = position
    locked.opened_at = now
    locked.closes_at = now + timedelta(seconds=locked.seconds_per_question) if locked.seconds_per_question else None
    locked.seconds_left_when_paused = None
    return ["state", "position", "opened_at", "closes_at", "seconds_left_when_paused"]


def _open_next_or_end(locked: LiveSession, now) -> list[str]:
    if locked.position >= locked.question_count:
        return _end(locked, now)
    return _open(locked, locked.position + 1, now)


def live_open_next(*, session: LiveSession, by, now=None) -> LiveSession:
    """From the lobby or a reveal: open the next question; after the last one, end the session."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, (State.LOBBY, State.REVEAL), "open the next question")
        saved = _save(locked, session, _open_next_or_end(locked, now))
    return _recorded(saved, session)


def live_reveal(*, session: LiveSession, by, now=None) -> LiveSession:
    """Close the open question and show its answer (``now`` is taken for symmetry with the other controls)."""
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, (State.QUESTION,), "show the answer")
        locked.state = State.REVEAL
        return _save(locked, session, ["state"])


def live_skip(*, session: LiveSession, by, now=None) -> LiveSession:
    """Drop the open question (it counts for nobody) and open the next, or end after the last."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, (State.QUESTION,), "skip the question")
        LiveQuestion.objects.filter(session=locked, position=locked.position).update(skipped=True)
        saved = _save(locked, session, _open_next_or_end(locked, now))
    return _recorded(saved, session)


def _seconds_left(locked: LiveSession, now) -> int | None:
    if locked.closes_at is None:
        return None
    return max(0, math.ceil((locked.closes_at - now).total_seconds()))


def live_pause(*, session: LiveSession, by, now=None) -> LiveSession:
    """Stop the open question's countdown (and its answers) until resumed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, (State.QUESTION,), "pause")
        locked.state = State.PAUSED
        locked.seconds_left_when_paused = _seconds_left(locked, now)
        locked.closes_at = None
        return _save(locked, session, ["state", "seconds_left_when_paused", "closes_at"])


def live_resume(*, session: LiveSession, by, now=None) -> LiveSession:
    """Open the paused question again with the seconds it had left."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, (State.PAUSED,), "resume")
        locked.state = State.QUESTION
        left = locked.seconds_left_when_paused
        locked.closes_at = now + timedelta(seconds=left) if left is not None else None
        locked.seconds_left_when_paused = None
        return _save(locked, session, ["state", "seconds_left_when_paused", "closes_at"])


def live_add_time(*, session: LiveSession, by, seconds: int = ADD_TIME_SECONDS, now=None) -> LiveSession:
    """Give the open (or paused) question's countdown more seconds, never more than ten minutes left in all."""
    now = now or timezone.now()
    if not 0 < seconds <= MAX_SECONDS_LEFT:
        raise LiveRefused(f"Add from 1 to {MAX_SECONDS_LEFT} seconds.", status=422)
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, (State.QUESTION, State.PAUSED), "add time")
        if locked.state == State.PAUSED:
            if locked.seconds_left_when_paused is None:
                raise LiveRefused("This question has no countdown to add time to.", status=409)
            locked.seconds_left_when_paused = min(locked.seconds_left_when_paused + seconds, MAX_SECONDS_LEFT)
            return _save(locked, session, ["seconds_left_when_paused"])
        if locked.closes_at is None:
            raise LiveRefused("This question has no countdown to add time to.", status=409)
        # A countdown that ran out starts again from now.
        closes_at = max(locked.closes_at, now) + timedelta(seconds=seconds)
        locked.closes_at = min(closes_at, now + timedelta(seconds=MAX_SECONDS_LEFT))
        return _save(locked, session, ["closes_at"])


def live_end(*, session: LiveSession, by, now=None) -> LiveSession:
    """End the session from any state, and put its students' answers in the gradebook (see live_record)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_teacher(session, by)
        _refuse_unless(locked, tuple(s for s in State.values if s != State.ENDED), "end the session")
        saved = _save(locked, session, _end(locked, now))
    return _recorded(saved, session)


# -- Ending: the gradebook's column -------------------------------------------------------------------------------


def _end(locked: LiveSession, now) -> list[str]:
    """The end itself, which the phones wait for: the gradebook's column is written after it is committed (see
    live_record), so a class of two thousand is not kept waiting while twenty thousand responses are saved."""
    locked.state = State.ENDED
    locked.ended_at = now
    locked.closes_at = None
    locked.seconds_left_when_paused = None
    return ["state", "ended_at", "closes_at", "seconds_left_when_paused"]


def _recorded(saved: LiveSession, session: LiveSession | None) -> LiveSession:
    """After a change is committed: if it ended the session, its gradebook column (live_record), copied onto the
    caller's instance."""
    if saved.state != State.ENDED:
        return saved
    recorded = live_record(saved.pk)
    if recorded is not None:
        for target in (saved, session):
            if target is not None:
                target.assignment_id = recorded.assignment_id
    return saved


def live_record(pk: int) -> LiveSession | None:
    """Put an ended session's answers in the gradebook, once: the transitions that end a session call it right
    after the end is committed (so the phones hear of the end without waiting for it), and the teacher's pages call
    it for an ended session that has no column yet (a process that died between the two). Locks the session's row,
    so two calls write one column. No version change: the phones' streams have closed, and nothing they show
    changes. Returns the session as saved (None if there is no such session)."""
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().filter(pk=pk).first()
        if locked is None or locked.state != State.ENDED or locked.assignment_id is not None:
            return locked
        assignment = _record(locked, locked.ended_at or timezone.now())
        if assignment is not None:
            locked.assignment = assignment
            locked.save(update_fields=["assignment"])
        return locked


def _record(locked: LiveSession, now) -> Assignment | None:
    """The session as a closed assignment of the class with a submitted attempt for each student who played and is
    still in the class (not removed from the session): one column of the gradebook. None when no question was asked.

    The questions asked are those opened and not skipped. An attempt's score is the points of its right (and
    partly right) answers, without the speed bonus: the gradebook measures what was known, and the score equals
    the sum of the responses' points, as the results page expects. A constant number of queries however many play.
    """
    asked = list(
        LiveQuestion.objects.filter(session=locked, position__lte=locked.position, skipped=False)
        .select_related("question")
        .order_by("position")
    )
    if not asked:
        return None
    opens_at = min(locked.created_at, now)
    assignment = Assignment.objects.create(
        quiz_set_id=locked.quiz_set_id,
        classroom_id=locked.classroom_id,
        title=f"Live: {locked.title}"[:200],
        opens_at=opens_at,
        due_at=max(now, opens_at + timedelta(microseconds=1)),  # after the opening (a constraint)
        closed_at=now,
        attempts_allowed=1,
        allow_late=False,
        shuffle_choices=False,
        feedback=Assignment.Feedback.EACH_QUESTION,
        show_correct_answers=True,
    )
    in_class = Enrollment.objects.current().filter(classroom_id=locked.classroom_id).values("student_id")
    players = list(
        LivePlayer.objects.filter(session=locked, user__isnull=False, removed_at__isnull=True, user_id__in=in_class)
    )
    if not players:
        return assignment
    positions = [q.position for q in asked]
    answers: dict[tuple[int, int], LiveAnswer] = {
        (a.player_id, a.position): a
        for a in LiveAnswer.objects.filter(session=locked, position__in=positions, player__in=players)
    }
    max_score = sum((q.question.points for q in asked), Decimal(0))
    attempts = []
    for player in players:
        mine = [answers.get((player.pk, p)) for p in positions]
        attempts.append(
            Attempt(
                student_id=player.user_id,
                assignment=assignment,
                number=1,
                started_at=min(player.joined_at, now),
                submitted_at=now,
                score=sum((a.points for a in mine if a is not None), Decimal(0)),
                max_score=max_score,
            )
        )
    Attempt.objects.bulk_create(attempts)
    responses = []
    for player, attempt in zip(players, attempts, strict=True):
        for n, live_question in enumerate(asked, start=1):
            answer = answers.get((player.pk, live_question.position))
            response = Response(attempt=attempt, question_id=live_question.question_id, position=n)
            if answer is not None:
                response.answer = answer.answer
                response.points = answer.points
                response.is_correct = bool(answer.is_correct)
                response.answered_at = answer.answered_at
            responses.append(response)
    Response.objects.bulk_create(responses)
    return assignment


# -- Answering ----------------------------------------------------------------------------------------------------


def _lock_for_answer(player_pk: int) -> LivePlayer | None:
    """Inside a transaction: the player with their session, read after share-locking the session's row where the
    database can (PostgreSQL's FOR KEY SHARE: answers do not wait for each other, but a transition's FOR UPDATE
    waits for the answers being saved, and an answer waits for a transition under way, then reads its result)."""
    if connection.vendor == "postgresql":
        session_table, player_table = LiveSession._meta.db_table, LivePlayer._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id FROM {session_table} s JOIN {player_table} p ON p.session_id = s.id"
                " WHERE p.id = %s FOR KEY SHARE OF s",
                [player_pk],
            )
    # SQLite has one writer at a time: a transition committed after this read makes this transaction's write fail.
    return LivePlayer.objects.select_related("session").filter(pk=player_pk).first()


def speed_bonus(points: Decimal, *, opened_at, closes_at, seconds_per_question: int | None, now) -> Decimal:
    """Up to half the question's points again, in proportion to the share of the countdown left when answered (of
    SPEED_WINDOW_SECONDS after opening, when there is no countdown)."""
    if closes_at is not None and seconds_per_question:
        share = (closes_at - now).total_seconds() / seconds_per_question
    elif opened_at is not None:
        share = (SPEED_WINDOW_SECONDS - (now - opened_at).total_seconds()) / SPEED_WINDOW_SECONDS
    else:
        share = 0
    share = Decimal(str(min(1.0, max(0.0, share))))
    return (points * SPEED_BONUS_SHARE * share).quantize(CENTS, rounding=ROUND_HALF_UP)


def _refuse_answer_unless_open(session: LiveSession, position: int, now) -> None:
    if session.state == State.ENDED:
        raise LiveRefused("This live session has ended.", status=409)
    if session.state == State.LOBBY:
        raise LiveRefused("No question is open yet.", status=409)
    if position != session.position:
        raise LiveRefused("That question is not open any more.", status=409)
    if session.state == State.PAUSED:
        raise LiveRefused("The question is paused: wait for your teacher.", status=409)
    if session.state == State.REVEAL:
        raise LiveRefused("Too late: the answer has been shown.", status=409)
    if session.closes_at is not None and now > session.closes_at + grace():
        raise LiveRefused("Time is up for this question.", status=409)


def live_answer(*, player: LivePlayer, position: int, answer, now=None) -> LiveAnswer:
    """Grade and save the player's answer to the open question, once; refused for any other question, after the
    countdown and its grace period, from a removed player, or when they already answered (the first answer stays).
    ``answer`` is parsed (quizzes.bank.answers.parse_answer)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            current = _lock_for_answer(player.pk)
            if current is None:
                raise LiveRefused("There is no such player.", status=404)
            session = current.session
            if current.removed_at is not None:
                raise LiveRefused("Your teacher removed you from this live session.", status=403)
            _refuse_answer_unless_open(session, position, now)
            live_question = LiveQuestion.objects.select_related("question").get(
                session_id=session.pk, position=position
            )
            question = with_content([live_question.question], citations=False)[0]
            result = grade(question.answer_key(), answer)
            bonus = Decimal(0)
            if session.scoring == LiveSession.Scoring.SPEED and result.correct:
                bonus = speed_bonus(
                    result.points,
                    opened_at=session.opened_at,
                    closes_at=session.closes_at,
                    seconds_per_question=session.seconds_per_question,
                    now=now,
                )
            return LiveAnswer.objects.create(
                session_id=session.pk,
                player_id=player.pk,
                position=position,
                question_id=question.pk,
                answer=answer_to_json(question.type, answer),
                is_correct=result.correct,
                points=result.points,
                speed_bonus=bonus,
                answered_at=now,
            )
    except IntegrityError:
        # Another request from the same player saved its answer first: that one stays.
        raise LiveRefused("You already answered this question.", status=409) from None
