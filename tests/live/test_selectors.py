"""What the live pages read: the session a student may join, a player, and the projector's and phones' states."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from quizzes.live import selectors, services
from quizzes.live.selectors import RevealCount
from quizzes.models import LivePlayer, LiveSession
from tests import factories
from tests.live.running import answer, current_question, start

State = LiveSession.State


def control(session, action: str, **kwargs):
    return getattr(services, f"live_{action}")(session=session, by=session.teacher, **kwargs)


def fresh(session: LiveSession) -> LiveSession:
    return LiveSession.objects.get(pk=session.pk)


def players_of(school, session, count: int) -> list[LivePlayer]:
    """The student, the classmate and more students of the class, joined."""
    students = [school.student, school.classmate]
    for _ in range(count - 2):
        student = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        students.append(student)
    return [services.live_join(session=session, user=who) for who in students[:count]]


# -- Finding a session and a player ---------------------------------------------------------------------------------


def test_a_student_finds_the_session_running_in_their_class(school):
    assert selectors.running_session_for_student(school.student) is None
    session = start(school)
    assert selectors.running_session_for_student(school.student) == session
    assert selectors.running_session_for_student(school.stranger) is None
    assert selectors.running_session_for_student(school.teacher) is None
    assert selectors.running_session_for_student(AnonymousUser()) is None
    control(session, "end")
    assert selectors.running_session_for_student(school.student) is None


def test_no_banner_for_a_removed_player_a_student_who_left_or_an_archived_class(school):
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    services.live_player_remove(session=session, player=player, by=school.teacher)
    assert selectors.running_session_for_student(school.student) is None
    assert selectors.running_session_for_student(school.classmate) == session
    school.classmate.enrollments.update(left_at=timezone.now())
    assert selectors.running_session_for_student(school.classmate) is None
    other = factories.UserFactory()
    factories.EnrollmentFactory(classroom=school.classroom, student=other)
    school.classroom.archived_at = timezone.now()
    school.classroom.save()
    assert selectors.running_session_for_student(other) is None


def test_a_teacher_finds_only_their_own_session(school):
    session = start(school)
    assert selectors.teacher_session(school.teacher, session.pk) == session
    for who in (school.other_teacher, school.student):
        with pytest.raises(Http404):
            selectors.teacher_session(who, session.pk)


def test_a_guest_finds_a_running_session_by_its_code(school):
    session = start(school, allow_guests=True)
    spaced = f" {session.code[:3].lower()}-{session.code[3:]} "
    assert selectors.session_for_code(spaced) == session
    assert selectors.session_for_code("") is None
    assert selectors.session_for_code("NOPE99") is None
    control(session, "end")
    assert selectors.session_for_code(session.code) is None


def test_player_for_finds_a_student_by_account_and_a_guest_by_key(school):
    session = start(school, allow_guests=True)
    student = services.live_join(session=session, user=school.student)
    guest = services.live_join(session=session, nickname="Zina")
    assert selectors.player_for(school.student, session) == student
    assert selectors.player_for(None, session, guest.guest_key) == guest
    assert selectors.player_for(AnonymousUser(), session, guest.guest_key) == guest
    assert selectors.player_for(school.classmate, session) is None
    assert selectors.player_for(None, session, "not-a-key") is None
    assert selectors.player_for(None, session, "") is None
    other = factories.LiveSessionFactory(allow_guests=True)
    assert selectors.player_for(None, other, guest.guest_key) is None
    services.live_player_remove(session=session, player=student, by=school.teacher)
    assert selectors.player_for(school.student, session).removed_at is not None


# -- The projector -------------------------------------------------------------------------------------------------


def test_the_lobby_lists_who_joined(school):
    session = start(school, allow_guests=True)
    student, _classmate = players_of(school, session, 2)
    guest = services.live_join(session=session, nickname="Zina")
    services.live_player_remove(session=session, player=student, by=school.teacher)
    state = selectors.projector_state(fresh(session))
    assert [p.nickname for p in state.players] == [school.classmate.display_name, "Zina"]
    assert state.player_count == 2 and state.question is None and state.presentation is None
    assert guest in state.players


def test_a_question_shows_its_count_and_countdown_and_no_answer(school):
    session = start(school, seconds_per_question=30)
    players = players_of(school, session, 3)
    now = timezone.now()
    control(session, "open_next", now=now)
    answer(players[0], right=True, now=now)
    answer(players[1], right=False, now=now)
    state = selectors.projector_state(fresh(session), now=now + timedelta(seconds=10))
    assert state.question.position == 1 and state.question.question.type == "single"
    assert [c.text for c in state.presentation.choices] == [c.text for c in state.question.question.choices.all()]
    assert (state.answered_count, state.player_count, state.seconds_left) == (2, 3, 20)
    # Nothing of the right answer before the reveal.
    assert state.reveal_counts == [] and state.most_chosen_wrong is None
    assert (state.correct_answer_text, state.explanation, state.passage) == ("", "", None)
    assert state.leaderboard == [] and not state.is_revealed


def test_paused_shows_the_seconds_left_when_paused(school):
    session = start(school, seconds_per_question=30)
    now = timezone.now()
    control(session, "open_next", now=now)
    control(session, "pause", now=now + timedelta(seconds=8))
    assert selectors.projector_state(fresh(session), now=now + timedelta(hours=1)).seconds_left == 22


def test_the_reveal_counts_each_choice_and_shows_the_passage(school):
    session = start(school)
    players = players_of(school, session, 5)
    control(session, "open_next")
    question = current_question(session)
    choices = list(question.choices.all())
    right, wrong_often, _wrong_never = choices
    picks = [right, wrong_often, wrong_often, right, wrong_often]
    for player, choice in zip(players, picks, strict=True):
        services.live_answer(player=player, position=1, answer=choice.id)
    control(session, "reveal")
    state = selectors.projector_state(fresh(session))
    assert state.reveal_counts == [
        RevealCount(choices[0].text, 2, True),
        RevealCount(choices[1].text, 3, False),
        RevealCount(choices[2].text, 0, False),
    ]
    assert state.most_chosen_wrong == RevealCount(wrong_often.text, 3, False)
    assert state.most_answers == 3
    assert state.correct_answer_text == right.text and state.explanation == question.explanation
    assert state.passage.quote == question.citations.get().quote
    assert state.passage.source.author == "Orlando Figes"


def test_no_most_chosen_wrong_answer_when_everyone_was_right(school):
    session = start(school)
    players = players_of(school, session, 2)
    control(session, "open_next")
    for player in players:
        answer(player, right=True)
    control(session, "reveal")
    assert selectors.projector_state(fresh(session)).most_chosen_wrong is None


def test_the_reveal_of_a_typed_answer_counts_right_and_wrong_and_the_common_wrong_answers(school):
    session = start(school)
    players = players_of(school, session, 4)
    for _ in range(4):  # to the short text question
        control(session, "open_next")
        if session.position < 4:
            control(session, "reveal")
    for player, text in zip(players, ["Novaya Zhizn", "Pravda", "pravda ", "Iskra"], strict=True):
        services.live_answer(player=player, position=4, answer=text)
    control(session, "reveal")
    state = selectors.projector_state(fresh(session))
    assert state.reveal_counts == [RevealCount("Right", 1, True), RevealCount("Wrong", 3, False)]
    assert state.common_wrong_answers == [RevealCount("Pravda", 2, False), RevealCount("Iskra", 1, False)]
    assert state.most_chosen_wrong == RevealCount("Pravda", 2, False)
    assert state.correct_answer_text


def test_the_reveal_of_an_ordering_question_counts_right_partly_and_wrong(school):
    session = start(school)
    players = players_of(school, session, 2)
    for _ in range(6):
        control(session, "open_next")
        if session.position < 6:
            control(session, "reveal")
    answer(players[0], right=True)
    answer(players[1], right=False)
    control(session, "reveal")
    state = selectors.projector_state(fresh(session))
    assert [(bar.label, bar.count) for bar in state.reveal_counts if bar.count] == [("Right", 1), ("Wrong", 1)]
    assert state.most_chosen_wrong is None


def test_the_leaderboard_shows_the_top_five_only_when_asked(school):
    quiet = start(school)
    control(quiet, "open_next")
    control(quiet, "reveal")
    assert selectors.projector_state(fresh(quiet)).leaderboard == []
    control(quiet, "end")
    session = start(school, show_leaderboard=True)
    players = players_of(school, session, 7)
    control(session, "open_next")
    for n, player in enumerate(players):
        answer(player, right=n % 2 == 0)
    assert selectors.projector_state(fresh(session)).leaderboard == []  # not while the question is open
    control(session, "reveal")
    board = selectors.projector_state(fresh(session)).leaderboard
    assert [row.nickname for row in board] == [players[n].nickname for n in (0, 2, 4, 6)]
    assert all(row.score == 1 for row in board)
    control(session, "open_next")
    for player in players[:6]:
        answer(player, right=True)
    control(session, "reveal")
    board = selectors.projector_state(fresh(session)).leaderboard
    assert len(board) == 5 and board[0].score == 2


def _players_with_answers(school, count: int) -> LiveSession:
    session = start(school, show_leaderboard=True, seconds_per_question=60)
    players = players_of(school, session, count)
    control(session, "open_next")
    for player in players:
        answer(player, right=True)
    control(session, "reveal")
    return fresh(session)


@pytest.mark.parametrize("count", [2, 12])
def test_the_projectors_state_takes_the_same_queries_however_many_play(school, count, django_assert_num_queries):
    session = _players_with_answers(school, count)
    selectors.projector_state(session)  # the question's content is cached from here on
    # Players, the session's questions, the answers to the current one, the leaderboard.
    with django_assert_num_queries(4):
        state = selectors.projector_state(session)
    assert state.player_count == count and state.reveal_counts[0].count == count


# -- A phone -------------------------------------------------------------------------------------------------------


def test_a_phone_in_the_lobby_waits(school):
    session = start(school)
    services.live_join(session=session, user=school.student)
    state = selectors.phone_state(selectors.player_for(school.student, session))
    assert state.question is None and state.presentation is None and state.score == 0
    assert not state.can_answer and not state.is_removed


def test_a_phone_shows_the_question_and_then_the_locked_in_answer_without_its_grade(school):
    session = start(school, scoring="speed", seconds_per_question=20)
    player = services.live_join(session=session, user=school.student)
    now = timezone.now()
    control(session, "open_next", now=now)
    state = selectors.phone_state(selectors.player_for(school.student, session), now=now)
    assert state.can_answer and state.my_answer is None and state.seconds_left == 20
    assert [c.text for c in state.presentation.choices] == [c.text for c in state.question.question.choices.all()]
    answer(player, right=True, now=now)
    state = selectors.phone_state(selectors.player_for(school.student, session), now=now)
    assert not state.can_answer and state.my_answer is not None
    assert state.my_answer_text == current_question(session).choices.get(is_correct=True).text
    # Nothing of the grade before the reveal: not on the answer, not in the score.
    assert state.my_answer.is_correct is None and state.my_answer.points is None
    assert state.my_answer.speed_bonus is None
    assert state.score == 0 and state.is_correct is None and state.points is None
    assert (state.correct_answer_text, state.explanation, state.passage) == ("", "", None)


def test_after_the_reveal_a_phone_shows_right_or_wrong_the_passage_and_the_score(school):
    session = start(school, scoring="speed", seconds_per_question=20)
    student, classmate = players_of(school, session, 2)
    now = timezone.now()
    control(session, "open_next", now=now)
    answer(student, right=True, now=now)
    answer(classmate, right=False, now=now)
    control(session, "reveal")
    mine = selectors.phone_state(selectors.player_for(school.student, session))
    assert mine.is_correct is True and mine.points == Decimal("1.50") and mine.score == Decimal("1.50")
    assert mine.my_answer.is_correct is True
    question = current_question(session)
    assert mine.correct_answer_text == question.correct_answer_text()
    assert mine.explanation == question.explanation and mine.passage.quote == question.citations.get().quote
    theirs = selectors.phone_state(selectors.player_for(school.classmate, session))
    assert theirs.is_correct is False and theirs.points == 0 and theirs.score == 0


def test_a_phone_that_did_not_answer_sees_the_reveal(school):
    session = start(school)
    services.live_join(session=session, user=school.student)
    control(session, "open_next")
    control(session, "reveal")
    state = selectors.phone_state(selectors.player_for(school.student, session))
    assert state.my_answer is None and state.is_correct is False and state.points == 0
    assert state.correct_answer_text


def test_a_skipped_question_counts_for_nobody(school):
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    answer(player, right=True)
    control(session, "skip")
    state = selectors.phone_state(selectors.player_for(school.student, session))
    assert state.score == 0 and state.question.position == 2


def test_a_removed_player_sees_that_they_were_removed(school):
    session = start(school)
    player = services.live_join(session=session, user=school.student)
    control(session, "open_next")
    services.live_player_remove(session=session, player=player, by=school.teacher)
    state = selectors.phone_state(selectors.player_for(school.student, session))
    assert state.is_removed and not state.can_answer


@pytest.mark.parametrize("count", [2, 12])
def test_a_phones_state_takes_the_same_queries_however_many_play(school, count, django_assert_num_queries):
    session = _players_with_answers(school, count)
    player = selectors.player_for(school.student, session)
    selectors.phone_state(player)  # the question's content is cached from here on
    # The session's questions, the player's answers.
    with django_assert_num_queries(2):
        state = selectors.phone_state(player)
    assert state.is_correct is True
