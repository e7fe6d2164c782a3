"""ASGI entry point (uvicorn october_quiz.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "october_quiz.settings.prod")
application = get_asgi_application()
