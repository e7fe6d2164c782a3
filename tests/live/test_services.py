"""The live session's state machine, joining, answering, scoring and the gradebook column it leaves behind."""

import asyncio
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts.models import grace
from quizzes.live import broker, services
from quizzes.live.services import LiveRefused
from quizzes.models import Assignment, Attempt, Enrollment, LiveAnswer, LivePlayer, LiveQuestion, LiveSession
from tests import factories
from tests.conftest import client_for
from tests.live.running import answer, current_question, posted, start

State = LiveSession.State
TYPES = ["single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"]


@pytest.fixture
def published(monkeypatch):
    """What the services tell the broker, once their transactions commit."""
    calls = []
    monkeypatch.setattr(broker, "publish", lambda session_id, version: calls.append((session_id, version)))
    return calls


def refused(status: int, call, **kwargs) -> LiveRefused:
    with pytest.raises(LiveRefused) as caught:
        call(**kwargs)
    assert caught.value.status == status, caught.value.message
    assert caught.value.message
    return caught.value


def control(session, action: str, **kwargs):
    return getattr(services, f"live_{action}")(session=session, by=session.teacher, **kwargs)


# -- Starting ------------------------------------------------------------------------------------------------------


def test_start_fixes_the_sets_published_questions_in_order(school):
    draft = factories.QuestionFactory(status="draft")
    factories.QuizSetItemFactory(quiz_set=school.assignment.quiz_set, question=draft, position=99)
    session = start(school, scoring="speed", seconds_per_question=20, allow_guests=True)
    assert session.state == State.LOBBY and session.position == 0 and session.version == 1
    assert session.title == school.assignment.quiz_set.title and session.teacher == school.teacher
    assert session.question_count == 7
    fixed = list(LiveQuestion.objects.filter(session=session).values_list("position", "question__type"))
    assert fixed == list(enumerate(TYPES, start=1))
    assert (session.scoring, session.seconds_per_question, session.allow_guests) == ("speed", 20, True)


def test_start_draws_a_random_sets_questions_once(school):
    quiz_set = factories.QuizSetFactory(kind="random", rule_count=3)
    session = services.live_session_start(teacher=school.teacher, classroom=school.classroom, quiz_set=quiz_set)
    drawn = LiveQuestion.objects.filter(session=session)
    assert session.question_count == 3 == drawn.count()
    assert all(q.question.owner_id is None and q.question.is_published for q in drawn)


def test_start_refuses_an_empty_set(school):
    empty = factories.QuizSetFactory(owner=school.teacher)
    error = refused(
        409, services.live_session_start, teacher=school.teacher, classroom=school.classroom, quiz_set=empty
    )
    assert "no published questions" in error.message
    assert not LiveSession.objects.exists()


def test_start_refuses_another_teachers_class_or_set_and_students(school):
    quiz_set = school.assignment.quiz_set
    refused(
        404, services.live_session_start, teacher=school.teacher, classroom=school.other_classroom, quiz_set=quiz_set
    )
    theirs = factories.QuizSetFactory(owner=school.other_teacher, questions=[school.questions["single"]])
    refused(404, services.live_session_start, teacher=school.teacher, classroom=school.classroom, quiz_set=theirs)
    refused(403, services.live_session_start, teacher=school.student, classroom=school.classroom, quiz_set=quiz_set)
    assert not LiveSession.objects.exists()


def test_start_refuses_an_archived_class(school):
    school.classroom.archived_at = timezone.now()
    school.classroom.save()
    assert "archived" in refused(409, start, school=school).message


@pytest.mark.parametrize(
    "options", [{"scoring": "loudest"}, {"seconds_per_question": 0}, {"seconds_per_question": 601}]
)
def test_start_refuses_bad_settings(school, options):
    refused(422, start, school=school, **options)


def test_one_running_session_per_class_and_the_refusal_names_it(school):
    first = start(school)
    error = refused(409, start, school=school)
    assert first.code in error.message and first.title in error.message
    control(first, "end")
    assert start(school).pk != first.pk


# -- Joining -------------------------------------------------------------------------------------------------------


def test_a_student_joins_once_and_no_phone_is_woken_for_it(school, published, django_capture_on_commit_callbacks):
    session = start(school)
    with django_capture_on_commit_callbacks(execute=True):
        player = services.live_join(session=session, user=school.student)
    again = services.live_join(session=session, user=school.student)
    assert again.pk == player.pk and player.user == school.student and not player.is_guest
    assert player.nickname == school.student.display_name
    assert published == []
    assert LiveSession.objects.get(pk=session.pk).version == 1


def test_a_late_joiner_joins_during_a_question(school):
    session = start(school)
    control(session, "open_next")
    assert services.live_join(session=session, user=school.student).session_id == session.pk


def test_only_current_students_join_by_account(school):
    session = start(school)
    refused(403, services.live_join, session=session, user=school.stranger)
    refused(403, services.live_join, session=session, user=school.teacher)
    Enrollment.objects.filter(student=school.classmate).update(left_at=timezone.now())
    refused(403, services.live_join, session=session, user=school.classmate)
    assert not LivePlayer.objects.exists()


def test_guests_join_by_nickname_only_when_allowed(school):
    closed = start(school)
    assert "students only" in refused(403, services.live_join, session=closed, nickname="Zina").message
    control(closed, "end")
    session = start(school, allow_guests=True)
    guest = services.live_join(session=session, nickname="  Zina   K ")
    assert guest.is_guest and guest.nickname == "Zina K" and len(guest.guest_key) >= 32
    assert services.live_join(session=session, nickname="whatever", guest_key=guest.guest_key).pk == guest.pk


@pytest.mark.parametrize(
    ("nickname", "words"), [("", "Type a nickname"), ("   ", "Type a nickname"), ("x" * 31, "at most 30")]
)
def test_a_bad_guest_nickname_gets_a_message(school, nickname, words):
    session = start(school, allow_guests=True)
    assert words in refused(422, services.live_join, session=session, nickname=nickname).message
    assert not LivePlayer.objects.exists()


def test_a_taken_nickname_is_refused_whatever_its_case(school):
    session = start(school, allow_guests=True)
    services.live_join(session=session, nickname="Zina")
    error = refused(422, services.live_join, session=session, nickname="zINA")
    assert "already" in error.message and "zINA" in error.message
    assert LivePlayer.objects.count() == 1


def test_a_student_whose_name_is_taken_gets_a_number(school):
    session = start(school, allow_guests=True)
    services.live_join(session=session, nickname=school.student.display_name.upper())
    player = services.live_join(session=session, user=school.student)
    assert player.nickname == f"{school.student.display_name} 2"


def test_a_removed_player_cannot_join_again(school):
    session = start(school, allow_guests=True)
    student = services.live_join(session=session, user=school.student)
    guest = services.live_join(session=session, nickname="Zina")
    services.live_player_remove(session=session, player=student, by=school.teacher)
    services.live_player_remove(session=session, player=guest, by=school.teacher)
    assert "removed" in refused(403, services.live_join, session=session, user=school.student).message
    refused(403, services.live_join, session=session, nickname="Zina", guest_key=guest.guest_key)


def test_nobody_joins_an_ended_session(school):
    session = start(school, allow_guests=True)
    control(session, "end")
    refused(409, services.live_join, session=session, user=school.student)
    refused(409, services.live_join, session=session, nickname="Zina")


def test_only_the_sessions_teacher_removes_a_player_of_that_session(school):
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    refused(403, services.live_player_remove, session=session, player=player, by=school.other_teacher)
    refused(403, services.live_player_remove, session=session, player=player, by=school.student)
    other = factories.LivePlayerFactory()
    refused(404, services.live_player_remove, session=session, player=other, by=school.teacher)
    version = LiveSession.objects.get(pk=session.pk).version
    services.live_player_remove(session=session, player=player, by=school.teacher)
    services.live_player_remove(session=session, player=player, by=school.teacher)  # twice: nothing more
    assert LivePlayer.objects.get(pk=player.pk).removed_at is not None
    assert LiveSession.objects.get(pk=session.pk).version == version + 1


# -- The teacher's controls ----------------------------------------------------------------------------------------


def test_opening_a_question_starts_its_countdown(school, published, django_capture_on_commit_callbacks):
    session = start(school, seconds_per_question=20)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        control(session, "open_next", now=now)
    assert (session.state, session.position, session.version) == (State.QUESTION, 1, 2)
    assert session.opened_at == now and session.closes_at == now + timedelta(seconds=20)
    assert published == [(session.pk, 2)]
    saved = LiveSession.objects.get(pk=session.pk)
    assert (saved.state, saved.position, saved.closes_at) == (State.QUESTION, 1, now + timedelta(seconds=20))


def test_without_a_countdown_a_question_never_closes_by_itself(school):
    session = start(school)
    control(session, "open_next")
    assert session.opened_at is not None and session.closes_at is None


def test_reveal_then_next_then_reveal(school):
    session = start(school)
    control(session, "open_next")
    control(session, "reveal")
    assert session.state == State.REVEAL and session.position == 1
    control(session, "open_next")
    assert session.state == State.QUESTION and session.position == 2
    assert session.version == 4


def test_next_after_the_last_reveal_ends_the_session(school):
    session = start(school)
    for _ in range(7):
        control(session, "open_next")
        control(session, "reveal")
    control(session, "open_next")
    assert session.state == State.ENDED and session.ended_at is not None and session.position == 7
    assert session.assignment is not None


def test_skip_drops_the_question_and_opens_the_next(school):
    session = start(school)
    control(session, "open_next")
    control(session, "skip")
    assert session.state == State.QUESTION and session.position == 2
    assert list(LiveQuestion.objects.filter(session=session, skipped=True).values_list("position", flat=True)) == [1]


def test_skipping_the_last_question_ends_the_session(school):
    session = start(school)
    for _ in range(6):
        control(session, "open_next")
        control(session, "reveal")
    control(session, "open_next")
    control(session, "skip")
    assert session.state == State.ENDED


def test_pause_keeps_the_seconds_left_and_resume_gives_them_back(school):
    session = start(school, seconds_per_question=30)
    opened = timezone.now()
    control(session, "open_next", now=opened)
    control(session, "pause", now=opened + timedelta(seconds=12))
    assert session.state == State.PAUSED and session.seconds_left_when_paused == 18 and session.closes_at is None
    later = opened + timedelta(minutes=5)
    control(session, "resume", now=later)
    assert session.state == State.QUESTION and session.closes_at == later + timedelta(seconds=18)
    assert session.seconds_left_when_paused is None


def test_pause_and_resume_without_a_countdown(school):
    session = start(school)
    control(session, "open_next")
    control(session, "pause")
    assert session.seconds_left_when_paused is None
    control(session, "resume")
    assert session.state == State.QUESTION and session.closes_at is None


def test_add_time_adds_fifteen_seconds_up_to_ten_minutes_left(school):
    session = start(school, seconds_per_question=20)
    now = timezone.now()
    control(session, "open_next", now=now)
    control(session, "add_time", now=now)
    assert session.closes_at == now + timedelta(seconds=35)
    for _ in range(50):
        control(session, "add_time", now=now)
    assert session.closes_at == now + timedelta(minutes=10)


def test_add_time_to_a_countdown_that_ran_out_starts_again_from_now(school):
    session = start(school, seconds_per_question=20)
    now = timezone.now()
    control(session, "open_next", now=now)
    later = now + timedelta(minutes=1)
    control(session, "add_time", now=later)
    assert session.closes_at == later + timedelta(seconds=15)


def test_add_time_while_paused_adds_to_the_seconds_left(school):
    session = start(school, seconds_per_question=20)
    now = timezone.now()
    control(session, "open_next", now=now)
    control(session, "pause", now=now + timedelta(seconds=5))
    control(session, "add_time")
    assert session.seconds_left_when_paused == 30


def test_add_time_needs_a_countdown(school):
    session = start(school)
    control(session, "open_next")
    assert "no countdown" in refused(409, control, session=session, action="add_time").message
    refused(422, control, session=session, action="add_time", seconds=0)


def test_end_from_the_lobby_leaves_no_gradebook_column(school):
    session = start(school)
    services.live_join(session=session, user=school.student)
    control(session, "end")
    assert session.state == State.ENDED and session.assignment is None
    assert not Assignment.objects.exclude(pk=school.assignment.pk).exists()


# Which transitions each state refuses (the docstring's machine in quizzes/live/models.py).
ACTIONS = ["open_next", "reveal", "skip", "pause", "resume", "add_time", "end"]
ALLOWED = {
    State.LOBBY: {"open_next", "end"},
    State.QUESTION: {"reveal", "skip", "pause", "add_time", "end"},
    State.PAUSED: {"resume", "add_time", "end"},
    State.REVEAL: {"open_next", "end"},
    State.ENDED: set(),
}
TO_STATE = {
    State.LOBBY: [],
    State.QUESTION: ["open_next"],
    State.PAUSED: ["open_next", "pause"],
    State.REVEAL: ["open_next", "reveal"],
    State.ENDED: ["end"],
}


@pytest.mark.parametrize("state", list(ALLOWED))
def test_each_state_allows_exactly_its_transitions(school, state):
    for action in ACTIONS:
        session = start(school, seconds_per_question=30)
        for step in TO_STATE[state]:
            control(session, step)
        assert session.state == state
        version = session.version
        if action in ALLOWED[state]:
            control(session, action)
            assert LiveSession.objects.get(pk=session.pk).version == version + 1
        else:
            error = refused(409, control, session=session, action=action)
            assert error.message.startswith("Cannot")
            saved = LiveSession.objects.get(pk=session.pk)
            assert (saved.state, saved.version) == (state, version)
        LiveSession.objects.filter(pk=session.pk).update(state=State.ENDED)


@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_sessions_teacher_controls_it(school, action):
    session = start(school, seconds_per_question=30)
    for who in (school.other_teacher, school.student):
        refused(403, getattr(services, f"live_{action}"), session=session, by=who)
    assert LiveSession.objects.get(pk=session.pk).version == 1


# -- Answering -----------------------------------------------------------------------------------------------------


@pytest.fixture
def playing(school):
    """A session at its first question (single choice), with the student in it."""
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    return session, player


def test_a_right_answer_is_graded_and_saved(playing):
    session, player = playing
    saved = answer(player, right=True)
    assert saved.is_correct and saved.points == Decimal(1) and saved.speed_bonus == 0
    assert saved.position == 1 and saved.session_id == session.pk
    assert saved.answer == current_question(session).choices.get(is_correct=True).id
    assert LiveSession.objects.get(pk=session.pk).version == session.version  # answers change no version


def test_a_wrong_answer_earns_nothing(playing):
    _, player = playing
    saved = answer(player, right=False)
    assert saved.is_correct is False and saved.points == 0


def test_every_question_type_is_answered_and_graded(school):
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    graded = []
    for _ in TYPES:
        control(session, "open_next")
        saved = answer(player, right=True)
        graded.append((current_question(session).type, saved.is_correct, saved.points))
        control(session, "reveal")
    assert graded == [(kind, True, Decimal(1)) for kind in TYPES]


def test_a_second_answer_is_refused_and_the_first_stays(playing):
    _, player = playing
    first = answer(player, right=False)
    assert "already answered" in refused(409, answer, player=player, right=True).message
    assert list(LiveAnswer.objects.values_list("pk", "is_correct")) == [(first.pk, False)]


def test_an_answer_to_a_question_not_open_is_refused(playing):
    session, player = playing
    question = current_question(session)
    for position in (0, 2, 7):
        refused(409, services.live_answer, player=player, position=position, answer=posted(session, question))
    assert not LiveAnswer.objects.exists()


@pytest.mark.parametrize(
    ("steps", "words"),
    [(["reveal"], "answer has been shown"), (["pause"], "paused"), (["end"], "ended")],
)
def test_no_answer_once_the_question_closed(playing, steps, words):
    session, player = playing
    question = current_question(session)
    for step in steps:
        control(session, step)
    error = refused(409, services.live_answer, player=player, position=1, answer=posted(session, question))
    assert words in error.message
    assert not LiveAnswer.objects.exists()


def test_no_answer_in_the_lobby(school):
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    refused(409, services.live_answer, player=player, position=0, answer=1)
    refused(409, services.live_answer, player=player, position=1, answer=1)


def test_answers_are_taken_until_the_countdown_and_its_grace_end(school):
    session = start(school, seconds_per_question=20)
    players = [services.live_join(session=session, user=who) for who in (school.student, school.classmate)]
    now = timezone.now()
    control(session, "open_next", now=now)
    closes = now + timedelta(seconds=20)
    assert answer(players[0], now=closes + grace())
    assert "Time is up" in refused(409, answer, player=players[1], now=closes + grace() + timedelta(seconds=1)).message
    assert LiveAnswer.objects.count() == 1


def test_a_removed_player_answers_no_more(playing):
    session, player = playing
    services.live_player_remove(session=session, player=player, by=session.teacher)
    assert "removed" in refused(403, answer, player=player).message
    assert not LiveAnswer.objects.exists()


def test_an_answer_takes_a_few_queries(school, playing, django_assert_num_queries):
    session, player = playing
    given = posted(session, current_question(session))
    classmate = services.live_join(session=session, user=school.classmate)
    services.live_answer(player=classmate, position=1, answer=given)  # the question's content is cached from here on
    # (On PostgreSQL the share lock on the session first), the player with their session, the question, the insert;
    # the savepoint and its release are the test's transaction.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 5):
        services.live_answer(player=player, position=1, answer=given)


def test_accuracy_scoring_gives_no_speed_bonus(playing):
    _, player = playing
    assert answer(player).speed_bonus == 0


def test_speed_scoring_adds_up_to_half_the_points_by_the_share_of_the_countdown_left(school):
    session = start(school, scoring="speed", seconds_per_question=20)
    players = [services.live_join(session=session, user=who) for who in (school.student, school.classmate)]
    now = timezone.now()
    control(session, "open_next", now=now)
    fast = answer(players[0], now=now)
    slow = answer(players[1], now=now + timedelta(seconds=15))
    assert (fast.points, fast.speed_bonus) == (Decimal(1), Decimal("0.50"))
    assert (slow.points, slow.speed_bonus) == (Decimal(1), Decimal("0.13"))  # 5 of 20 s left: 0.5 * 0.25


def test_speed_scoring_without_a_countdown_counts_thirty_seconds(school):
    session = start(school, scoring="speed")
    players = [services.live_join(session=session, user=who) for who in (school.student, school.classmate)]
    now = timezone.now()
    control(session, "open_next", now=now)
    assert answer(players[0], now=now + timedelta(seconds=6)).speed_bonus == Decimal("0.40")
    assert answer(players[1], now=now + timedelta(minutes=2)).speed_bonus == 0


def test_speed_scoring_gives_no_bonus_to_a_wrong_answer(school):
    session = start(school, scoring="speed", seconds_per_question=20)
    player = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    assert answer(player, right=False).speed_bonus == 0


# -- Ending: the gradebook column ----------------------------------------------------------------------------------


def play_through(session, players_right: dict, *, questions: int, skip: tuple = ()) -> None:
    """Ask the first `questions` questions, skipping those at the positions in `skip` (a skip opens the next). Each
    player answers at the positions in their "answered" (all unless given): right at those in their "right"."""
    for position in range(1, questions + 1):
        if session.position < position:
            control(session, "open_next")
        for player, plan in players_right.items():
            if position in plan.get("answered", range(1, questions + 1)):
                answer(player, right=position in plan["right"])
        control(session, "skip" if position in skip else "reveal")


def test_end_puts_each_students_answers_in_the_gradebook(school):
    session = start(school, scoring="speed", allow_guests=True)
    student = services.live_join(session=session, user=school.student)
    classmate = services.live_join(session=session, user=school.classmate)
    guest = services.live_join(session=session, nickname="Zina")
    play_through(
        session,
        {
            student: {"right": {1, 2, 4}},
            classmate: {"right": {3}, "answered": {1, 3}},
            guest: {"right": {1, 2, 3, 4, 5}},
        },
        questions=5,
        skip=(2,),
    )
    ended_at = timezone.now()
    control(session, "end", now=ended_at)

    assignment = session.assignment
    assert assignment.classroom == school.classroom and assignment.quiz_set == school.assignment.quiz_set
    assert assignment.title == f"Live: {session.title}"
    assert assignment.opens_at == session.created_at and assignment.due_at == ended_at
    assert assignment.closed_at == ended_at
    assert assignment.feedback_after_each_question and assignment.show_correct_answers
    attempts = {a.student: a for a in Attempt.objects.filter(assignment=assignment)}
    assert set(attempts) == {school.student, school.classmate}  # the guest never enters the gradebook
    mine = attempts[school.student]
    # Questions 1, 3, 4, 5 were asked (2 skipped): 4 points; right at 1 and 4, without the speed bonus.
    assert (mine.score, mine.max_score, mine.number, mine.submitted_at) == (2, 4, 1, ended_at)
    assert mine.started_at == student.joined_at
    responses = list(mine.responses.order_by("position"))
    assert [(r.position, r.question.type, r.is_correct) for r in responses] == [
        (1, "single", True),
        (2, "true_false", False),
        (3, "short_text", True),
        (4, "numeric", False),
    ]
    assert all(r.answered_at is not None for r in responses)
    theirs = list(attempts[school.classmate].responses.order_by("position"))
    assert [r.is_correct for r in theirs] == [False, True, None, None]  # unanswered: no answer
    assert attempts[school.classmate].score == 1


def test_end_leaves_out_removed_players_and_students_who_left(school):
    session = start(school)
    student = services.live_join(session=session, user=school.student)
    classmate = services.live_join(session=session, user=school.classmate)
    control(session, "open_next")
    answer(student)
    answer(classmate)
    services.live_player_remove(session=session, player=student, by=school.teacher)
    Enrollment.objects.filter(student=school.classmate).update(left_at=timezone.now())
    control(session, "end")
    assert session.assignment is not None and not session.assignment.attempts.exists()


def test_ending_mid_question_counts_the_question_open(school):
    session = start(school)
    student = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    control(session, "reveal")
    control(session, "open_next")
    answer(student)
    control(session, "end")
    attempt = Attempt.objects.get(assignment=session.assignment)
    assert (attempt.score, attempt.max_score, attempt.responses.count()) == (1, 2, 2)


@pytest.mark.django_db(transaction=True)
def test_the_phones_hear_of_the_end_before_the_gradebook_column_is_written(school, published, monkeypatch):
    session = start(school)
    student = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    answer(student)
    seen_while_recording = []
    original = services._record

    def recording(locked, now):
        # From another connection: what a phone's stream reads while the column is being written.
        thread, outcome = in_thread(lambda: LiveSession.objects.values_list("state", "version").get(pk=session.pk))
        thread.join(10)
        seen_while_recording.append((outcome[0], list(published)))
        return original(locked, now)

    monkeypatch.setattr(services, "_record", recording)
    control(session, "end")
    (state, version), told = seen_while_recording[0]
    assert state == State.ENDED and (session.pk, version) in told  # committed and published before the column
    assert session.assignment is not None and Attempt.objects.filter(assignment=session.assignment).count() == 1


def test_a_session_that_ended_without_its_column_gets_it_once_on_the_teachers_page(school, monkeypatch):
    session = start(school)
    student = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    answer(student)
    with monkeypatch.context() as died:  # the process died between the end and the column
        died.setattr(services, "live_record", lambda pk: None)
        control(session, "end")
    session.refresh_from_db()
    assert session.state == State.ENDED and session.assignment is None
    teacher = client_for(school.teacher)
    for page in ("live_projector", "live_remote"):
        response = teacher.get(reverse(page, args=[session.pk]))
        assert response.status_code == 200 and "See the results" in response.content.decode()
    assert services.live_record(session.pk).assignment_id is not None
    assert Assignment.objects.filter(title=f"Live: {session.title}").count() == 1
    assert Attempt.objects.filter(student=school.student, assignment__title=f"Live: {session.title}").count() == 1


def test_recording_a_running_session_writes_nothing(school):
    session = start(school)
    control(session, "open_next")
    assert services.live_record(session.pk).assignment_id is None
    assert services.live_record(10**9) is None
    assert not Assignment.objects.filter(title=f"Live: {session.title}").exists()


def _queries_to_end(school, students: int) -> int:
    session = start(school)
    control(session, "open_next")
    for _ in range(students):
        who = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=who)
        answer(services.live_join(session=session, user=who))
    with CaptureQueriesContext(connection) as captured:
        control(session, "end")
    assert Attempt.objects.filter(assignment=session.assignment).count() == students
    return len(captured)


def test_ending_takes_the_same_queries_however_many_played(school):
    assert _queries_to_end(school, 2) == _queries_to_end(school, 8)


def test_the_teachers_pages_show_the_live_column(school):
    session = start(school)
    student = services.live_join(session=session, user=school.student)
    for position in (1, 2):
        control(session, "open_next")
        answer(student, right=position == 1)
        control(session, "reveal")
    control(session, "end")
    teacher = client_for(school.teacher)
    title = f"Live: {session.title}"
    for url in (
        reverse("gradebook", args=[school.classroom.pk]),
        reverse("gradebook_csv", args=[school.classroom.pk]),
        reverse("assignment_results", args=[session.assignment.pk]),
        reverse("student_record", args=[school.classroom.pk, school.student.pk]),
    ):
        response = teacher.get(url)
        assert response.status_code == 200, url
        assert title in response.content.decode(), url
    history = client_for(school.student).get(reverse("student_history"))
    assert history.status_code == 200 and title in history.content.decode()
    attempt = Attempt.objects.get(assignment=session.assignment)
    assert teacher.get(reverse("teacher_attempt", args=[attempt.pk])).status_code == 200


# -- Races, with real threads on PostgreSQL ------------------------------------------------------------------------


def on_postgresql(test):
    """Races run with real threads and row locks: on PostgreSQL (CI runs it)."""
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")(test)


def in_thread(function) -> tuple[threading.Thread, list]:
    """Run function in a thread of its own (its own connection); the list gets its result or exception."""
    outcome = []

    def run():
        try:
            outcome.append(function())
        except Exception as error:  # noqa: BLE001 - the test inspects what the thread met
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def blocking(monkeypatch, name: str) -> tuple[threading.Event, threading.Event]:
    """Make services.<name> signal `reached` and wait for `release` after it runs (inside the transaction)."""
    reached, release = threading.Event(), threading.Event()
    original = getattr(services, name)

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        reached.set()
        assert release.wait(10)
        return result

    monkeypatch.setattr(services, name, held)
    return reached, release


def _race_setup():
    teacher = factories.TeacherFactory()
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = [factories.UserFactory() for _ in range(6)]
    for student in students:
        factories.EnrollmentFactory(classroom=classroom, student=student)
    quiz_set = factories.QuizSetFactory(questions=[factories.QuestionFactory() for _ in range(2)])
    session = services.live_session_start(teacher=teacher, classroom=classroom, quiz_set=quiz_set)
    players = [services.live_join(session=session, user=student) for student in students]
    control(session, "open_next")
    return session, players


@on_postgresql
def test_a_reveal_waits_for_an_answer_being_saved(monkeypatch):
    session, players = _race_setup()
    reached, release = blocking(monkeypatch, "grade")  # the answer holds its share lock while grading
    answering, answered = in_thread(lambda: answer(players[0]))
    assert reached.wait(10)
    revealing, revealed = in_thread(lambda: control(LiveSession.objects.get(pk=session.pk), "reveal"))
    revealing.join(0.5)
    assert revealing.is_alive(), "the reveal did not wait for the answer under way"
    release.set()
    answering.join(10)
    revealing.join(10)
    assert isinstance(answered[0], LiveAnswer), answered
    assert isinstance(revealed[0], LiveSession), revealed
    assert LiveAnswer.objects.filter(pk=answered[0].pk).exists()


@on_postgresql
def test_an_answer_during_a_reveal_waits_and_is_refused(monkeypatch):
    session, players = _race_setup()
    question = current_question(session)
    given = posted(session, question)
    reached, release = blocking(monkeypatch, "_refuse_unless")  # the reveal holds its lock
    revealing, revealed = in_thread(lambda: control(LiveSession.objects.get(pk=session.pk), "reveal"))
    assert reached.wait(10)
    answering, answered = in_thread(lambda: services.live_answer(player=players[0], position=1, answer=given))
    answering.join(0.5)
    assert answering.is_alive(), "the answer did not wait for the reveal under way"
    release.set()
    revealing.join(10)
    answering.join(10)
    assert isinstance(revealed[0], LiveSession), revealed
    assert isinstance(answered[0], LiveRefused) and answered[0].status == 409, answered
    assert not LiveAnswer.objects.exists()


@on_postgresql
def test_every_acknowledged_answer_is_saved_whatever_the_reveal_does():
    session, players = _race_setup()
    question = current_question(session)
    given = posted(session, question)
    barrier = threading.Barrier(len(players) + 1)

    def answering(player):
        barrier.wait()
        return services.live_answer(player=player, position=1, answer=given)

    def revealing():
        barrier.wait()
        return control(LiveSession.objects.get(pk=session.pk), "reveal")

    threads = [in_thread(lambda p=p: answering(p)) for p in players] + [in_thread(revealing)]
    for thread, _ in threads:
        thread.join(20)
    outcomes = [outcome[0] for _, outcome in threads]
    acknowledged = {o.pk for o in outcomes if isinstance(o, LiveAnswer)}
    refusals = [o for o in outcomes if isinstance(o, LiveRefused)]
    assert isinstance(outcomes[-1], LiveSession), outcomes
    assert len(acknowledged) + len(refusals) == len(players), outcomes
    assert all(r.status == 409 for r in refusals)
    assert set(LiveAnswer.objects.values_list("pk", flat=True)) == acknowledged


@on_postgresql
def test_answers_at_the_same_moment_are_all_saved_and_a_double_tap_once():
    session, players = _race_setup()
    question = current_question(session)
    given = posted(session, question)
    barrier = threading.Barrier(len(players) + 2)

    def answering(player):
        barrier.wait()
        return services.live_answer(player=player, position=1, answer=given)

    threads = [in_thread(lambda p=p: answering(p)) for p in [*players, players[0], players[0]]]
    for thread, _ in threads:
        thread.join(20)
    outcomes = [outcome[0] for _, outcome in threads]
    assert sum(isinstance(o, LiveAnswer) for o in outcomes) == len(players), outcomes
    assert [o.status for o in outcomes if isinstance(o, LiveRefused)] == [409, 409]
    assert LiveAnswer.objects.count() == len(players)


# -- The in-process broker ------------------------------------------------------------------------------------------


def test_the_broker_wakes_a_subscriber_with_the_newest_version_from_another_thread():
    session_id = 987654

    async def listen():
        changes = broker.changes(session_id, since=broker.latest(session_id))
        first = asyncio.ensure_future(anext(changes))
        await asyncio.sleep(0)  # subscribed, waiting
        # A sync view's on_commit publishes from a worker thread.
        await asyncio.to_thread(broker.publish, session_id, 5)
        got = [await asyncio.wait_for(first, 5)]
        broker.publish(session_id, 6)
        broker.publish(session_id, 7)
        broker.publish(session_id, 6)  # an older version never comes back
        got.append(await asyncio.wait_for(anext(changes), 5))
        await changes.aclose()
        return got

    assert asyncio.run(listen()) == [5, 7]
    assert broker.latest(session_id) == 7
    assert session_id not in broker._subscribers  # noqa: SLF001 - a closed iterator leaves nothing behind
