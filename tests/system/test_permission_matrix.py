"""Every URL of the app, for every kind of visitor, with the outcome written down.

The URL list comes from the URL configuration, so a new view cannot escape this test: add its row below. The rows
are also derived from the predicates of quizzes.permissions (RULES), so the written matrix, the policy and what
the views do cannot drift apart.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.attempts.services import attempt_start
from quizzes.authoring.services import own_question_save
from quizzes.live.services import live_join, live_session_start
from quizzes.models import (
    Assignment,
    Attempt,
    Citation,
    Classroom,
    Enrollment,
    LivePlayer,
    LiveSession,
    PasswordReset,
    Question,
    QuizSet,
    Source,
    User,
)
from quizzes.permissions import (
    can_assign_quiz_set,
    can_edit_question,
    can_edit_quiz_set,
    can_edit_source,
    can_read_in_context,
    can_review_attempt,
    can_see_source,
    can_take_assignment,
    can_view_attempt,
    is_current_student,
    is_student,
    is_teacher,
    teaches,
)
from tests import factories

# staff_teacher is a teacher who may also use Django admin; staff and superuser are administrators (not teachers,
# never students: `createsuperuser` makes the superuser here), who see no class or quiz pages.
VISITORS = ["anonymous", "other_student", "other_teacher", "staff_teacher", "student", "teacher", "staff", "superuser"]
OK, LOGIN, FORBIDDEN, MISSING = "ok", "login", 403, 404
ADMINS_REFUSED = [FORBIDDEN, FORBIDDEN]  # what staff and superusers get on a page for teachers or students

# Per URL name: (method, arguments, expected outcome per visitor in VISITORS order).
# "ok" means the page or action worked for them (200, a redirect that is not to the login page, or 422 for
# the empty form posted here); "login" a redirect to the login page.
STUDENT_OWN = [LOGIN, MISSING, MISSING, MISSING, OK, MISSING, MISSING, MISSING]
TEACHER_OWN = [LOGIN, FORBIDDEN, MISSING, MISSING, FORBIDDEN, OK, *ADMINS_REFUSED]
TEACHERS_ONLY = [LOGIN, FORBIDDEN, OK, OK, FORBIDDEN, OK, *ADMINS_REFUSED]
ANYONE_LOGGED_IN = [LOGIN, OK, OK, OK, OK, OK, OK, OK]
LIVE_PLAYER = [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN]
MATRIX = {
    "login": ("get", {}, [OK] * 8),
    "logout": ("post", {}, [LOGIN] * 8),  # logging out leads to the login page
    "password_change": ("get", {}, ANYONE_LOGGED_IN),
    "password_change_done": ("get", {}, ANYONE_LOGGED_IN),
    "home": ("get", {}, ANYONE_LOGGED_IN),
    "student_dashboard": ("get", {}, ANYONE_LOGGED_IN),
    "join": ("get", {}, ANYONE_LOGGED_IN),
    "signup": ("get", {}, [OK] * 8),
    "assignment_start": (
        "post",
        {"pk": "assignment"},
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, *ADMINS_REFUSED],
    ),
    "attempt": ("get", {"pk": "attempt"}, STUDENT_OWN),
    "attempt_answer": ("post", {"pk": "attempt", "position": 1}, STUDENT_OWN),
    "attempt_finish": ("get", {"pk": "attempt"}, STUDENT_OWN),
    "attempt_submit": ("post", {"pk": "attempt"}, STUDENT_OWN),
    "attempt_results": ("get", {"pk": "attempt"}, STUDENT_OWN),
    "student_history": ("get", {}, [LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, *ADMINS_REFUSED]),
    "teacher_dashboard": ("get", {}, TEACHERS_ONLY),
    "class_create": ("get", {}, TEACHERS_ONLY),
    "class_detail": ("get", {"pk": "classroom"}, TEACHER_OWN),
    "class_edit": ("get", {"pk": "classroom"}, TEACHER_OWN),
    "class_archive": (
        "post",
        {"pk": "classroom"},
        [LOGIN, FORBIDDEN, MISSING, MISSING, FORBIDDEN, 400, *ADMINS_REFUSED],
    ),
    "class_regenerate_code": ("post", {"pk": "classroom"}, TEACHER_OWN),
    "roster_add": ("get", {"pk": "classroom"}, TEACHER_OWN),
    "roster_sheet_csv": (
        "post",
        {"pk": "classroom"},
        [LOGIN, FORBIDDEN, MISSING, MISSING, FORBIDDEN, 400, *ADMINS_REFUSED],
    ),
    "roster_remove": ("post", {"pk": "classroom", "student_pk": "classmate"}, TEACHER_OWN),
    "roster_restore": ("post", {"pk": "classroom", "student_pk": "classmate"}, TEACHER_OWN),
    "roster_password": ("get", {"pk": "classroom", "student_pk": "classmate"}, TEACHER_OWN),
    "set_list": ("get", {}, TEACHERS_ONLY),
    "set_create": ("get", {}, TEACHERS_ONLY),
    "set_builder": ("get", {"pk": "quiz_set"}, TEACHER_OWN),
    "set_preview": ("get", {"pk": "quiz_set"}, TEACHER_OWN),
    "set_add_question": (
        "post",
        {"pk": "quiz_set"},
        [LOGIN, FORBIDDEN, MISSING, MISSING, FORBIDDEN, 400, *ADMINS_REFUSED],
    ),
    "set_remove_question": ("post", {"pk": "quiz_set", "question_pk": "question"}, TEACHER_OWN),
    "set_move_question": (
        "post",
        {"pk": "quiz_set", "question_pk": "question"},
        [LOGIN, FORBIDDEN, MISSING, MISSING, FORBIDDEN, 400, *ADMINS_REFUSED],
    ),
    "set_rule": ("post", {"pk": "quiz_set"}, TEACHER_OWN),
    "set_rule_count": ("get", {"pk": "quiz_set"}, TEACHER_OWN),
    "question_create": ("get", {}, TEACHERS_ONLY),
    "question_edit": ("get", {"pk": "own_question"}, TEACHER_OWN),
    "question_duplicate": ("post", {"pk": "question"}, TEACHERS_ONLY),
    "assignment_create": ("get", {"pk": "quiz_set"}, TEACHER_OWN),
    "assignment_detail": ("get", {"pk": "assignment"}, TEACHER_OWN),
    "assignment_close": ("post", {"pk": "assignment"}, TEACHER_OWN),
    "assignment_reopen": ("post", {"pk": "assignment"}, TEACHER_OWN),
    "accommodation_edit": ("get", {"pk": "assignment"}, TEACHER_OWN),
    "gradebook": ("get", {"pk": "classroom"}, TEACHER_OWN),
    "gradebook_csv": ("get", {"pk": "classroom"}, TEACHER_OWN),
    "student_record": ("get", {"pk": "classroom", "student_pk": "student"}, TEACHER_OWN),
    "assignment_results": ("get", {"pk": "assignment"}, TEACHER_OWN),
    "teacher_attempt": ("get", {"pk": "attempt"}, TEACHER_OWN),
    # Live sessions: the teacher runs their own; a student of the class joins with one tap; anyone may try a code;
    # only the session's players (the student joined here) see the phone page and answer.
    "live_start": ("get", {}, TEACHERS_ONLY),
    "live_projector": ("get", {"pk": "live_session"}, TEACHER_OWN),
    "live_remote": ("get", {"pk": "live_session"}, TEACHER_OWN),
    "live_control": ("post", {"pk": "live_session"}, TEACHER_OWN),
    "live_player_remove": ("post", {"pk": "live_session", "player_pk": "live_player"}, TEACHER_OWN),
    "live_join": (
        "post",
        {"pk": "live_session"},
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, *ADMINS_REFUSED],
    ),
    "live_guest_join": ("get", {}, [OK] * 8),
    # Sources: a teacher's private source exists only for them; only they change or delete it; a student reads it in
    # context only from their own attempt, after answering a question quoting it, where the teacher allows it.
    "source_library": ("get", {}, TEACHERS_ONLY),
    "source_create": ("get", {}, TEACHERS_ONLY),
    "source_read": ("get", {"pk": "source"}, TEACHER_OWN),
    "source_edit": ("get", {"pk": "source"}, TEACHER_OWN),
    "source_replace": ("get", {"pk": "source"}, TEACHER_OWN),
    "source_delete": ("post", {"pk": "spare_source"}, TEACHER_OWN),
    "source_context": ("get", {"pk": "context_citation", "attempt_pk": "context_attempt"}, STUDENT_OWN),
    "live_play": ("get", {"pk": "live_session"}, LIVE_PLAYER),
    "live_answer": ("post", {"pk": "live_session"}, LIVE_PLAYER),
    # The event stream: its teacher and its players; anyone else 403 (an EventSource cannot follow a login redirect).
    "live_events": (
        "get",
        {"pk": "live_session"},
        [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN],
    ),
}


def app_url_names() -> set[str]:
    """Every named URL outside Django admin."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_of_the_app_has_a_row_in_the_matrix():
    assert app_url_names() == set(MATRIX)


@pytest.fixture
def world(school):
    staff_teacher = factories.UserFactory(username="staff-teacher", is_staff=True, role=User.Role.TEACHER)
    staff = factories.UserFactory(username="staff", is_staff=True)
    superuser = User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917")
    # The classmate's account was made by the teacher (Add students), so the teacher may reset its password.
    school.classmate.created_by = school.teacher
    school.classmate.save()
    quiz_set = school.assignment.quiz_set
    quiz_set.owner = school.teacher
    quiz_set.save()
    own_question = factories.QuestionFactory(owner=school.teacher)
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    live_session, live_player = live_session_and_player(school)
    source, citation, context_attempt = source_quoted_in_context(school)
    spare_source = factories.TeacherSourceFactory(owner=school.teacher)
    visitors = {
        "anonymous": None,
        "other_student": school.stranger,
        "other_teacher": school.other_teacher,
        "staff_teacher": staff_teacher,
        "student": school.student,
        "teacher": school.teacher,
        "staff": staff,
        "superuser": superuser,
    }
    objects = {
        "assignment": school.assignment.pk,
        "attempt": attempt.pk,
        "classroom": school.classroom.pk,
        "classmate": school.classmate.pk,
        "student": school.student.pk,
        "quiz_set": quiz_set.pk,
        "question": school.questions["single"].pk,
        "own_question": own_question.pk,
        "live_session": live_session.pk,
        "live_player": live_player.pk,
        "source": source.pk,
        "spare_source": spare_source.pk,
        "context_citation": citation.pk,
        "context_attempt": context_attempt.pk,
    }
    return visitors, objects, school


def source_quoted_in_context(school):
    """The teacher's private source, which students may read in context, quoted by a question of theirs in an
    assignment of their class (feedback after each question) that the student has answered."""
    source = factories.TeacherSourceFactory(owner=school.teacher, allow_context=True)
    question = own_question_save(
        teacher=school.teacher,
        data={
            "type": "true_false",
            "prompt": "Did the MRC take the bridges?",
            "explanation": "Reed says so.",
            "difficulty": 1,
            "points": 1,
            "answer": True,
            "citations": [{"source": source.file_name, "quote": "took the bridges, the telegraph"}],
        },
    )
    quiz_set = factories.QuizSetFactory(owner=school.teacher, questions=[question])
    assignment = factories.AssignmentFactory(
        quiz_set=quiz_set, classroom=school.classroom, feedback=Assignment.Feedback.EACH_QUESTION
    )
    attempt = attempt_start(student=school.student, assignment=assignment)
    client = Client()
    client.force_login(school.student)
    assert client.post(reverse("attempt_answer", args=[attempt.pk, 1]), {"answer": "true"}).status_code == 302
    return source, question.citations.get(), attempt


def live_session_and_player(school):
    """A live session of the teacher's class, open to guests, which the student has joined."""
    session = live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set, allow_guests=True
    )
    return session, live_join(session=session, user=school.student)


def outcome(response) -> object:
    if response.status_code == 302 and response.url.startswith(reverse("login")):
        return LOGIN
    if response.status_code in (200, 302, 422):
        return OK
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_visitor_gets_the_expected_outcome(world, name):
    visitors, objects, school = world
    method, arguments, expected = MATRIX[name]
    kwargs = {key: objects[value] if isinstance(value, str) else value for key, value in arguments.items()}
    url = reverse(name, kwargs=kwargs)
    secret = school.questions["single"].explanation
    got = {}
    for visitor, user in visitors.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url)
        got[visitor] = outcome(response)
        if visitor not in ("teacher", "student"):
            assert secret not in response.content.decode(errors="replace"), f"{name} showed an answer to {visitor}"
    assert got == dict(zip(VISITORS, expected, strict=True))


def test_another_students_answers_never_reach_a_classmate(world):
    visitors, objects, school = world
    attempt = Attempt.objects.get(pk=objects["attempt"])
    client = Client()
    client.force_login(school.classmate)
    for name in ("attempt", "attempt_finish", "attempt_results"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.get(reverse("student_history")).status_code == 200
    assert "sasha" not in client.get(reverse("student_history")).content.decode()


# -- Staff and superusers: administrators, never students ------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "superuser", "staff_teacher"])
def test_staff_and_superusers_who_join_by_code_are_refused(world, who):
    visitors, _, school = world
    client = Client()
    client.force_login(visitors[who])
    response = client.post(reverse("join"), {"join_code": school.classroom.join_code})
    assert response.status_code == 422
    assert "Staff and admin accounts cannot join a class" in response.content.decode()
    assert not Enrollment.objects.filter(student=visitors[who]).exists()
    assert client.get(reverse("signup")).url == reverse("join")  # no new account to sign up with either


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_administrators_start_in_django_admin_with_no_class_or_quiz_links(world, who):
    visitors, _, _ = world
    client = Client()
    client.force_login(visitors[who])
    assert client.get(reverse("home")).url == reverse("admin:index")
    page = client.get(reverse("password_change")).content.decode()
    assert reverse("admin:index") in page
    for link in ("join", "student_history", "student_dashboard", "teacher_dashboard", "set_list"):
        assert f'href="{reverse(link)}"' not in page


@pytest.mark.parametrize("who", ["staff", "superuser", "staff_teacher"])
def test_no_teacher_resets_the_password_of_staff_or_a_superuser_on_their_roster(world, who):
    """Even on the roster (enrolled before joining was refused to them) and made by the teacher."""
    visitors, objects, school = world
    admin = visitors[who]
    Enrollment.objects.create(classroom=school.classroom, student=admin)
    User.objects.filter(pk=admin.pk).update(created_by=school.teacher)
    before = User.objects.get(pk=admin.pk).password
    client = Client()
    client.force_login(school.teacher)
    url = reverse("roster_password", args=[school.classroom.pk, admin.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert User.objects.get(pk=admin.pk).password == before
    assert not PasswordReset.objects.exists()


# -- The matrix follows from the policy ---------------------------------------------------------------------------

# For a logged-in visitor, each row's outcome follows from one predicate of quizzes.permissions: for a teacher's
# page, not a teacher is a 403 and not theirs a 404; for a student's own attempt, not theirs is a 404.


def _teacher_own(check):
    def rule(user, things):
        if not is_teacher(user):
            return FORBIDDEN
        return OK if check(user, things) else MISSING

    return rule


def _teachers_only(user, things):
    return OK if is_teacher(user) else FORBIDDEN


def _own_attempt(user, things):
    return OK if can_view_attempt(user, things["attempt"]) else MISSING


_their_class = _teacher_own(lambda user, things: teaches(user, things["classroom"]))
_their_set = _teacher_own(lambda user, things: can_edit_quiz_set(user, things["quiz_set"]))
_their_assignment = _teacher_own(lambda user, things: teaches(user, things["assignment"].classroom))

RULES = {
    "assignment_start": lambda user, things: OK if can_take_assignment(user, things["assignment"]) else FORBIDDEN,
    "student_history": lambda user, things: OK if is_student(user) else FORBIDDEN,
    **dict.fromkeys(["attempt", "attempt_answer", "attempt_finish", "attempt_submit", "attempt_results"], _own_attempt),
    **dict.fromkeys(
        ["teacher_dashboard", "class_create", "set_list", "set_create", "question_create", "question_duplicate"],
        _teachers_only,
    ),
    **dict.fromkeys(
        [
            "class_detail",
            "class_edit",
            "class_archive",
            "class_regenerate_code",
            "roster_add",
            "roster_sheet_csv",
            "roster_remove",
            "roster_restore",
            "roster_password",
            "gradebook",
            "gradebook_csv",
            "student_record",
        ],
        _their_class,
    ),
    **dict.fromkeys(
        [
            "set_builder",
            "set_preview",
            "set_add_question",
            "set_remove_question",
            "set_move_question",
            "set_rule",
            "set_rule_count",
        ],
        _their_set,
    ),
    "assignment_create": _teacher_own(lambda user, things: can_assign_quiz_set(user, things["quiz_set"])),
    "question_edit": _teacher_own(lambda user, things: can_edit_question(user, things["own_question"])),
    **dict.fromkeys(
        ["assignment_detail", "assignment_close", "assignment_reopen", "accommodation_edit", "assignment_results"],
        _their_assignment,
    ),
    "teacher_attempt": _teacher_own(lambda user, things: can_review_attempt(user, things["attempt"])),
    "live_start": _teachers_only,
    **dict.fromkeys(
        ["live_projector", "live_remote", "live_control", "live_player_remove"],
        _teacher_own(lambda user, things: things["live_session"].teacher_id == user.pk),
    ),
    "live_join": lambda user, things: (
        OK if is_current_student(user, things["live_session"].classroom_id) else FORBIDDEN
    ),
    **dict.fromkeys(
        ["live_play", "live_answer"],
        lambda user, things: OK if things["live_player"].user_id == user.pk else FORBIDDEN,
    ),
    "live_events": lambda user, things: (
        OK if user.pk in (things["live_session"].teacher_id, things["live_player"].user_id) else FORBIDDEN
    ),
    "source_library": _teachers_only,
    "source_create": _teachers_only,
    "source_read": _teacher_own(lambda user, things: can_see_source(user, things["source"])),
    **dict.fromkeys(
        ["source_edit", "source_replace"], _teacher_own(lambda user, things: can_edit_source(user, things["source"]))
    ),
    "source_delete": _teacher_own(lambda user, things: can_edit_source(user, things["spare_source"])),
    "source_context": lambda user, things: (
        OK if can_read_in_context(user, things["context_citation"], things["context_attempt"]) else MISSING
    ),
}


# Pages that need no account (a live session's guests play without one): what a visitor without one gets there.
ANONYMOUS_OUTCOME = {"live_play": FORBIDDEN, "live_answer": FORBIDDEN, "live_events": FORBIDDEN}


def test_every_page_with_a_rule_of_its_own_has_one_above():
    assert {name for name, (_, _, expected) in MATRIX.items() if len(set(expected[1:])) > 1} <= set(RULES)


def test_the_written_matrix_is_what_the_predicates_say(world):
    visitors, objects, _ = world
    models = {
        "assignment": Assignment,
        "attempt": Attempt,
        "classroom": Classroom,
        "quiz_set": QuizSet,
        "own_question": Question,
        "live_session": LiveSession,
        "live_player": LivePlayer,
        "source": Source,
        "spare_source": Source,
        "context_citation": Citation,
        "context_attempt": Attempt,
    }
    things = {key: model.objects.get(pk=objects[key]) for key, model in models.items()}
    for name, rule in RULES.items():
        written = dict(zip(VISITORS, MATRIX[name][2], strict=True))
        anonymous = ANONYMOUS_OUTCOME.get(name, LOGIN)
        derived = {visitor: anonymous if user is None else rule(user, things) for visitor, user in visitors.items()}
        # A row may write the status an allowed visitor's empty form gets (400) rather than "ok".
        allowed = {visitor: OK if outcome == 400 else outcome for visitor, outcome in written.items()}
        assert derived == allowed, name
