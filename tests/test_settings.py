"""Settings read from the environment; production refuses the development secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_development_secret_key():
    result = run_check({"DJANGO_SETTINGS_MODULE": "october_quiz.settings.prod", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "production refuses the development key" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_check(
        {
            "DJANGO_SETTINGS_MODULE": "october_quiz.settings.prod",
            "SECRET_KEY": "x" * 20 + "a-real-random-secret-value-1917",
        }
    )
    assert result.returncode == 0, result.stderr


def test_database_url_selects_the_database():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "october_quiz.settings.dev", "DATABASE_URL": "postgres://u@h:5432/d"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "django.db.backends.postgresql"
