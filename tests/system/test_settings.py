"""Settings read from the environment; production refuses the development secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


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


def settings_value(expression: str, env: dict) -> str:
    """What `expression` (over django.conf.settings) prints in a fresh process with these environment variables."""
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; print({expression})"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "october_quiz.settings.dev", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


POSTGRES_URL = {"DATABASE_URL": "postgres://u@h:5432/d"}


def test_database_url_selects_the_database():
    assert settings_value("settings.DATABASES['default']['ENGINE']", POSTGRES_URL) == "django.db.backends.postgresql"


def test_postgresql_prepares_statements_unless_a_pooler_needs_them_off():
    options = "sorted(settings.DATABASES['default'].get('OPTIONS', {}).items())"
    assert settings_value(options, POSTGRES_URL) == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    assert settings_value(options, {**POSTGRES_URL, "DB_PREPARED_STATEMENTS": "0"}) == "[]"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_statement_run_often_is_prepared_on_the_server(db):
    from quizzes.attempts import queries

    with connection.cursor() as cursor:
        for _ in range(6):
            queries.set_questions(0)
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('"quizzes_quizsetitem"' in statement for statement in prepared)


def test_no_proxy_is_trusted_unless_the_environment_names_one():
    """Client addresses (login and join-code throttles) come from REMOTE_ADDR unless TRUSTED_PROXY_COUNT says
    how many reverse proxies stand in front, and TRUSTED_PROXY_HEADER which header they append to."""
    expression = "(settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_HEADER)"
    assert settings_value(expression, {}) == "(0, 'X-Forwarded-For')"
    proxied = {"TRUSTED_PROXY_COUNT": "2", "TRUSTED_PROXY_HEADER": "X-Real-IP"}
    assert settings_value(expression, proxied) == "(2, 'X-Real-IP')"


def test_deploy_check_warns_when_production_trusts_no_proxy_for_addresses():
    production = {"DJANGO_SETTINGS_MODULE": "october_quiz.settings.prod", "SECRET_KEY": "k" * 50}

    def deploy_check(env: dict) -> str:
        command = [sys.executable, "manage.py", "check", "--deploy"]
        environment = {**os.environ, **production, **env}
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60).stderr

    assert "quizzes.W001" in deploy_check({"TRUSTED_PROXY_COUNT": "0"})
    assert "quizzes.W001" not in deploy_check({"TRUSTED_PROXY_COUNT": "1"})
