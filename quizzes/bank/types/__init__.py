"""Question types: everything one kind of question does, one module each, as Moodle's question-type plugins are
one folder each.

Each module holds one QuestionType subclass (see base.py for what a type provides, with the defaults):

- its parts: the Question relations it keeps its answer in (``parts``), or the Question fields (question_fields);
- the bank's rules on it (``problems``), its dict form (``to_dict``, ``question_fields``) and how the teacher's
  question form fills it (``form_parts``, ``from_form``);
- how a student sees it: its template, the order its options are shown in (``arrange``), and a saved answer
  as the template's values (``form_values``);
- how a posted answer is read (``parse``, raising AnswerError with a message for the student), stored
  (``to_json``/``from_json``), graded (``fraction``: pure, called by quizzes/bank/grading.py) and told in words
  (``describe``, ``correct_answer_text``, and ``answer_lines`` for an answer of several parts: one line a part,
  marked right or wrong, for feedback that reads well on a phone);
- the builder's description and time estimate (``description``, ``seconds``) and, for choice types, the
  results page's count of each option (``is_choice``, ``choice_tally``).

Nothing outside this package switches on a question's type: callers ask ``question_type(question.type)``.

How to add a question type (say "cloze"):

1. Write ``quizzes/bank/types/cloze.py`` with ``class Cloze(QuestionType)`` (its ``value`` and ``label`` too);
   start from the closest type.
2. Add ``Cloze()`` to ``_TYPES`` below (the builder lists the types in this order).
3. Run ``python manage.py makemigrations``: ``Question.Type`` is made from this registry, so the field's choices
   and the ``question_type_known`` constraint change with it.
4. Write the student's controls in ``quizzes/templates/quizzes/bank/questions/cloze.html``; it sees ``card``
   with ``card.presentation`` (the parts as ``arrange`` ordered them) and ``card.values`` (``form_values``).
5. If it needs a new kind of part (a new related model), add the model, its admin inline (with ``part``) in
   quizzes/bank/admin.py, its rows in fixtures.save_question and its name in models.PART_RELATIONS.

tests/bank/test_types.py fails until the registry, the constraint and the templates agree; give the type its
own tests there (parse, grade, describe, rules) and an entry in tests/factories.make_parts.

This package needs no Django, like grading and the bank's rules.
"""

from __future__ import annotations

from quizzes.bank.types.base import AnswerError, QuestionType
from quizzes.bank.types.matching import Matching
from quizzes.bank.types.multiple import Multiple
from quizzes.bank.types.numeric import Numeric
from quizzes.bank.types.ordering import Ordering
from quizzes.bank.types.short_text import ShortText
from quizzes.bank.types.single import Single
from quizzes.bank.types.true_false import TrueFalse

_TYPES = (Single(), Multiple(), TrueFalse(), ShortText(), Numeric(), Ordering(), Matching())

#: Every question type by its stored value, in the builder's order.
REGISTRY: dict[str, QuestionType] = {kind.value: kind for kind in _TYPES}
#: The stored values, in the same order (Question.Type.values).
VALUES: tuple[str, ...] = tuple(REGISTRY)


def question_type(value: str) -> QuestionType:
    """The type stored as ``value`` ("single", "matching", ...); KeyError for one the registry lacks."""
    return REGISTRY[value]


__all__ = ["REGISTRY", "VALUES", "AnswerError", "QuestionType", "question_type"]
