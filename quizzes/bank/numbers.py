"""Numbers as people write them, read within limits: the one reader of numbers for the bank's dict form (YAML
fixtures, GIFT files, the teacher's question form) and for students' numeric answers.

Python's Decimal keeps a number such as ``1e999999999`` exactly, in a few bytes; printing it with ``format(x, "f")``
builds a string of a billion digits, and arithmetic on it overflows. A 40-byte GIFT file once hung a worker that
way. So every number is read here, and refused (NumberError, whose message says why) when it is not finite, when
its text is longer than MAX_NUMBER_TEXT characters, or when it falls outside its limits, before anything formats,
rounds or compares it. Like grading and the question types, this module needs no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: The longest text read as a number (a student's answer box, a GIFT answer, a YAML value).
MAX_NUMBER_TEXT = 50


@dataclass(frozen=True)
class NumberLimits:
    """At most ``whole_digits`` digits before the decimal point and ``decimal_places`` after it (trailing zeros
    aside: 2.50 has two decimal places but counts as 2.5)."""

    whole_digits: int
    decimal_places: int

    @property
    def wanted(self) -> str:
        """What the limits allow, in words: "a number between -10,000,000,000 and 10,000,000,000 with at most 4
        decimal places"."""
        bound = f"{10**self.whole_digits:,}"
        return f"a number between -{bound} and {bound} with at most {self.decimal_places} decimal places"

    @property
    def advice(self) -> str:
        """What to type instead, as a sentence."""
        return f"Use {self.wanted}."

    def allow(self, number: Decimal) -> bool:
        """Whether a finite number is within the limits, worked out from its digits and exponent only (no
        arithmetic, which could overflow)."""
        if not number:
            return True
        _, digits, exponent = number.as_tuple()
        trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
        return number.adjusted() < self.whole_digits and exponent + trailing_zeros >= -self.decimal_places


#: Any number the app reads before it knows what the number is for: a student's answer, a number in a GIFT file.
#: Wider than a question's own limits, so that 0.33333 can meet a tolerance and a GIFT file's 3.14159 is reported
#: as "more than 4 decimal places" rather than as not a number.
ANY_NUMBER = NumberLimits(whole_digits=15, decimal_places=10)
#: A numeric question's number and tolerance: what Question.number and Question.tolerance hold (14 digits, 4 of
#: them decimal places; a test holds the two together).
QUESTION_NUMBER = NumberLimits(whole_digits=10, decimal_places=4)
#: A question's points: what Question.points holds (5 digits, 2 of them decimal places).
QUESTION_POINTS = NumberLimits(whole_digits=3, decimal_places=2)


class NumberError(ValueError):
    """Not a number within its limits; the message says why, in a sentence fit to show whoever typed it."""


class NotANumber(NumberError):
    """Not a finite number at all (text, NaN, Infinity, an empty value, a boolean)."""


class NumberOutOfRange(NumberError):
    """A number, but too large or with too many decimal places for its limits (the message is their advice)."""


def read_number(value: object, limits: NumberLimits = ANY_NUMBER) -> Decimal:
    """``value`` (text, int, float or Decimal, as YAML, forms and files give it) as a Decimal within ``limits``.

    NotANumber or NumberOutOfRange otherwise. Text is read as Decimal reads it ("2.5", "-3", "1e3"); students'
    commas are grading.parse_decimal's business, which then calls this."""
    if value is None or isinstance(value, bool):
        raise NotANumber("That is not a number.")
    text = str(value).strip()
    if len(text) > MAX_NUMBER_TEXT:
        raise NotANumber(f"A number is at most {MAX_NUMBER_TEXT} characters long.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NotANumber(f"{text!r} is not a number.") from None
    if not number.is_finite():
        raise NotANumber(f"{text!r} is not a number.")
    if not number:
        return Decimal(0)  # "0e-999999999" is zero, but printing it as it stands writes a billion zeros
    if not limits.allow(number):
        raise NumberOutOfRange(limits.advice)
    return number


def shown(value: object) -> str:
    """A value as a message about it quotes it (repr), cut short when long."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
