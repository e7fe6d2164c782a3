"""WSGI entry point (gunicorn october_quiz.wsgi): get_wsgi_application(), with a request that a declared charset
cannot break (october_quiz.handlers)."""

import os

import django

from october_quiz.handlers import CharsetSafeWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "october_quiz.settings.prod")
django.setup(set_prefix=False)
application = CharsetSafeWSGIHandler()
