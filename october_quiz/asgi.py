"""ASGI entry point, for the live sessions' event streams (quizzes.live.stream): a browser holds one open for as long
as it shows a live page, which an async server keeps for the cost of a coroutine, not a worker.

    uvicorn october_quiz.asgi:application --host 127.0.0.1 --port 8001
    gunicorn october_quiz.asgi:application -k uvicorn_worker.UvicornWorker --workers 2 --bind 127.0.0.1:8001

It serves the whole app (every page works here too), with the same charset-safe requests as october_quiz.wsgi.
Django's advice for ASGI is no persistent database connections (each request runs its sync code in a thread of
its own, and a connection kept in a thread that is gone is a leak): DB_CONN_MAX_AGE is 0 here unless set, and
DB_POOL_MAX_SIZE (default 8 here) gives each process a psycopg pool, so a class connecting at once waits for a
connection instead of opening hundreds.
"""

import os

import django

from october_quiz.handlers import CharsetSafeASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "october_quiz.settings.prod")
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
os.environ.setdefault("DB_POOL_MAX_SIZE", "8")
django.setup(set_prefix=False)
application = CharsetSafeASGIHandler()
