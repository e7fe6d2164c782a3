"""URL converters: ``<id:pk>``, a whole number the database can hold, for every id and position in our URLs
(registered by QuizzesConfig.ready)."""

from django.urls import register_converter

# The largest value of a 64-bit signed integer, the widest integer column of SQLite and PostgreSQL.
MAX_ID = 2**63 - 1


class IdConverter:
    """Like Django's ``int``, but a number the database cannot hold is no match (a 404), rather than an
    OverflowError from SQLite, or from hand-written SQL, when the view looks it up (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is larger than any id")  # Django then tries the next pattern, then 404s
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
