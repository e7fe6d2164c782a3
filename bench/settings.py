"""Benchmark settings: production settings served over plain HTTP on loopback, with a fast password hasher."""

import os
import secrets
from pathlib import Path

# Production refuses the development key; every gunicorn worker must share one key, so classroom.py passes it.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from october_quiz.settings.prod import *  # noqa: E402, F403
from october_quiz.settings.prod import BASE_DIR, STORAGES  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
# Plain http on 127.0.0.1: no redirect to https, no HSTS, cookies that are sent over http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Only here: thousands of generated students log in at once; production keeps Django's default hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROOT_URLCONF = "bench.urls"

# classroom.py collects static files here (hashed names, as in production); without it, plain storage.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
else:
    STATIC_ROOT = BASE_DIR / "bench" / "out" / "static"
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
