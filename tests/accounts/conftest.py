"""Fixtures of the officer account tests: two-factor login on, an officer with an authenticator."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import OFFICER_PASSWORD


@pytest.fixture
def two_factor_on(settings):
    settings.OFFICER_TWO_FACTOR = True


@pytest.fixture
def device(officer):
    """The officer's confirmed authenticator."""
    return TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)


def code_of(key: bytes, steps_ahead: int = 0) -> str:
    """The six-digit code an app with `key` shows now (or that many 30-second steps later)."""
    totp = TOTP(key, step=30, t0=0, digits=6, drift=steps_ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def password_step(client, user, *, next_url=""):
    data = {"username": user.username, "password": OFFICER_PASSWORD}
    path = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data)
