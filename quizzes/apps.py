"""App configuration for the quizzes app."""

from django.apps import AppConfig
from django.core import checks


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "October Quiz"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from quizzes.throttle import proxy_trust_check

        checks.register(proxy_trust_check, checks.Tags.security, deploy=True)
