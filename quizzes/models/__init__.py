"""The models of October Quiz, one module per part of the classroom."""

from .attempts import Attempt, Response
from .bank import AcceptedAnswer, Choice, Citation, MatchingPair, OrderingItem, Question, Source, Topic
from .classes import Accommodation, Assignment, Classroom, Enrollment, QuizSet, QuizSetItem
from .people import User

__all__ = [
    "Accommodation",
    "AcceptedAnswer",
    "Assignment",
    "Attempt",
    "Choice",
    "Citation",
    "Classroom",
    "Enrollment",
    "MatchingPair",
    "OrderingItem",
    "Question",
    "QuizSet",
    "QuizSetItem",
    "Response",
    "Source",
    "Topic",
    "User",
]
