"""Settings, read from the environment with safe defaults.

Every variable is listed, with its default, in the README's configuration section. Each is
parsed strictly: a value that is not what its variable takes (SECURE_SSL_REDIRECT=ture, a
port of "25a") stops start-up with ImproperlyConfigured naming the variable, rather than
quietly meaning something else. An empty value means the default, as an unset one does.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_text(name: str, default: str = "") -> str:
    """The variable's value stripped of surrounding spaces; `default` when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case); anything else stops start-up."""
    value = env_text(name)
    if not value:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {', '.join(sorted(TRUE_WORDS))} "
        f"or {', '.join(sorted(FALSE_WORDS))}."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number of at least `minimum`, in plain ASCII digits; anything else stops start-up."""
    value = env_text(name)
    if not value:
        return default
    # int() would also take "1_000", " 12 " and non-ASCII digits; a setting takes only digits.
    if not re.fullmatch(r"-?[0-9]+", value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.")
    number = int(value)
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is too small: it must be at least {minimum}.")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (any case); anything else stops start-up."""
    value = env_text(name, default).upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; spaces around items and empty items are dropped."""
    return [item.strip() for item in env_text(name, default).split(",") if item.strip()]


def env_site_url(name: str, default: str) -> str:
    """An http(s) address with a host and no query or fragment; a trailing slash is dropped."""
    value = env_text(name, default)
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is not a number, or out of range
        port_ok = False
    if not port_ok or parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a site address such as https://ballots.example.org "
            "(http or https, a host, optionally a port and a path; no query or fragment)."
        )
    return value.rstrip("/")


DEBUG = env_bool("DEBUG", False)

# Keys are taken exactly as given (not stripped): changing a key's bytes would void every code.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Only a development server may run on a known key; production must set its own.
        SECRET_KEY = "development-only-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development).")

# The voting codes' keyed hash uses its own key so that rotating SECRET_KEY (sessions)
# does not invalidate codes already posted to members. Unset, it falls back to SECRET_KEY so
# that development needs nothing; `check --deploy` refuses that (ballots.E003).
VOTING_CODE_KEY = os.environ.get("VOTING_CODE_KEY", "") or SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "members",
    "ballots",
    "accounts",
    "config.apps.ConfigConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language the browser asks for (the language cookie, then Accept-Language); English
    # is the page's language unless a bilingual ballot's page chooses otherwise (ballots/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.EnglishUnlessChosenMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: ends idle and unverified officer sessions (config/middleware.py).
    "config.middleware.OfficerSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ballots.language.page_language",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_text("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite wait for the lock rather than failing at once: the timeout,
    # and transactions that take the write lock when they begin (a transaction that reads first
    # and then writes cannot wait for the lock, and fails at once with "database is locked",
    # as the task worker's did beside the development server).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 20
    options["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_text("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_text("CACHE_KEY_PREFIX"),
        }
    }
else:
    # The database cache is shared by every app server on the same database, so rate
    # limits hold across servers without another service. Its table is made by `migrate`
    # (ballots/migrations/0004_cache_table.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "trigger_ballot_cache",
            "KEY_PREFIX": env_text("CACHE_KEY_PREFIX"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
# Members of a bilingual ballot choose Welsh or English; officer pages stay English (README).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# The project's catalogues: compiled .mo files are committed beside the .po (README, "Welsh").
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_text("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `make run` serve static files straight from the app folders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

EMAIL_BACKEND = env_text("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_text("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_text("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")  # as given: a password may end in a space
# STARTTLS (usually port 587) or implicit TLS (usually 465); `check --deploy` refuses SMTP with neither.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are both on: set only one (TLS for 587, SSL for 465).")
DEFAULT_FROM_EMAIL = env_text("DEFAULT_FROM_EMAIL", "ballots@localhost")
# Seconds a mail server may take over each step before the send gives up (Django's own
# setting): a stalled server then fails that message rather than holding the worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# At most this many voting-code emails a minute from one batch (0: no limit), for mail
# services that refuse or junk bursts.
EMAIL_MESSAGES_PER_MINUTE = env_int("EMAIL_MESSAGES_PER_MINUTE", 0)

# A mail provider through django-anymail (EMAIL_BACKEND=anymail.backends.postmark.EmailBackend,
# say), whose tracking webhook reports bounces and spam complaints
# (ballots/officer/services/code_bounces.py). The webhook is served at anymail/ only when
# ANYMAIL_WEBHOOK_SECRET is set: "user:password", the basic auth the provider is given in the
# webhook's address (https://user:password@host/anymail/postmark/tracking/) and anymail checks.
ANYMAIL_WEBHOOK_SECRET = os.environ.get("ANYMAIL_WEBHOOK_SECRET", "")  # as given, like a password
if ANYMAIL_WEBHOOK_SECRET and not re.fullmatch(r"[^:\s]+:\S+", ANYMAIL_WEBHOOK_SECRET):
    raise ImproperlyConfigured("ANYMAIL_WEBHOOK_SECRET must be user:password (no spaces), the webhook's basic auth.")
ANYMAIL = {"WEBHOOK_SECRET": ANYMAIL_WEBHOOK_SECRET} if ANYMAIL_WEBHOOK_SECRET else {}
# Postmark's server API token (Postmark > Servers > API Tokens), for its anymail backend.
if postmark_token := env_text("POSTMARK_SERVER_TOKEN"):
    ANYMAIL["POSTMARK_SERVER_TOKEN"] = postmark_token
if EMAIL_BACKEND.startswith("anymail.") or ANYMAIL_WEBHOOK_SECRET:
    INSTALLED_APPS.append("anymail")

# Queued work (ballots/tasks/): the database backend by default, needing nothing beyond the
# database and a worker (`make worker`); or RQ on Redis (REDIS_URL, default the local one).
TASKS_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASKS_BACKEND = env_text("TASKS_BACKEND", "database").lower()
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r} is not one of {', '.join(TASKS_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
# The worker (`manage.py task_worker`) writes a heartbeat to the cache every 10 seconds;
# /healthz reports it down when the last is older than this (ballots/tasks/heartbeat.py).
TASK_WORKER_STALE_SECONDS = env_int("TASK_WORKER_STALE_SECONDS", 60, minimum=30)

# The address members' personal voting links point at (no trailing slash). `make run` sets it
# from its HOST and PORT; `check --deploy` refuses one that is not https or is a loopback address.
SITE_URL = env_site_url("SITE_URL", "http://127.0.0.1:8000")

# Per-ward counts below this many votes are withheld on public results pages.
RESULTS_DISCLOSURE_THRESHOLD = env_int("RESULTS_DISCLOSURE_THRESHOLD", 10)

# The largest members or affiliates CSV file an officer may upload, in megabytes (100,000
# members is about 10 MB). A bigger upload is stopped as it arrives and the page says so. The
# other form fields of any request stay under Django's own DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB),
# and an upload above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is received into a temporary file.
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Failed voting attempts (the scheme is explained in ballots/ratelimit.py). Per (client,
# membership number) pair: VOTE_RATE_LIMIT in the window, then refused. Per client: a higher
# limit, since a branch meeting may share one address. Per number: failures only slow it
# (VOTE_RATE_SLOW_SECONDS after its last failure, once it has VOTE_RATE_SLOW_AFTER), and lock
# it only when VOTE_RATE_LOCK_CLIENTS distinct clients have failed on it; at least 2, so no
# single stranger can lock a member out.
VOTE_RATE_LIMIT = env_int("VOTE_RATE_LIMIT", 10, minimum=1)
VOTE_RATE_WINDOW_SECONDS = env_int("VOTE_RATE_WINDOW_SECONDS", 15 * 60, minimum=1)
VOTE_RATE_CLIENT_LIMIT = env_int("VOTE_RATE_CLIENT_LIMIT", 60, minimum=1)
VOTE_RATE_SLOW_AFTER = env_int("VOTE_RATE_SLOW_AFTER", 3, minimum=1)
VOTE_RATE_SLOW_SECONDS = env_int("VOTE_RATE_SLOW_SECONDS", 30, minimum=1)
VOTE_RATE_LOCK_CLIENTS = env_int("VOTE_RATE_LOCK_CLIENTS", 3, minimum=2)
# The key of the HMAC that names rate-limit entries in the cache (so no membership number or
# address can be recovered from a key). Unset: derived from SECRET_KEY in ballots/ratelimit.py;
# changing it only resets the counters.
RATE_LIMIT_KEY = env_text("RATE_LIMIT_KEY")
# How many proxies of our own stand in front of the app (each appends to X-Forwarded-For).
# 0: the client address is REMOTE_ADDR and X-Forwarded-For is ignored (it could be forged).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Failed officer logins allowed per username and per client in the window.
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 10, minimum=1)
LOGIN_RATE_WINDOW_SECONDS = env_int("LOGIN_RATE_WINDOW_SECONDS", 15 * 60, minimum=1)

# Officer accounts (accounts/). With OFFICER_TWO_FACTOR on (the default) every account signs in
# with its password and then a six-digit code from an authenticator app (TOTP, django-otp);
# `check --deploy` refuses it off. The code step has the login's rate limit; django-otp's own
# back-off is off (a throttle factor of 0) so that the project's limiter alone decides, and
# says when to try again.
OFFICER_TWO_FACTOR = env_bool("OFFICER_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "Trigger ballot tool"
OTP_TOTP_THROTTLE_FACTOR = 0
# No administrator is shown an officer's secret or its QR code (accounts/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A signed-in session unused for this many minutes is logged out on its next request (the
# voting pages keep no session and are not affected); a session ends after
# OFFICER_SESSION_HOURS however busy it is.
OFFICER_IDLE_MINUTES = env_int("OFFICER_IDLE_MINUTES", 30, minimum=1)
OFFICER_SESSION_HOURS = env_int("OFFICER_SESSION_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = OFFICER_SESSION_HOURS * 3600
# Password reset (accounts/password_reset.py): requests allowed per client and per email
# address in the window, counted whether or not the address has an account; a reset link
# lasts an hour.
PASSWORD_RESET_RATE_LIMIT = env_int("PASSWORD_RESET_RATE_LIMIT", 5, minimum=1)
PASSWORD_RESET_RATE_WINDOW_SECONDS = env_int("PASSWORD_RESET_RATE_WINDOW_SECONDS", 60 * 60, minimum=1)
PASSWORD_RESET_TIMEOUT = 60 * 60

# Production hardening: on whenever DEBUG is off, each switchable from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
# which Django's CSRF check rightly refuses. No address ever leaves the site in a Referer.
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /healthz over plain HTTP; a redirect to https would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind our own TLS-terminating proxy: trust its X-Forwarded-Proto. `check --deploy` refuses
# this with TRUSTED_PROXY_COUNT=0 (the proxy's address would then count as every client's).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DJANGO_TABLES2_TEMPLATE = "django_tables2/semantic.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
    "loggers": {
        # Request lines can carry query strings; keep them out of the application log.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
