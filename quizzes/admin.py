"""The Django admin: each package registers its own models in its admin.py; Django's autodiscover imports this
module, which imports them all."""

from quizzes.accounts import admin as accounts_admin
from quizzes.assignments import admin as assignments_admin
from quizzes.attempts import admin as attempts_admin
from quizzes.authoring import admin as authoring_admin
from quizzes.bank import admin as bank_admin
from quizzes.classroom import admin as classroom_admin
from quizzes.live import admin as live_admin
from quizzes.sources import admin as sources_admin  # after bank_admin: it extends the bank's admin of sources

__all__ = [
    "accounts_admin",
    "assignments_admin",
    "attempts_admin",
    "authoring_admin",
    "bank_admin",
    "classroom_admin",
    "live_admin",
    "sources_admin",
]
