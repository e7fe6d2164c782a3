"""Settings every environment shares, read from the environment where they differ."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[2]

DEVELOPMENT_SECRET_KEY = "dev-only-not-secret-october-quiz"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    # First, so our templates (login, password change) win over the admin's of the same name.
    "quizzes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "quizzes.accounts.middleware.PasswordChangeRequiredMiddleware",
    "quizzes.middleware.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: turns a login it refused into quizzes.accounts.lockout's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "october_quiz.urls"
WSGI_APPLICATION = "october_quiz.wsgi.application"
ASGI_APPLICATION = "october_quiz.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif os.environ.get("DB_PREPARED_STATEMENTS", "1") == "1":
    # PostgreSQL binds parameters on the server and psycopg prepares a statement on a connection's fifth run of it,
    # so the server stops planning the quiz loop's statements anew on every request. Both are Django's own
    # documented OPTIONS; DB_PREPARED_STATEMENTS=0 turns them off for a pooler in transaction mode.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
# An ASGI process (october_quiz/asgi.py sets 8) runs each request's sync code in a thread of its own, so it takes its
# connections from a psycopg pool of this size instead of keeping one per thread; 0 (WSGI) keeps them as above.
DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "0"))
if DB_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DB_POOL_MAX_SIZE}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "quizzes.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes sees every authentication (our login, the admin's, anything that calls authenticate with a
# request) and refuses it before the password is checked once the count below is reached.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Slow the attacker, not the owner: failures count per account *and* address together, so a correct password
# from another address still works, and a class behind one school address is never locked out as a whole.
# Ten failures (Microsoft's baseline for Windows accounts) lock that account from that address for fifteen
# minutes after the last counted failure; refused attempts while locked are not counted again; a success clears
# the count. Counts live in the database (AccessAttempt, visible and deletable in the admin; also
# `manage.py axes_reset_username NAME`), so every app process shares them with or without Redis.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "quizzes.accounts.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "quizzes.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "quizzes.accounts.lockout.login_refused"
# No row per successful login: the user's last_login is kept anyway, and a class logging in at once writes less.
AXES_DISABLE_ACCESS_LOG = True

# The client's address (quizzes.throttle.client_address): with no proxy trusted, REMOTE_ADDR and no header.
# Behind N reverse proxies that each append to X-Forwarded-For (nginx: proxy_add_x_forwarded_for), set
# TRUSTED_PROXY_COUNT=N; the app's port must then be reachable only through them.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "X-Forwarded-For")

# Guessing class codes (quizzes.classroom.services.JoinCodeGuesses): wrong codes at joining count per account and
# per address, wrong codes and taken usernames at signup per address; past a limit joining and signing up answer
# 429, even with a right code, until the window since the first counted refusal has passed. The address limit
# leaves room for a whole class signing up behind one school address.
JOIN_CODE_THROTTLE = {"per_account": 10, "per_address": 100, "window_seconds": 15 * 60}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Redis: the shared cache, and the live sessions' fan-out across processes (quizzes.live.broker); empty for neither.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# No inline scripts anywhere: behaviour lives in static files, so the policy can forbid them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Seconds of grace after a timed attempt's deadline, for answers already on their way.
ATTEMPT_GRACE_SECONDS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# -- Crafted input, shared classroom computers, the demo ----------------------------------------------------------
# Kept together and apart from the rest; the middleware is inserted rather than written into MIDDLEWARE above.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    # Every response to a signed-in user says Cache-Control: no-store, so a shared computer's browser keeps no copy.
    "quizzes.middleware.NoStoreForSignedInMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    # Moves a signed-in user's session expiry forward with use (quizzes/accounts/sessions.py).
    "quizzes.accounts.sessions.SessionLengthMiddleware",
)
MIDDLEWARE.insert(
    # After the middleware that sets the pages' headers (CSP, frames), so our 400 page has them too.
    MIDDLEWARE.index("django_htmx.middleware.HtmxMiddleware") + 1,
    # A request we cannot read faithfully (a charset other than UTF-8, a NUL character) gets our 400 page.
    "quizzes.middleware.UnreadableRequestMiddleware",
)
# A student's sign-in ends when the browser closes and after an hour without a request; a teacher's or an admin's
# after twelve hours without one. Django keeps a session that ends with the browser for SESSION_COOKIE_AGE on the
# server, so that is the student's idle time.
STUDENT_SESSION_IDLE_SECONDS = int(os.environ.get("STUDENT_SESSION_IDLE_SECONDS", 60 * 60))
TEACHER_SESSION_IDLE_SECONDS = int(os.environ.get("TEACHER_SESSION_IDLE_SECONDS", 12 * 60 * 60))
SESSION_COOKIE_AGE = STUDENT_SESSION_IDLE_SECONDS
# manage.py demo creates an administrator whose password the README publishes: production settings refuse it.
DEMO_ALLOWED = True
# A teacher may paste a whole book into the source form (quizzes.sources.ingest: 4,000,000 characters, up to 4 bytes
# each in UTF-8, Russian 2); Django's default of 2.5 MB for a form's fields would refuse it with a bare 400.
# Uploaded files are not counted here (they stream to disk; their own limit is ingest.MAX_UPLOAD_BYTES).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
