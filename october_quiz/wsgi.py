"""WSGI entry point (gunicorn october_quiz.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "october_quiz.settings.prod")
application = get_wsgi_application()
