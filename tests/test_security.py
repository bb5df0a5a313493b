"""Production settings pass Django's deploy checks, and every page carries the security headers."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests allow sync ORM calls beside Playwright's loop; production never does.
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SECRET_KEY="a-production-like-secret-key-" + "x7Qp2Lm9" * 6,
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="ballots.example.org",
        # What `check --deploy` requires of a real deployment (config/checks.py).
        SITE_URL="https://ballots.example.org",
        VOTING_CODE_KEY="a-voting-code-key-of-its-own-" + "k3Vw8Rt1" * 6,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_USE_TLS="1",
    )
    for name in (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "WHITENOISE_USE_FINDERS",
        "EMAIL_USE_SSL",
        "BEHIND_PROXY",
        "TRUSTED_PROXY_COUNT",
    ):
        env.pop(name, None)
    env.update(extra)
    return env


def test_check_deploy_reports_nothing_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_emails_would_be_printed_to_the_log():
    env = production_env(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ballots.W001" in result.stderr + result.stdout


def test_settings_refuse_to_start_without_a_secret_key_when_not_debugging():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_friendly_404_that_leaks_nothing(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content
    assert b"urlpatterns" not in response.content


def test_a_form_sent_without_its_csrf_token_gets_the_sites_own_page_in_plain_words(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/vote/", {"membership_number": "L1", "code": "X"})

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert b"start again with your membership number" in response.content
