"""Every model of October Quiz, re-exported from the domain package that defines it.

The models live in their packages (``quizzes/bank/models.py``, ``quizzes/attempts/models.py``, ...); this module
imports them all so that ``from quizzes.models import Attempt`` works everywhere and the app label stays ``quizzes``.
"""

from quizzes.accounts.models import PasswordReset, User
from quizzes.assignments.models import Accommodation, Assignment
from quizzes.attempts.models import Attempt, Response
from quizzes.authoring.models import QuizSet, QuizSetItem
from quizzes.bank.models import AcceptedAnswer, Choice, Citation, MatchingPair, OrderingItem, Question, Source, Topic
from quizzes.classroom.models import Classroom, Enrollment
from quizzes.live.models import LiveAnswer, LivePlayer, LiveQuestion, LiveSession
from quizzes.sources.models import SourceParagraph, SourceText

__all__ = [
    "Accommodation",
    "AcceptedAnswer",
    "Assignment",
    "Attempt",
    "Choice",
    "Citation",
    "Classroom",
    "Enrollment",
    "LiveAnswer",
    "LivePlayer",
    "LiveQuestion",
    "LiveSession",
    "MatchingPair",
    "OrderingItem",
    "PasswordReset",
    "Question",
    "QuizSet",
    "QuizSetItem",
    "Response",
    "Source",
    "SourceParagraph",
    "SourceText",
    "Topic",
    "User",
]
