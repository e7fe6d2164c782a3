"""App configuration for the quizzes app."""

from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "October Quiz"
    default_auto_field = "django.db.models.BigAutoField"
