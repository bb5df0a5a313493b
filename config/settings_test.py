"""Settings for the test suite: production settings with a throwaway key and plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")

from config.settings import *  # noqa: E402,F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Queued work runs at once in unit tests; the tests of the worker itself use the database
# backend and a real worker (tests/ballots/officer/delivery/).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# Most tests sign officers in with the test client; the tests of two-factor login
# (tests/accounts/, tests/e2e/test_two_factor_browser.py) turn it on. Set here rather than in
# the environment, which the tests of `check --deploy` pass on to production settings.
OFFICER_TWO_FACTOR = False
