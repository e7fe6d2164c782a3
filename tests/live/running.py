"""Running a live session in tests: start one for the school's class, and answer as a phone would post."""

from django.http import QueryDict

from quizzes.bank.answers import parse_answer
from quizzes.bank.types import question_type
from quizzes.live import selectors, services
from quizzes.models import LivePlayer, LiveQuestion, LiveSession
from tests.answering import WRONG_ANSWERS


def start(school, **options) -> LiveSession:
    """A live session of the school's set (all seven types, in the set's order) for its class."""
    return services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set, **options
    )


def current_question(session: LiveSession):
    return LiveQuestion.objects.select_related("question").get(session=session, position=session.position).question


def posted(session: LiveSession, question, *, right: bool = True):
    """The answer as the phone's form posts it for the question, parsed as the answer view parses it."""
    shown = selectors.live_presentation(session, question)
    kind = question_type(question.type)
    answer = kind.right_answer(question) if right else WRONG_ANSWERS[question.type](question, shown)
    form = QueryDict(mutable=True)
    for name, value in kind.form_data(shown, answer).items():
        form.setlist(name, value if isinstance(value, list) else [value])
    return parse_answer(shown, form)


def answer(player: LivePlayer, *, right: bool = True, now=None, position=None):
    session = LiveSession.objects.get(pk=player.session_id)
    question = current_question(session)
    return services.live_answer(
        player=player,
        position=session.position if position is None else position,
        answer=posted(session, question, right=right),
        now=now,
    )
