"""Two-factor login in a real browser: an officer sets up an authenticator, logs out, and logs in
with a code; every page is axe-core clean and keeps to the Content-Security-Policy."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.e2e.conftest import assert_no_serious_axe_violations, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_of(key: bytes, steps_ahead: int = 0) -> str:
    """What an authenticator app with `key` shows (or will show that many 30-second steps on)."""
    totp = TOTP(key, step=30, t0=0, digits=6, drift=steps_ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_an_officer_sets_up_two_factor_login_then_logs_in_with_a_code(
    page, live_server, officer, officer_password, settings
):
    settings.OFFICER_TWO_FACTOR = True

    log_in(page, live_server, officer.username, officer_password)
    assert page.get_by_role("heading", name="Set up two-factor login").is_visible()
    assert page.locator("figure svg").is_visible()
    assert_no_serious_axe_violations(page)
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))

    page.get_by_label("Code from your authenticator app").fill("000000" if code_of(key) != "000000" else "111111")
    page.get_by_role("button", name="Confirm and log in").click()
    assert page.get_by_role("alert").is_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_label("Code from your authenticator app").fill(code_of(key))
    page.get_by_role("button", name="Confirm and log in").click()
    assert page.get_by_text("Two-factor login is set up").is_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name=f"Log out {officer.username}").click()
    assert page.get_by_role("link", name="Officer log in").is_visible()

    page.goto(live_server.url + "/constituencies/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(officer_password)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Enter the code from your authenticator app").is_visible()
    assert_no_serious_axe_violations(page)
    # The code of the enrolment is used up; the app's next one (a step on) is accepted.
    page.get_by_label("Code from your authenticator app").fill(code_of(key, steps_ahead=1))
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Your constituencies").is_visible()
    assert_no_serious_axe_violations(page)


def test_the_password_reset_pages_are_accessible(page, live_server, officer):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert page.get_by_role("heading", name="Reset your password").is_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Email").fill(officer.email)
    page.get_by_role("button", name="Email me a link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert_no_serious_axe_violations(page)
    page.goto(live_server.url + "/accounts/reset/MQ/not-a-token/")
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    assert_no_serious_axe_violations(page)
