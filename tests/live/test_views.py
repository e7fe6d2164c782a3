"""The live pages: the teacher's start form, projector, remote and controls; joining (students and guests); the
phone page and its answers. Each through the plain path and, where the page has a live region, under htmx."""

from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.bank.types import question_type
from quizzes.live import services
from quizzes.live.selectors import phone_state, projector_state
from quizzes.models import LiveAnswer, LivePlayer, LiveSession
from tests import factories
from tests.answering import WRONG_ANSWERS
from tests.conftest import HTMX, client_for


def text_of(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def quiz_set(school):
    return school.assignment.quiz_set


def start(school, **options) -> LiveSession:
    return services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set, **options
    )


def joined(session, user) -> LivePlayer:
    return services.live_join(session=session, user=user)


def control(client, session, action, *, page="projector", htmx=False):
    headers = HTMX if htmx else {}
    return client.post(reverse("live_control", args=[session.pk]), {"action": action, "next": page}, headers=headers)


def answer_form(player, *, right=True) -> dict:
    """What the phone page posts for the current question: the right answer, or a wrong one where one exists."""
    state = phone_state(LivePlayer.objects.select_related("session").get(pk=player.pk))
    presentation = state.presentation
    question = presentation.question
    kind = question_type(question.type)
    answer = kind.right_answer(question)
    if not right:
        answer = WRONG_ANSWERS[question.type](question, presentation)
    return {"position": state.session.position, **kind.form_data(presentation, answer)}


# -- Starting ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_start_form_offers_the_teachers_classes_with_class_and_set_chosen(school, quiz_set, headers):
    client = client_for(school.teacher)
    url = f"{reverse('live_start')}?classroom={school.classroom.pk}&quiz_set={quiz_set.pk}"
    response = client.get(url, headers=headers)
    page = text_of(response)
    assert response.status_code == 200
    assert f'<option value="{school.classroom.pk}" selected>History 10A</option>' in page
    assert "History 10B" not in page  # another teacher's class
    assert f'<option value="{quiz_set.pk}" selected>' in page
    assert ("<html" in page) is (headers == {})


def test_starting_a_session_leads_to_its_projector(school, quiz_set):
    client = client_for(school.teacher)
    form = {
        "classroom": school.classroom.pk,
        "quiz_set": quiz_set.pk,
        "scoring": "speed",
        "seconds_per_question": "30",
        "allow_guests": "on",
    }
    response = client.post(reverse("live_start"), form)
    session = LiveSession.objects.get()
    assert response.url == reverse("live_projector", args=[session.pk])
    assert (session.scoring, session.seconds_per_question, session.allow_guests) == ("speed", 30, True)
    assert session.show_leaderboard is False


@pytest.mark.parametrize(
    ("seconds", "message"),
    [("4", "at least 5 seconds"), ("601", "at most 600 seconds"), ("ten", "whole number"), ("1e9", "whole number")],
)
def test_start_refuses_a_countdown_out_of_bounds(school, quiz_set, seconds, message):
    client = client_for(school.teacher)
    form = {"classroom": school.classroom.pk, "quiz_set": quiz_set.pk, "scoring": "accuracy"}
    response = client.post(reverse("live_start"), {**form, "seconds_per_question": seconds})
    assert response.status_code == 422
    assert message in text_of(response)
    assert not LiveSession.objects.exists()


def test_start_refuses_another_teachers_class(school, quiz_set):
    client = client_for(school.teacher)
    form = {"classroom": school.other_classroom.pk, "quiz_set": quiz_set.pk, "scoring": "accuracy"}
    response = client.post(reverse("live_start"), form)
    assert response.status_code == 422
    assert "Choose one of your own current classes" in text_of(response)
    assert not LiveSession.objects.exists()


def test_a_second_session_for_the_same_class_is_refused_with_a_message(school, quiz_set):
    running = start(school)
    client = client_for(school.teacher)
    form = {"classroom": school.classroom.pk, "quiz_set": quiz_set.pk, "scoring": "accuracy"}
    response = client.post(reverse("live_start"), form)
    assert response.status_code in (409, 422)
    assert LiveSession.objects.get() == running
    assert reverse("live_projector", args=[running.pk]) in text_of(response)  # the running one, to go back to


def test_class_page_and_set_pages_lead_to_the_start_form(school, quiz_set):
    quiz_set.owner = school.teacher
    quiz_set.save()
    client = client_for(school.teacher)
    assert f"{reverse('live_start')}?classroom={school.classroom.pk}" in text_of(
        client.get(reverse("class_detail", args=[school.classroom.pk]))
    )
    assert f"{reverse('live_start')}?quiz_set={quiz_set.pk}" in text_of(client.get(reverse("set_list")))
    assert f"{reverse('live_start')}?quiz_set={quiz_set.pk}" in text_of(
        client.get(reverse("set_builder", args=[quiz_set.pk]))
    )


# -- The projector -------------------------------------------------------------------------------------------------


def test_lobby_with_guests_shows_the_code_large_a_qr_code_and_who_joined(school):
    session = start(school, allow_guests=True)
    joined(session, school.student)
    page = text_of(client_for(school.teacher).get(reverse("live_projector", args=[session.pk])))
    assert f'<p class="live-code">{session.code}</p>' in page
    assert '<svg role="img" aria-label="QR code: join with code' in page
    assert school.student.display_name in page or "sasha" in page
    assert reverse("live_player_remove", args=[session.pk, LivePlayer.objects.get().pk]) in page
    assert "<script>" not in page  # the CSP forbids inline scripts
    assert "quizzes/js/live.js" in page


@pytest.mark.parametrize(("count", "listed", "more"), [(30, 30, None), (31, 29, 2), (45, 29, 16)])
def test_the_lobby_on_the_wall_lists_thirty_and_counts_the_rest_and_the_remote_lists_everyone(
    school, count, listed, more
):
    """Thirty names fit the wall; past that it lists the latest 29 to join (a newcomer finds their own name) and
    counts the others in the thirtieth place."""
    session = start(school, allow_guests=True)
    for n in range(count):
        services.live_join(session=session, nickname=f"Player {n:02}", guest_key=f"key-{n}")
    teacher = client_for(school.teacher)
    wall = text_of(teacher.get(reverse("live_projector", args=[session.pk])))
    assert f"{count}</span> joined" in wall
    names = [f"Player {n:02}" for n in range(count)]
    assert [name for name in names if f">{name}</span>" in wall] == names[count - listed :]
    assert wall.count("live-player-name") == listed
    if more is None:
        assert " more</li>" not in wall
    else:
        assert f'<li class="live-player live-more">+ {more} more</li>' in wall
    remote = text_of(teacher.get(reverse("live_remote", args=[session.pk])))
    assert all(f">{name}</span>" in remote for name in names) and " more</li>" not in remote


def test_lobby_without_guests_shows_no_code(school):
    session = start(school)
    page = text_of(client_for(school.teacher).get(reverse("live_projector", args=[session.pk])))
    assert session.code not in page
    assert "tap “Live now”" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_opening_a_question_shows_it_with_the_answered_count(school, htmx):
    session = start(school, seconds_per_question=30)
    joined(session, school.student)
    joined(session, school.classmate)
    client = client_for(school.teacher)
    response = control(client, session, "open_next", htmx=htmx)
    if htmx:
        assert response.status_code == 200
        page = text_of(response)
        assert page.lstrip().startswith('<div id="live-state"')
    else:
        assert response.url == reverse("live_projector", args=[session.pk])
        page = text_of(client.get(response.url))
    question = session.questions.get(position=1).question
    assert question.prompt in page
    assert "0</strong> of 2 answered" in page
    assert "seconds left" in page
    assert question.explanation not in page  # nothing of the answer before the reveal
    assert "Reveal the answer" in page


def test_the_projector_shows_an_ordering_question_arranged_as_the_phones_show_it(school):
    """Stored in their right order, the items would give the answer away: the projector arranges them as the
    session's presentation does (the phones' order), never simply as stored."""
    session = start(school)
    client = client_for(school.teacher)
    control(client, session, "open_next")
    ordering = next(q for q in session.questions.all() if q.question.type == "ordering")
    while LiveSession.objects.get(pk=session.pk).position < ordering.position:
        control(client, session, "skip")
    page = text_of(client.get(reverse("live_projector", args=[session.pk])))
    arranged = [item.text for item in projector_state(LiveSession.objects.get(pk=session.pk)).presentation.items]
    assert sorted(arranged, key=page.index) == arranged


def test_a_refused_control_says_why_with_the_services_status(school):
    session = start(school)
    client = client_for(school.teacher)
    for htmx in (False, True):
        response = control(client, session, "reveal", htmx=htmx)  # nothing to reveal in the lobby
        assert response.status_code == 409
        assert 'class="form-error live-refusal" role="alert"' in text_of(response)
    assert LiveSession.objects.get(pk=session.pk).state == "lobby"


def test_an_unknown_control_is_422(school):
    session = start(school)
    response = control(client_for(school.teacher), session, "explode")
    assert response.status_code == 422
    assert "Choose one of the controls" in text_of(response)


def test_the_reveal_shows_the_bars_the_answer_the_explanation_and_the_passage(school):
    session = start(school, show_leaderboard=True)
    player = joined(session, school.student)
    other = joined(session, school.classmate)
    client = client_for(school.teacher)
    control(client, session, "open_next")
    client_for(school.student).post(reverse("live_answer", args=[session.pk]), answer_form(player))
    client_for(school.classmate).post(reverse("live_answer", args=[session.pk]), answer_form(other, right=False))
    page = text_of(control(client, session, "reveal", htmx=True))
    question = session.questions.get(position=1).question
    assert question.explanation in page
    assert question.correct_answer_text() in page
    assert 'class="live-bars"' in page
    assert "Right:" in page  # in words, never colour alone
    assert "Most chosen wrong answer:" in page
    citation = question.citations.first()
    if citation is not None:
        assert citation.quote in page and citation.source.title in page
    assert "Top five" in page
    assert "Next question" in page


def test_the_end_links_to_the_results_of_the_gradebook_column(school):
    session = start(school)
    joined(session, school.student)
    client = client_for(school.teacher)
    control(client, session, "open_next")
    page = text_of(control(client, session, "end", htmx=True))
    session.refresh_from_db()
    assert "The session has ended" in page
    if session.assignment_id:
        assert reverse("assignment_results", args=[session.assignment_id]) in page


def test_the_remote_has_the_same_controls(school):
    session = start(school)
    client = client_for(school.teacher)
    page = text_of(client.get(reverse("live_remote", args=[session.pk])))
    assert 'name="action" value="open_next"' in page and 'name="next" value="remote"' in page
    response = control(client, session, "open_next", page="remote")
    assert response.url == reverse("live_remote", args=[session.pk])


def test_the_teacher_removes_a_player(school):
    session = start(school)
    player = joined(session, school.student)
    client = client_for(school.teacher)
    url = reverse("live_player_remove", args=[session.pk, player.pk])
    response = client.post(url, {"next": "projector"}, headers=HTMX)
    assert response.status_code == 200
    player.refresh_from_db()
    assert player.removed_at is not None
    assert "sasha" not in text_of(response).split('id="players-heading"')[1]


@pytest.mark.parametrize("name", ["live_projector", "live_remote"])
def test_another_teachers_session_does_not_exist_for_them(school, name):
    session = start(school)
    client = client_for(school.other_teacher)
    assert client.get(reverse(name, args=[session.pk])).status_code == 404
    assert control(client, session, "open_next").status_code == 404
    assert LiveSession.objects.get(pk=session.pk).state == "lobby"


def test_projector_queries_do_not_grow_with_players(school, django_assert_num_queries):
    session = start(school)
    client = client_for(school.teacher)
    joined(session, school.student)
    control(client, session, "open_next")
    url = reverse("live_projector", args=[session.pk])
    client.get(url)  # warm the question cache
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        student = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        joined(session, student)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# -- Students and guests join ----------------------------------------------------------------------------------------


def test_the_dashboard_shows_live_now_and_one_tap_joins(school):
    session = start(school)
    client = client_for(school.student)
    page = text_of(client.get(reverse("student_dashboard")))
    assert "Live now" in page and reverse("live_join", args=[session.pk]) in page
    response = client.post(reverse("live_join", args=[session.pk]))
    assert response.url == reverse("live_play", args=[session.pk])
    assert LivePlayer.objects.get().user == school.student
    assert "Waiting for the teacher to start" in text_of(client.get(response.url))


def test_no_banner_for_a_student_of_another_class_or_after_the_end(school):
    session = start(school)
    assert "Live now" not in text_of(client_for(school.stranger).get(reverse("student_dashboard")))
    services.live_end(session=session, by=school.teacher)
    assert "Live now" not in text_of(client_for(school.student).get(reverse("student_dashboard")))


def test_a_student_of_another_class_cannot_join(school):
    session = start(school)
    response = client_for(school.stranger).post(reverse("live_join", args=[session.pk]))
    assert response.status_code in (403, 404)
    assert not LivePlayer.objects.exists()


def guest_join(client, code, nickname):
    return client.post(reverse("live_guest_join"), {"code": code, "nickname": nickname})


def test_a_guest_joins_with_code_and_nickname_and_a_refresh_finds_them_again(school):
    session = start(school, allow_guests=True)
    guest = Client()
    response = guest_join(guest, session.code.lower(), "  Red   Fox ")
    assert response.url == reverse("live_play", args=[session.pk])
    player = LivePlayer.objects.get()
    assert (player.nickname, player.user) == ("Red Fox", None)
    page = text_of(guest.get(response.url))
    assert "You're in, Red Fox" in page
    assert 'href="{}"'.format(reverse("live_play", args=[session.pk])) in page  # Refresh, without JavaScript
    assert "Red Fox" in text_of(client_for(school.teacher).get(reverse("live_projector", args=[session.pk])))


@pytest.mark.parametrize(
    ("nickname", "message"),
    [("", "Choose a nickname."), ("   ", "Choose a nickname."), ("x" * 31, "30 characters or fewer")],
)
def test_guest_nickname_empty_or_too_long_gets_a_message(school, nickname, message):
    session = start(school, allow_guests=True)
    response = guest_join(Client(), session.code, nickname)
    assert response.status_code == 422
    assert message in text_of(response)
    assert not LivePlayer.objects.exists()


def test_a_taken_nickname_gets_a_message(school):
    session = start(school, allow_guests=True)
    guest_join(Client(), session.code, "Red Fox")
    response = guest_join(Client(), session.code, "red fox")
    assert response.status_code in (409, 422)
    assert "taken" in text_of(response).lower() or "already" in text_of(response).lower()
    assert LivePlayer.objects.count() == 1


def test_wrong_codes_get_a_message_and_are_throttled(school, settings):
    settings.JOIN_CODE_THROTTLE = {"per_account": 10, "per_address": 3, "window_seconds": 900}
    session = start(school, allow_guests=True)
    guest = Client()
    for _ in range(3):
        response = guest_join(guest, "WRONG1", "Red Fox")
        assert response.status_code == 422
        assert "No live session open to guests has that code" in text_of(response)
    response = guest_join(guest, session.code, "Red Fox")  # even the right code, from here, for a while
    assert response.status_code == 429
    assert "Too many wrong session codes" in text_of(response)
    assert not LivePlayer.objects.exists()


def test_guests_cannot_join_a_session_closed_to_guests(school):
    session = start(school)
    response = guest_join(Client(), session.code, "Red Fox")
    assert response.status_code == 422
    assert not LivePlayer.objects.exists()


def test_the_guest_form_takes_the_code_from_the_qr_codes_address(school):
    session = start(school, allow_guests=True)
    page = text_of(Client().get(f"{reverse('live_guest_join')}?code={session.code}"))
    assert f'value="{session.code}"' in page


# -- The phone -------------------------------------------------------------------------------------------------------


def test_someone_who_has_not_joined_gets_a_403_that_says_so(school):
    session = start(school)
    for client in (Client(), client_for(school.student), client_for(school.stranger)):
        response = client.get(reverse("live_play", args=[session.pk]))
        assert response.status_code == 403
        assert "not joined" in text_of(response)


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"])
def test_every_question_type_is_answered_and_locked_in(school, qtype):
    session = start(school)
    player = joined(session, school.student)
    teacher, phone = client_for(school.teacher), client_for(school.student)
    control(teacher, session, "open_next")
    target = next(q.position for q in session.questions.all() if q.question.type == qtype)
    while LiveSession.objects.get(pk=session.pk).position < target:
        control(teacher, session, "skip")
    page = text_of(phone.get(reverse("live_play", args=[session.pk])))
    question = session.questions.get(position=target).question
    assert question.prompt in page and "Lock in my answer" in page
    assert question.explanation not in page
    response = phone.post(reverse("live_answer", args=[session.pk]), answer_form(player), headers=HTMX)
    assert response.status_code == 200
    assert "Answer locked in" in text_of(response)
    saved = LiveAnswer.objects.get()
    assert (saved.position, saved.is_correct) == (target, True)
    control(teacher, session, "reveal")
    page = text_of(phone.get(reverse("live_play", args=[session.pk])))
    assert "Correct" in page and question.explanation in page


def test_a_wrong_answer_says_so_in_words_with_the_right_one(school):
    session = start(school)
    player = joined(session, school.student)
    teacher, phone = client_for(school.teacher), client_for(school.student)
    control(teacher, session, "open_next")
    phone.post(reverse("live_answer", args=[session.pk]), answer_form(player, right=False))
    control(teacher, session, "reveal")
    page = text_of(phone.get(reverse("live_play", args=[session.pk])))
    question = session.questions.get(position=1).question
    assert "Not quite" in page and "The answer" in page and question.correct_answer_text() in page


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_malformed_answer_is_422_with_a_message_and_nothing_saved(school, headers):
    session = start(school)
    player = joined(session, school.student)
    control(client_for(school.teacher), session, "open_next")
    phone = client_for(school.student)
    url = reverse("live_answer", args=[session.pk])
    for form in ({"position": "1", "choice": "99"}, {"position": "one"}, {"position": "1"}, {}):
        response = phone.post(url, form, headers=headers)
        assert response.status_code == 422, form
        assert 'id="live-message" class="form-error" role="alert"></div>' not in text_of(response)
    assert not LiveAnswer.objects.filter(player=player).exists()


def test_a_second_answer_is_refused_and_the_first_kept(school):
    session = start(school)
    player = joined(session, school.student)
    control(client_for(school.teacher), session, "open_next")
    phone = client_for(school.student)
    url = reverse("live_answer", args=[session.pk])
    assert phone.post(url, answer_form(player)).status_code == 302
    response = phone.post(url, answer_form(player, right=False))
    assert response.status_code == 409
    assert LiveAnswer.objects.get().is_correct is True


def test_an_answer_to_a_question_that_is_not_current_is_refused(school):
    session = start(school)
    player = joined(session, school.student)
    teacher = client_for(school.teacher)
    control(teacher, session, "open_next")
    form = answer_form(player)
    control(teacher, session, "reveal")
    response = client_for(school.student).post(reverse("live_answer", args=[session.pk]), form)
    assert response.status_code == 409
    assert not LiveAnswer.objects.exists()


def test_a_removed_player_sees_so_and_cannot_answer(school):
    session = start(school)
    player = joined(session, school.student)
    teacher = client_for(school.teacher)
    control(teacher, session, "open_next")
    form = answer_form(player)
    services.live_player_remove(session=session, player=player, by=school.teacher)
    phone = client_for(school.student)
    response = phone.post(reverse("live_answer", args=[session.pk]), form)
    assert response.status_code in (403, 409)
    assert not LiveAnswer.objects.exists()


def test_the_phone_page_queries_do_not_grow_with_players(school, django_assert_num_queries):
    session = start(school)
    player = joined(session, school.student)
    control(client_for(school.teacher), session, "open_next")
    phone = client_for(school.student)
    url = reverse("live_play", args=[session.pk])
    phone.get(url)
    with CaptureQueriesContext(connection) as few:
        phone.get(url, headers=HTMX)
    for _ in range(10):
        student = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        joined(session, student)
    with django_assert_num_queries(len(few.captured_queries)):
        phone.get(url, headers=HTMX)
    assert player.pk


def test_the_phone_is_not_redrawn_for_the_version_it_already_shows(client, db):
    """The stream's first event names the version on the page: a 204 (htmx swaps nothing), so a keyboard user's
    focus stays on their answer; a newer version is drawn."""
    from tests import factories

    player = factories.LivePlayerFactory()
    client.force_login(player.user)
    url = reverse("live_play", args=[player.session.pk])
    current = player.session.version
    assert client.get(url, {"seen": current}, headers={"HX-Request": "true"}).status_code == 204
    assert client.get(url, {"seen": current - 1}, headers={"HX-Request": "true"}).status_code == 200
    assert client.get(url, {"seen": current}).status_code == 200  # a full page is always drawn


def test_a_matching_question_reads_as_a_list_on_the_phone_and_the_projector_with_who_is_speaking(school):
    source = school.questions["matching"].citations.get().source
    source.standpoint = "A liberal historian, writing for a general audience."
    source.save()
    session = start(school)
    player = joined(session, school.student)
    teacher, phone = client_for(school.teacher), client_for(school.student)
    for _ in range(6):
        control(teacher, session, "open_next")
        control(teacher, session, "reveal")
    control(teacher, session, "open_next")  # the matching question, last in the set
    phone.post(reverse("live_answer", args=[session.pk]), answer_form(player, right=False))
    locked = text_of(phone.get(reverse("live_play", args=[session.pk]), headers=HTMX))
    assert '<ul class="answer-lines"' in locked
    assert "Right match" not in locked and "<strong>Wrong</strong>" not in locked  # nothing before the reveal
    assert "Who is speaking" not in locked
    projector = text_of(control(teacher, session, "reveal", htmx=True))
    assert '<ul class="answer-lines"' in projector and "Lenin = called for a rising |" not in projector
    assert "Who is speaking:</strong> A liberal historian" in projector
    revealed = text_of(phone.get(reverse("live_play", args=[session.pk]), headers=HTMX))
    assert revealed.count("<strong>Wrong</strong>") == 3 and revealed.count("Right match:") == 3
    assert "Who is speaking:</strong> A liberal historian" in revealed
