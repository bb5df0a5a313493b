"""Every environment variable is parsed strictly: a typo stops start-up with the variable's name,
rather than quietly meaning something else (SECURE_SSL_REDIRECT=ture used to mean off)."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_choice, env_int, env_list, env_site_url, env_text
from tests.test_security import ROOT, production_env


def start_up(**env):
    """`manage.py check` under production settings changed by `env`: (exit status, stderr)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stderr


def test_a_typo_in_a_yes_no_variable_stops_start_up_naming_it():
    status, stderr = start_up(SECURE_SSL_REDIRECT="ture")

    assert status != 0
    assert "ImproperlyConfigured: SECURE_SSL_REDIRECT='ture' is not a yes/no value" in stderr


def test_a_typo_in_a_number_stops_start_up_naming_it():
    status, stderr = start_up(EMAIL_PORT="58 7")

    assert status != 0
    assert "ImproperlyConfigured: EMAIL_PORT='58 7' is not a whole number" in stderr


def test_tls_and_ssl_together_stop_start_up():
    status, stderr = start_up(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")

    assert status != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are both on" in stderr


def test_well_formed_values_start_up():
    status, stderr = start_up(SECURE_SSL_REDIRECT="Yes", EMAIL_PORT="587", LOG_LEVEL="warning", CONN_MAX_AGE="")

    assert status == 0, stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("False", False), ("no", False)],
)
def test_yes_no_words_are_understood_in_any_case(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", not expected) is expected


@pytest.mark.parametrize("value", ["ture", "2", "y", "enabled", "0n"])
def test_anything_else_in_a_yes_no_variable_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH"):
        env_bool("SOME_SWITCH")


def test_unset_or_empty_variables_take_their_defaults(monkeypatch):
    monkeypatch.delenv("SOME_VALUE", raising=False)
    assert env_bool("SOME_VALUE", True) is True
    assert env_int("SOME_VALUE", 25) == 25
    monkeypatch.setenv("SOME_VALUE", "  ")
    assert env_bool("SOME_VALUE", True) is True
    assert env_int("SOME_VALUE", 25) == 25
    assert env_text("SOME_VALUE", "fallback") == "fallback"
    assert env_list("SOME_VALUE", "a, b,,") == ["a", "b"]


@pytest.mark.parametrize("value", ["25a", "1_000", "2.5", "٣", "1e3", "0x19"])
def test_a_number_takes_plain_digits_only(monkeypatch, value):
    monkeypatch.setenv("SOME_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 25)


def test_a_number_below_its_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "0")
    assert env_int("SOME_NUMBER", 25) == 0
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER='0' is too small"):
        env_int("SOME_NUMBER", 25, minimum=1)
    monkeypatch.setenv("SOME_NUMBER", "-3")
    with pytest.raises(ImproperlyConfigured, match="too small"):
        env_int("SOME_NUMBER", 25)


def test_a_choice_must_be_one_of_its_values(monkeypatch):
    monkeypatch.setenv("SOME_LEVEL", "warning")
    assert env_choice("SOME_LEVEL", "INFO", ("INFO", "WARNING")) == "WARNING"
    monkeypatch.setenv("SOME_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured, match="SOME_LEVEL"):
        env_choice("SOME_LEVEL", "INFO", ("INFO", "WARNING"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://ballots.example.org/", "https://ballots.example.org"),
        ("http://127.0.0.1:8100", "http://127.0.0.1:8100"),
    ],
)
def test_a_site_url_loses_its_trailing_slash(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_URL", value)
    assert env_site_url("SOME_URL", "http://127.0.0.1:8000") == expected


@pytest.mark.parametrize(
    "value", ["ballots.example.org", "ftp://ballots.example.org", "https://", "https://x.org:80a", "https://x.org/?a=1"]
)
def test_a_site_url_that_is_not_a_site_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOME_URL", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_URL"):
        env_site_url("SOME_URL", "http://127.0.0.1:8000")


def test_the_officer_account_settings_are_parsed_strictly():
    for env, name in [
        ({"OFFICER_TWO_FACTOR": "ture"}, "OFFICER_TWO_FACTOR"),
        ({"OFFICER_IDLE_MINUTES": "30m"}, "OFFICER_IDLE_MINUTES"),
        ({"OFFICER_IDLE_MINUTES": "0"}, "OFFICER_IDLE_MINUTES"),
        ({"OFFICER_SESSION_HOURS": "twelve"}, "OFFICER_SESSION_HOURS"),
        ({"PASSWORD_RESET_RATE_LIMIT": "5.0"}, "PASSWORD_RESET_RATE_LIMIT"),
    ]:
        status, stderr = start_up(**env)
        assert status != 0 and name in stderr, (env, stderr)


def test_the_officer_account_settings_have_safe_defaults():
    script = (
        "from config import settings as s; "
        "print(s.OFFICER_TWO_FACTOR, s.OFFICER_IDLE_MINUTES, s.SESSION_COOKIE_AGE, s.PASSWORD_RESET_RATE_LIMIT)"
    )
    env = production_env()
    for name in ("OFFICER_TWO_FACTOR", "OFFICER_IDLE_MINUTES", "OFFICER_SESSION_HOURS", "PASSWORD_RESET_RATE_LIMIT"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.stdout.split() == ["True", "30", str(12 * 3600), "5"], result.stderr
