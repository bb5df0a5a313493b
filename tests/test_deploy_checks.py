"""A deployment that cannot half-work: `check --deploy` refuses settings with which the site would
start yet do harm, `migrate` makes the cache table, and `make run` puts its own host and port in
the voting links. /healthz is tested in tests/config/test_healthz.py."""

import importlib.util
import sqlite3
import subprocess
import sys
from importlib import import_module

import pytest
from django.db import connection
from django.test import override_settings

from config import checks
from tests.test_security import ROOT, production_env

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def check_deploy(**env):
    """`manage.py check --deploy` under production settings changed by `env`: (exit status, output)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def error_ids(errors):
    return [error.id for error in errors]


# Each refusal is an Error, so `check --deploy` fails (not only at --fail-level WARNING).


def test_check_deploy_fails_on_a_development_site_url_and_a_missing_voting_code_key():
    status, output = check_deploy(SITE_URL="http://127.0.0.1:8000", VOTING_CODE_KEY="")

    assert status != 0
    for error_id in ("ballots.E001", "ballots.E002", "ballots.E003"):
        assert f"?: ({error_id})" in output
    assert "ERRORS:" in output


def test_check_deploy_fails_on_plain_text_smtp_and_an_uncounted_proxy():
    status, output = check_deploy(EMAIL_USE_TLS="0", BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="0")

    assert status != 0
    assert "?: (ballots.E004)" in output
    assert "?: (ballots.E005)" in output


@pytest.mark.parametrize(
    "site_url",
    ["http://ballots.example.org", "https://127.0.0.1", "https://localhost:8443", "https://[::1]", "https://0.0.0.0"],
)
def test_a_site_url_that_is_not_public_https_is_an_error(site_url):
    with override_settings(SITE_URL=site_url):
        found = error_ids(checks.site_url_is_public_https(None))

    assert found and set(found) <= {"ballots.E001", "ballots.E002"}


def test_a_public_https_site_url_passes():
    with override_settings(SITE_URL="https://ballots.example.org/tb"):
        assert checks.site_url_is_public_https(None) == []


def test_a_voting_code_key_equal_to_the_secret_key_counts_as_missing():
    with override_settings(SECRET_KEY="s" * 50, VOTING_CODE_KEY="s" * 50):
        assert error_ids(checks.voting_code_key_is_its_own(None)) == ["ballots.E003"]
    with override_settings(SECRET_KEY="s" * 50, VOTING_CODE_KEY="v" * 50):
        assert checks.voting_code_key_is_its_own(None) == []


def test_smtp_needs_tls_or_ssl_but_other_backends_do_not():
    with override_settings(EMAIL_BACKEND=SMTP, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False):
        assert error_ids(checks.smtp_is_encrypted(None)) == ["ballots.E004"]
    for tls, ssl in ((True, False), (False, True)):
        with override_settings(EMAIL_BACKEND=SMTP, EMAIL_USE_TLS=tls, EMAIL_USE_SSL=ssl):
            assert checks.smtp_is_encrypted(None) == []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", EMAIL_USE_TLS=False):
        assert checks.smtp_is_encrypted(None) == []


def test_behind_a_proxy_the_proxy_must_be_counted():
    with override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_COUNT=0):
        assert error_ids(checks.proxy_is_counted(None)) == ["ballots.E005"]
    with override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_COUNT=1):
        assert checks.proxy_is_counted(None) == []
    with override_settings(BEHIND_PROXY=False, TRUSTED_PROXY_COUNT=0):
        assert checks.proxy_is_counted(None) == []


def test_counting_proxies_without_being_behind_one_is_a_warning():
    with override_settings(BEHIND_PROXY=False, TRUSTED_PROXY_COUNT=1):
        assert error_ids(checks.proxy_count_has_a_proxy(None)) == ["ballots.W002"]
    with override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_COUNT=1):
        assert checks.proxy_count_has_a_proxy(None) == []
    with override_settings(BEHIND_PROXY=False, TRUSTED_PROXY_COUNT=0):
        assert checks.proxy_count_has_a_proxy(None) == []


def test_the_readme_production_example_passes_the_proxy_checks():
    status, output = check_deploy(BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="1")
    assert status == 0, output
    assert "ballots.E005" not in output and "ballots.W002" not in output


def test_the_access_log_format_has_no_response_size():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.conf.py")
    gunicorn_conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gunicorn_conf)

    log_format = gunicorn_conf.access_log_format
    assert "%(s)s" in log_format  # the format is the one gunicorn uses, with its fields
    assert "%(b)s" not in log_format and "%(B)s" not in log_format
    assert "content-length" not in log_format.lower()


# The cache table comes with migrate


def test_migrate_alone_makes_the_cache_table(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{database}")
    env.pop("REDIS_URL", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "trigger_ballot_cache" in tables


def test_the_cache_table_migration_remakes_a_missing_table(db):
    migration = import_module("ballots.migrations.0004_cache_table")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE trigger_ballot_cache")
    assert "trigger_ballot_cache" not in connection.introspection.table_names()

    migration.cache_table_create(None, type("SchemaEditor", (), {"connection": connection})())

    assert "trigger_ballot_cache" in connection.introspection.table_names()


# make run


def test_make_run_puts_its_host_and_port_in_the_voting_links():
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "HOST=127.0.0.1", "PORT=8100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    runserver = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert runserver and "SITE_URL=http://127.0.0.1:8100 " in runserver[0]
    assert "runserver 127.0.0.1:8100" in runserver[0]


# two-factor login


def test_check_deploy_refuses_officer_logins_without_two_factor():
    status, output = check_deploy(OFFICER_TWO_FACTOR="0")

    assert status != 0
    assert "?: (ballots.E006)" in output


def test_two_factor_on_passes_its_check():
    with override_settings(OFFICER_TWO_FACTOR=True):
        assert checks.officer_two_factor_is_on(None) == []
    with override_settings(OFFICER_TWO_FACTOR=False):
        assert error_ids(checks.officer_two_factor_is_on(None)) == ["ballots.E006"]
