"""App configuration for the quizzes app."""

from django.apps import AppConfig
from django.core import checks


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "October Quiz"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # <id:...> in the URL patterns, the admin's included, so it is registered before any URL module is read.
        from quizzes import converters  # noqa: F401

        # Connects user_logged_in: how long a sign-in lasts on shared classroom computers.
        from quizzes.accounts import sessions  # noqa: F401
        from quizzes.throttle import proxy_trust_check

        checks.register(proxy_trust_check, checks.Tags.security, deploy=True)
